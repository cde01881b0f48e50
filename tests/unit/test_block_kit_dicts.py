"""bot.blocks.kit gives, key for key and in the same order, what the slack_sdk models give."""

import json

import pytest
from slack_sdk.errors import SlackObjectFormationError
from slack_sdk.models.blocks import (
    ButtonElement, ContextBlock, DividerBlock, HeaderBlock, MarkdownTextObject, SectionBlock,
)

from bot.blocks import kit

TEXTS = ["", "plain", "*bold* <@U1> &amp; :tada:\nsecond line", "x" * 3000]


def same(ours: dict, theirs: dict) -> None:
    assert json.dumps(ours) == json.dumps(theirs)  # equal, and in the same key order


@pytest.mark.parametrize("text", TEXTS)
def test_texts_headers_and_sections(text):
    same(kit.mrkdwn(text), MarkdownTextObject(text=text).to_dict())
    if text:
        same(kit.header(text[:150]), HeaderBlock(text=text[:150]).to_dict())
    same(kit.section(text), SectionBlock(text=MarkdownTextObject(text=text)).to_dict())
    same(kit.context(text, "second"), ContextBlock(elements=[MarkdownTextObject(text=text),
                                                             MarkdownTextObject(text="second")]).to_dict())


def test_fields_accessory_and_divider():
    fields = [t[:2000] for t in TEXTS]
    same(kit.section(fields=fields), SectionBlock(fields=[MarkdownTextObject(text=f) for f in fields]).to_dict())
    theirs = SectionBlock(text=MarkdownTextObject(text="row"))
    theirs.accessory = ButtonElement(text="Done", action_id="agenda.action.done", value="42")
    same(kit.section("row", accessory=kit.button("Done", action_id="agenda.action.done", value="42")),
         theirs.to_dict())
    same(kit.divider(), DividerBlock().to_dict())


def test_a_header_needs_text():
    with pytest.raises(SlackObjectFormationError):
        HeaderBlock(text="").to_dict()
    with pytest.raises(ValueError):
        kit.header("")
