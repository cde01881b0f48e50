"""The demo the sandbox starts with: #program-apollo bound to a program that Alice leads, with a daily
stand-up for its members and a twice-weekly sync whose agenda is posted an hour ahead, set up the way a
person would (slash commands and the set-up modals, sent to the bot as Slack sends them), and a message
or two to try the shortcuts on."""

from __future__ import annotations

from typing import Callable

from sandbox import state_values as sv
from sandbox.seed import APOLLO
from sandbox.ui_driver import UiDriver

LEAD, CHANNEL = "U0ALICE", "C0APOLLO"
SETUP_CALLBACK = "standup.setup.modal"
MEETING_CALLBACK = "agenda.setup.modal"


def standup_values(participants: list[str]) -> dict:
    field = "standup.setup.input"
    return {
        "standup.setup.time": {field: sv.timepicker("09:30")},
        "standup.setup.days": {field: sv.checkboxes(["0", "1", "2", "3", "4"])},
        "standup.setup.questions": {field: sv.plain_text("What did you do yesterday?\nWhat will you do today?\n"
                                                         "Anything blocking you?")},
        "standup.setup.participants": {field: sv.multi_users_select(participants)},
        "standup.setup.mode": {field: sv.static_select("dm")},
        "standup.setup.reminder": {field: sv.plain_text("60")},
        "standup.setup.cutoff": {field: sv.timepicker("11:30")},
        "standup.setup.digest_channel": {field: sv.conversations_select(CHANNEL)},
    }


def meeting_values() -> dict:
    def field(key: str, value: dict) -> dict:
        return {f"agenda.setup.{key}": {"agenda.setup.input": value}}

    return {**field("name", sv.plain_text("Weekly sync")), **field("weekdays", sv.checkboxes(["1", "3"])),
            **field("time", sv.timepicker("10:00")), **field("lead", sv.plain_text("1h")),
            **field("channel", sv.conversations_select(CHANNEL)), **field("timezone", sv.plain_text(""))}


def _submit_setup(driver: UiDriver, wait_idle: Callable[[], None], command: str, callback: str, values: dict) -> None:
    driver.slash_command(LEAD, CHANNEL, command, "setup")
    wait_idle()
    view = driver.ws.latest_view(LEAD, callback_id=callback)
    if view is None:
        raise RuntimeError(f"the demo could not open the {command} set-up modal")
    outcome = driver.submit_view(LEAD, view["id"], values)
    if not outcome.ok:
        raise RuntimeError(f"the demo's {command} setup was refused: {outcome.errors or outcome.notice}")
    wait_idle()


def seed_demo(driver: UiDriver, wait_idle: Callable[[], None]) -> None:
    driver.slash_command(LEAD, CHANNEL, "/tpm", "help")  # the first command binds the channel; Alice leads
    wait_idle()
    _submit_setup(driver, wait_idle, "/standup", SETUP_CALLBACK,
                  standup_values([u for u in APOLLO if u != "U0LUIS"]))
    _submit_setup(driver, wait_idle, "/agenda", MEETING_CALLBACK, meeting_values())
    driver.post_message("U0BOB", CHANNEL, "Morning all. The payments vendor still hasn't issued our production "
                                          "API keys, so checkout can't go to staging.")
    driver.post_message("U0SOFIA", CHANNEL, "If the app store review takes its usual week we miss the launch "
                                            "date. Can we submit the build early?")
    wait_idle()
