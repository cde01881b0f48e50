"""The rules of change requests (bot/records/kinds/change.py): who approves one, when it is decided,
and what an approved one changes.

- Its approvers and the approval policy are fixed when it is made (bot/services/stakeholders.py): the
  program's named approvers, else its leads; all of them, any one, or a majority.
- Each approver votes once: approve, or reject with a reason. It is approved as soon as enough have
  approved, rejected as soon as enough have rejected that approval can no longer come.
- Approved, it applies at once, in the same transaction: each milestone it names moves to its new date
  (kept in the milestone's slip history with the request's key) and that date becomes its new baseline.
- The request is read under a row lock, so votes are counted one after another and the milestone moves
  once however often a button is pressed or a request re-sent."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlmodel import Session

from bot.records import service
from bot.records.kinds.change import SPEC, ChangeStatus
from bot.records.kinds.milestone import SPEC as MILESTONE
from bot.records.spec import OPEN
from bot.services import milestones, stakeholders
from bot.services.dates import When, end_of_day
from bot.services.errors import NotAllowed, UserError
from bot.services.timezones import zone
from storage.change_requests import locked_item
from storage.models import Program
from storage.raid_models import Item

REASON_MAX = 1000
QUESTION_MAX = 2000
DECIDE_DAYS = 2
VOTED = {"approve": "approved", "reject": "rejected"}


def plan_new(*, session: Session, program: Program, item: Item, now: datetime) -> None:
    """A new request: each milestone it names is open; its approvers and policy are fixed, and it is to be
    decided by the end of its DECIDE_DAYS-th day (the approvers who have not answered are reminded then)."""
    for move in (item.details or {}).get("moves") or []:
        milestone = service.find(session=session, program=program, spec=MILESTONE, key=move["key"])
        if milestone.status != OPEN:
            raise UserError(f"{milestone.key} is {milestone.status}: a change can only move an open milestone.",
                            "/milestone list")
    details = dict(item.details or {})
    details.setdefault("approvers", stakeholders.approvers(program) or [item.reporter_id])
    details.setdefault("policy", stakeholders.approval_policy(program))
    details.setdefault("votes", [])
    item.details = details
    if item.due_at is None:
        item.due_at = end_of_day(now.astimezone(zone(program.timezone)).date() + timedelta(days=DECIDE_DAYS),
                                 program.timezone)
    session.add(item)


def approvers_of(item: Item) -> list[str]:
    return list((item.details or {}).get("approvers") or [])


def votes_of(item: Item) -> list[dict]:
    return list((item.details or {}).get("votes") or [])


def not_answered(item: Item) -> list[str]:
    """The approvers who have neither approved nor rejected it (none once it is decided)."""
    if item.status != OPEN:
        return []
    voted = {v["by"] for v in votes_of(item)}
    return [u for u in approvers_of(item) if u not in voted]


def waiting_on(item: Item) -> str:
    return ", ".join(f"<@{u}>" for u in not_answered(item))


def ensure_approver(item: Item, actor: str) -> None:
    names = ", ".join(f"<@{u}>" for u in approvers_of(item))
    if actor not in approvers_of(item):
        raise NotAllowed(f"Only {item.key}'s approvers can approve, reject or ask about it: {names}.")


def ensure_open(item: Item) -> None:
    if item.status != OPEN:
        raise UserError(f"{item.key} is already {SPEC.status_label(item.status)}: there is nothing left to decide.")


@dataclass
class Vote:
    item: Item
    decided: str | None = None  # the status this vote gave it, when it decided it
    moved: list[Item] = field(default_factory=list)  # the milestones it moved
    repeated: bool = False  # the same request, handled again: nothing changed


def cast_vote(*, session: Session, program: Program, item_id: int, actor: str, now: datetime, vote: str,
              reason: str = "", inbox_id: str | None = None) -> Vote:
    """``vote`` is approve or reject; a rejection needs its reason."""
    item = locked_item(session=session, item_id=item_id)
    mine = next((v for v in votes_of(item) if v["by"] == actor), None)
    if mine is not None and inbox_id is not None and mine.get("inbox") == inbox_id:
        return Vote(item, repeated=True)
    ensure_approver(item, actor)
    ensure_open(item)
    if mine is not None:
        raise UserError(f"You already {VOTED[mine['vote']]} {item.key}.")
    reason = " ".join((reason or "").split())
    if vote == "reject" and not reason:
        raise UserError("Say why you reject it: the requester sees your reason.")
    if len(reason) > REASON_MAX:
        raise UserError(f"Keep the reason to {REASON_MAX} characters (it has {len(reason)}).")
    entry = {"by": actor, "vote": vote, "at": now.isoformat(), **({"reason": reason} if reason else {}),
             **({"inbox": inbox_id} if inbox_id else {})}
    item.details = {**(item.details or {}), "votes": [*votes_of(item), entry]}
    approvals = sum(1 for v in votes_of(item) if v["vote"] == "approve")
    rejections = len(votes_of(item)) - approvals
    total = len(approvers_of(item))
    needed = stakeholders.approvals_needed((item.details or {}).get("policy") or "all", total)
    if approvals >= needed:
        moved = apply(session=session, program=program, item=item, actor=actor, now=now)
        _decide(session, item, actor, now, ChangeStatus.APPROVED, "")
        return Vote(item, ChangeStatus.APPROVED, moved)
    if total - rejections < needed:
        _decide(session, item, actor, now, ChangeStatus.REJECTED, reason)
        return Vote(item, ChangeStatus.REJECTED)
    service.change(session, item, actor, VOTED[vote], {"note": reason} if reason else {}, now)
    return Vote(item)


def _decide(session: Session, item: Item, actor: str, now: datetime, status: str, note: str) -> None:
    item.status, item.closed_at, item.closed_by, item.close_note = status, now, actor, note
    service.change(session, item, actor, str(status), {"status": [OPEN, str(status)], "note": note}, now)


def apply(*, session: Session, program: Program, item: Item, actor: str, now: datetime) -> list[Item]:
    """What an approved request names: each milestone moves to its date, which is also its new baseline."""
    moved = []
    reason = f"{item.key}: {item.title}"[: milestones.REASON_MAX]
    for move in (item.details or {}).get("moves") or []:
        milestone = service.find(session=session, program=program, spec=MILESTONE, key=move["key"])
        if milestone.status != OPEN:
            raise UserError(f"{milestone.key} is {milestone.status} now, so {item.key} can't move it. Reopen it "
                            "first, or reject the request.", f"/milestone reopen {milestone.key}")
        day = date.fromisoformat(move["to"])
        if milestones.day_of(milestone, "forecast") != day:
            milestones.move(session=session, program=program, item=milestone, actor=actor, now=now,
                            when=When(end_of_day(day, program.timezone), program.timezone, False),
                            reason=reason, via=item.key)
        before = (milestone.details or {}).get("baseline")
        if before != day.isoformat():
            rebaselined = {"from": before, "to": day.isoformat(), "via": item.key, "by": actor, "at": now.isoformat()}
            milestone.details = {**(milestone.details or {}), "baseline": day.isoformat(),
                                 "baselines": [*((milestone.details or {}).get("baselines") or []), rebaselined]}
            service.change(session, milestone, actor, "rebaselined",
                           {"baseline": [before, day.isoformat()], "note": item.key}, now)
        moved.append(milestone)
    return moved


def ask(*, session: Session, item_id: int, actor: str, now: datetime, question: str,
        inbox_id: str | None = None) -> tuple[Item, bool]:
    """An approver's question, kept with the request; returns it and whether it is new (not a re-run)."""
    item = locked_item(session=session, item_id=item_id)
    ensure_approver(item, actor)
    ensure_open(item)
    question = (question or "").strip()
    if not question:
        raise UserError("Write your question.")
    if len(question) > QUESTION_MAX:
        raise UserError(f"Keep the question to {QUESTION_MAX} characters (it has {len(question)}).")
    asked = list((item.details or {}).get("questions") or [])
    if inbox_id is not None and any(q.get("inbox") == inbox_id for q in asked):
        return item, False
    asked.append({"by": actor, "at": now.isoformat(), "text": question, **({"inbox": inbox_id} if inbox_id else {})})
    item.details = {**(item.details or {}), "questions": asked}
    service.change(session, item, actor, "asked", {"note": question[:200]}, now)
    return item, True


def may_vote(item: Item, actor: str) -> None:
    """Before a modal opens: the person is an approver, the request still open, and they have not voted."""
    ensure_approver(item, actor)
    ensure_open(item)
    mine = next((v for v in votes_of(item) if v["by"] == actor), None)
    if mine is not None:
        raise UserError(f"You already {VOTED[mine['vote']]} {item.key}.")
