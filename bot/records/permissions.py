"""Who may change a record: its owner, its reporter, the people it names as deciders, or a program lead.
One rule for every kind, every command and every button."""

from __future__ import annotations

from bot.services.errors import NotAllowed


def people_who_may_change(item, program) -> list[str]:
    deciders = (item.details or {}).get("deciders") or []
    return list(dict.fromkeys([item.owner_id, item.reporter_id, *deciders, *program.leads]))


def may_change(item, program, user_id: str) -> bool:
    return user_id in people_who_may_change(item, program)


def ensure_may_change(item, program, user_id: str) -> None:
    if not may_change(item, program, user_id):
        names = ", ".join(f"<@{u}>" for u in people_who_may_change(item, program))
        raise NotAllowed(f"Only {item.key}'s owner, its reporter or a program lead can change it: {names}.")
