"""The page's mrkdwn renderer (sandbox/static/mrkdwn.js) in chromium: Slack's escaping is honoured, control
sequences become mentions and links, and nothing in a message can become markup of its own."""

from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

SCRIPT = Path(__file__).resolve().parents[2] / "sandbox" / "static" / "mrkdwn.js"


@pytest.fixture
def page(browser):
    page = browser.new_page()
    page.set_content("<html><body></body></html>")
    page.add_script_tag(content=SCRIPT.read_text())
    page.evaluate("Names.users = {U0BOB: {display_name: 'bob'}}; Names.channels = {C0APOLLO: {name: 'program-apollo'}}")
    yield page
    page.close()


@pytest.fixture
def render(page):
    return lambda text: page.evaluate("(text) => mrkdwn(text)", text)


@pytest.fixture
def render_as(page):
    """Render as a reader in zone ``tz`` when the sandbox's clock says ``now``."""
    def render(text, tz, now):
        return page.evaluate("([text, tz, now]) => { Viewer.tz = tz; Viewer.now = now; return mrkdwn(text); }",
                             [text, tz, now])
    return render


@pytest.mark.parametrize("text, html", [
    ("keys missing &lt;@U0DIETER&gt; &amp; more", "keys missing &lt;@U0DIETER&gt; &amp; more"),
    ("hi <@U0BOB> in <#C0APOLLO|apollo>", 'hi <span class="mention">@bob</span> in <span class="mention">#program-apollo</span>'),
    ("*bold* _it_ ~gone~ `code` :white_check_mark:", "<b>bold</b> <i>it</i> <s>gone</s> <code>code</code> ✅"),
    ("*<@U0BOB>* a&b", '<b><span class="mention">@bob</span></b> a&amp;b'),
    ("<https://x.test/a?b=1&amp;c=2|the plan>",
     '<a href="https://x.test/a?b=1&amp;c=2" target="_blank" rel="noopener">the plan</a>'),
    ("<javascript:alert(1)|click> <img src=x onerror=alert(1)>", "click img src=x onerror=alert(1)"),
    ("> quoted\nnext ```pre *not bold*```", "<blockquote>quoted</blockquote>next <pre>pre *not bold*</pre>"),
    ("~*gone*~ *_both_* _~x~_ *~y~*", "<s><b>gone</b></s> <b><i>both</i></b> <i><s>x</s></i> <b><s>y</s></b>"),
    ("a*b*c snake_case_name", "a*b*c snake_case_name"),
    ("<!here> <!subteam^S1|@ops>", '<span class="mention">@here</span> <span class="mention">@ops</span>'),
])
def test_mrkdwn(render, text, html):
    assert render(text) == html


# 1700000000 is Tue 14 Nov 2023 22:13:20 UTC: Wed 15 Nov 07:13 in Tokyo, Tue 14 Nov 14:13 in Los Angeles.
@pytest.mark.parametrize("text, tz, now, shown", [
    ("<!date^1700000000^{date_short_pretty}|14 Nov>", "Asia/Tokyo", "2024-01-01T00:00:00Z", "Nov 15, 2023"),
    ("<!date^1700000000^{date_short_pretty}|14 Nov>", "America/Los_Angeles", "2024-01-01T00:00:00Z", "Nov 14, 2023"),
    ("<!date^1700000000^{date_short_pretty} at {time}|x>", "Asia/Tokyo", "2023-11-15T01:00:00Z", "today at 7:13 AM"),
    ("<!date^1700000000^{date_pretty}|x>", "America/Los_Angeles", "2023-11-15T12:00:00Z", "yesterday"),
    ("<!date^1700000000^{date_long} {time_secs}|x>", "UTC", "2024-01-01T00:00:00Z",
     "Tuesday, November 14th, 2023 10:13:20 PM"),
    ("<!date^1700000000^{date_num} ({ago})|x>", "UTC", "2023-11-14T22:16:20Z", "2023-11-14 (3 minutes ago)"),
])
def test_a_date_token_shows_in_the_readers_zone(render_as, text, tz, now, shown):
    html = render_as(text, tz, now)
    assert html == f'<time class="date" datetime="2023-11-14T22:13:20.000Z">{shown}</time>'
    assert "mention" not in html


def test_a_date_token_that_cannot_be_read_shows_its_fallback(render_as):
    assert render_as("due <!date^1700000000^{nonsense}|Tue 14 Nov>", "UTC", None) == "due Tue 14 Nov"
    assert render_as("<!date^soon^{date}|whenever>", "UTC", None) == "whenever"
    linked = render_as("<!date^1700000000^{date_num}^https://x.test/a?b=1&amp;c=2|x>", "UTC", None)
    assert linked.startswith('<a href="https://x.test/a?b=1&amp;c=2"') and "2023-11-14" in linked
