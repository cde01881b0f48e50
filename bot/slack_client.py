"""The Web API client factory: Slack's base URL from settings, retries for 429 (honouring
Retry-After), 5xx and dropped connections, with slack_sdk's own retry handlers."""

from __future__ import annotations

from slack_sdk import WebClient
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
