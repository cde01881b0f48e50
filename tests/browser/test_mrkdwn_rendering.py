"""The page's mrkdwn renderer (sandbox/static/mrkdwn.js) in chromium: Slack's escaping is honoured, control
sequences become mentions and links, and nothing in a message can become markup of its own."""

from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

SCRIPT = Path(__file__).resolve().parents[2] / "sandbox" / "static" / "mrkdwn.js"


@pytest.fixture
def render(browser):
    page = browser.new_page()
    page.set_content("<html><body></body></html>")
    page.add_script_tag(content=SCRIPT.read_text())
    page.evaluate("Names.users = {U0BOB: {display_name: 'bob'}}; Names.channels = {C0APOLLO: {name: 'program-apollo'}}")
    yield lambda text: page.evaluate("(text) => mrkdwn(text)", text)
    page.close()


@pytest.mark.parametrize("text, html", [
    ("keys missing &lt;@U0DIETER&gt; &amp; more", "keys missing &lt;@U0DIETER&gt; &amp; more"),
    ("hi <@U0BOB> in <#C0APOLLO|apollo>", 'hi <span class="mention">@bob</span> in <span class="mention">#program-apollo</span>'),
    ("*bold* _it_ ~gone~ `code` :white_check_mark:", "<b>bold</b> <i>it</i> <s>gone</s> <code>code</code> ✅"),
    ("*<@U0BOB>* a&b", '<b><span class="mention">@bob</span></b> a&amp;b'),
    ("<https://x.test/a?b=1&amp;c=2|the plan>",
     '<a href="https://x.test/a?b=1&amp;c=2" target="_blank" rel="noopener">the plan</a>'),
    ("<javascript:alert(1)|click> <img src=x onerror=alert(1)>", "click img src=x onerror=alert(1)"),
    ("> quoted\nnext ```pre *not bold*```", "<blockquote>quoted</blockquote>next <pre>pre *not bold*</pre>"),
])
def test_mrkdwn(render, text, html):
    assert render(text) == html
