from bot.blocks.help import build_help
from bot.blocks.text import escape
from handlers.commands import help_sections, routers
from handlers.commands.router import CommandRouter


def make_router() -> CommandRouter:
    router = CommandRouter("/thing", "things", "/thing list")
    router.bare(usage="/thing", summary="open the form")(lambda call: None)
    router.free_text(usage="/thing <text>", summary="new thing")(lambda call: None)
    router.sub("list", usage="/thing list", summary="list things", aliases=("ls",))(lambda call: None)
    return router


def test_routes_subcommands_case_insensitively_and_keeps_the_rest():
    router = make_router()
    route, rest = router.route("LIST  mine  ")
    assert route.usage == "/thing list" and rest == "mine"
    route, rest = router.route("ls\nall")
    assert route.usage == "/thing list" and rest == "all"


def test_free_text_and_bare_routes():
    router = make_router()
    route, rest = router.route("waiting on keys")
    assert route.usage == "/thing <text>" and rest == "waiting on keys"
    route, rest = router.route("   ")
    assert route.usage == "/thing" and rest == ""


def test_help_lists_every_route_in_order():
    usages = [line.usage for line in make_router().help_section().lines]
    assert usages == ["/thing", "/thing <text>", "/thing list", "/thing help"]


def test_tpm_help_is_generated_from_the_routing_table():
    sections = help_sections()
    assert [s.command for s in sections] == [r.command for r in routers()]
    tpm = next(s for s in sections if s.command == "/tpm")
    assert {"/tpm setup", "/tpm settings", "/tpm help"} <= {line.usage for line in tpm.lines}
    rendered = str(build_help(sections))
    for section in sections:
        for line in section.lines:
            assert escape(line.usage) in rendered  # placeholders such as <hours> shown, not eaten
