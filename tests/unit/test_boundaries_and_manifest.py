"""House rules that a reviewer would otherwise have to remember."""

import ast
import json
from pathlib import Path

from bot.manifest import build_manifest, manifest_json

ROOT = Path(__file__).resolve().parents[2]
SLACK_FREE = ["bot/services", "bot/blocks", "bot/charts", "storage", "scheduled"]


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_domain_code_never_imports_bolt():
    offenders = []
    for folder in SLACK_FREE:
        for path in (ROOT / folder).rglob("*.py"):
            if any(m == "slack_bolt" or m.startswith("slack_bolt.") for m in imported_modules(path)):
                offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []


def test_services_and_storage_make_no_slack_calls():
    for folder in ["bot/services", "bot/charts", "storage"]:
        for path in (ROOT / folder).rglob("*.py"):
            assert not any(m.startswith("slack_sdk") for m in imported_modules(path)), path


def test_committed_manifest_matches_the_code():
    assert (ROOT / "manifest.json").read_text() == manifest_json()


def test_manifest_for_http_mode_points_everything_at_one_url():
    manifest = build_manifest("https://tpm.example.com/slack/events")
    assert manifest["settings"]["socket_mode_enabled"] is False
    assert manifest["settings"]["interactivity"]["request_url"] == "https://tpm.example.com/slack/events"
    assert all(c["url"] == "https://tpm.example.com/slack/events" for c in manifest["features"]["slash_commands"])
    json.dumps(manifest)


def test_committed_command_reference_matches_the_routing_table():
    from bot.command_reference import command_reference

    assert (ROOT / "COMMANDS.md").read_text() == command_reference()


def test_usage_hints_are_whole_usages_within_slacks_limit():
    from handlers.commands import routers

    hints = {c["command"]: c["usage_hint"] for c in build_manifest()["features"]["slash_commands"]}
    for router in routers():
        usages = [line.usage.removeprefix(router.command).strip() for line in router.help_section().lines[:4]]
        assert hints[router.command] == " | ".join(u for u in usages if u), router.command
        assert len(hints[router.command]) <= 1000
    assert hints["/risk"].endswith("| list [mine|all|top] | show <R-n>")  # whole usages, none cut


def test_a_usage_hint_past_the_limit_drops_whole_usages():
    from bot.manifest import usage_hint

    assert usage_hint("/x", ["/x " + "a" * 600, "/x " + "b" * 600, "/x c"]) == "a" * 600
    assert usage_hint("/x", ["/x", "/x list"]) == "list"


def test_only_scopes_a_listener_uses_are_asked_for():
    manifest = build_manifest()
    scopes = manifest["oauth_config"]["scopes"]["bot"]
    assert "app_mentions:read" not in scopes
    assert "app_mention" not in manifest["settings"]["event_subscriptions"]["bot_events"]
