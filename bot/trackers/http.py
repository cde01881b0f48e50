"""One HTTP call to a tracker with the retries every tracker's API asks for.

A 429 (or GitHub's 403 with `x-ratelimit-remaining: 0`) is tried again after its `Retry-After` (at most
MAX_WAIT seconds in all), a 5xx or a dropped connection after a short back-off, up to ATTEMPTS times.
What is still failing after that is a `TrackerUnavailable`; any other answer is returned as it came."""

from __future__ import annotations

import time
from collections.abc import Callable

import httpx

ATTEMPTS = 3
MAX_WAIT = 10.0  # seconds: a connect command answers within Slack's patience, after the ack
BACKOFF = (0.2, 0.5)
TIMEOUT = httpx.Timeout(5.0, connect=3.0)


class TrackerUnavailable(RuntimeError):
    """The tracker kept failing (5xx, rate limited, unreachable): worth trying again later."""

    def __init__(self, what: str) -> None:
        super().__init__(what)
        self.what = what


def _rate_limited(response: httpx.Response) -> bool:
    return response.status_code == 429 or (
        response.status_code == 403 and response.headers.get("x-ratelimit-remaining") == "0")


def _wait_for(response: httpx.Response, attempt: int) -> float:
    raw = response.headers.get("retry-after", "")
    if raw.strip().isdigit():
        return float(raw.strip())
    return BACKOFF[min(attempt, len(BACKOFF) - 1)]


def request(client: httpx.Client, method: str, url: str, *, name: str,
            sleep: Callable[[float], None] = time.sleep, **kwargs) -> httpx.Response:
    """``client.request(method, url)``, retried as the module says; ``name`` is the tracker, for messages."""
    waited = 0.0
    for attempt in range(ATTEMPTS):
        try:
            response = client.request(method, url, **kwargs)
        except httpx.TransportError as exc:
            problem, pause = f"{name} could not be reached ({type(exc).__name__})", BACKOFF[min(attempt, 1)]
        else:
            if _rate_limited(response):
                problem, pause = f"{name} is rate limiting us", _wait_for(response, attempt)
            elif response.status_code >= 500:
                problem, pause = f"{name} answered {response.status_code}", BACKOFF[min(attempt, 1)]
            else:
                return response
        if attempt + 1 == ATTEMPTS or waited + pause > MAX_WAIT:
            break
        sleep(pause)
        waited += pause
    raise TrackerUnavailable(problem)
