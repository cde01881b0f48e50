"""Action items and decisions, the first new kinds on the record core, through signed Slack payloads."""

import json
from datetime import datetime, timezone

from sqlmodel import select

from sandbox import state_values as sv
from scheduled.tick import run_due
from storage.raid_models import Item, ItemEvent


def records(deps, kind):
    with deps.session() as session:
        return session.exec(select(Item).where(Item.kind == kind).order_by(Item.number)).all()


def cmd(slack, bot, name, text, user="U0ALICE", channel="C0APOLLO"):
    response = slack.command(name, text, user=user, channel=channel)
    assert response.status == 200
    bot.wait_idle()
    return response


def answered(response, workspace, user="U0ALICE"):
    """What the person saw: the ack's own text (Slack shows it only to them), or the ephemeral reply."""
    if response.json:
        return response.json.get("text") or last_reply(workspace, user)
    return response.body or last_reply(workspace, user)


def last_reply(workspace, user="U0ALICE"):
    return workspace.ephemerals(user=user)[-1]["text"]


def dms_to(sandbox, user):
    return [c for c in sandbox.calls_to("chat.postMessage") if c.args["channel"] == user]


def tick(deps, bot, clock, at):
    clock.set(at)
    run_due(deps, at, client=bot.app.client)
    bot.wait_idle()


def test_action_is_told_to_its_owner_reminded_on_the_due_morning_and_when_overdue(slack, bot, deps, clock,
                                                                                 sandbox, workspace):
    cmd(slack, bot, "/action", "send the rollout plan to legal <@U0BOB|bob> due thursday")
    [action] = records(deps, "action")
    assert (action.key, action.owner_id, action.reporter_id, action.title) == (
        "A-1", "U0BOB", "U0ALICE", "send the rollout plan to legal")
    # Alice (Los Angeles) typed "thursday": the end of Thursday 3 Dec, 17:00 her time.
    assert action.due_at == datetime(2026, 12, 4, 1, 0, tzinfo=timezone.utc)
    assert "Logged action item *A-1* — owner <@U0BOB>, due Thu 3 Dec 2026 (America/Los_Angeles)" in last_reply(workspace)
    [told] = dms_to(sandbox, "U0BOB")
    assert "<@U0ALICE> made you the owner of action item *A-1*" in json.dumps(told.args["blocks"])

    # Bob is in New York: his reminder comes at 09:00 there on the due day (14:00 UTC), once.
    morning = datetime(2026, 12, 3, 14, 0, tzinfo=timezone.utc)
    tick(deps, bot, clock, datetime(2026, 12, 3, 13, 59, tzinfo=timezone.utc))
    assert len(dms_to(sandbox, "U0BOB")) == 1
    tick(deps, bot, clock, morning)
    tick(deps, bot, clock, morning)  # a second tick (or process) at the same minute sends nothing more
    reminders = dms_to(sandbox, "U0BOB")[1:]
    assert len(reminders) == 1 and "is due today" in json.dumps(reminders[0].args["blocks"])

    tick(deps, bot, clock, action.due_at)
    overdue = dms_to(sandbox, "U0BOB")[2:]
    assert len(overdue) == 1 and "is overdue" in json.dumps(overdue[0].args["blocks"])

    cmd(slack, bot, "/action", "done A-1 sent on Friday", user="U0BOB")
    [action] = records(deps, "action")
    assert (action.status, action.closed_by, action.close_note) == ("done", "U0BOB", "sent on Friday")
    edited = workspace.get_message("C0APOLLO", action.message_ts)
    assert "*Done* by <@U0BOB>" in json.dumps(edited["blocks"])
    assert "A-1 is now done" in last_reply(workspace, "U0BOB")
    cmd(slack, bot, "/action", "list overdue")
    assert "none" in json.dumps(workspace.ephemerals(user="U0ALICE")[-1].get("blocks"))


def test_a_done_action_is_not_reminded(slack, bot, deps, clock, sandbox):
    cmd(slack, bot, "/action", "book the venue due thursday")
    cmd(slack, bot, "/action", "done A-1")
    tick(deps, bot, clock, datetime(2026, 12, 3, 17, 0, tzinfo=timezone.utc))
    tick(deps, bot, clock, datetime(2026, 12, 4, 1, 0, tzinfo=timezone.utc))
    assert dms_to(sandbox, "U0ALICE") == []


