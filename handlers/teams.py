"""Only the workspace this app is installed in: a request from any other team (a foreign `team_id`) is
answered and dropped before any listener runs, so nothing is stored or posted with this team's token."""

from __future__ import annotations

import logging
from typing import Any, Callable

from slack_bolt import BoltResponse

log = logging.getLogger(__name__)


def refuse_foreign_teams(context: dict[str, Any], next: Callable[[], BoltResponse]) -> BoltResponse | None:
    installed = getattr(context.get("authorize_result"), "team_id", None)
    asked = context.get("team_id")
    if installed and asked and asked != installed:
        log.warning("refused a request from team %s: this app is installed in %s", asked, installed)
        return BoltResponse(status=200, body="")
    return next()
