"""Creating a record from any surface — one line, a modal, a thread reply — the same way: stored with
its history, its message queued in the same transaction, the owner told, the author told what was
understood."""

from __future__ import annotations

from slack_sdk import WebClient

from bot.blocks.records import created_reply
from bot.deps import Deps
from bot.records import message, service
from bot.records.spec import Draft, KindSpec
from handlers.members import user_timezone
from handlers.records.common import delivery_note, follow_escalation
from storage.models import Program
from storage.raid_models import Item


def create_record(client: WebClient, deps: Deps, program: Program, spec: KindSpec, draft: Draft, author_id: str, *,
                  source_link: str = "", inbox_id: str | None = None, details: dict | None = None) -> tuple[Item, str]:
    """Store, post and confirm; returns the record and the reply for its author."""
    if draft.owner_id and draft.owner_id != author_id:
        user_timezone(client, deps, program.team_id, draft.owner_id)  # their reminders follow their zone
    now = deps.clock.now()
    with deps.session() as session:
        item = service.create(session=session, program=program, spec=spec, draft=draft, author_id=author_id, now=now,
                              source_link=source_link, inbox_id=inbox_id, details=details)
        others = [other for hook in spec.after_create
                  for other in hook(session=session, program=program, item=item, actor=author_id, now=now, draft=draft)]
        session.flush()
        queued = message.queue_sync(session=session, program=program, item=item, now=now, new_owner_by=author_id)
        for other in others:  # records the new one changed (a decision it supersedes): their messages too
            queued.keys += message.queue_sync(session=session, program=program, item=other, now=now).keys
        message.claim(session=session, queued=queued, now=now)
    message.send(deps, client, item, queued)
    follow_escalation(client, deps, item, actor=author_id)
    return item, created_reply(item, draft.when) + delivery_note(queued.posted, program)