def test_decisions_are_logged_superseded_and_searched(slack, bot, deps, workspace, sandbox):
    cmd(slack, bot, "/decision", "ship the beta to 10% first why: limits the blast radius <@U0BOB|bob> <@U0DIETER>")
    [first] = records(deps, "decision")
    assert (first.key, first.status, first.title, first.owner_id) == (
        "DEC-1", "decided", "ship the beta to 10% first", "U0BOB")
    assert first.details["rationale"] == "limits the blast radius"
    assert first.details["deciders"] == ["U0BOB", "U0DIETER"] and first.closed_by == "U0ALICE"
    message = workspace.get_message("C0APOLLO", first.message_ts)
    assert "limits the blast radius" in json.dumps(message["blocks"]) and "<@U0DIETER>" in json.dumps(message["blocks"])

    cmd(slack, bot, "/decision", "ship the beta to everyone supersedes DEC-1", user="U0BOB")
    first, second = records(deps, "decision")
    assert (first.status, first.details["superseded_by"], second.details["supersedes"]) == (
        "superseded", "DEC-2", "DEC-1")
    assert "Superseded" in json.dumps(workspace.get_message("C0APOLLO", first.message_ts)["blocks"])

    cmd(slack, bot, "/decision", "list blast")
    listed = json.dumps(workspace.ephemerals(user="U0ALICE")[-1]["blocks"])
    assert "DEC-1" in listed and "DEC-2" not in listed


def test_pending_decision_is_decided_and_escalates_when_overdue(slack, bot, deps, clock, workspace, sandbox):
    cmd(slack, bot, "/decision", "pending which SSO vendor do we pick? <@U0BOB> by thursday")
    [question] = records(deps, "decision")
    assert (question.key, question.status, question.owner_id) == ("DEC-1", "open", "U0BOB")
    assert "Pending" in json.dumps(workspace.get_message("C0APOLLO", question.message_ts)["blocks"])
    tick(deps, bot, clock, question.due_at)
    to_leads = [c for c in sandbox.calls_to("chat.postMessage") if c.args["channel"] == "C0APOLLO"
                and "overdue" in json.dumps(c.args.get("blocks"))]
    assert len(to_leads) == 1 and "<@U0ALICE>" in json.dumps(to_leads[0].args["blocks"])

    cmd(slack, bot, "/decision", "decide DEC-1 Okta why: it already runs our HR apps", user="U0BOB")
    [decided] = records(deps, "decision")
    assert (decided.status, decided.details["outcome"], decided.details["rationale"]) == (
        "decided", "Okta", "it already runs our HR apps")
    assert "DEC-1 is decided: Okta" in last_reply(workspace, "U0BOB")


def test_mistyped_verbs_say_did_you_mean_and_store_nothing(slack, bot, deps, workspace):
    cmd(slack, bot, "/blocker", "waiting on keys")
    for name, text, meant in [("/blocker", "lst", "/blocker list"), ("/blocker", "reassign B-1 <@U0BOB>", "/blocker assign"),
                              ("/action", "dne A-1", "/action done"), ("/risk", "updte R-1 p:2", "/risk update")]:
        response = cmd(slack, bot, name, text)
        assert f"did you mean `{meant}`" in answered(response, workspace), text
    response = cmd(slack, bot, "/blocker", "frobnicate B-1")
    assert "isn't something I know" in answered(response, workspace)
    assert [i.title for i in records(deps, "blocker")] == ["waiting on keys"]
    assert records(deps, "action") == [] and records(deps, "risk") == []
    cmd(slack, bot, "/blocker", "lists are broken on mobile")  # a title that starts like a verb is still a title
    assert [i.title for i in records(deps, "blocker")] == ["waiting on keys", "lists are broken on mobile"]


def test_show_gives_the_record_and_its_history(slack, bot, deps, workspace):
    cmd(slack, bot, "/blocker", "waiting on keys sev:high")
    cmd(slack, bot, "/blocker", "assign B-1 <@U0DIETER|dieter>")
    cmd(slack, bot, "/blocker", "resolve B-1 keys arrived", user="U0DIETER")
    cmd(slack, bot, "/blocker", "show B-1")
    shown = json.dumps(workspace.ephemerals(user="U0ALICE")[-1]["blocks"], ensure_ascii=False)
    assert "*History*" in shown
    for line in ("<@U0ALICE> created", "<@U0ALICE> assigned → <@U0DIETER>", "<@U0DIETER> resolved — keys arrived"):
        assert line in shown, line


def test_read_only_commands_in_a_channel_without_program_bind_nothing(slack, bot, deps, workspace):
    from storage.models import Program

    for name, text in [("/blocker", "list"), ("/risk", "list top"), ("/action", "list"), ("/decision", "list"),
                       ("/blocker", "show B-1")]:
        cmd(slack, bot, name, text, channel="C0GENERAL")
        assert "has no program yet" in last_reply(workspace), (name, text)
    with deps.session() as session:
        assert session.exec(select(Program)).all() == []


def test_owner_mention_is_kept_out_of_the_title_and_a_typed_at_is_an_error(slack, bot, deps, workspace):
    cmd(slack, bot, "/action", "review the contract <@U0BOB>")
    assert records(deps, "action")[0].title == "review the contract"
    cmd(slack, bot, "/action", "review the contract @nobody")
    assert "`@nobody` isn't someone I can find" in last_reply(workspace)
    assert len(records(deps, "action")) == 1


