"""The end-to-end baseline: a bare Bolt app whose `/blocker` acks, INSERTs one row and posts one message
(chat.postMessage to the command's channel), served exactly like tpmbot (see bench/e2e.py). The
database is DATABASE_URL through the same engine settings as tpmbot's (WAL and a busy timeout on
SQLite, a connection pool on PostgreSQL); bench/e2e.py creates the table before the workers start."""

from __future__ import annotations

import os
from datetime import datetime, timezone

from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_sdk import WebClient
from sqlalchemy import Column, DateTime, Integer, MetaData, String, Table, insert

from storage.engine import make_engine

metadata = MetaData()
bare_items = Table("bare_items", metadata, Column("id", Integer, primary_key=True, autoincrement=True),
                   Column("channel", String(32), nullable=False), Column("text", String(4000), nullable=False),
                   Column("created_at", DateTime(timezone=True), nullable=False))


def create_wsgi() -> SlackRequestHandler:
    """gunicorn's app factory (`bench.bare_e2e:create_wsgi()`): one per worker."""
    engine = make_engine(os.environ["DATABASE_URL"])
    app = App(
        client=WebClient(token=os.environ["SLACK_BOT_TOKEN"], base_url=os.environ["SLACK_API_URL"]),
        signing_secret=os.environ["SLACK_SIGNING_SECRET"],
        token_verification_enabled=False,
    )

    @app.command("/blocker")
    def blocker(ack, command, client):
        ack()
        with engine.begin() as connection:
            connection.execute(insert(bare_items).values(channel=command["channel_id"], text=command["text"],
                                                         created_at=datetime.now(timezone.utc)))
        client.chat_postMessage(channel=command["channel_id"], text=f"Blocker: {command['text']}")

    return SlackRequestHandler(app)
