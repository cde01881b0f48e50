"""Default seed data: the "Sandbox" team with people spread across real IANA time zones."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sandbox.workspace import Workspace

# (user id, handle, real name, IANA zone, title)
DEFAULT_USERS = [
    ("U0ALICE", "alice", "Alice Nguyen", "America/Los_Angeles", "Technical Program Manager"),
    ("U0BOB", "bob", "Bob Okafor", "America/New_York", "Engineering Manager"),
    ("U0CAROL", "carol", "Carol Whitfield", "Europe/London", "Director of Engineering"),
    ("U0DIETER", "dieter", "Dieter Braun", "Europe/Berlin", "Backend Engineer"),
    ("U0PRIYA", "priya", "Priya Raman", "Asia/Kolkata", "QA Lead"),
    ("U0KENJI", "kenji", "Kenji Sato", "Asia/Tokyo", "Mobile Engineer"),
    ("U0MIA", "mia", "Mia Thompson", "Australia/Sydney", "Site Reliability Engineer"),
    ("U0LUIS", "luis", "Luis Herrera", "America/Sao_Paulo", "Frontend Engineer"),
    ("U0AMARA", "amara", "Amara Diallo", "Africa/Lagos", "Data Engineer"),
    ("U0SOFIA", "sofia", "Sofia Rossi", "Europe/Rome", "Product Manager"),
    ("U0OMAR", "omar", "Omar Haddad", "Asia/Dubai", "Security Engineer"),
    ("U0HANA", "hana", "Hana Kim", "Asia/Seoul", "Designer"),
    ("U0JAMES", "james", "James Porter", "America/Denver", "VP Engineering"),
]

ADMINS = {"U0ALICE", "U0CAROL", "U0JAMES"}
APOLLO = ["U0ALICE", "U0BOB", "U0DIETER", "U0PRIYA", "U0KENJI", "U0MIA", "U0LUIS", "U0SOFIA"]
LEADERS = ["U0ALICE", "U0CAROL", "U0JAMES", "U0BOB"]


def seed_default(ws: "Workspace") -> None:
    for user_id, name, real_name, tz, title in DEFAULT_USERS:
        ws.add_user(user_id, name, tz=tz, real_name=real_name, display_name=name,
                    email=f"{name}@sandbox.slack.test", title=title,
                    is_admin=user_id in ADMINS)
    everyone = [u[0] for u in DEFAULT_USERS]
    ws.add_channel("C0GENERAL", "general", members=everyone,
                   purpose="Company-wide announcements")
    ws.add_channel("C0APOLLO", "program-apollo", members=APOLLO,
                   purpose="Program Apollo: launch coordination")
    ws.add_channel("C0LEADERS", "leadership", is_private=True, members=LEADERS,
                   purpose="Engineering leadership")
