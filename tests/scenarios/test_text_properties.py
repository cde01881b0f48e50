"""Properties of text in and out, over random text full of Slack's control characters: what is stored is what
was typed, and nothing a person typed ever reaches a channel as a live `<!channel>`, `<!here>`, `<!everyone>`
or `<!subteam^…>` (the sandbox never sends those as real mentions, so any in a posted message is a leak)."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, assume, given, settings, strategies as st
from sqlmodel import select

from bot.blocks.text import mrkdwn, unescape
from bot.services.errors import UserError
from bot.services.standups import parse_update
from sandbox.escaping import escape_typed
from storage.raid_models import Item
from tests.scenarios.test_standups import answers, setup

SPECIAL = ("<!channel>", "<!here>", "<!everyone>", "<!subteam^")
FRAGMENTS = ["<!channel>", "<!here>", "<!everyone>", "<!subteam^S0OPS|@ops>", "&", "<", ">", "&amp;", "&lt;", "&gt;",
             "&amp;lt;", "&amp;amp;", "<@U123|x>", "<@U0DIETER|dieter>", "<#C0APOLLO|program-apollo>",
             "<https://evil.example|click me>", "<mailto:a@b.test>", "R&D", "Q&A", " ", "*", "_", "~", "`", "漢字"]


def _long(piece: str) -> str:
    piece = piece or "&<"
    # Whole pieces only, up to 4,000 characters: a cut could split a mention token (`<!subteam^S1|@o`),
    # which Slack never sends.
    return piece * max(1, 4000 // len(piece))


def texts(alphabet: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    part = st.sampled_from(FRAGMENTS) | st.text(alphabet, max_size=8)
    joined = st.lists(part, max_size=12).map("".join)
    return joined | joined.map(_long)


ANY_TEXT = texts(st.characters(blacklist_categories=("Cs",)))
# What can be typed in one slash command: no NUL or other control characters (dropped or refused on the way).
TYPED = texts(st.characters(blacklist_categories=("Cs", "Cc")))
E2E = settings(max_examples=25, deadline=None,
               suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


@given(ANY_TEXT)
@settings(max_examples=300)
def test_what_the_bot_unescapes_is_what_was_typed(typed):
    assert unescape(escape_typed(typed)) == typed


def posted(sandbox, responses) -> list[str]:
    calls = [call.args for method in ("chat.postMessage", "chat.update", "chat.postEphemeral", "views.open",
                                      "views.update", "views.publish") for call in sandbox.calls_to(method)]
    return [json.dumps(call, ensure_ascii=False) for call in calls] + [r.body for r in responses]


def assert_no_special_mention(texts: list[str]) -> None:
    for text in texts:
        for special in SPECIAL:
            assert special not in text, f"{special} posted live in {text[:300]}"


@pytest.fixture
def standups(slack, bot, workspace):
    view, values = setup(slack, bot, workspace)
    slack.view_submission(view, values, user="U0ALICE")
    bot.wait_idle()


@given(TYPED)
@E2E
def test_a_standup_answer_is_stored_as_typed_and_never_broadcasts(slack, bot, deps, sandbox, standups, typed):
    # What the bot stores had it heard the typed text itself: the stand-up grammar joins runs of spaces, and a
    # `;` (as in a typed "&amp;") may end a section; escaping on the way must change nothing of that.
    try:
        update = parse_update("t: " + typed)
    except UserError:
        assume(False)
    expected = update.today
    if ";" not in typed:
        assert expected == " ".join(typed.split())
    sandbox.clear_calls()
    responses = [slack.command("/standup", "t: " + typed, user="U0ALICE", channel="C0APOLLO")]
    bot.wait_idle()
    responses.append(slack.command("/digest", "", user="U0ALICE", channel="C0APOLLO"))
    bot.wait_idle()
    [answer] = [a for a in answers(deps) if a.user_id == "U0ALICE"]
    assert (answer.yesterday, answer.today, answer.blockers) == (
        update.yesterday[:3000], expected[:3000], update.blockers[:3000])  # answers keep 3,000 characters
    out = posted(sandbox, responses)
    assert_no_special_mention(out)
    digest = [call.args for method in ("chat.postMessage", "chat.update") for call in sandbox.calls_to(method)][-1]
    [section] = [b["text"]["text"] for b in digest["blocks"]
                 if b["type"] == "section" and b["text"]["text"].startswith("<@U0ALICE>")]
    assert len(section) <= 3000
    if len(expected) < 500 and not (update.yesterday or update.blockers):
        assert "*Today:* " + mrkdwn(expected) in section


@given(TYPED.filter(lambda t: not any(w in t.lower() for w in ("due", "sev", "severity", "<@"))))
@E2E
def test_a_blocker_is_stored_as_typed_and_never_broadcasts(slack, bot, deps, sandbox, workspace, typed):
    expected = " ".join(("keys " + typed).split())
    sandbox.clear_calls()
    with deps.session() as session:
        before = len(session.exec(select(Item)).all())
    responses = [slack.command("/blocker", "keys " + typed, user="U0ALICE", channel="C0APOLLO")]
    bot.wait_idle()
    with deps.session() as session:
        items = session.exec(select(Item).order_by(Item.id)).all()
    if len(expected) <= 500:
        assert len(items) == before + 1 and items[-1].title == expected
    else:  # too long: refused, nothing stored
        assert len(items) == before
        assert "Keep the text to 500 characters" in workspace.ephemerals(user="U0ALICE")[-1]["text"]
    assert_no_special_mention(posted(sandbox, responses) + [json.dumps(e, ensure_ascii=False)
                                                            for e in workspace.ephemerals(user="U0ALICE")])
