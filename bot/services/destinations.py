"""Where a program's output may go: one rule for every destination a lead chooses (the stand-up digest,
escalations, agendas, the status report), used by every set-up modal and command when it is chosen, and
by the outbound queue when something is sent there (for a destination chosen before the rule existed).

The rule: the bot must be able to post there (it sees the channel, is a member, the channel is not
archived), and a private program's record never goes to a public channel — its blockers, risks and
stand-up answers would be quoted to people who can't read its home. What Slack says about a channel is
looked up by the Slack edge (bot/channel_lookup.py) and handed in as ``Channel`` facts."""

from __future__ import annotations

from dataclasses import dataclass

WHAT = {"digest": "stand-up digest", "escalation": "escalations", "agenda": "agenda",
        "status": "status report", "portfolio": "portfolio digest"}


@dataclass(frozen=True)
class Channel:
    """What Slack said about a channel. ``visible`` is False when Slack says it does not exist for the bot
    (deleted, or private without it); ``answered`` is False when Slack did not answer in time."""

    id: str
    name: str = ""
    visible: bool = True
    answered: bool = True
    is_private: bool = True  # not known to be public: treated as private, the safe side for a home
    is_member: bool = False
    is_archived: bool = False

    @property
    def label(self) -> str:
        return f"#{self.name}" if self.name else "that channel"


def leaks_private(home: Channel, target: Channel) -> bool:
    """Would posting the program's record from ``home`` into ``target`` quote a private channel into a
    public one? A home the bot cannot see counts as private; a target only counts as public when Slack
    says so."""
    if target.id == home.id:
        return False
    target_public = target.visible and target.answered and not target.is_private
    return target_public and (home.is_private or not home.visible or not home.answered)


def problem(home: Channel, target: Channel, what: str) -> str | None:
    """Why ``target`` can't take the program's ``what`` (a key of WHAT or words), in the words shown
    under the field — plain text, as modal errors are — or None when it can."""
    what = WHAT.get(what, what)
    if not target.answered:
        return f"Slack didn't answer in time when I checked {target.label}. Save again in a moment."
    if not target.visible:
        return "I can't see that channel: if it's private, /invite @tpmbot there first."
    if target.is_archived:
        return f"{target.label} is archived. Choose another channel."
    if leaks_private(home, target):
        if not home.answered:
            return f"Slack didn't answer in time when I checked {home.label}. Save again in a moment."
        return (f"{home.label} is private, so its {what} can't go to {target.label}, which is public. "
                f"Choose a private channel (or {home.label} itself).")
    if not target.is_member and target.id != home.id:
        return f"I'm not in {target.label} — /invite @tpmbot first"
    return None


def refused_at_send(home: Channel, target: Channel) -> bool:
    """At send time, for a destination saved before the rule: a private program's record is not posted
    into a public channel (the other problems are Slack's own errors, reported when the send fails)."""
    return leaks_private(home, target)
