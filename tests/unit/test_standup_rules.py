"""Stand-up rules without a database: who counts as answered, skipped, away or missed (one rule for the
digest, `/standup status`, the week and the status report), the limits on text, and the verbs the router knows."""

from types import SimpleNamespace as Row

import pytest

from bot.services.errors import UserError
from bot.services.standups import (
    ANSWER_LIMIT, Update, away_on, check_skip_reason, check_update, parse_update, participation, participation_rate,
    standing,
)


def answer(run_id, user, skipped=False, late=False):
    return Row(run_id=run_id, user_id=user, skipped=skipped, late=late)


@pytest.mark.parametrize("given,away,expected", [
    (None, False, "missed"),
    (None, True, "away"),
    (answer(1, "U"), True, "on time"),  # answered while out: answered, not away
    (answer(1, "U", late=True), True, "late"),
    (answer(1, "U", skipped=True), False, "skipped"),
])
def test_one_rule_for_each_persons_standing(given, away, expected):
    assert standing(given, away) == expected


def test_a_week_counts_away_days_as_neither_missed_nor_expected():
    runs = [Row(id=1, day="2026-12-01", roster=["A", "K"]), Row(id=2, day="2026-12-02", roster=["A", "K"]),
            Row(id=3, day="2026-12-05", roster=["A", "K"])]  # a Saturday: a day off
    answers = [answer(1, "A"), answer(2, "A", late=True), answer(2, "K"), answer(3, "A")]
    stretches = [Row(user_id="K", first_day="2026-12-01", last_day="2026-12-04")]
    away = {1: away_on("2026-12-01", stretches), 2: away_on("2026-12-02", stretches), 3: None}
    stats = participation(runs, answers, away)
    assert stats["K"] == {"on time": 1, "late": 0, "missed": 0, "skipped": 0, "away": 2}
    assert stats["A"] == {"on time": 2, "late": 1, "missed": 0, "skipped": 0, "away": 0}
    assert participation_rate(stats) == 1.0
    assert participation_rate(participation(runs, answers)) == 4 / 6  # without who was away: two missed
    assert participation_rate({}) is None


def test_stretches_are_inclusive_days():
    stretches = [Row(user_id="K", first_day="2026-12-01", last_day="2026-12-04")]
    assert [away_on(day, stretches) for day in ("2026-11-30", "2026-12-01", "2026-12-04", "2026-12-05")] == [
        set(), {"K"}, {"K"}, set()]


def test_text_over_the_limit_is_refused_with_its_length_and_invisible_text_is_empty():
    assert check_update(Update(today="x" * ANSWER_LIMIT)).today == "x" * ANSWER_LIMIT
    with pytest.raises(UserError, match="“blockers” part is 3,001 characters; the limit is 3,000"):
        check_update(Update(today="ok", blockers="b" * 3001))
    with pytest.raises(UserError, match="“today” part is 4,000 characters"):
        parse_update("x" * 4000)
    for text in ("\u200b", "\u200c\u200d \u2060", "\ufeff\n", "  "):
        with pytest.raises(UserError, match="empty: say what you did"):
            parse_update(text)
    with pytest.raises(UserError, match="empty"):
        check_update(Update(yesterday="\u200b", today="\u2060"))
    assert parse_update("t: \u200bcoding\u200b").today == "coding"
    assert parse_update("t: 👩\u200d💻 pairing").today == "👩\u200d💻 pairing"  # a joiner inside an emoji stays
    with pytest.raises(UserError, match="501 characters; a skip reason can be at most 500"):
        check_skip_reason("r" * 501)
    assert check_skip_reason("\u200b") == ""


def test_the_standup_router_registers_its_verbs_as_subcommands():
    from handlers.commands.standup import router

    assert {"skip", "ooo", "back", "status", "setup"} <= set(router._subs)
    usages = [line.usage for line in router.help_section().lines]
    assert "/standup back" in usages
    route, rest = router.route("back")
    assert route is router._subs["back"] and rest == ""
