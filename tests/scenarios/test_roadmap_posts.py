"""The roadmap picture through Slack's upload flow (against the sandbox): uploaded once per content and
workspace, posted through the outbox as an image block by file id, retried as the Web API client retries."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlmodel import select

from bot.charts import roadmap
from bot.charts.common import RenderCache
from bot.charts.roadmap import ChartMilestone, RoadmapData, chart_digest
from bot.roadmap_posts import post_roadmap, roadmap_file_id
from bot.slack_client import make_web_client
from bot.uploads import UploadError, upload_png
from storage.file_models import UploadedFile
from storage.models import OutboundMessage, Program
from storage.programs import add_program, ensure_workspace

TODAY = date(2026, 12, 1)


def data(slip: int = 0) -> RoadmapData:
    statuses = ["on_track", "at_risk", "off_track", "done", "on_track", "at_risk"]
    return RoadmapData(title="Apollo <roadmap> & co", today=TODAY, milestones=tuple(
        ChartMilestone(f"M-{i}", f"Milestone {i}", TODAY + timedelta(days=10 * i),
                       TODAY + timedelta(days=10 * i + (slip if i == 2 else 0)), statuses[i - 1])
        for i in range(1, 7)))


@pytest.fixture(autouse=True)
def fresh_cache(monkeypatch):
    monkeypatch.setattr(roadmap, "CACHE", RenderCache(size=8))


@pytest.fixture
def client(settings, sandbox):
    return make_web_client(settings.model_copy(update={"slack_api_url": sandbox.api_url}))


@pytest.fixture
def program(deps, workspace) -> Program:
    now = deps.clock.now()
    with deps.session() as session:
        ensure_workspace(session=session, team_id=workspace.team_id, now=now)
        program, _ = add_program(session=session, program=Program(
            team_id=workspace.team_id, channel_id="C0APOLLO", name="Apollo", leads=["U0ALICE"],
            escalation_channel_id="C0APOLLO", timezone="UTC", created_by="U0ALICE", created_at=now, updated_at=now))
        session.expunge(program)
    return program


def test_the_roadmap_is_posted_once_as_an_image_of_a_file_uploaded_once(client, deps, program, workspace, sandbox):
    file_id = post_roadmap(client, deps, program, "C0APOLLO", data(), key="roadmap:C0APOLLO:1")
    [message] = workspace.messages("C0APOLLO")
    image, legend = message["blocks"]
    assert image["type"] == "image" and image["slack_file"] == {"id": file_id} and "image_url" not in image
    assert image["title"]["text"] == "Apollo <roadmap> & co"  # plain text: as typed
    assert image["alt_text"].startswith("Apollo <roadmap> & co, today 01 Dec 2026. M-1 Milestone 1")
    assert message["text"] == "Apollo &lt;roadmap&gt; &amp; co: 6 milestones"  # mrkdwn: escaped once
    assert legend["type"] == "context"
    info = client.files_info(file=file_id)["file"]
    assert info["mimetype"] == "image/png" and info["original_w"] == 1200 and info["channels"] == []
    assert workspace.file_store.bytes_of(file_id)[0] == roadmap.render_roadmap(data())

    assert post_roadmap(client, deps, program, "C0APOLLO", data(), key="roadmap:C0APOLLO:1") is None  # same key
    assert post_roadmap(client, deps, program, "C0APOLLO", data(), key="roadmap:C0APOLLO:2") == file_id
    assert len(workspace.messages("C0APOLLO")) == 2
    assert len(sandbox.calls_to("files.getUploadURLExternal")) == 1  # the same picture: one upload
    assert roadmap.CACHE.renders == 1
    with deps.session() as session:
        rows = session.exec(select(UploadedFile)).all()
        assert [(r.team_id, r.digest, r.file_id) for r in rows] == [(workspace.team_id, chart_digest(data()), file_id)]
        sent = session.exec(select(OutboundMessage).where(OutboundMessage.idempotency_key == "roadmap:C0APOLLO:1")).one()
        assert sent.status == "sent" and sent.payload["blocks"][0]["slack_file"] == {"id": file_id}


def test_a_changed_roadmap_is_a_new_picture(client, deps, program, sandbox):
    first = roadmap_file_id(client, deps, team_id=program.team_id, data=data())
    moved = roadmap_file_id(client, deps, team_id=program.team_id, data=data(slip=7))
    assert first != moved and len(sandbox.calls_to("files.getUploadURLExternal")) == 2
    assert roadmap_file_id(client, deps, team_id=program.team_id, data=data()) == first


def test_a_file_deleted_in_slack_is_uploaded_again(client, deps, program, sandbox, workspace):
    first = roadmap_file_id(client, deps, team_id=program.team_id, data=data())
    client.files_delete(file=first)
    second = post_roadmap(client, deps, program, "C0APOLLO", data(), key="roadmap:C0APOLLO:after-delete")
    assert second != first and len(sandbox.calls_to("files.getUploadURLExternal")) == 2
    assert workspace.messages("C0APOLLO")[0]["blocks"][0]["slack_file"] == {"id": second}
    with deps.session() as session:
        assert [row.file_id for row in session.exec(select(UploadedFile))] == [second]


def test_slack_failures_on_every_step_are_retried(client, deps, program, sandbox, workspace):
    sandbox.inject_faults("files.getUploadURLExternal", status=429, count=1, retry_after=0)
    sandbox.inject_faults("upload", status=503, count=1)
    sandbox.inject_faults("upload", status=429, count=1, retry_after=0)
    sandbox.inject_faults("files.completeUploadExternal", status=500, count=1)
    file_id = roadmap_file_id(client, deps, team_id=program.team_id, data=data())
    assert [c.status for c in sandbox.calls_to("upload")] == [503, 429, 200]
    assert [c.status for c in sandbox.calls_to("files.getUploadURLExternal")] == [429, 200]
    assert client.files_info(file=file_id)["file"]["id"] == file_id


def test_a_completion_whose_answer_was_lost_is_not_a_failure(client, sandbox, workspace):
    sandbox.inject_faults("files.completeUploadExternal", status=500, count=1, applied=True)
    png = roadmap.render_roadmap(data())
    file_id = upload_png(client, channel_id=None, png=png, filename="r.png", title="Roadmap", alt_text="a roadmap")
    completions = sandbox.calls_to("files.completeUploadExternal")
    assert [c.status for c in completions] == [500, 200]
    assert completions[1].response["error"] == "file_not_found"  # Slack completes once; files.info settles it
    assert client.files_info(file=file_id)["file"]["size"] == len(png)


def test_bytes_refused_by_the_upload_service_raise_and_post_nothing(client, deps, program, sandbox, workspace):
    sandbox.inject_faults("upload", status=400, count=1)
    with pytest.raises(UploadError, match="HTTP 400"):
        post_roadmap(client, deps, program, "C0APOLLO", data(), key="roadmap:C0APOLLO:bad")
    assert workspace.messages("C0APOLLO") == []
    with deps.session() as session:
        assert session.exec(select(UploadedFile)).all() == []
        assert session.exec(select(OutboundMessage)).all() == []
