"""The Web API client factory: Slack's base URL from settings, retries for 429 (honouring
Retry-After), 5xx and dropped connections, with slack_sdk's own retry handlers."""

from __future__ import annotations

import http.client
import socket
from urllib.error import URLError

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler, RateLimitErrorRetryHandler, ServerErrorRetryHandler,
)
from slack_sdk.http_retry.handler import RetryHandler

from bot.config import Settings


def retry_handlers(max_retries: int = 3) -> list[RetryHandler]:
    return [
        RateLimitErrorRetryHandler(max_retry_count=max_retries),
        ServerErrorRetryHandler(max_retry_count=max_retries),
        ConnectionErrorRetryHandler(max_retry_count=max_retries),
    ]


# Answers that say Slack is having trouble, not that the call was wrong: worth trying the whole request again.
TRANSIENT_SLACK_ERRORS = frozenset({"ratelimited", "internal_error", "fatal_error", "service_unavailable",
                                    "request_timeout"})


def is_transient(error: BaseException) -> bool:
    """True when ``error`` is Slack failing (still 5xx or 429 after the client's own retries, a timeout, a
    dropped or refused connection) rather than the request being wrong: the same work may succeed later."""
    if isinstance(error, SlackApiError):
        status = getattr(error.response, "status_code", 200) or 200
        return status == 429 or status >= 500 or error.response.get("error") in TRANSIENT_SLACK_ERRORS
    return isinstance(error, (TimeoutError, socket.timeout, ConnectionError, URLError, http.client.HTTPException))


# Calls made with a trigger_id, which Slack honours for 3 seconds: trying the request again later can't succeed.
TRIGGER_METHODS = frozenset({"views.open", "views.push", "dialog.open"})


def worth_retrying(error: BaseException) -> bool:
    """Slack failed (`is_transient`), and the call that failed isn't one a later try couldn't make either."""
    if isinstance(error, SlackApiError):
        method = (getattr(error.response, "api_url", "") or "").rstrip("/").rsplit("/", 1)[-1]
        if method in TRIGGER_METHODS:
            return False
    return is_transient(error)


def describe(error: BaseException) -> str:
    """One short line naming a Slack failure, for the log and the inbox (never the request, never a token)."""
    if isinstance(error, SlackApiError):
        return f"Slack answered {getattr(error.response, 'status_code', '?')} {error.response.get('error') or ''}".strip()
    return f"{type(error).__name__}: {error}"


def make_web_client(settings: Settings, *, token: str | None = None, timeout: int = 10) -> WebClient:
    return WebClient(
        token=token if token is not None else settings.secret("slack_bot_token") or None,
        base_url=settings.slack_api_url,
        timeout=timeout,
        retry_handlers=retry_handlers(),
    )


def sending_client(client: WebClient) -> WebClient:
    """The same client without slack_sdk's sleeping retries: the outbound queue retries instead, with
    backoff kept in the database (honouring Retry-After), so no sender thread ever sleeps on Slack."""
    return type(client)(token=client.token, base_url=client.base_url, timeout=client.timeout, retry_handlers=[])
