"""Blockers through signed Slack payloads: capture, canonical message, lifecycle, permissions, lists."""

import json
from datetime import datetime, timezone

import pytest
from sqlmodel import select

from sandbox import state_values as sv
from storage.raid_models import Item, ItemEvent


def items(deps, kind="blocker"):
    with deps.session() as session:
        return session.exec(select(Item).where(Item.kind == kind).order_by(Item.number)).all()


def last_ephemeral(workspace, user):
    return workspace.ephemerals(user=user)[-1]


def command(slack, bot, text, user="U0ALICE", name="/blocker", channel="C0APOLLO"):
    response = slack.command(name, text, user=user, channel=channel)
    assert response.status == 200
    bot.wait_idle()
    return response


def test_one_line_blocker_is_stored_posted_and_confirmed(slack, bot, deps, workspace, sandbox):
    command(slack, bot, "waiting on API keys from <@U0DIETER|dieter> due friday sev:HIGH")
    [item] = items(deps)
    assert (item.key, item.owner_id, item.reporter_id, item.severity) == ("B-1", "U0DIETER", "U0ALICE", "high")
    # Alice is in Los Angeles: "friday" typed on Tuesday 1 Dec is Friday 4 Dec, 17:00 her time.
    assert item.due_at == datetime(2026, 12, 5, 1, 0, tzinfo=timezone.utc)
    assert item.title == "waiting on API keys"  # the owner's mention stays out of the title
    post, notice = sandbox.calls_to("chat.postMessage")
    assert post.args["channel"] == "C0APOLLO" and "B-1" in post.args["text"]
    # The new owner is told at once, by DM, with the record and its buttons.
    assert notice.args["channel"] == "U0DIETER" and "<@U0ALICE> made you the owner" in json.dumps(notice.args["blocks"])
    assert "raid.message.resolve" in json.dumps(notice.args["blocks"])
    buttons = [e.get("action_id") for b in post.args["blocks"] if b["type"] == "actions" for e in b["elements"]]
    assert buttons == ["raid.message.resolve", "raid.message.edit", "raid.message.reassign", "raid.message.snooze"]
    assert (item.message_channel, item.message_ts) == ("C0APOLLO", post.response["ts"])
    assert "*Blocker B-1*: waiting on API keys" in json.dumps(post.args["blocks"])
    assert "*Owner*\\n<@U0DIETER>" in json.dumps(post.args["blocks"])  # a live mention
    reply = last_ephemeral(workspace, "U0ALICE")["text"]
    assert "Logged blocker *B-1* — owner <@U0DIETER>, severity high, due Fri 4 Dec 2026 (America/Los_Angeles)" in reply
    with deps.session() as session:
        [event] = session.exec(select(ItemEvent)).all()
        assert event.action == "created" and event.actor_id == "U0ALICE"


def test_a_day_typed_without_a_time_is_shown_as_that_day_to_every_reader(slack, bot, deps, sandbox):
    # Friday 17:00 in Los Angeles is Saturday 01:00 in UTC: `<!date^…>` would show Saturday east of Alice.
    command(slack, bot, "waiting on API keys due friday")
    command(slack, bot, "prod deploy freeze due friday 3pm")
    first, second = (c.args for c in sandbox.calls_to("chat.postMessage") if c.args["channel"] == "C0APOLLO")
    assert "*Due*\\nFri 4 Dec 2026" in json.dumps(first["blocks"])
    assert "<!date^" not in json.dumps(first["blocks"])
    [timed] = [item for item in items(deps) if item.number == 2]
    assert f"*Due*\\n<!date^{int(timed.due_at.timestamp())}^" in json.dumps(second["blocks"])  # a time: each reader's own


@pytest.mark.parametrize("text,problem", [
    ("deploy blocked sev:urgent", "`sev:urgent` isn't a severity"),
    ("deploy blocked due someday", "couldn't read “someday” as a date"),
    ("deploy blocked due", "`due` needs a date"),
    ("<@U0DIETER>", "the text is empty"),
    ("keys from <@U0NOBODY>", "isn't a user in this workspace"),
    ("deploy blocked due yesterday", "is in the past"),
])
def test_bad_input_is_explained_and_nothing_is_stored(slack, bot, deps, workspace, text, problem):
    command(slack, bot, text)
    reply = last_ephemeral(workspace, "U0ALICE")["text"]
    assert problem in reply and "Example: `/blocker" in reply
    assert items(deps) == []


