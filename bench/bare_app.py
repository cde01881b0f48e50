"""The baseline: a bare Bolt app with an empty /tpm handler, served exactly like tpmbot."""

from __future__ import annotations

import os

from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_sdk import WebClient

app = App(
    client=WebClient(token=os.environ["SLACK_BOT_TOKEN"], base_url=os.environ["SLACK_API_URL"]),
    signing_secret=os.environ["SLACK_SIGNING_SECRET"],
    token_verification_enabled=False,
)


@app.command("/tpm")
def empty(ack):
    ack()


wsgi = SlackRequestHandler(app)
