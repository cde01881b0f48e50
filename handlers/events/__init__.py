"""Events API listeners, behind the event_id de-duplication middleware. EVENTS is the table the
app registers from and the manifest subscribes from."""

from slack_bolt import App

from handlers.events import home, messages
from handlers.events.dedupe import drop_repeated_events
from handlers.guard import guarded

EVENTS = {
    "app_home_opened": home.on_app_home_opened,
    "message": messages.on_message,
}
# The manifest subscribes to messages where stand-up answers arrive: DMs and channel threads.
MESSAGE_SUBSCRIPTIONS = ("message.im", "message.channels", "message.groups")


def register(app: App) -> None:
    app.middleware(drop_repeated_events)
    for event_type, listener in EVENTS.items():
        app.event(event_type)(guarded(listener))
