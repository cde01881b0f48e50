"""The one error handler: user mistakes become a short ephemeral reply with an example; anything
else becomes an apology carrying an error id that is also in the log. No stack trace reaches users."""

from __future__ import annotations

import json
import logging
import secrets
from slack_bolt import App, BoltResponse, Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.inbox import retry_later
from bot.services.errors import FieldErrors, UserError

log = logging.getLogger("tpmbot.errors")


def apology(error_id: str) -> str:
    return (f":x: Sorry, something went wrong on my side and nothing was changed. Try again; if it keeps "
            f"happening, give your admin this error id: `{error_id}`.")


def user_message(error: Exception, body: dict) -> str:
    """What the user is told; unexpected errors are logged with the id the message carries."""
    if isinstance(error, UserError):
        return error.reply_text()
    error_id = secrets.token_hex(4)
    detail = error.response.get("error") if isinstance(error, SlackApiError) else ""
    log.error("error id %s in %s %s", error_id, body.get("type") or body.get("command") or "request", detail,
              exc_info=(type(error), error, error.__traceback__))
    return apology(error_id)


def on_error(error: Exception, body: dict, response: BoltResponse | None, client: WebClient,
             respond: Respond | None = None) -> None:
    """@app.error: errors raised before ack() — answered in the ack itself where Slack allows it."""
    if isinstance(error, FieldErrors) and response is not None:
        _answer_in_ack(response, {"response_action": "errors", "errors": error.errors})
        return
    text = user_message(error, body)
    if response is not None and body.get("command"):
        _answer_in_ack(response, {"response_type": "ephemeral", "text": text})
        return
    if response is not None:
        response.status = 200
        response.body = ""
    _tell_user(body, client, respond, text)


def report(error: Exception, body: dict, client: WebClient, respond: Respond | None,
           context: dict | None = None) -> None:
    """Errors raised after ack(): tell the user ephemerally (see handlers.guard), unless Slack failed and the
    request is to be run again (bot.inbox.retry_later): the ack's promise still stands, so the user hears
    only how it ends."""
    if context is not None and retry_later(context, error):
        return
    _tell_user(body, client, respond, user_message(error, body))


def _answer_in_ack(response: BoltResponse, payload: dict) -> None:
    response.status = 200
    response.body = json.dumps(payload)
    response.headers["content-type"] = ["application/json;charset=utf-8"]


def _tell_user(body: dict, client: WebClient, respond: Respond | None, text: str) -> None:
    if respond is not None and (body.get("response_url") or body.get("response_urls")):
        respond(text=text, response_type="ephemeral", replace_original=False)
        return
    user = body.get("user_id") or (body.get("user") or {}).get("id") or (body.get("event") or {}).get("user")
    channel = (body.get("channel_id") or (body.get("channel") or {}).get("id")
               or (body.get("event") or {}).get("channel"))
    if user and channel:
        try:
            client.chat_postEphemeral(channel=channel, user=user, text=text)
            return
        except SlackApiError:
            pass
    if user:
        try:  # directly, not through the outbox: this is the error path, where the database may be what failed
            client.chat_postMessage(channel=user, text=text)
        except SlackApiError as exc:
            log.warning("could not tell %s about an error: %s", user, exc.response.get("error"))


def register(app: App) -> None:
    app.error(on_error)
