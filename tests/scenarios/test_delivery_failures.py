"""Scheduled sends that can never succeed: a deleted channel, the bot removed from one, an archived one,
a person who left. Each fails once for good, the program's leads hear of it once, the rest runs on."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from sqlmodel import select

from scheduled.tick import run_due
from storage.engine import session_scope
from storage.models import OutboundMessage
from storage.programs import upsert_member
from tests.scenarios.delivery_support import TEAM, seed_program

UTC = timezone.utc
T = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)  # every program's stand-up prompt time (UTC)


def bot_texts(workspace, channel):
    return [m["text"] for m in workspace.messages(channel) if m.get("bot_id")]


def test_unreachable_channels_and_people_fail_once_and_the_leads_are_told_once(bot, deps, engine, workspace,
                                                                                 sandbox, clock):
    workspace.add_channel("C0ARCH", "archived-program")
    workspace.archive_channel("C0ARCH")
    workspace.add_channel("C0KICK", "kicked-program")
    workspace.remove_bot_from("C0KICK")
    workspace.add_channel("C0DMS", "dm-program")
    for user in ("U0PRIYA", "U0KENJI"):
        workspace.users[user]["tz"] = "UTC"
    workspace.deactivate_user("U0PRIYA")  # Priya leaves; Slack would still accept a DM to her
    seed_program(engine, "C0APOLLO", now=T)
    seed_program(engine, "C0ARCH", now=T, leads=("U0BOB", "U0CAROL"), name="Archived")
    seed_program(engine, "C0KICK", now=T, leads=("U0BOB",), name="Kicked")
    seed_program(engine, "C0GONE", now=T, leads=("U0DIETER",), name="Deleted")  # the channel no longer exists
    seed_program(engine, "C0DMS", now=T, leads=("U0MIA",), mode="dm", participants=("U0PRIYA", "U0KENJI"),
                 name="Direct")
    with session_scope(engine) as session:
        for user in ("U0PRIYA", "U0KENJI"):  # known from a day ago: the tick's refresh asks Slack again
            upsert_member(session=session, team_id=TEAM, user_id=user, timezone="UTC", display_name=user,
                          now=T - timedelta(days=2))

    for day in range(2):
        clock.set(T + timedelta(days=day))
        run_due(deps, T + timedelta(days=day), client=bot.app.client)
        bot.wait_idle()
        assert len(bot_texts(workspace, "C0APOLLO")) == day + 1  # everything else keeps running
        assert len(bot_texts(workspace, "D0KENJI")) == day + 1

    with deps.session() as session:
        dead = session.exec(select(OutboundMessage).where(OutboundMessage.status == "dead")
                            .order_by(OutboundMessage.id)).all()
    assert sorted((m.channel, m.last_error) for m in dead) == sorted(
        [(c, e) for c, e in [("C0ARCH", "is_archived"), ("C0KICK", "not_in_channel"),
                             ("C0GONE", "channel_not_found"), ("U0PRIYA", "user_deactivated")]] * 2)
    assert all(m.attempts == 1 for m in dead)  # failed for good at once, never retried
    assert not [c for c in sandbox.calls_to("chat.postMessage") if c.args["channel"] == "U0PRIYA"]

    notices = {lead: bot_texts(workspace, "D" + lead[1:]) for lead in ("U0BOB", "U0CAROL", "U0DIETER", "U0MIA")}
    assert {lead: len(texts) for lead, texts in notices.items()} == {
        "U0BOB": 2, "U0CAROL": 1, "U0DIETER": 1, "U0MIA": 1}  # once each, not once a day
    assert any("*Archived*" in t and "<#C0ARCH>" in t and "archived" in t for t in notices["U0BOB"])
    assert any("*Kicked*" in t and "/invite @tpmbot" in t for t in notices["U0BOB"])
    assert "deleted" in notices["U0DIETER"][0] and "*Direct*" in notices["U0MIA"][0]
    assert "<@U0PRIYA>" in notices["U0MIA"][0] and "deactivated" in notices["U0MIA"][0]
    # Each notice names the real cause, never a guess that the bot was removed.
    assert any("I'm not in <#C0KICK> — `/invite @tpmbot` there" in t for t in notices["U0BOB"])
    assert any("<#C0ARCH> is archived" in t for t in notices["U0BOB"])
    assert "<#C0GONE> is gone" in notices["U0DIETER"][0]
    assert all("removed" not in t for texts in notices.values() for t in texts)
    assert any("the stand-up digest" in t or "a stand-up prompt" in t for t in notices["U0BOB"])


def test_a_channel_that_works_again_and_breaks_again_is_reported_again(bot, deps, engine, workspace, clock):
    workspace.add_channel("C0FLAKY", "flaky-program")
    seed_program(engine, "C0FLAKY", now=T, leads=("U0BOB",), name="Flaky")
    bot_in_channel = [True, False, False, True, False]  # works, breaks, still broken, fixed, breaks again
    for day, present in enumerate(bot_in_channel):
        (workspace.add_bot_to if present else workspace.remove_bot_from)("C0FLAKY")
        clock.set(T + timedelta(days=day))
        run_due(deps, T + timedelta(days=day), client=bot.app.client)
        bot.wait_idle()

    assert len(bot_texts(workspace, "C0FLAKY")) == 2  # the two days the bot was there
    notices = bot_texts(workspace, "D0BOB")
    assert len(notices) == 2 and all("*Flaky*" in t and "/invite @tpmbot" in t for t in notices)


def test_a_person_who_leaves_comes_back_and_leaves_again_is_reported_again(bot, deps, engine, workspace, clock):
    workspace.add_channel("C0DMS", "dm-program")
    workspace.users["U0PRIYA"]["tz"] = "UTC"
    seed_program(engine, "C0DMS", now=T, leads=("U0MIA",), mode="dm", participants=("U0PRIYA",), name="Direct")
    with session_scope(engine) as session:
        upsert_member(session=session, team_id=TEAM, user_id="U0PRIYA", timezone="UTC", display_name="priya",
                      now=T + timedelta(days=10))  # fresh: the ticks below need not ask Slack
    for day, gone in enumerate([False, True, False, True]):  # here, leaves, comes back, leaves again
        workspace.users["U0PRIYA"]["deleted"] = gone
        with session_scope(engine) as session:
            upsert_member(session=session, team_id=TEAM, user_id="U0PRIYA", timezone="UTC", display_name="priya",
                          now=T + timedelta(days=10), is_deleted=gone)
        clock.set(T + timedelta(days=day))
        run_due(deps, T + timedelta(days=day), client=bot.app.client)
        bot.wait_idle()

    assert len(bot_texts(workspace, "D0PRIYA")) == 2  # the two days she was there
    notices = bot_texts(workspace, "D0MIA")
    assert len(notices) == 2 and all("<@U0PRIYA>" in t and "deactivated" in t for t in notices)
