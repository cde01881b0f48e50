import pytest

from bot.services.errors import FieldErrors
from bot.services.programs import (
    SetupForm, default_program_name, describe_working_days, is_holiday_region, validate_setup,
)


def good_form(**changes) -> SetupForm:
    form = SetupForm(name="  Apollo   launch ", leads=["U1", "U1", "U2"], escalation_channel_id="C9",
                     timezone="Europe/Berlin", working_days=[4, 0, 1, 2, 3, 3], holiday_region="de-by")
    for key, value in changes.items():
        setattr(form, key, value)
    return form


def test_valid_form_is_cleaned():
    clean = validate_setup(good_form())
    assert clean.name == "Apollo launch"
    assert clean.leads == ["U1", "U2"]
    assert clean.working_days == [0, 1, 2, 3, 4]
    assert clean.holiday_region == "DE-BY"


@pytest.mark.parametrize("field,value,key", [
    ("name", "   ", "name"),
    ("name", "x" * 81, "name"),
    ("leads", [], "leads"),
    ("escalation_channel_id", None, "escalation_channel"),
    ("timezone", "Mars/Olympus", "timezone"),
    ("timezone", "", "timezone"),
    ("working_days", [], "working_days"),
    ("holiday_region", "XX", "holiday_region"),
    ("holiday_region", "US-ZZ", "holiday_region"),
])
def test_each_bad_field_is_named(field, value, key):
    with pytest.raises(FieldErrors) as caught:
        validate_setup(good_form(**{field: value}))
    assert list(caught.value.errors) == [key]
    assert caught.value.errors[key]


def test_several_errors_are_reported_together():
    with pytest.raises(FieldErrors) as caught:
        validate_setup(SetupForm())
    assert {"name", "leads", "escalation_channel", "timezone", "working_days"} <= set(caught.value.errors)


def test_holiday_regions_come_from_the_holidays_package():
    assert is_holiday_region("US") and is_holiday_region("US-CA") and is_holiday_region("GB-ENG")
    assert not is_holiday_region("USA") and not is_holiday_region("us")


def test_program_name_defaults_to_the_channel():
    assert default_program_name("program-apollo", "C1") == "program-apollo"
    assert default_program_name("", "C1ABC") == "program-c1abc"
    assert default_program_name("directmessage", "D1") == "program-d1"


def test_working_days_read_naturally():
    assert describe_working_days([4, 3, 2, 1, 0]) == "Monday–Friday"
    assert describe_working_days([0, 2]) == "Monday, Wednesday"