def test_keys_count_up_and_are_never_reused(slack, bot, deps):
    for text in ("first", "second", "third"):
        command(slack, bot, text)
    command(slack, bot, "resolve B-2 fixed")
    command(slack, bot, "fourth")
    assert [i.key for i in items(deps)] == ["B-1", "B-2", "B-3", "B-4"]
    assert items(deps)[1].status == "resolved" and items(deps)[1].close_note == "fixed"


def test_unknown_key_is_refused(slack, bot, deps, workspace):
    command(slack, bot, "something")
    command(slack, bot, "resolve B-999")
    assert "There is no B-999" in last_ephemeral(workspace, "U0ALICE")["text"]
    command(slack, bot, "resolve R-1")
    assert "I need a blocker key like B-7" in last_ephemeral(workspace, "U0ALICE")["text"]
    assert items(deps)[0].status == "open"


def test_resolve_button_checks_who_may_and_edits_the_one_message(slack, bot, deps, workspace, sandbox):
    command(slack, bot, "waiting on review from <@U0DIETER>")
    [item] = items(deps)
    message = workspace.get_message("C0APOLLO", item.message_ts)
    slack.block_action("raid.message.resolve", value=str(item.id), user="U0KENJI", channel="C0APOLLO",
                       message=message)
    bot.wait_idle()
    refusal = last_ephemeral(workspace, "U0KENJI")["text"]
    assert "Only B-1's owner, its reporter or a program lead can change it" in refusal
    assert items(deps)[0].status == "open" and sandbox.calls_to("chat.update") == []

    slack.block_action("raid.message.resolve", value=str(item.id), user="U0DIETER", channel="C0APOLLO",
                       message=message)
    bot.wait_idle()
    assert items(deps)[0].status == "resolved"
    [update] = sandbox.calls_to("chat.update")
    in_channel = [c for c in sandbox.calls_to("chat.postMessage") if c.args["channel"] == "C0APOLLO"]
    assert update.args["ts"] == item.message_ts and len(in_channel) == 1
    edited = workspace.get_message("C0APOLLO", item.message_ts)
    assert "raid.message.reopen" in json.dumps(edited["blocks"])
    # A closed record's message says who closed it and when; the person who pressed it is told.
    assert "*Resolved* by <@U0DIETER> <!date^" in json.dumps(edited["blocks"])
    assert "B-1 is now resolved" in last_ephemeral(workspace, "U0DIETER")["text"]

    slack.block_action("raid.message.reopen", value=str(item.id), user="U0ALICE", channel="C0APOLLO",
                       message=edited)
    bot.wait_idle()
    assert items(deps)[0].status == "open"
    with deps.session() as session:
        actions = [e.action for e in session.exec(select(ItemEvent).order_by(ItemEvent.id))]
    assert actions == ["created", "resolved", "reopened"]


def test_reassign_by_select_and_by_command(slack, bot, deps, workspace):
    command(slack, bot, "needs a DBA")
    [item] = items(deps)
    message = workspace.get_message("C0APOLLO", item.message_ts)
    slack.block_action("raid.message.reassign", user="U0ALICE", channel="C0APOLLO", message=message,
                       block_id=f"raid.message.actions.{item.id}", action_type="users_select",
                       selected_user="U0PRIYA")
    bot.wait_idle()
    assert items(deps)[0].owner_id == "U0PRIYA"
    command(slack, bot, "assign B-1 <@U0BOB|bob>")
    assert items(deps)[0].owner_id == "U0BOB"
    assert "<@U0BOB>" in json.dumps(workspace.get_message("C0APOLLO", item.message_ts)["blocks"])


