"""The `tpmbot` command: run, serve, tick, db upgrade, manifest."""

from __future__ import annotations

import argparse
import sys
from datetime import datetime

from pydantic import ValidationError

from bot.config import MissingSetting, Settings


def _parse_instant(value: str) -> datetime:
    try:
        instant = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not an ISO-8601 time: {value!r} (example: 2026-12-01T09:00:00Z)") from exc
    if instant.tzinfo is None:
        raise argparse.ArgumentTypeError(f"give a timezone with the time: {value!r} (example: 2026-12-01T09:00:00Z)")
    return instant


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="tpmbot", description="A Slack app for the routine half of a TPM's job.")
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="Socket Mode with SLACK_APP_TOKEN; without Slack credentials, the local sandbox")
    run.add_argument("--port", type=int, default=None,
                     help="sandbox port (no-credentials mode; default 3000, or the next free one)")
    serve = sub.add_parser("serve", help="HTTP mode: POST /slack/events, GET /healthz")
    serve.add_argument("--host", default=None)
    serve.add_argument("--port", type=int, default=None)
    serve.add_argument("--workers", type=int, default=None)
    serve.add_argument("--threads", type=int, default=None)
    serve.add_argument("--no-scheduler", action="store_true", help="leave scheduled work to `tpmbot tick` (cron)")
    tick = sub.add_parser("tick", help="run every scheduled job due at an instant, once, then exit")
    tick.add_argument("--at", required=True, type=_parse_instant, help="ISO-8601 time with zone, e.g. 2026-12-01T09:00Z")
    db = sub.add_parser("db", help="database commands")
    db_sub = db.add_subparsers(dest="db_command", required=True)
    db_sub.add_parser("upgrade", help="apply migrations")
    manifest = sub.add_parser("manifest", help="print the Slack app manifest (JSON)")
    manifest.add_argument("--request-url", default=None, help="HTTP mode: https://your.host/slack/events")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        settings = Settings()
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc'])).upper()}: {e['msg']}" for e in exc.errors())
        print(f"tpmbot: bad setting: {problems}", file=sys.stderr)
        return 2
    from bot.logging_setup import configure_logging

    configure_logging(settings.log_level)
    try:
        return _dispatch(args, settings)
    except MissingSetting as exc:
        print(f"tpmbot: {exc}", file=sys.stderr)
        return 2


def _dispatch(args: argparse.Namespace, settings: Settings) -> int:
    if args.command == "manifest":
        from bot.manifest import manifest_json

        sys.stdout.write(manifest_json(args.request_url))
        return 0
    if args.command == "db":
        from storage.engine import make_engine
        from storage.migrate import current_revision, upgrade

        engine = make_engine(settings.database_url)
        upgrade(engine)
        print(f"database at revision {current_revision(engine)}")
        return 0
    if args.command == "tick":
        return _tick(settings, args.at)
    if args.command == "serve":
        return _serve(settings, args)
    return _run(settings, args)


def _tick(settings: Settings, at: datetime) -> int:
    from bot.clock import FixedClock
    from bot.slack_client import make_web_client
    from bot.wiring import make_deps
    from scheduled.tick import run_due
    from storage.migrate import upgrade

    deps = make_deps(settings, FixedClock(at))
    upgrade(deps.engine)
    client = make_web_client(settings) if settings.slack_bot_token else None
    report = run_due(deps, at, client=client)
    for kind, scope, due_at in report.ran:
        print(f"ran {kind} {scope} due {due_at.isoformat()}")
    for kind, scope, due_at in report.missed:
        print(f"missed {kind} {scope} due {due_at.isoformat()} (older than the catch-up grace)")
    print(f"tick at {at.isoformat()}: {len(report.ran)} ran, {report.skipped} already done, {len(report.missed)} missed")
    return 0


def _serve(settings: Settings, args: argparse.Namespace) -> int:
    from bot.serve import GunicornServer
    from storage.engine import make_engine
    from storage.migrate import upgrade

    settings.require("slack_signing_secret", "slack_bot_token")
    upgrade(make_engine(settings.database_url))
    GunicornServer(
        settings, host=args.host or settings.tpmbot_host, port=args.port or settings.tpmbot_port,
        workers=args.workers or settings.tpmbot_workers, threads=args.threads or settings.tpmbot_threads,
        scheduler=not args.no_scheduler,
    ).run()
    return 0


def _run(settings: Settings, args: argparse.Namespace) -> int:
    if not settings.has_slack_credentials:
        from bot.local import PortInUse, run_sandbox

        try:
            run_sandbox(settings, port=args.port)
        except PortInUse as taken:
            print(f"tpmbot: port {taken.port} is in use: run `tpmbot run --port {taken.suggestion()}`",
                  file=sys.stderr)
            return 2
        return 0
    settings.require("slack_app_token", "slack_bot_token")
    from slack_bolt.adapter.socket_mode import SocketModeHandler

    from bot.wiring import build_bot
    from scheduled.leader import lead_scheduler
    from storage.migrate import upgrade

    bot = build_bot(settings, socket_mode=True)
    upgrade(bot.deps.engine)
    bot.app.inbox.start_recovery(bot.app)
    lead_scheduler(bot.deps, bot.app.client)
    SocketModeHandler(bot.app, settings.secret("slack_app_token")).start()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
