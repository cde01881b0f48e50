"""`tpmbot run` (no credentials) when the sandbox's port is taken, say by a sandbox already running from
the same checkout: nothing is deleted before the port is ours; a port asked for and taken is a one-line
message and exit code 2; with no port asked for, the next free one is used and said."""

import socket
import threading

import pytest

import bot.local
from bot import cli
from bot.config import Settings
from bot.local import run_sandbox


@pytest.fixture
def taken_port():
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        yield listener.getsockname()[1]


@pytest.fixture
def running_sandbox_db(tmp_path, monkeypatch, taken_port):
    """A sandbox "running" on the default port (here: the taken one), with its database in the cwd."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(bot.local, "SANDBOX_PORT", taken_port)
    for name in ("SLACK_BOT_TOKEN", "SLACK_APP_TOKEN", "SLACK_SIGNING_SECRET", "DATABASE_URL"):
        monkeypatch.delenv(name, raising=False)
    (tmp_path / "data").mkdir()
    db = tmp_path / "data" / "sandbox.db"
    db.write_bytes(b"the running sandbox's items")
    return db


def test_a_port_asked_for_and_taken_is_one_line_and_exit_2(running_sandbox_db, taken_port, capsys):
    assert cli.main(["run", "--port", str(taken_port)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith(f"tpmbot: port {taken_port} is in use: run `tpmbot run --port ")
    assert "\n" not in err and "Traceback" not in err
    suggested = int(err.rsplit("--port ", 1)[1].rstrip("`"))
    assert suggested != taken_port
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", suggested))  # the port it suggests is free
    assert running_sandbox_db.read_bytes() == b"the running sandbox's items"


def test_with_no_port_asked_for_the_next_free_one_is_used(running_sandbox_db, taken_port, capsys):
    stop = threading.Event()
    stop.set()  # start, print, stop
    run_sandbox(Settings(_env_file=None), stop=stop)
    out = capsys.readouterr().out
    first = out.splitlines()[0]
    assert first.startswith(f"port {taken_port} is in use (another sandbox?): this one is on port ")
    port = int(first.rsplit(" ", 1)[1])
    assert port != taken_port and f"http://127.0.0.1:{port}" in out
    assert f"data/sandbox-{port}.db" in out
    assert running_sandbox_db.read_bytes() == b"the running sandbox's items"
    assert (running_sandbox_db.parent / f"sandbox-{port}.db").exists()
