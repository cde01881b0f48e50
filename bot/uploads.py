"""Files the bot uploads (the roadmap picture), with Slack's current flow; `files.upload` is retired:

1. ``files.getUploadURLExternal`` (filename, length) answers an ``upload_url`` and a file id ``F…``;
2. the bytes are POSTed to that URL (Slack answers 200, anything else is a failure);
3. ``files.completeUploadExternal`` (files=[{id, title}], and a channel_id to share it there) finishes it;
   without a channel the file stays private to the bot, which may still show it in its own image blocks
   (``slack_file: {"id": …}``, bot/blocks/images.py).

The Web API calls retry as the client's retry handlers say (429 after Retry-After, 5xx, dropped
connections: bot/slack_client.py); the upload POST is retried by the very same handlers. A completion
whose answer was lost is checked with ``files.info`` before it counts as failed (Slack completes once).

`upload_once` makes the upload idempotent by content: a table maps (team, digest) to the file id, so the
same picture is uploaded once per workspace and reused by every post and App Home."""

from __future__ import annotations

import logging
import urllib.error
import urllib.request
from dataclasses import dataclass

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.request import HttpRequest
from slack_sdk.http_retry.response import HttpResponse
from slack_sdk.http_retry.state import RetryState

from bot.deps import Deps
from storage import uploads

log = logging.getLogger(__name__)


class UploadError(Exception):
    """The upload service refused the bytes (or kept failing); nothing was shared."""


@dataclass(frozen=True)
class Upload:
    file_id: str
    upload_url: str


def upload_png(client: WebClient, *, channel_id: str | None, png: bytes, filename: str, title: str,
               alt_text: str) -> str:
    """Upload ``png`` and return its file id; shared into ``channel_id`` as a message when given, else
    private to the bot. Raises SlackApiError (a Web API refusal) or UploadError (the bytes were refused)."""
    started = client.files_getUploadURLExternal(filename=filename, length=len(png), alt_txt=alt_text[:1000])
    upload = Upload(file_id=started["file_id"], upload_url=started["upload_url"])
    post_bytes(client, upload.upload_url, png)
    complete(client, upload.file_id, title=title, channel_id=channel_id)
    return upload.file_id


def post_bytes(client: WebClient, url: str, data: bytes) -> None:
    """POST the raw bytes to the upload URL, retried as ``client``'s retry handlers retry Web API calls."""
    request = urllib.request.Request(url, data=data, method="POST",
                                     headers={"Content-Type": "application/octet-stream"})
    state = RetryState()
    while True:
        response: HttpResponse | None = None
        error: Exception | None = None
        try:
            with urllib.request.urlopen(request, timeout=client.timeout) as answer:  # noqa: S310 - Slack's URL
                answer.read()
                return
        except urllib.error.HTTPError as exc:
            error = exc
            response = HttpResponse(status_code=exc.code, headers=dict(exc.headers.items()), data=exc.read())
        except (urllib.error.URLError, ConnectionError, TimeoutError, OSError) as exc:
            error = exc
        retry_request = HttpRequest.from_urllib_http_request(request)
        handler = next((h for h in client.retry_handlers
                        if h.can_retry(state=state, request=retry_request, response=response, error=error)), None)
        if handler is None:
            detail = f"HTTP {response.status_code}: {(response.data or b'').decode('utf-8', 'replace')[:200]}" \
                if response is not None else f"{type(error).__name__}: {error}"
            raise UploadError(f"the upload of {len(data)} bytes failed: {detail}") from error
        log.info("upload to Slack failed (%s); retrying", response.status_code if response else type(error).__name__)
        handler.prepare_for_next_attempt(state=state, request=retry_request, response=response, error=error)


def complete(client: WebClient, file_id: str, *, title: str, channel_id: str | None) -> None:
    """Finish the upload. Slack completes an upload once: when a retry of a completion whose answer was
    lost is refused, ``files.info`` says whether the first one went through."""
    try:
        client.files_completeUploadExternal(files=[{"id": file_id, "title": title}], channel_id=channel_id)
    except SlackApiError as exc:
        if not _exists(client, file_id):
            raise
        log.info("completion of %s answered %s, but the file is there", file_id, exc.response.get("error"))


def _exists(client: WebClient, file_id: str) -> bool:
    try:
        return bool(client.files_info(file=file_id).get("file"))
    except SlackApiError:
        return False


def upload_once(client: WebClient, deps: Deps, *, team_id: str, digest: str, png: bytes, filename: str,
                title: str, alt_text: str) -> str:
    """The file id of this content (``digest``) in this workspace: uploaded (privately) the first time,
    the stored id every time after, as long as Slack still has the file (``files.info``: someone may have
    deleted it, and an image block naming a deleted file is refused). Two processes uploading the same new
    picture at once both upload; the first recorded id is the one both use."""
    with deps.session() as session:
        known = uploads.file_for(session=session, team_id=team_id, digest=digest)
    if known and _exists(client, known):
        return known
    if known:
        log.info("file %s is gone from Slack; uploading its picture again", known)
        with deps.session() as session:
            uploads.forget_file(session=session, team_id=team_id, file_id=known)
    file_id = upload_png(client, channel_id=None, png=png, filename=filename, title=title, alt_text=alt_text)
    with deps.session() as session:
        return uploads.remember_file(session=session, team_id=team_id, digest=digest, file_id=file_id,
                                     filename=filename, size=len(png), now=deps.clock.now())
