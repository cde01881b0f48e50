"""The charter through signed Slack payloads: `/tpm charter` opens the modal prefilled with the current
charter, a lead saves it (a new version each time, announced in the channel), `/tpm charter show` posts it in
the channel, `/tpm charter history` lists who changed which sections when; a non-lead is refused in the
modal; typed `<!channel>` stays inert; App Home and the status report show it."""

import json
from datetime import timedelta

from sqlmodel import select

from sandbox import state_values as sv
from storage.charter_models import Charter

CALLBACK = "tpm.charter.modal"


def cmd(slack, bot, text, name="/tpm", user="U0ALICE", channel="C0APOLLO"):
    response = slack.command(name, text, user=user, channel=channel)
    assert response.status == 200
    bot.wait_idle()
    return response


def values(**sections):
    return {f"tpm.charter.{name}": {"tpm.charter.input": sv.plain_text(sections.get(name, ""))}
            for name in ("scope", "goals", "deliverables", "out_of_scope", "success_measures")}


def open_modal(slack, bot, workspace, user="U0ALICE"):
    cmd(slack, bot, "charter", user=user)
    view = workspace.latest_view(user, callback_id=CALLBACK)
    assert view is not None
    return view


def submit(slack, bot, workspace, user="U0ALICE", **sections):
    response = slack.view_submission(open_modal(slack, bot, workspace, user), values(**sections), user=user)
    bot.wait_idle()
    return response


def versions(deps):
    with deps.session() as session:
        return session.exec(select(Charter).order_by(Charter.version)).all()


def in_channel(workspace, starts="Charter of"):
    return [m for m in workspace.messages("C0APOLLO") if m.get("text", "").startswith(starts)]


def test_a_lead_writes_the_charter_shows_it_edits_it_and_reads_its_history(slack, bot, deps, workspace, clock):
    cmd(slack, bot, "setup")  # binds #apollo: Alice leads it
    view = open_modal(slack, bot, workspace)
    assert [b["label"]["text"] for b in view["blocks"] if b["type"] == "input"] == [
        "Scope", "Goals", "Deliverables", "Out of scope", "Success measures"]
    assert all(b["element"]["multiline"] and b["element"]["max_length"] == 2000
               for b in view["blocks"] if b["type"] == "input")
    first = slack.view_submission(view, values(scope="Checkout v2 for web & mobile\n- payments\n- receipts",
                                               goals="Launch by Q1", success_measures="Conversion +3%"),
                                  user="U0ALICE")
    bot.wait_idle()
    assert first.status == 200 and not first.body.strip()  # saved: the modal closes
    [v1] = versions(deps)
    assert (v1.version, v1.author_id, v1.scope) == (1, "U0ALICE", "Checkout v2 for web & mobile\n- payments\n- receipts")
    note = [m for m in workspace.messages("C0APOLLO") if ":scroll:" in m.get("text", "")]
    assert len(note) == 1 and "wrote the charter" in note[0]["text"] and "version 1" in note[0]["text"]

    # Opening it again shows the current charter; saving a change is version 2.
    clock.advance(timedelta(days=1))
    again = open_modal(slack, bot, workspace)
    prefilled = {b["block_id"]: b["element"].get("initial_value") for b in again["blocks"] if b["type"] == "input"}
    assert prefilled["tpm.charter.goals"] == "Launch by Q1" and prefilled["tpm.charter.deliverables"] is None
    slack.view_submission(again, values(scope="Checkout v2 for web & mobile\n- payments\n- receipts",
                                        goals="Launch by 15 Feb", deliverables="New checkout API",
                                        success_measures="Conversion +3%"), user="U0ALICE")
    bot.wait_idle()
    assert [v.version for v in versions(deps)] == [1, 2]
    assert "updated the charter (goals, deliverables)" in workspace.messages("C0APOLLO")[-1]["text"]

    # Saved unchanged: nothing stored, Alice is told in her DM.
    submit(slack, bot, workspace, scope="Checkout v2 for web & mobile\n- payments\n- receipts",
           goals="Launch by 15 Feb", deliverables="New checkout API", success_measures="Conversion +3%")
    assert len(versions(deps)) == 2

    cmd(slack, bot, "charter show", user="U0BOB")  # anyone may post it
    [shown] = in_channel(workspace)
    body = json.dumps(shown["blocks"], ensure_ascii=False)
    assert shown["text"] == "Charter of program-apollo (version 2)"
    assert "*Scope*\\nCheckout v2 for web &amp; mobile\\n- payments" in body  # escaped once, lines kept
    assert "*Goals*\\nLaunch by 15 Feb" in body and "*Out of scope*\\n_not set_" in body
    assert "Version 2 · updated <!date^" in body and "by <@U0ALICE>" in body

    cmd(slack, bot, "charter history")
    history = workspace.ephemerals(user="U0ALICE")[-1]
    text = json.dumps(history["blocks"], ensure_ascii=False)
    assert "(2 versions)" in text
    assert text.index("*v2*") < text.index("*v1*")  # newest first
    assert "<@U0ALICE> changed goals, deliverables" in text
    assert "<@U0ALICE> wrote scope, goals, success measures" in text


