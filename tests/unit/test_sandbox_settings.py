"""`tpmbot run` without credentials: the bot's database starts fresh with the in-memory workspace, unless
DATABASE_URL names one."""

from bot.config import Settings
from bot.local import SANDBOX_DATABASE_URL, sandbox_settings


def test_the_default_database_becomes_a_fresh_sandbox_file(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "sandbox.db").write_text("old run")
    (tmp_path / "data" / "tpmbot.db").write_text("keep")
    local, line = sandbox_settings(Settings(_env_file=None))
    assert local.database_url == SANDBOX_DATABASE_URL and "fresh each run" in line
    assert not (tmp_path / "data" / "sandbox.db").exists() and (tmp_path / "data" / "tpmbot.db").exists()


def test_a_named_database_is_kept(tmp_path):
    url = f"sqlite:///{tmp_path / 'mine.db'}"
    (tmp_path / "mine.db").write_text("keep")
    local, line = sandbox_settings(Settings(_env_file=None, database_url=url))
    assert local.database_url == url and "from DATABASE_URL" in line and (tmp_path / "mine.db").exists()
