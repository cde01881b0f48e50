"""The portfolio's pure rules: who may see a program, what a digest may list, the sort orders, the digest's
schedule words, and lines that fit Slack's limits however many programs."""

from datetime import datetime, timedelta, timezone

import pytest

from bot.blocks.portfolio import build_portfolio, home_portfolio, portfolio_line
from bot.services.errors import UserError
from bot.services.portfolio import (
    ChannelFacts, PortfolioLine, in_digest, parse_digest, parse_sort, sort_lines, visible_to,
)
from storage.models import Program
from storage.raid_models import Item

NOW = datetime(2026, 12, 7, 17, 0, tzinfo=timezone.utc)


def program(n: int, name: str | None = None, channel: str | None = None) -> Program:
    return Program(id=n, team_id="T", channel_id=channel or f"C{n}", name=name or f"p{n}", leads=["U0"],
                   escalation_channel_id="C0", timezone="Europe/Berlin", created_by="U0")


def public(channel: str, checked: datetime = NOW) -> ChannelFacts:
    return ChannelFacts(channel, known=True, visible=True, is_private=False, checked_at=checked)


def private(channel: str, *members: str, checked: datetime = NOW) -> ChannelFacts:
    return ChannelFacts(channel, known=True, visible=True, is_private=True, members=frozenset(members), checked_at=checked)


def test_a_private_program_is_seen_by_its_members_only_and_an_unchecked_one_by_nobody():
    p = program(1)
    assert visible_to("U9", p, public("C1"))
    assert visible_to("U1", p, private("C1", "U1")) and not visible_to("U9", p, private("C1", "U1"))
    assert not visible_to("U1", p, ChannelFacts("C1")) and not visible_to("U1", p, None)
    gone = ChannelFacts("C1", known=True, visible=False, is_private=True, checked_at=NOW)
    assert not visible_to("U1", p, gone)


def test_a_digest_lists_a_private_program_only_when_every_reader_is_a_member():
    p = program(1)
    home = private("C1", "U1", "U2", "B0")
    assert in_digest(program(2), public("C2"), public("CPUB"), NOW)  # a public program: anywhere
    assert not in_digest(p, home, public("CPUB"), NOW)  # a public channel: never a private program
    assert in_digest(p, home, private("CD", "U1", "B0"), NOW)  # all of the digest's readers are members
    assert not in_digest(p, home, private("CD", "U1", "U3", "B0"), NOW)  # U3 is not
    assert in_digest(p, home, private("C1", "U1", "U2", "B0"), NOW)  # its own channel
    stale = NOW - timedelta(hours=2)
    assert not in_digest(p, private("C1", "U1", "U2", "B0", checked=stale), private("CD", "U1"), NOW)
    assert not in_digest(p, home, private("CD", "U1", checked=stale), NOW)
    assert not in_digest(program(2), public("C2", checked=stale), public("CPUB"), NOW)  # not checked lately
    assert not in_digest(p, home, None, NOW) and not in_digest(p, None, private("CD", "U1"), NOW)


def line(n: int, rag: str, name: str, critical: int = 0, due: datetime | None = None) -> PortfolioLine:
    milestone = None if due is None else Item(id=n, program_id=n, kind="milestone", number=1, key="M-1", title="m",
                                              owner_id="U0", reporter_id="U0", due_at=due, details={})
    items = [Item(id=100 + i, program_id=n, kind="blocker", number=i + 1, key=f"B-{i + 1}", title="x", owner_id="U0",
                  reporter_id="U0", severity="critical") for i in range(critical)]
    return PortfolioLine(program(n, name), rag, [], milestone, None, 0, items, None)


def test_sorting_red_first_by_name_and_by_next_milestone():
    lines = [line(1, "green", "alpha"), line(2, "red", "zulu", 1), line(3, "amber", "beta", due=NOW),
             line(4, "red", "mike", 3, due=NOW + timedelta(days=1))]
    assert [l.program.name for l in sort_lines(lines)] == ["mike", "zulu", "beta", "alpha"]  # more critical first
    assert [l.program.name for l in sort_lines(lines, "name")] == ["alpha", "beta", "mike", "zulu"]
    assert [l.program.name for l in sort_lines(lines, "next")] == ["beta", "mike", "alpha", "zulu"]
    assert parse_sort("") == "rag" and parse_sort(" NAME ") == "name"
    with pytest.raises(UserError) as refused:
        parse_sort("loudest")
    assert refused.value.example == "/tpm portfolio rag"


def test_digest_words():
    on = parse_digest("<#C0GENERAL|general>")
    assert (on.enabled, on.day, on.time, on.channel) == (True, 0, "09:00", "C0GENERAL")
    later = parse_digest("fri 7:30 <#C0LEAD>")
    assert (later.day, later.time, later.channel) == (4, "07:30", "C0LEAD")
    assert parse_digest("off").enabled is False
    for bad in ("", "mon 09:00", "<#C0GENERAL> someday", "<#C0GENERAL> 25:00"):
        with pytest.raises(UserError):
            parse_digest(bad)


def test_five_hundred_programs_fit_a_message_and_app_home_stays_compact():
    lines = [line(n, "red", "<!channel> " + "x" * 150, 9, due=NOW) for n in range(500)]
    blocks = build_portfolio(lines)
    assert len(blocks) <= 50
    assert all(len(b["text"]["text"]) <= 3000 for b in blocks if b["type"] == "section")
    assert blocks[-2]["elements"][0]["text"] == "…and 400 more."
    text = portfolio_line(lines[0])
    assert "<!channel>" not in text and "&lt;!channel&gt;" in text and "9 critical open: B-1, B-2, B-3, B-4, B-5 +4" in text
    home = home_portfolio(lines)
    assert len(home) <= 6 and home[-1]["elements"][0]["text"] == "…and 490 more: `/tpm portfolio` lists them all."
    assert home_portfolio([]) == []