def test_only_leads_save_and_the_refusal_is_in_the_modal(slack, bot, deps, workspace):
    cmd(slack, bot, "setup")
    submit(slack, bot, workspace, scope="Apollo")
    view = open_modal(slack, bot, workspace, user="U0BOB")
    assert "Only the program's leads can save changes." in json.dumps(view)
    refused = slack.view_submission(view, values(scope="Bob's scope"), user="U0BOB")
    bot.wait_idle()
    assert "Only the program's leads can change its charter" in refused.json["errors"]["tpm.charter.scope"]
    assert workspace.latest_view("U0BOB", callback_id=CALLBACK) is not None  # the modal stays open
    assert [v.scope for v in versions(deps)] == ["Apollo"]  # nothing half-saved


def test_bad_input_is_shown_in_the_modal(slack, bot, deps, workspace):
    cmd(slack, bot, "setup")
    empty = slack.view_submission(open_modal(slack, bot, workspace), values(scope="  \n "), user="U0ALICE")
    assert "Write at least the scope" in empty.json["errors"]["tpm.charter.scope"]
    too_long = slack.view_submission(open_modal(slack, bot, workspace), values(scope="ok", goals="x" * 2001),
                                     user="U0ALICE")
    assert "Keep it to 2,000 characters (it has 2,001)" in too_long.json["errors"]["tpm.charter.goals"]
    refused = cmd(slack, bot, "charter frobnicate")  # answered in the ack, only to Alice
    assert "`/tpm charter frobnicate`? Use `/tpm charter` to edit it" in refused.json["text"]
    assert "Example: `/tpm charter show`" in refused.json["text"]
    assert versions(deps) == []


def test_special_mentions_stay_inert_everywhere(slack, bot, deps, workspace, sandbox):
    cmd(slack, bot, "setup")
    submit(slack, bot, workspace, scope="<!channel> ping & <b>bold</b>", goals="talk to <@U0BOB>")
    [saved] = versions(deps)
    assert saved.scope == "<!channel> ping & <b>bold</b>"  # stored as typed
    cmd(slack, bot, "charter show")
    [shown] = in_channel(workspace)
    body = json.dumps(shown["blocks"], ensure_ascii=False)
    assert "&lt;!channel&gt; ping &amp; &lt;b&gt;bold&lt;/b&gt;" in body and "<!channel>" not in body
    assert "talk to <@U0BOB>" in body  # a person picked stays a live mention
    slack.app_home_opened("U0ALICE")
    bot.wait_idle()
    home = json.dumps(sandbox.calls_to("views.publish")[-1].args["view"], ensure_ascii=False)
    assert "*Charter of program-apollo*" in home and "&lt;!channel&gt; ping" in home and "<!channel>" not in home
    assert "View charter: `/tpm charter show` in <#C0APOLLO>" in home


def test_app_home_shows_the_charter_only_to_leads_and_the_status_report_links_it(slack, bot, deps, workspace,
                                                                                  sandbox, clock):
    cmd(slack, bot, "setup")
    cmd(slack, bot, "", name="/status")
    first = [c for c in sandbox.calls_to("chat.postMessage") if c.args["text"].startswith("Status of")][-1]
    assert "Charter:" not in json.dumps(first.args["blocks"])  # no charter yet: no line
    submit(slack, bot, workspace, scope="Ship " + "very " * 100 + "big things", goals="Q1")
    slack.app_home_opened("U0ALICE")
    bot.wait_idle()
    home = sandbox.calls_to("views.publish")[-1].args["view"]
    text = json.dumps(home, ensure_ascii=False)
    assert "*Scope:* Ship very" in text and "…" in text and "*Goals:* Q1" in text  # clipped
    assert text.index("Charter of") < text.index("Your open items")  # at the top
    slack.app_home_opened("U0BOB")
    bot.wait_idle()
    assert "Charter of" not in json.dumps(sandbox.calls_to("views.publish")[-1].args["view"])  # Bob leads nothing
    clock.advance(timedelta(minutes=5))
    cmd(slack, bot, "", name="/status")
    report = [c for c in sandbox.calls_to("chat.postMessage") if c.args["text"].startswith("Status of")][-1]
    blocks = json.dumps(report.args["blocks"], ensure_ascii=False)
    assert ":scroll: Charter: updated <!date^" in blocks and "by <@U0ALICE> — `/tpm charter show`" in blocks