def test_log_as_decision_shortcut_prefills_the_modal_and_saves_it(slack, bot, deps, workspace, sandbox):
    posted = workspace.add_message("C0APOLLO", user="U0DIETER", text="We go with Postgres 16 for the new cluster")
    slack.message_shortcut("decision.shortcut.log", message=posted, channel="C0APOLLO", user="U0ALICE")
    bot.wait_idle()
    [opened] = sandbox.calls_to("views.open")
    view = opened.response["view"]
    blocks = {b["block_id"]: b for b in view["blocks"]}
    assert blocks["raid.modal.title"]["element"]["initial_value"] == "We go with Postgres 16 for the new cluster"
    assert blocks["raid.modal.owner"]["element"]["initial_user"] == "U0DIETER"
    values = sv.merge(sv.state_value("raid.modal.title", "raid.modal.input", sv.plain_text("Postgres 16 for the cluster")),
                      sv.state_value("raid.modal.rationale", "raid.modal.input", sv.plain_text("we know it")),
                      sv.state_value("raid.modal.owner", "raid.modal.input", sv.users_select("U0DIETER")))
    slack.view_submission(view, values, user="U0ALICE")
    bot.wait_idle()
    [decision] = records(deps, "decision")
    assert (decision.title, decision.owner_id, decision.status, decision.details["rationale"]) == (
        "Postgres 16 for the cluster", "U0DIETER", "decided", "we know it")
    assert decision.source_link
    with deps.session() as session:
        assert [e.action for e in session.exec(select(ItemEvent).where(ItemEvent.item_id == decision.id))] == ["created"]


def test_a_modal_cannot_post_into_a_private_channel_its_author_is_not_in(slack, bot, deps, workspace, sandbox):
    from bot.blocks.records import record_modal
    from bot.records.kinds.blocker import SPEC

    view = {**record_modal(SPEC, {"channel_id": "C0LEADERS"}, "UTC"), "id": "V0FORGED"}  # the client's to forge
    values = sv.merge(sv.state_value("raid.modal.title", "raid.modal.input", sv.plain_text("leak")),
                      sv.state_value("raid.modal.severity", "raid.modal.input", sv.static_select("medium")))
    slack.view_submission(view, values, user="U0KENJI")
    bot.wait_idle()
    assert records(deps, "blocker") == []
    assert [c for c in sandbox.calls_to("chat.postMessage") if c.args["channel"] == "C0LEADERS"] == []


def test_app_home_lists_every_kind_i_own_with_its_button_and_updates_when_pressed(slack, bot, deps, sandbox):
    cmd(slack, bot, "/action", "send the rollout plan <@U0BOB> due friday")
    cmd(slack, bot, "/decision", "pending which vendor? <@U0BOB> by friday")
    cmd(slack, bot, "/blocker", "waiting on legal <@U0BOB>")
    slack.app_home_opened("U0BOB")
    bot.wait_idle()
    home = sandbox.calls_to("views.publish")[-1].args["view"]
    shown = json.dumps(home, ensure_ascii=False)
    assert "*A-1* send the rollout plan" in shown and "*DEC-1* which vendor?" in shown and "*B-1* waiting on legal" in shown
    done = next(b["accessory"] for b in home["blocks"] if "A-1" in json.dumps(b) and b.get("accessory"))
    assert done["text"]["text"] == "Done"
    published = len(sandbox.calls_to("views.publish"))
    slack.block_action(done["action_id"], value=done["value"], user="U0BOB",
                       view={**home, "id": "V0HOME", "type": "home"})
    bot.wait_idle()
    assert records(deps, "action")[0].status == "done"
    assert len(sandbox.calls_to("views.publish")) == published + 1  # the new state is the answer
    assert "A-1" not in json.dumps(sandbox.calls_to("views.publish")[-1].args["view"])


def test_a_request_from_a_team_that_is_not_installed_is_dropped(slack, bot, deps, workspace, sandbox):
    from sandbox import payloads
    from storage.models import Program, Workspace

    fields = payloads.slash_command(workspace, "/blocker", "prod is down sev:critical", "U0ALICE", "C0APOLLO",
                                    "", workspace.new_trigger_id("U0ALICE"))
    response = slack._form({**fields, "team_id": "T0FOREIGN"})
    bot.wait_idle()
    assert response.status == 200
    assert records(deps, "blocker") == [] and sandbox.calls_to("chat.postMessage") == []
    with deps.session() as session:
        assert session.exec(select(Program)).all() == [] and session.get(Workspace, "T0FOREIGN") is None
    cmd(slack, bot, "/blocker", "prod is down sev:critical")  # the installed team is served as before
    assert len(records(deps, "blocker")) == 1
