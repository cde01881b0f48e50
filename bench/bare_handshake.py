"""The handshake step's baseline: a bare Bolt app whose Accept button acks, UPDATEs one row and edits one
message (chat.update of the message the button is on), served exactly like tpmbot (see bench/handshake.py).
The database is DATABASE_URL through the same engine settings as tpmbot's; bench/handshake.py creates the
table and its rows before the workers start."""

from __future__ import annotations

import os

from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_sdk import WebClient
from sqlalchemy import Column, Integer, MetaData, String, Table, update

from storage.engine import make_engine

ACCEPT = "dependency.card.accept"
metadata = MetaData()
bare_dependencies = Table("bare_dependencies", metadata, Column("id", Integer, primary_key=True),
                          Column("state", String(16), nullable=False))


def create_wsgi() -> SlackRequestHandler:
    """gunicorn's app factory (`bench.bare_handshake:create_wsgi()`): one per worker."""
    engine = make_engine(os.environ["DATABASE_URL"])
    app = App(
        client=WebClient(token=os.environ["SLACK_BOT_TOKEN"], base_url=os.environ["SLACK_API_URL"]),
        signing_secret=os.environ["SLACK_SIGNING_SECRET"],
        token_verification_enabled=False,
    )

    @app.action(ACCEPT)
    def accept(ack, body, action, client):
        ack()
        with engine.begin() as connection:
            connection.execute(update(bare_dependencies).where(bare_dependencies.c.id == int(action["value"]))
                               .values(state="accepted"))
        client.chat_update(channel=body["channel"]["id"], ts=body["message"]["ts"], text="Accepted")

    return SlackRequestHandler(app)
