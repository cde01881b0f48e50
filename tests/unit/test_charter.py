"""The charter's rules and blocks, pure: validation, which sections changed, and messages that fit Slack's
limits with every typed character escaped once."""

import json
from datetime import datetime, timezone

import pytest

from bot.blocks.charter import charter_blocks, charter_modal, history_blocks, home_summary, status_line
from bot.services.charter import Change, CharterForm, changed_sections, validate_charter
from bot.services.errors import FieldErrors
from storage.charter_models import Charter
from storage.models import Program

AT = datetime(2026, 12, 1, 17, tzinfo=timezone.utc)


def program(**kw):
    return Program(id=1, team_id="T", channel_id="C1", name=kw.get("name", "Apollo & co"), leads=["U1"],
                   escalation_channel_id="C1", timezone="Europe/Berlin", created_by="U1")


def charter(version=1, **sections):
    return Charter(id=version, program_id=1, version=version, author_id="U1", at=AT, **sections)


def test_validation_tidies_refuses_empty_and_too_long():
    clean = validate_charter(CharterForm(scope="  line one  \r\n  indented\n\n", goals="\n\ngoal"))
    assert clean.scope == "  line one\n  indented" and clean.goals == "goal"
    with pytest.raises(FieldErrors) as empty:
        validate_charter(CharterForm(scope=" \n ", goals="\u00a0"))
    assert set(empty.value.errors) == {"scope"}
    with pytest.raises(FieldErrors) as long:
        validate_charter(CharterForm(scope="ok", deliverables="x" * 2001, success_measures="y" * 2001))
    assert set(long.value.errors) == {"deliverables", "success_measures"}
    assert validate_charter(CharterForm(scope="x" * 2000)).scope == "x" * 2000


def test_changed_sections_names_what_differs():
    v1 = charter(scope="a", goals="b")
    assert changed_sections(None, v1) == ("Scope", "Goals")
    assert changed_sections(v1, CharterForm(scope="a", goals="c", out_of_scope="d")) == ("Goals", "Out of scope")
    assert changed_sections(v1, CharterForm(scope="a", goals="b")) == ()


def test_the_charter_message_escapes_once_and_fits_every_section():
    worst = "&<>" * 700  # 2,100 typed characters, five times longer escaped
    blocks = charter_blocks(charter(scope=worst[:2000], goals="<!channel> now", deliverables="<@U2> owns it"),
                            program())
    texts = [b["text"]["text"] for b in blocks if b["type"] == "section"]
    assert all(len(t) <= 3000 for t in texts) and texts[0].endswith("…")
    assert "&lt;!channel&gt; now" in texts[1] and "<!channel>" not in json.dumps(blocks)
    assert "<@U2> owns it" in texts[2]
    assert blocks[0]["text"]["text"] == "Charter · Apollo & co"  # a header is plain text: not escaped
    assert "_not set_" in texts[3]
    assert "has no charter yet" in charter_blocks(None, program())[1]["text"]["text"]


def test_modal_prefills_and_says_who_may_save():
    view = charter_modal(program(), CharterForm(scope="s" * 2500, goals="g"), "{}", may_edit=False,
                         charter=charter(scope="s"))
    inputs = [b for b in view["blocks"] if b["type"] == "input"]
    assert len(inputs) == 5 and all(b["optional"] and b["element"]["multiline"] for b in inputs)
    assert len(inputs[0]["element"]["initial_value"]) == 2000 and inputs[1]["element"]["initial_value"] == "g"
    assert "Only the program's leads can save changes." in json.dumps(view)
    assert "leads can save" not in json.dumps(charter_modal(program(), CharterForm(), "{}", may_edit=True))


def test_home_summary_clips_scope_and_goals_and_status_line_links():
    text = home_summary(charter(scope="word " * 100, goals="<!here> go"), program())
    scope_line = [line for line in text.split("\n") if line.startswith("*Scope:*")][0]
    assert len(scope_line) <= len("*Scope:* ") + 160 and scope_line.endswith("…")
    assert "&lt;!here&gt; go" in text and "Charter of Apollo &amp; co" in text
    assert status_line(charter(), "Europe/Berlin").startswith(":scroll: Charter: updated <!date^")


def test_history_lists_newest_first_and_stops_short_of_the_limit():
    changes = [Change(n, "U1", AT, ("Scope", "Goals")) for n in range(300, 0, -1)]
    [section, _] = history_blocks(program(), changes, 300)
    text = section["text"]["text"]
    assert len(text) <= 3000 and "(300 versions)" in text and "…and 270 earlier" in text
    assert text.index("*v300*") < text.index("*v299*")
