"""Every command, shortcut and event the app listens to is in the manifest, and the reverse.

The listeners are registered on a recorder standing in for the Bolt App, so this sees exactly what
`register_all` asks Bolt for, whatever table it came from."""

from collections import defaultdict

from bot.manifest import build_manifest
from handlers.registry import register_all


class RecordingApp:
    def __init__(self) -> None:
        self.registered: dict[str, set] = defaultdict(set)

    def _record(self, kind: str, key) -> object:
        self.registered[kind].add(key if isinstance(key, str) else repr(key))
        return lambda listener: listener

    def command(self, name):
        return self._record("command", name)

    def event(self, name):
        return self._record("event", name if isinstance(name, str) else name.get("type"))

    def shortcut(self, callback_id):
        return self._record("shortcut", callback_id)

    def view(self, callback_id):
        return self._record("view", callback_id)

    def action(self, action_id):
        return self._record("action", action_id)

    def options(self, action_id):
        return self._record("options", action_id)

    def message(self, *args, **kwargs):
        return self._record("message", repr((args, kwargs)))

    def middleware(self, function):
        self.registered["middleware"].add(function.__name__)
        return function

    def use(self, function):
        return self.middleware(function)

    def error(self, function):
        self.registered["error"].add(function.__name__)
        return function


def test_listeners_and_manifest_agree_both_ways():
    app = RecordingApp()
    register_all(app)
    manifest = build_manifest()
    assert app.registered["command"] == {c["command"] for c in manifest["features"]["slash_commands"]}
    assert app.registered["shortcut"] == {s["callback_id"] for s in manifest["features"]["shortcuts"]}
    subscribed = set(manifest["settings"]["event_subscriptions"]["bot_events"])
    message_events = {e for e in subscribed if e.startswith("message.")}
    listened = set(app.registered["event"])
    if message_events:
        assert "message" in listened
        listened.discard("message")
    assert listened == subscribed - message_events
    assert app.registered["error"] == {"on_error"}
    assert "drop_repeated_events" in app.registered["middleware"]
