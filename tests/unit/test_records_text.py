"""Plain text in, escaped mrkdwn out: clipped before escaping, mentions live, special mentions never."""

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.blocks.text import mrkdwn, unescape
from bot.records import grammar
from bot.records.kinds import action, blocker, decision, risk
from bot.services.errors import UserError

import pytest
from datetime import datetime, timezone

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=timezone.utc)
PIECES = st.sampled_from(["<!channel>", "<!here>", "<!everyone>", "<!subteam^S123>", "&", "<", ">", "&amp;",
                          "&lt;", "<@U0BOB|bob>", "<@U0DIETER>", "<#C0APOLLO|apollo>", "<https://evil.example|click>",
                          "R&D", "a", " ", "é", "漢"])
TEXTS = st.lists(st.one_of(PIECES, st.text(max_size=20)), max_size=60).map("".join)
ENTITY_OR_TAG = re.compile(r"&(amp|lt|gt);|<@[UW][A-Z0-9]+>|<#C[A-Z0-9]+>")


@settings(max_examples=300, deadline=None)
@given(TEXTS, st.integers(min_value=2, max_value=4000))
def test_mrkdwn_fits_and_never_carries_a_special_mention_or_a_broken_entity(text, limit):
    out = mrkdwn(text, limit)
    assert len(out) <= limit
    rest = ENTITY_OR_TAG.sub("", out)
    assert "<" not in rest and ">" not in rest and "&" not in rest  # every <, > and & is ours: escaped or a mention
    assert "<!" not in out


@settings(max_examples=200, deadline=None)
@given(TEXTS)
def test_unescaping_what_slack_escapes_gives_back_what_was_typed(text):
    slack_escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    assert unescape(slack_escaped) == text


def test_a_long_title_is_clipped_before_escaping():
    out = mrkdwn("a&" * 3000, 3000)
    assert out.endswith("…") and not out.endswith("&am…") and len(out) <= 3000
    assert mrkdwn("Deploy <!here> & <https://evil.example|click me> now", 3000) == \
        "Deploy &lt;!here&gt; &amp; &lt;https://evil.example|click me&gt; now"


@pytest.mark.parametrize("parse,text,problem", [
    (risk.parse, "vendor slips p:²", "out of range"),  # isdigit() accepts ², int() does not
    (risk.parse, "vendor slips i:٣", "out of range"),
    (blocker.parse, "\u200b\u200d\ufeff", "text is empty"),
    (action.parse, "  \u2060 ", "text is empty"),
    (risk.parse, "vendor slips mitigation: " + "x" * 2001, "2000 characters"),
    (decision.parse, "go with Okta why: " + "y" * 2001, "2000 characters"),
    (blocker.parse, "t" * 501, "500 characters"),
    (action.parse, "send the plan @nobody", "`@nobody` isn't someone"),
    (decision.parse_pending, "which vendor?", "needs who decides it and by when"),
])
def test_bad_input_is_refused_with_what_was_wrong(parse, text, problem):
    with pytest.raises(UserError) as refused:
        parse(text, "UTC", NOW)
    assert problem in refused.value.problem and refused.value.example


def test_the_owner_leaves_the_title_and_keys_read_per_kind():
    draft = blocker.parse("waiting on keys from <@U0DANA|dana> sev:high", "UTC", NOW)
    assert (draft.title, draft.owner_id, draft.values["severity"]) == ("waiting on keys", "U0DANA", "high")
    assert grammar.parse_key("dec-12", "DEC", "decision", "/decision show DEC-1") == 12
    with pytest.raises(UserError):
        grammar.parse_key("B-12", "DEC", "decision", "/decision show DEC-1")
