"""Text out, once: every piece of user text in the agenda, status report, App Home, settings and stand-up
blocks is escaped exactly once, clipped before it is escaped (never `…a&am`), user mentions live and special
mentions never, and every text still fits Slack's limits."""

from __future__ import annotations

import json
import re
from datetime import datetime, timedelta, timezone

from bot.blocks.agendas import build_agenda, agenda_text
from bot.blocks.home import build_home
from bot.blocks.programs import build_bound_notice, build_settings, settings_text
from bot.blocks.standups import build_digest, build_prompt, digest_text
from bot.blocks.status_report import build_status_report, report_text
from bot.services.agendas import AgendaContent, DueLine
from bot.services.standups import RunState
from bot.services.status_report import RiskTrend, StatusReport
from storage.models import Program
from storage.raid_models import Item
from storage.standup_models import StandupAnswer, StandupRun

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=timezone.utc)
EVIL = "R&D <!here> <!channel> <@U0DIETER|dieter> <https://evil.example|click> a&b"
LONG = "a&b " * 1200  # 4,800 characters: escaped, far over every limit
BROKEN_ENTITY = re.compile(r"&(?!amp;|lt;|gt;)")
SPECIAL = ("<!here>", "<!channel>", "<!everyone>", "<!subteam^", "<https://evil")


def program() -> Program:
    return Program(id=1, team_id="T1", channel_id="C1", name="Apollo <launch> & <!here>", leads=["U1"],
                   escalation_channel_id="C2", timezone="Europe/Berlin", working_days=[0, 1, 2, 3, 4],
                   holiday_region=None, settings={}, created_by="U1", created_at=NOW, updated_at=NOW)


def item(number: int, title: str, kind: str = "blocker") -> Item:
    return Item(id=number, program_id=1, kind=kind, number=number, title=title, owner_id="U1", reporter_id="U1",
                severity="high" if kind == "blocker" else None, probability=None if kind == "blocker" else 4,
                impact=None if kind == "blocker" else 5, created_at=NOW - timedelta(days=3),
                updated_at=NOW, status="open")


def mrkdwn_texts(blocks) -> list[str]:
    """Every mrkdwn text in the blocks (section text and fields, context elements)."""
    found = []

    def walk(node):
        if isinstance(node, dict):
            if node.get("type") == "mrkdwn":
                found.append(node.get("text", ""))
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(blocks)
    return found


def assert_escaped_once(texts: list[str], limit: int = 3000) -> None:
    assert texts
    for text in texts:
        assert len(text) <= limit
        assert not BROKEN_ENTITY.search(text), f"a cut or unescaped entity in {text[-80:]!r}"
        assert "&amp;amp;" not in text and "&amp;lt;" not in text
        for special in SPECIAL:
            assert special not in text


def test_agenda_escapes_each_text_once_and_clips_before_escaping():
    actions = [Item(id=n, program_id=1, kind="action", number=n, key=f"A-{n}", title=LONG[:500] if n == 1 else EVIL,
                    owner_id="U1", reporter_id="U1", due_at=NOW + timedelta(days=1), created_at=NOW, updated_at=NOW)
               for n in (1, 2)]
    content = AgendaContent(
        program_name="Apollo <launch> & <!here>", meeting_name="Weekly & <!channel>", occurs_at=NOW, timezone="UTC",
        now=NOW, blockers=[item(1, EVIL), item(2, LONG[:500])], risks=[item(3, EVIL, "risk")], open_risks=1,
        due=[DueLine("B-1", LONG, "U1", NOW + timedelta(days=1), "due")], last_actions=actions, actions=actions,
        decisions=[Item(id=9, program_id=1, kind="decision", number=1, key="DEC-1", title=LONG[:500], owner_id="U1",
                        reporter_id="U1", status="decided", details={"deciders": ["U1"]}, created_at=NOW,
                        updated_at=NOW)])
    blocks = build_agenda(content)
    texts = mrkdwn_texts(blocks)
    assert_escaped_once(texts)
    joined = "\n".join(texts)
    assert "R&amp;D &lt;!here&gt; &lt;!channel&gt; <@U0DIETER> &lt;https://evil.example|click&gt; a&amp;b" in joined
    assert "*Apollo &lt;launch&gt; &amp; &lt;!here&gt;*" in joined
    text = agenda_text(content)
    assert "Weekly &amp; &lt;!channel&gt;" in text and "<!channel>" not in text


def test_status_report_escapes_titles_highlights_and_names_once():
    report = StatusReport(
        program=program(), now=NOW, rag="red", reasons=["1 critical blocker(s) open: B-1"], open_blockers=[item(1, EVIL)],
        open_risks=1, past_sla_ids={1}, ageing_blockers=[item(1, EVIL), item(2, LONG[:500])],
        new_items=[item(n, LONG[:500]) for n in range(1, 12)], closed_items=[item(4, EVIL)],
        top_risks=[RiskTrend(item(3, EVIL, "risk"), 12)], highlights=[("U1", LONG), ("U2", EVIL)],
        participation=0.5, blocker_mttr_hours=3.0, risk_exposure=20, risk_exposure_week_ago=12)
    blocks = build_status_report(report)
    assert_escaped_once(mrkdwn_texts(blocks))
    assert "<@U0DIETER>" in json.dumps(blocks)
    assert report_text(report) == "Status of Apollo &lt;launch&gt; &amp; &lt;!here&gt;: RED"


def test_home_and_settings_escape_names_and_titles_once():
    home = build_home("U1", [program()], rags={1: ("amber", [EVIL])}, owned=[(item(1, EVIL), program())], now=NOW)
    assert_escaped_once(mrkdwn_texts(home["blocks"]))
    settings = build_settings(program())
    assert_escaped_once(mrkdwn_texts(settings))
    assert "Apollo &lt;launch&gt; &amp; &lt;!here&gt;" in json.dumps(settings)
    assert settings_text(program()) == "Settings of Apollo &lt;launch&gt; &amp; &lt;!here&gt;"
    assert "<!here>" not in build_bound_notice(program())


def test_digest_and_prompt_escape_answers_once_with_mentions_live():
    run = StandupRun(id=1, program_id=1, day="2026-12-01", roster=["U1", "U2"])
    answers = {"U1": StandupAnswer(id=1, run_id=1, user_id="U1", yesterday=EVIL, today=LONG[:3000], blockers="none",
                                   source="command", answered_at=NOW),
               "U2": StandupAnswer(id=2, run_id=1, user_id="U2", yesterday="", today="Q&A", blockers="",
                                   source="command", answered_at=NOW)}
    state = RunState(run=run, answers=answers, away=set())
    blocks = build_digest("Apollo & co", "Tue 1 Dec", state)
    texts = mrkdwn_texts(blocks)
    assert_escaped_once(texts)
    first = next(t for t in texts if t.startswith("<@U1>"))
    assert "*Yesterday:* R&amp;D &lt;!here&gt; &lt;!channel&gt; <@U0DIETER> &lt;https://evil.example|click&gt; a&amp;b" in first
    assert first.endswith("…\n*Blockers:* none")  # only the long section is clipped
    assert "*Today:* Q&amp;A" in next(t for t in texts if t.startswith("<@U2>"))
    assert digest_text("Apollo <!here> & co", "Tue 1 Dec") == "Stand-up digest for Apollo &lt;!here&gt; &amp; co, Tue 1 Dec"
    prompt = build_prompt("Apollo & <!channel>", ["What & why?", LONG], 1, thread=False)
    assert_escaped_once(mrkdwn_texts(prompt))
