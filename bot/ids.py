"""Every Block Kit id the app uses: `<feature>.<surface>.<element>`, in one place."""

from __future__ import annotations

from enum import StrEnum


class Callback(StrEnum):
    TPM_SETUP = "tpm.setup.modal"
    BLOCKER_MODAL = "blocker.modal"
    RISK_MODAL = "risk.modal"
    LOG_BLOCKER = "blocker.shortcut.log"
    LOG_RISK = "risk.shortcut.log"
    STANDUP_ANSWER = "standup.modal"
    STANDUP_SETUP = "standup.setup.modal"
    AGENDA_SETUP = "agenda.setup.modal"
    CHARTER = "tpm.charter.modal"
    STAKEHOLDERS = "tpm.stakeholders.modal"
    CHANGE_NEW = "change.new.modal"
    CHANGE_REJECT = "change.reject.modal"
    CHANGE_ASK = "change.ask.modal"


class Block(StrEnum):
    SETUP_NAME = "tpm.setup.name"
    SETUP_LEADS = "tpm.setup.leads"
    SETUP_ESCALATION = "tpm.setup.escalation_channel"
    SETUP_TIMEZONE = "tpm.setup.timezone"
    SETUP_DAYS = "tpm.setup.working_days"
    SETUP_HOLIDAYS = "tpm.setup.holiday_region"
    SETUP_SPRINT_LENGTH = "tpm.setup.sprint_length"
    SETUP_SPRINT_START = "tpm.setup.sprint_first_day"


class RaidBlock(StrEnum):
    TITLE = "raid.modal.title"
    OWNER = "raid.modal.owner"
    SEVERITY = "raid.modal.severity"
    DUE = "raid.modal.due"
    PROBABILITY = "raid.modal.probability"
    IMPACT = "raid.modal.impact"
    REVIEW = "raid.modal.review"
    MITIGATION = "raid.modal.mitigation"


class Action(StrEnum):
    SETUP_NAME = "tpm.setup.name_input"
    SETUP_LEADS = "tpm.setup.leads_select"
    SETUP_ESCALATION = "tpm.setup.escalation_select"
    SETUP_TIMEZONE = "tpm.setup.timezone_input"
    SETUP_DAYS = "tpm.setup.days_checkboxes"
    SETUP_HOLIDAYS = "tpm.setup.holiday_input"
    SETUP_SPRINT_LENGTH = "tpm.setup.sprint_length_select"
    SETUP_SPRINT_START = "tpm.setup.sprint_first_day_picker"
    HELP_OPEN_SETUP = "tpm.help.open_setup"
    RAID_RESOLVE = "raid.message.resolve"
    RAID_REOPEN = "raid.message.reopen"
    RAID_REASSIGN = "raid.message.reassign"
    RAID_EDIT = "raid.message.edit"
    RAID_SNOOZE = "raid.message.snooze"
    RAID_INPUT = "raid.modal.input"
    RECORD_CLOSE = "record.message.close"  # a kind's other closing verbs: record.message.close.<verb>
    STANDUP_OPEN = "standup.prompt.answer"
    STANDUP_LOG_BLOCKER = "standup.digest.log_blocker"
    STANDUP_INPUT = "standup.modal.input"
    ESCALATION_ACK = "escalation.card.acknowledge"
    ESCALATION_RESOLVE = "escalation.card.resolve"
    ESCALATION_SNOOZE = "escalation.card.snooze"
    ESCALATION_REASSIGN = "escalation.card.reassign"
    AGENDA_ACTION_DONE = "agenda.message.action_done"
    CHANGE_APPROVE = "change.request.approve"
    CHANGE_REJECT = "change.request.reject"
    CHANGE_ASK = "change.request.ask"
