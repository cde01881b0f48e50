"""Seeding for the delivery tests: programs with stand-ups straight into the database, and Slack
clients that die at chosen points of a send (a process kill, as the sender sees it)."""

from __future__ import annotations

from datetime import datetime

from slack_sdk import WebClient

from storage.engine import session_scope
from storage.models import Program
from storage.programs import add_program, ensure_workspace
from storage.standup_models import StandupConfig

TEAM = "T0TPMBOT"


def seed_program(engine, channel: str, *, now: datetime, leads=("U0ALICE",), local_time: str = "09:00",
                 mode: str = "thread", participants=(), name: str | None = None) -> int:
    with session_scope(engine) as session:
        ensure_workspace(session=session, team_id=TEAM, now=now)
        program, _ = add_program(session=session, program=Program(
            team_id=TEAM, channel_id=channel, name=name or f"Program {channel}", leads=list(leads),
            escalation_channel_id=channel, timezone="UTC", working_days=[0, 1, 2, 3, 4, 5, 6],
            created_by=leads[0], created_at=now, updated_at=now))
        session.add(StandupConfig(program_id=program.id, local_time=local_time, days=[0, 1, 2, 3, 4, 5, 6],
                                  participants=list(participants), mode=mode, reminder_minutes=0, cutoff="23:59",
                                  digest_channel_id=channel, updated_at=now))
        return program.id


class Killed(BaseException):
    """The process died here (BaseException: nothing on the way up may treat it as a Slack error)."""


def dying_client(client: WebClient, *, after_post: bool) -> WebClient:
    """A WebClient class whose chat.postMessage kills the sender before, or just after, Slack accepts it."""

    class Dying(WebClient):
        def api_call(self, api_method, **kwargs):
            if api_method == "chat.postMessage":
                if not after_post:
                    raise Killed()
                super().api_call(api_method, **kwargs)
                raise Killed()
            return super().api_call(api_method, **kwargs)

    return Dying(token=client.token, base_url=client.base_url)
