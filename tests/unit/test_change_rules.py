"""Change requests' pure rules: the one-line grammar, and how many approvals decide under each policy."""

from datetime import datetime, timezone

import pytest

from bot.records.kinds.change import parse
from bot.services.errors import UserError
from bot.services.stakeholders import approvals_needed

NOW = datetime(2026, 12, 4, 15, 0, tzinfo=timezone.utc)


def test_the_one_liner_reads_type_moves_and_cost_in_any_order():
    draft = parse("cost:$12k push beta M-3 to mar 15 type:schedule M-4 to mar 30", "Europe/Berlin", NOW)
    assert draft.title == "push beta"
    assert draft.values == {"type": "schedule", "cost": "$12k",
                            "moves": [{"key": "M-3", "to": "2027-03-15"}, {"key": "M-4", "to": "2027-03-30"}]}
    assert parse("more QA people cost:4,500EUR", "UTC", NOW).values["type"] == "budget"  # a cost alone: budget
    assert parse("drop offline mode", "UTC", NOW).values == {"type": "scope", "moves": [], "cost": ""}


@pytest.mark.parametrize("text, said", [
    ("x type:speed", "isn't a type of change"), ("x cost:free", "isn't an amount"), ("x M-3 to", "new date"),
    ("x M-3 to mar 15 M-3 to mar 20", "each milestone once"), ("M-3 to mar 15", "the text is empty"),
    ("x M-3 to whenever", "Dates can be like")])
def test_bad_one_liners_say_what_was_wrong(text, said):
    with pytest.raises(UserError) as refused:
        parse(text, "UTC", NOW)
    assert said in refused.value.problem and refused.value.example.startswith("/change ")


@pytest.mark.parametrize("policy, approvers, needed", [
    ("all", 3, 3), ("any", 3, 1), ("majority", 3, 2), ("majority", 4, 3), ("majority", 1, 1), ("all", 0, 1)])
def test_approvals_needed_under_each_policy(policy, approvers, needed):
    assert approvals_needed(policy, approvers) == needed
