"""In-memory state of one sandbox Slack workspace: users, channels, messages, views.

All mutation goes through one re-entrant lock, so the HTTP server's threads and the test
thread can share a ``Workspace``. Time comes from an injectable clock (aware UTC datetimes).
"""

from __future__ import annotations

import copy
import itertools
import secrets
import threading
from datetime import datetime, timedelta, timezone
from typing import Any, Callable, Iterable
from zoneinfo import ZoneInfo

Clock = Callable[[], datetime]

TRIGGER_TTL = timedelta(seconds=3)


def _real_clock() -> datetime:
    return datetime.now(timezone.utc)


class SlackError(Exception):
    """A Web API error with Slack's error code (``channel_not_found``, ...)."""

    def __init__(self, error: str, **extra: Any):
        super().__init__(error)
        self.error = error
        self.extra = extra


class Workspace:
    def __init__(self, clock: Clock | None = None):
        self._clock = clock or _real_clock
        self.lock = threading.RLock()
        self.team_id = "T0TPMBOT"
        self.team_name = "Sandbox"
        self.team_domain = "sandbox"
        self.bot_user_id = "U0TPMBOT"
        self.bot_id = "B0TPMBOT"
        self.app_id = "A0TPMBOT"
        self.bot_name = "tpmbot"
        self.base_url = "https://sandbox.slack.test/"
        self.token: str | None = None
        self.users: dict[str, dict] = {}
        self.channels: dict[str, dict] = {}
        self._messages: dict[str, list[dict]] = {}
        self._ephemerals: list[dict] = []
        self.views: dict[str, dict] = {}
        self.home_views: dict[str, dict] = {}
        self._view_owner: dict[str, str] = {}
        self._view_order: list[str] = []
        self._triggers: dict[str, dict] = {}
        self._last_ts = 0
        self._ids = itertools.count(1)
        self._version = 0
        self._changed = threading.Condition(threading.Lock())
        from sandbox.files import FileStore

        self.file_store = FileStore(self)  # files.getUploadURLExternal … completeUploadExternal (sandbox/files.py)
        self.add_user(self.bot_user_id, self.bot_name, tz="America/Los_Angeles",
                      real_name="tpmbot", is_bot=True)

    # ---- time and ids -------------------------------------------------------------------
    def now(self) -> datetime:
        value = self._clock()
        if value.tzinfo is None:
            raise ValueError("workspace clock must return an aware datetime")
        return value.astimezone(timezone.utc)

    def next_ts(self) -> str:
        """A Slack message ts from the clock, strictly increasing ("1732500000.000100")."""
        with self.lock:
            micros = int(self.now().timestamp() * 1_000_000)
            micros = max(micros, self._last_ts + 1)
            self._last_ts = micros
            return f"{micros // 1_000_000}.{micros % 1_000_000:06d}"

    # ---- change notification (the browser UI's live updates) ------------------------------
    @property
    def version(self) -> int:
        with self._changed:
            return self._version

    def touch(self) -> None:
        """Record that something visible changed and wake whoever waits for a change."""
        with self._changed:
            self._version += 1
            self._changed.notify_all()

    def wait_change(self, since: int, timeout: float) -> int:
        """Block until the version moves past ``since`` (or ``timeout`` seconds); returns it."""
        with self._changed:
            self._changed.wait_for(lambda: self._version != since, timeout=timeout)
            return self._version

    def new_id(self, prefix: str) -> str:
        return f"{prefix}0{next(self._ids):08X}"

    def set_token(self, token: str | None) -> None:
        """Require exactly this bot token; ``None`` accepts any non-empty token."""
        self.token = token

    def check_token(self, token: str | None) -> None:
        if not token:
            raise SlackError("not_authed")
        if self.token is not None and token != self.token:
            raise SlackError("invalid_auth")
        if self.token is None and not token.startswith("xox"):
            raise SlackError("invalid_auth")

    # ---- seed -------------------------------------------------------------------------
    def seed_default(self) -> "Workspace":
        from sandbox.seed import seed_default

        seed_default(self)
        return self

    # ---- users -----------------------------------------------------------------------
    def add_user(self, user_id: str, name: str, tz: str = "Europe/Berlin", **extra: Any) -> dict:
        ZoneInfo(tz)  # reject unknown zones early
        real_name = extra.pop("real_name", name.replace(".", " ").title())
        user = {
            "id": user_id, "team_id": self.team_id, "name": name, "deleted": False,
            "color": "9f69e7", "real_name": real_name, "tz": tz,
            "is_admin": False, "is_owner": False, "is_primary_owner": False,
            "is_restricted": False, "is_ultra_restricted": False, "is_bot": False,
            "is_app_user": False, "updated": int(self.now().timestamp()),
            "is_email_confirmed": True, "who_can_share_contact_card": "EVERYONE",
        }
        profile = {
            "title": extra.pop("title", ""), "phone": "", "skype": "",
            "real_name": real_name, "real_name_normalized": real_name,
            "display_name": extra.pop("display_name", name),
            "status_text": "", "status_emoji": "", "status_expiration": 0,
            "avatar_hash": "g" + user_id.lower()[-11:], "team": self.team_id,
            "email": extra.pop("email", f"{name}@sandbox.slack.test"),
            "first_name": real_name.split(" ")[0],
            "last_name": " ".join(real_name.split(" ")[1:]),
            "image_24": f"{self.base_url}avatars/{user_id}_24.png",
            "image_48": f"{self.base_url}avatars/{user_id}_48.png",
            "image_72": f"{self.base_url}avatars/{user_id}_72.png",
        }
        profile["display_name_normalized"] = profile["display_name"]
        if extra.get("is_bot"):
            profile.update(bot_id=self.bot_id, api_app_id=self.app_id, always_active=True)
            profile.pop("email")
        user.update(extra)
        user["profile"] = profile
        with self.lock:
            self.users[user_id] = user
        return self.user_info(user_id)

    def user_info(self, user_id: str) -> dict:
        """The user as ``users.info`` returns it, tz_offset computed for the clock's now."""
        with self.lock:
            user = self.users.get(user_id)
            if user is None:
                raise SlackError("user_not_found")
            user = copy.deepcopy(user)
        local = self.now().astimezone(ZoneInfo(user["tz"]))
        user["tz_offset"] = int(local.utcoffset().total_seconds())
        user["tz_label"] = local.tzname() or user["tz"]
        return user

    def deactivate_user(self, user_id: str) -> None:
        """The person leaves: ``users.info`` says ``deleted``; DMs to them are still accepted, as Slack does."""
        with self.lock:
            self.users[user_id]["deleted"] = True

    def human_user_ids(self) -> list[str]:
        with self.lock:
            return [u for u, d in self.users.items() if not d.get("is_bot")]

    # ---- channels --------------------------------------------------------------------
    def add_channel(self, channel_id: str, name: str, is_private: bool = False,
                    members: Iterable[str] = (), bot_member: bool | None = None,
                    **extra: Any) -> dict:
        """Add a channel. The bot joins public channels unless ``bot_member=False``."""
        members = list(dict.fromkeys(members))
        if bot_member is None:
            bot_member = not is_private
        if bot_member and self.bot_user_id not in members:
            members.append(self.bot_user_id)
        created = int(self.now().timestamp())
        channel = {
            "id": channel_id, "name": name, "is_channel": not is_private,
            "is_group": is_private, "is_im": False, "is_mpim": False,
            "is_private": is_private, "created": created, "is_archived": False,
            "is_general": name == "general", "unlinked": 0, "name_normalized": name,
            "is_shared": False, "is_ext_shared": False, "is_org_shared": False,
            "is_pending_ext_shared": False, "pending_shared": [],
            "creator": members[0] if members else self.bot_user_id,
            "shared_team_ids": [self.team_id], "context_team_id": self.team_id,
            "updated": created * 1000, "previous_names": [],
            "topic": {"value": extra.pop("topic", ""), "creator": "", "last_set": 0},
            "purpose": {"value": extra.pop("purpose", ""), "creator": "", "last_set": 0},
        }
        channel.update(extra)
        channel["members"] = members
        with self.lock:
            self.channels[channel_id] = channel
            self._messages.setdefault(channel_id, [])
        self.touch()  # a channel created while the page is open shows up in its sidebar, as in Slack
        return channel

    def channel(self, channel_id: str) -> dict:
        with self.lock:
            channel = self.channels.get(channel_id)
            if channel is None:
                for candidate in self.channels.values():
                    if f"#{candidate['name']}" == channel_id:
                        return candidate
                raise SlackError("channel_not_found")
            return channel

    def is_bot_member(self, channel_id: str) -> bool:
        return self.bot_user_id in self.channel(channel_id)["members"]

    def add_bot_to(self, channel_id: str) -> None:
        with self.lock:
            members = self.channel(channel_id)["members"]
            if self.bot_user_id not in members:
                members.append(self.bot_user_id)

    def remove_bot_from(self, channel_id: str) -> None:
        with self.lock:
            members = self.channel(channel_id)["members"]
            if self.bot_user_id in members:
                members.remove(self.bot_user_id)

    def archive_channel(self, channel_id: str) -> None:
        with self.lock:
            self.channel(channel_id)["is_archived"] = True

    def open_dm(self, user_id: str) -> dict:
        """The bot's DM channel with ``user_id`` ("D" + user id), created once."""
        with self.lock:
            self.user_info(user_id)
            dm_id = "D" + user_id[1:]
            if dm_id not in self.channels:
                self.add_channel(dm_id, dm_id, is_private=True, members=[user_id],
                                 bot_member=True, is_im=True, is_channel=False,
                                 is_group=False, user=user_id)
            return self.channels[dm_id]

    # ---- messages --------------------------------------------------------------------
    def add_message(self, channel_id: str, *, user: str | None = None, text: str = "",
                    blocks: list | None = None, thread_ts: str | None = None,
                    reply_broadcast: bool = False, as_bot: bool = False,
                    **extra: Any) -> dict:
        """Store a message (from the bot when ``as_bot``) and return a copy of it."""
        with self.lock:
            channel = self.channel(channel_id)
            ts = self.next_ts()
            message: dict[str, Any] = {"type": "message", "text": text, "ts": ts,
                                       "team": self.team_id}
            if as_bot:
                message.update(user=self.bot_user_id, bot_id=self.bot_id, app_id=self.app_id,
                               bot_profile=self.bot_profile())
            else:
                message["user"] = user
                message["client_msg_id"] = secrets.token_hex(16)
            if blocks is not None:
                message["blocks"] = blocks
            message.update(extra)
            if thread_ts:
                message["thread_ts"] = thread_ts
                parent = self._find(channel["id"], thread_ts)
                if parent is not None:
                    message["parent_user_id"] = parent.get("user")
                    parent["thread_ts"] = thread_ts
                    parent["reply_count"] = parent.get("reply_count", 0) + 1
                    users = parent.setdefault("reply_users", [])
                    if message["user"] not in users:
                        users.append(message["user"])
                    parent["reply_users_count"] = len(users)
                    parent["latest_reply"] = ts
                if reply_broadcast:
                    message["subtype"] = "thread_broadcast"
            self._messages[channel["id"]].append(message)
        self.touch()
        return copy.deepcopy(message)

    def _find(self, channel_id: str, ts: str) -> dict | None:
        for message in self._messages.get(channel_id, []):
            if message["ts"] == ts:
                return message
        return None

    def get_message(self, channel_id: str, ts: str) -> dict:
        with self.lock:
            message = self._find(self.channel(channel_id)["id"], ts)
            if message is None:
                raise SlackError("message_not_found")
            return message

    def update_message(self, channel_id: str, ts: str, **changes: Any) -> dict:
        with self.lock:
            message = self.get_message(channel_id, ts)
            message.update({k: v for k, v in changes.items() if v is not None})
            message["edited"] = {"user": message.get("user"), "ts": self.next_ts()}
            updated = copy.deepcopy(message)
        self.touch()
        return updated

    def delete_message(self, channel_id: str, ts: str) -> None:
        with self.lock:
            message = self.get_message(channel_id, ts)
            self._messages[self.channel(channel_id)["id"]].remove(message)
        self.touch()

    def messages(self, channel: str, include_ephemeral: bool = False, copies: bool = True) -> list[dict]:
        """Every message in the channel (top level and replies), in ts order; ``copies=False`` hands
        out the stored dicts themselves (hold ``lock`` and copy what leaves it)."""
        with self.lock:
            channel_id = self.channel(channel)["id"]
            found = list(self._messages.get(channel_id, []))
            if include_ephemeral:
                found += [e for e in self._ephemerals if e["channel"] == channel_id]
            found.sort(key=lambda m: float(m["ts"]))
            return copy.deepcopy(found) if copies else found

    def top_level(self, channel: str, copies: bool = True) -> list[dict]:
        return [m for m in self.messages(channel, copies=copies)
                if m.get("thread_ts", m["ts"]) == m["ts"]
                or m.get("subtype") == "thread_broadcast"]

    def thread(self, channel: str, thread_ts: str) -> list[dict]:
        """The parent message and its replies, in ts order."""
        return [m for m in self.messages(channel)
                if m["ts"] == thread_ts or m.get("thread_ts") == thread_ts]

    def add_reaction(self, channel_id: str, ts: str, name: str, user: str) -> None:
        with self.lock:
            message = self.get_message(channel_id, ts)
            reactions = message.setdefault("reactions", [])
            for reaction in reactions:
                if reaction["name"] == name:
                    if user in reaction["users"]:
                        raise SlackError("already_reacted")
                    reaction["users"].append(user)
                    reaction["count"] += 1
                    break
            else:
                reactions.append({"name": name, "users": [user], "count": 1})
        self.touch()

    def add_ephemeral(self, channel: str, user: str, text: str = "", blocks: list | None = None,
                      thread_ts: str | None = None, source: str = "chat.postEphemeral") -> dict:
        with self.lock:
            ephemeral = {"type": "message", "subtype": "ephemeral", "channel": channel,
                         "user": user, "text": text, "ts": self.next_ts(), "source": source,
                         "bot_id": self.bot_id}
            if blocks is not None:
                ephemeral["blocks"] = blocks
            if thread_ts:
                ephemeral["thread_ts"] = thread_ts
            self._ephemerals.append(ephemeral)
        self.touch()
        return copy.deepcopy(ephemeral)

    def update_ephemeral(self, ts: str, delete: bool = False, **changes: Any) -> bool:
        """Replace (or delete) the ephemeral message ``ts``; False when there is none."""
        with self.lock:
            found = next((e for e in self._ephemerals if e["ts"] == ts), None)
            if found is None:
                return False
            if delete:
                self._ephemerals.remove(found)
            else:
                found.update({k: v for k, v in changes.items() if v is not None})
        self.touch()
        return True

    def ephemerals(self, channel: str | None = None, user: str | None = None) -> list[dict]:
        with self.lock:
            return copy.deepcopy([e for e in self._ephemerals
                                  if (channel is None or e["channel"] == channel)
                                  and (user is None or e["user"] == user)])

    def bot_profile(self) -> dict:
        return {"id": self.bot_id, "deleted": False, "name": self.bot_name, "updated": 0,
                "app_id": self.app_id, "team_id": self.team_id,
                "icons": {"image_36": f"{self.base_url}bot_36.png",
                          "image_48": f"{self.base_url}bot_48.png",
                          "image_72": f"{self.base_url}bot_72.png"}}

    # ---- triggers and views ---------------------------------------------------------------
    def new_trigger_id(self, user: str | None = None) -> str:
        """A trigger id usable once, for 3 seconds of the workspace clock."""
        with self.lock:
            trigger_id = (f"{int(self.now().timestamp())}.{next(self._ids)}."
                          f"{secrets.token_hex(16)}")
            self._triggers[trigger_id] = {"expires": self.now() + TRIGGER_TTL, "user": user,
                                          "used": False}
            return trigger_id

    def use_trigger(self, trigger_id: str | None) -> str | None:
        """Consume a trigger; returns the user it was issued for. Raises on bad triggers."""
        with self.lock:
            trigger = self._triggers.get(trigger_id or "")
            if trigger is None:
                raise SlackError("invalid_trigger_id")
            if self.now() > trigger["expires"]:
                raise SlackError("expired_trigger_id")
            if trigger["used"]:
                raise SlackError("exchanged_trigger_id")
            trigger["used"] = True
            return trigger["user"]

    def store_view(self, view: dict, user: str | None) -> dict:
        with self.lock:
            self.views[view["id"]] = view
            if user:
                self._view_owner[view["id"]] = user
            if view["id"] in self._view_order:
                self._view_order.remove(view["id"])
            self._view_order.append(view["id"])
            stored = copy.deepcopy(view)
        self.touch()
        return stored

    def view_owner(self, view_id: str) -> str | None:
        return self._view_owner.get(view_id)

    def find_view(self, view_id: str | None = None, external_id: str | None = None) -> dict:
        with self.lock:
            if view_id:
                view = self.views.get(view_id)
            else:
                view = next((v for v in self.views.values()
                             if external_id and v.get("external_id") == external_id), None)
            if view is None:
                raise SlackError("not_found")
            return view

    def close_view(self, view_id: str) -> None:
        with self.lock:
            self.views.pop(view_id, None)
            if view_id in self._view_order:
                self._view_order.remove(view_id)
        self.touch()

    def latest_view(self, user: str | None = None, callback_id: str | None = None) -> dict | None:
        """The most recently opened/updated open modal, optionally for a user/callback_id."""
        with self.lock:
            for view_id in reversed(self._view_order):
                view = self.views[view_id]
                if user is not None and self._view_owner.get(view_id) != user:
                    continue
                if callback_id is not None and view.get("callback_id") != callback_id:
                    continue
                return copy.deepcopy(view)
            return None
