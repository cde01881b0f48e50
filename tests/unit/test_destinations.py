"""The destination rule: what a chosen channel must be for a program's output to go there."""

from bot.services.destinations import Channel, leaks_private, problem

HOME_PRIVATE = Channel("C0HOME", name="leadership", is_private=True, is_member=True)
HOME_PUBLIC = Channel("C0HOME", name="apollo", is_private=False, is_member=True)
PUBLIC_IN = Channel("C0PUB", name="general", is_private=False, is_member=True)
PUBLIC_OUT = Channel("C0OUT", name="outside", is_private=False, is_member=False)
PRIVATE_IN = Channel("C0PRIV", name="secret", is_private=True, is_member=True)


def test_a_private_programs_output_never_goes_public():
    assert leaks_private(HOME_PRIVATE, PUBLIC_IN)
    assert not leaks_private(HOME_PRIVATE, PRIVATE_IN) and not leaks_private(HOME_PUBLIC, PUBLIC_IN)
    assert not leaks_private(HOME_PRIVATE, HOME_PRIVATE)
    assert leaks_private(Channel("C0HOME", visible=False), PUBLIC_IN)  # a home I can't see counts as private
    assert problem(HOME_PRIVATE, PUBLIC_IN, "digest") == (
        "#leadership is private, so its stand-up digest can't go to #general, which is public. "
        "Choose a private channel (or #leadership itself).")


def test_the_bot_must_see_and_be_in_the_channel():
    assert problem(HOME_PUBLIC, PUBLIC_OUT, "agenda") == "I'm not in #outside — /invite @tpmbot first"
    assert "/invite @tpmbot there first" in problem(HOME_PUBLIC, Channel("C0X", visible=False), "agenda")
    archived = Channel("C0OLD", name="old", is_private=False, is_member=True, is_archived=True)
    assert problem(HOME_PUBLIC, archived, "escalation") == "#old is archived. Choose another channel."
    assert "didn't answer" in problem(HOME_PUBLIC, Channel("C0X", answered=False), "status")
    assert problem(HOME_PUBLIC, PUBLIC_IN, "escalation") is None
    assert problem(HOME_PRIVATE, PRIVATE_IN, "escalation") is None
    assert problem(HOME_PRIVATE, HOME_PRIVATE, "digest") is None
