"""Every builder renders through slack_sdk.models and stays within Slack's limits."""

from datetime import datetime, timezone

from sandbox.blockkit import validate_message, validate_view

from bot.blocks.help import HelpLine, HelpSection, build_command_help, build_help
from bot.blocks.home import build_home
from bot.blocks.programs import build_settings, build_setup_modal
from bot.blocks.text import clip
from bot.services.programs import setup_form_of
from handlers.commands import help_sections
from storage.models import Program

NOW = datetime(2026, 12, 1, tzinfo=timezone.utc)


def program(**changes) -> Program:
    values = dict(id=1, team_id="T1", channel_id="C1", name="Apollo <launch> & co", leads=["U1", "U2"],
                  escalation_channel_id="C2", timezone="Asia/Tokyo", working_days=[0, 1, 2, 3, 4],
                  holiday_region="JP", settings={}, created_by="U1", created_at=NOW, updated_at=NOW)
    values.update(changes)
    return Program(**values)


def test_help_renders_and_fits():
    blocks = build_help(help_sections())
    assert validate_message(blocks, "help") == []
    assert blocks[0]["type"] == "header"


def test_huge_help_section_is_clipped_not_rejected():
    section = HelpSection("/x", "x", tuple(HelpLine(f"/x {i}" * 20, "y" * 200) for i in range(100)))
    blocks = build_command_help(section, problem="nope")
    assert validate_message(blocks, "x") == []
    assert blocks[-1]["text"]["text"].endswith("…and 90 more: `/x help`")  # whole rows, then a count


def test_settings_escape_program_names():
    blocks = build_settings(program())
    assert validate_message(blocks, "settings") == []
    assert "Apollo &lt;launch&gt; &amp; co" in str(blocks)


def test_setup_modal_is_valid_and_prefilled():
    p = program(name="n" * 80, leads=[f"U{i}" for i in range(150)])
    view = build_setup_modal(p, setup_form_of(p), '{"program_id": 1}')
    assert validate_view(view) == []
    assert len(view["title"]["text"]) <= 24
    by_block = {b.get("block_id"): b for b in view["blocks"]}
    assert by_block["tpm.setup.timezone"]["element"]["initial_value"] == "Asia/Tokyo"
    assert len(by_block["tpm.setup.leads"]["element"]["initial_users"]) == 100


def test_home_lists_programs_and_caps_them():
    view = build_home("U1", [program(id=i, name=f"P{i}") for i in range(60)])
    assert validate_view(view) == []
    assert "…and 20 more." in str(view)
    empty = build_home("U1", [])
    assert "You lead no program yet" in str(empty)


def test_clip():
    assert clip("abcdef", 4) == "abc…"
    assert clip("abc", 4) == "abc"