def test_list_filters_and_order(slack, bot, deps, workspace, clock):
    from datetime import timedelta

    command(slack, bot, "oldest sev:low")
    clock.advance(timedelta(hours=5))
    command(slack, bot, "newer for <@U0DIETER> sev:high")
    clock.advance(timedelta(hours=1))
    command(slack, bot, "list")
    text = json.dumps(last_ephemeral(workspace, "U0ALICE")["blocks"])
    assert text.index("B-1") < text.index("B-2") and "open 6h" in text and "open 1h" in text
    command(slack, bot, "list sev:high")
    text = json.dumps(last_ephemeral(workspace, "U0ALICE")["blocks"])
    assert "B-2" in text and "B-1" not in text
    command(slack, bot, "list <@U0DIETER>", user="U0BOB")
    text = json.dumps(last_ephemeral(workspace, "U0BOB")["blocks"])
    assert "B-2" in text and "B-1" not in text
    command(slack, bot, "list mine", user="U0DIETER")
    assert "B-2" in json.dumps(last_ephemeral(workspace, "U0DIETER")["blocks"])
    command(slack, bot, "list whatever")
    assert "isn't a list filter" in last_ephemeral(workspace, "U0ALICE")["text"]


def test_bare_command_opens_the_modal_which_validates_then_creates(slack, bot, deps, workspace):
    command(slack, bot, "")
    view = workspace.latest_view("U0ALICE", callback_id="blocker.modal")
    assert view is not None and view["title"]["text"] == "New blocker"
    empty = {"raid.modal.title": {"raid.modal.input": sv.plain_text("  ")},
             "raid.modal.severity": {"raid.modal.input": sv.static_select("high")},
             "raid.modal.due": {"raid.modal.input": sv.datepicker("2026-11-01")}}
    response = slack.view_submission(view, empty, user="U0ALICE")
    assert set(response.json["errors"]) == {"raid.modal.title", "raid.modal.due"}
    bot.wait_idle()
    assert items(deps) == []
    good = {"raid.modal.title": {"raid.modal.input": sv.plain_text("Staging is down")},
            "raid.modal.owner": {"raid.modal.input": sv.users_select("U0MIA")},
            "raid.modal.severity": {"raid.modal.input": sv.static_select("critical")},
            "raid.modal.due": {"raid.modal.input": sv.datepicker("2026-12-03")}}
    slack.view_submission(view, good, user="U0ALICE")
    bot.wait_idle()
    [item] = items(deps)
    assert (item.title, item.owner_id, item.severity) == ("Staging is down", "U0MIA", "critical")
    assert "Logged blocker *B-1*" in last_ephemeral(workspace, "U0ALICE")["text"]


def test_message_shortcut_prefills_and_links_the_source(slack, bot, deps, workspace):
    message = workspace.add_message("C0APOLLO", user="U0KENJI", text="The iOS build fails on Xcode 17")
    slack.message_shortcut("blocker.shortcut.log", message, channel="C0APOLLO", user="U0KENJI")
    bot.wait_idle()
    view = workspace.latest_view("U0KENJI", callback_id="blocker.modal")
    title = next(b for b in view["blocks"] if b["block_id"] == "raid.modal.title")
    assert title["element"]["initial_value"] == "The iOS build fails on Xcode 17"
    slack.view_submission(view, {"raid.modal.title": {"raid.modal.input": sv.plain_text(
        "The iOS build fails on Xcode 17")}, "raid.modal.severity": {"raid.modal.input": sv.static_select("high")}},
        user="U0KENJI")
    bot.wait_idle()
    [item] = items(deps)
    assert item.source_link.startswith("https://") and message["ts"].replace(".", "") in item.source_link
    assert "source message" in json.dumps(workspace.get_message("C0APOLLO", item.message_ts)["blocks"])


def test_edit_button_opens_prefilled_modal_and_edits(slack, bot, deps, workspace):
    command(slack, bot, "flaky tests sev:low")
    [item] = items(deps)
    slack.block_action("raid.message.edit", value=str(item.id), user="U0ALICE", channel="C0APOLLO",
                       message=workspace.get_message("C0APOLLO", item.message_ts))
    bot.wait_idle()
    view = workspace.latest_view("U0ALICE", callback_id="blocker.modal")
    assert view["title"]["text"] == "Edit B-1"
    slack.view_submission(view, {"raid.modal.title": {"raid.modal.input": sv.plain_text("flaky e2e tests")},
                                 "raid.modal.severity": {"raid.modal.input": sv.static_select("high")}}, user="U0ALICE")
    bot.wait_idle()
    [item] = items(deps)
    assert (item.title, item.severity) == ("flaky e2e tests", "high")
    assert "flaky e2e tests" in json.dumps(workspace.get_message("C0APOLLO", item.message_ts)["blocks"])
