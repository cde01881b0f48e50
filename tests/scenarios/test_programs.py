"""Programs end to end: read-only commands never create one; archiving stops every schedule of a
program and keeps its record; unarchiving resumes them. Scheduled work runs through `walk`, the path
of `tpmbot tick` at every instant something is due."""

import json
from datetime import datetime, timedelta, timezone

from sqlmodel import select

from scheduled.walk import walk
from storage.agenda_models import Meeting
from storage.escalation_models import Escalation
from storage.models import Member, Occurrence, Program, Workspace
from storage.raid_models import Item
from tests.scenarios.test_agendas import SETUP as MEETING_SETUP, form as meeting_form
from tests.scenarios.test_standups import setup as standup_form

UTC = timezone.utc
NO_PROGRAM = "<#C0GENERAL> has no program yet. Start one with `/tpm setup`, or log the first item with `/blocker …`"


def cmd(slack, bot, name, text, user="U0ALICE", channel="C0APOLLO"):
    response = slack.command(name, text, user=user, channel=channel)
    bot.wait_idle()
    return response


def rows(deps, table):
    with deps.session() as session:
        return session.exec(select(table)).all()


def last_reply(workspace, user="U0ALICE", channel="C0APOLLO") -> str:
    return json.dumps(workspace.ephemerals(channel=channel, user=user)[-1], ensure_ascii=False)


class Stepper:
    """The test clock, moved by `walk` from one due instant to the next."""

    def __init__(self, clock):
        self.clock = clock

    def now(self):
        return self.clock.now()

    def advance_to(self, at):
        self.clock.set(at)


def test_read_only_commands_in_a_channel_without_a_program_say_so_and_store_nothing(slack, bot, deps, workspace,
                                                                                    sandbox):
    for name, text in [("/tpm", "settings"), ("/status", ""), ("/status", "when"), ("/digest", ""),
                       ("/agenda", ""), ("/agenda", "list"), ("/tpm", "escalations"), ("/tpm", "archive")]:
        before = len(workspace.ephemerals(channel="C0GENERAL", user="U0ALICE"))
        assert cmd(slack, bot, name, text, channel="C0GENERAL").status == 200
        replies = workspace.ephemerals(channel="C0GENERAL", user="U0ALICE")[before:]
        assert [r["text"] for r in replies] == [f":warning: {NO_PROGRAM}"], (name, text)
    help_ack = cmd(slack, bot, "/tpm", "help", channel="C0GENERAL")
    assert "tpmbot help" in json.dumps(help_ack.json)
    assert workspace.ephemerals(channel="C0GENERAL", user="U0ALICE")[-1]["text"] == NO_PROGRAM
    assert rows(deps, Program) == [] and rows(deps, Workspace) == [] and rows(deps, Member) == []
    assert sandbox.calls_to("chat.postMessage") == []

    cmd(slack, bot, "/blocker", "release keys missing", channel="C0GENERAL")  # recording: binds, and says so
    [program] = rows(deps, Program)
    assert program.channel_id == "C0GENERAL" and program.leads == ["U0ALICE"]
    assert any("now the home of program *general*" in e["text"]
               for e in workspace.ephemerals(channel="C0GENERAL", user="U0ALICE"))
    cmd(slack, bot, "/tpm", "settings", channel="C0GENERAL")
    assert "Settings of general" in last_reply(workspace, channel="C0GENERAL")


def test_archive_stops_every_schedule_keeps_the_record_and_unarchive_resumes(slack, bot, deps, workspace, sandbox,
                                                                             clock):
    # Alice binds #apollo (Los Angeles time) with a stand-up, a meeting and a critical blocker.
    view, values = standup_form(slack, bot, workspace)
    slack.view_submission(view, values, user="U0ALICE")
    bot.wait_idle()
    cmd(slack, bot, "/agenda", "setup")
    slack.view_submission(workspace.latest_view("U0ALICE", callback_id=MEETING_SETUP), meeting_form(),
                          user="U0ALICE")
    bot.wait_idle()
    cmd(slack, bot, "/blocker", "prod database down sev:critical")
    assert len(rows(deps, Meeting)) == 1 and len(rows(deps, Item)) == 1

    cmd(slack, bot, "/tpm", "archive", user="U0BOB")
    assert "Only the program's leads (<@U0ALICE>) can archive it" in last_reply(workspace, user="U0BOB")
    assert rows(deps, Program)[0].archived_at is None

    cmd(slack, bot, "/tpm", "archive")
    [program] = rows(deps, Program)
    assert program.archived_at == clock.now()
    assert any("archived *program-apollo*" in m.get("text", "") for m in workspace.messages("C0APOLLO"))

    cmd(slack, bot, "/blocker", "another one")  # recording: refused, nothing stored
    refusal = last_reply(workspace)
    assert "is archived — nothing was recorded" in refusal and "/tpm unarchive" in refusal
    assert len(rows(deps, Item)) == 1
    cmd(slack, bot, "/tpm", "settings")  # read-only: still answers
    assert "Settings of program-apollo" in last_reply(workspace) and "Archived" in last_reply(workspace)

    # A week archived: stand-ups, reminders, digests, agendas (Tue, Thu), Friday's report, escalations.
    ladder = [(e.round, e.level) for e in rows(deps, Escalation)]
    sandbox.clear_calls()
    walk(deps, Stepper(clock), datetime(2026, 12, 7, 9, 0, tzinfo=UTC), client=bot.app.client)
    bot.wait_idle()
    assert [c.method for c in sandbox.calls if c.method.startswith("chat.")] == []
    kinds = {o.kind for o in rows(deps, Occurrence)}
    assert kinds <= {"housekeeping", "escalation.sweep"}, kinds
    assert [(e.round, e.level) for e in rows(deps, Escalation)] == ladder  # the ladder waits where it was

    cmd(slack, bot, "/tpm", "unarchive", user="U0BOB")
    assert "Only the program's leads (<@U0ALICE>) can unarchive it" in last_reply(workspace, user="U0BOB")
    cmd(slack, bot, "/tpm", "unarchive")
    assert rows(deps, Program)[0].archived_at is None
    sandbox.clear_calls()
    # From Monday 09:00 UTC: 09:30 on Monday in Los Angeles, Tuesday in Tokyo and Berlin, Tuesday in Los
    # Angeles; Tuesday's 10:00 meeting's agenda at 09:00 there (17:00 UTC).
    walk(deps, Stepper(clock), datetime(2026, 12, 8, 17, 30, tzinfo=UTC), client=bot.app.client)
    bot.wait_idle()
    posts = sandbox.calls_to("chat.postMessage")
    prompts = [c.args["channel"] for c in posts if c.args.get("text", "").startswith("Stand-up time")]
    assert prompts == ["U0ALICE", "U0KENJI", "U0DIETER", "U0ALICE"]
    assert any("Agenda" in json.dumps(c.args.get("blocks")) for c in posts)
    kinds = {o.kind for o in rows(deps, Occurrence)}
    assert {"standup.prompt", "standup.reminder", "standup.digest", "agenda.post"} <= kinds
    assert [(e.round, e.level) for e in rows(deps, Escalation)] != ladder  # climbing again
