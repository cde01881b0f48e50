"""The /blocker and /risk grammar: examples, and a property over any text."""

from datetime import datetime, timezone

from hypothesis import HealthCheck, given, settings, strategies as st

from bot.services.errors import UserError
from bot.services.raid_grammar import SEVERITIES, parse_blocker, parse_key, parse_risk

NOW = datetime(2026, 11, 23, 9, tzinfo=timezone.utc)


def test_options_in_any_order():
    a = parse_blocker("sev:critical <@U1> db is down due tomorrow", "UTC", NOW)
    b = parse_blocker("db is down due tomorrow <@U1|x> sev:critical", "UTC", NOW)
    assert (a.owner_id, a.severity, a.due.at) == (b.owner_id, b.severity, b.due.at) == ("U1", "critical", a.due.at)
    risk = parse_risk("vendor api slow mitigation: add a cache p:5 i:2", "UTC", NOW)
    assert (risk.title, risk.probability, risk.impact, risk.mitigation) == ("vendor api slow", 5, 2, "add a cache")


def test_keys():
    assert parse_key("b-12", "blocker") == 12 and parse_key(" R-3 ", "risk") == 3


words = st.sampled_from(["waiting", "on", "keys", "due", "friday", "sev:high", "sev:urgent", "p:4", "p:9", "i:2",
                         "<@U0BOB>", "<@U1|x>", "review", "dec 3", "mitigation:", "someday", "tomorrow", "b:", ";",
                         "eod", "q9", "2026-02-30", "sev:", "in 2 weeks", "yesterday"])
texts = st.one_of(st.text(max_size=80), st.lists(words, max_size=12).map(" ".join))


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(texts)
def test_any_text_is_a_blocker_or_a_user_error(text):
    try:
        draft = parse_blocker(text, "Europe/Berlin", NOW)
    except UserError as error:
        assert error.problem and error.example
        return
    assert draft.title and draft.severity in SEVERITIES
    assert draft.due is None or draft.due.at > NOW
    assert "sev:" not in draft.title.lower() or "sev:" in text.lower()


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(texts)
def test_any_text_is_a_risk_or_a_user_error(text):
    try:
        draft = parse_risk(text, "Asia/Tokyo", NOW)
    except UserError as error:
        assert error.problem and error.example
        return
    assert draft.title and 1 <= draft.probability <= 5 and 1 <= draft.impact <= 5
    assert draft.review is None or draft.review.at > NOW
