"""chat.update is sent only arguments it takes: `unfurl_links`/`unfurl_media` belong to chat.postMessage."""

from tests.scenarios.test_escalations import at, bind_with_escalation_channel, cards, cmd, press

POST_ONLY = {"unfurl_links", "unfurl_media", "reply_broadcast", "thread_ts", "username", "icon_emoji", "icon_url"}


def test_an_edited_escalation_card_is_updated_without_post_only_arguments(slack, bot, deps, clock, sandbox,
                                                                          workspace):
    bind_with_escalation_channel(slack, bot, deps)
    clock.set(at(17, 0))
    cmd(slack, bot, "payments are failing <@U0DIETER> sev:critical")
    [dm] = cards(sandbox, "U0DIETER")
    assert dm.args["unfurl_links"] is False  # a post may say so
    press(slack, bot, workspace, "escalation.card.acknowledge", "U0DIETER", dm)
    updates = sandbox.calls_to("chat.update")
    assert any(u.args["ts"] == dm.response["ts"] for u in updates)
    assert [sorted(POST_ONLY & set(u.args)) for u in updates] == [[] for _ in updates]
