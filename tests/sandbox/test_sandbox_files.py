"""Slack's external upload flow in the sandbox: reserve, POST the declared bytes, complete once; image
blocks that show an uploaded file by ``slack_file``; the browser UI serving the bytes."""

from __future__ import annotations

import json
import urllib.error
import urllib.request

import pytest
from slack_sdk.errors import SlackApiError

from sandbox.blockkit import validate_message, validate_view

PNG = (b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + (640).to_bytes(4, "big") + (360).to_bytes(4, "big")
       + b"\x08\x02\x00\x00\x00" + b"\x00" * 40)


def post(url: str, data: bytes, headers: dict | None = None) -> tuple[int, bytes]:
    request = urllib.request.Request(url, data=data, method="POST", headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=5) as answer:
            return answer.status, answer.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def get(url: str, headers: dict | None = None) -> tuple[int, bytes, str]:
    try:
        with urllib.request.urlopen(urllib.request.Request(url, headers=headers or {}), timeout=5) as answer:
            return answer.status, answer.read(), answer.headers.get("Content-Type", "")
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read(), exc.headers.get("Content-Type", "")


def error_of(call) -> str:
    with pytest.raises(SlackApiError) as info:
        call()
    return info.value.response["error"]


def upload(web, data: bytes = PNG, name: str = "roadmap.png", **complete) -> str:
    started = web.files_getUploadURLExternal(filename=name, length=len(data), alt_txt="the roadmap")
    assert post(started["upload_url"], data)[0] == 200
    web.files_completeUploadExternal(files=[{"id": started["file_id"], "title": "Roadmap"}], **complete)
    return started["file_id"]


def image(file_ref: dict, **extra) -> dict:
    return {"type": "image", "slack_file": file_ref, "alt_text": "the roadmap", **extra}


def test_the_three_steps_upload_a_private_file(srv, ws, web):
    started = web.files_getUploadURLExternal(filename="roadmap.png", length=len(PNG), alt_txt="the roadmap")
    file_id, url = started["file_id"], started["upload_url"]
    assert file_id.startswith("F") and url.startswith(srv.url + "upload/v1/")  # the sandbox's own loopback server
    assert error_of(lambda: web.files_info(file=file_id)) == "file_not_found"  # nothing until completed
    assert post(url, PNG) == (200, f"OK - {len(PNG)}".encode())
    done = web.files_completeUploadExternal(files=[{"id": file_id, "title": "Apollo roadmap"}])
    assert done["files"] == [{"id": file_id, "title": "Apollo roadmap"}]
    info = web.files_info(file=file_id)["file"]
    assert (info["name"], info["title"], info["mimetype"], info["size"]) == ("roadmap.png", "Apollo roadmap",
                                                                              "image/png", len(PNG))
    assert (info["original_w"], info["original_h"], info["channels"], info["alt_txt"]) == (640, 360, [], "the roadmap")
    assert ws.messages("C0APOLLO") == []  # no channel: private, nothing posted
    assert [c.args["length"] for c in srv.calls_to("upload")] == [len(PNG)]


def test_bytes_of_another_length_than_declared_are_refused(web):
    started = web.files_getUploadURLExternal(filename="roadmap.png", length=len(PNG) + 1)
    status, body = post(started["upload_url"], PNG)
    assert status == 400 and b"length mismatch" in body
    assert error_of(lambda: web.files_completeUploadExternal(files=[{"id": started["file_id"]}])) == "file_not_found"
    assert error_of(lambda: web.files_getUploadURLExternal(filename="x.png", length=0)) == "invalid_arguments"
    assert error_of(lambda: web.api_call("files.getUploadURLExternal", params={"filename": "x.png"})) \
        == "invalid_arguments"


def test_unknown_unsent_and_completed_uploads_cannot_be_completed(web):
    assert error_of(lambda: web.files_completeUploadExternal(files=[{"id": "F0NOSUCH00"}])) == "file_not_found"
    started = web.files_getUploadURLExternal(filename="roadmap.png", length=len(PNG))
    assert error_of(lambda: web.files_completeUploadExternal(files=[{"id": started["file_id"]}])) == "file_not_found"
    assert post(started["upload_url"], PNG)[0] == 200
    web.files_completeUploadExternal(files=[{"id": started["file_id"]}])
    assert error_of(lambda: web.files_completeUploadExternal(files=[{"id": started["file_id"]}])) == "file_not_found"
    assert post(started["upload_url"], PNG)[0] == 404  # the upload URL is spent once completed
    assert error_of(lambda: web.files_info(file="F0NOSUCH00")) == "file_not_found"


def test_multipart_form_bodies_are_taken_too(web):
    started = web.files_getUploadURLExternal(filename="roadmap.png", length=len(PNG))
    boundary = "sandboxboundary"
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"roadmap.png\"\r\n"
            "Content-Type: image/png\r\n\r\n").encode() + PNG + f"\r\n--{boundary}--\r\n".encode()
    status, _ = post(started["upload_url"], body, {"Content-Type": f"multipart/form-data; boundary={boundary}"})
    assert status == 200
    web.files_completeUploadExternal(files=[{"id": started["file_id"]}])
    assert web.files_info(file=started["file_id"])["file"]["size"] == len(PNG)


def test_completing_with_a_channel_shares_the_file_as_a_message(ws, web):
    file_id = upload(web, channel_id="C0APOLLO", initial_comment="This week's roadmap")
    [message] = ws.messages("C0APOLLO")
    assert message["text"] == "This week's roadmap" and message["bot_id"] == ws.bot_id
    assert [f["id"] for f in message["files"]] == [file_id] and message["upload"] is True
    assert web.files_info(file=file_id)["file"]["channels"] == ["C0APOLLO"]
    started = web.files_getUploadURLExternal(filename="b.png", length=len(PNG))
    post(started["upload_url"], PNG)
    ws.remove_bot_from("C0APOLLO")
    assert error_of(lambda: web.files_completeUploadExternal(files=[{"id": started["file_id"]}],
                                                             channel_id="C0APOLLO")) == "not_in_channel"


def test_an_image_block_shows_an_uploaded_file_by_id_or_url(ws, web):
    file_id = upload(web)
    info = web.files_info(file=file_id)["file"]
    for ref in ({"id": file_id}, {"url": info["url_private"]}, {"url": info["permalink"]}):
        posted = web.chat_postMessage(channel="C0APOLLO", text="roadmap",
                                      blocks=[image(ref, title={"type": "plain_text", "text": "Roadmap"})])
        assert posted["message"]["blocks"][0]["slack_file"] == ref
    refused = error_of(lambda: web.chat_postMessage(channel="C0APOLLO", text="x", blocks=[image({"id": "F0NOSUCH00"})]))
    assert refused == "invalid_blocks"
    web.files_delete(file=file_id)
    with pytest.raises(SlackApiError) as info:
        web.chat_postMessage(channel="C0APOLLO", text="x", blocks=[image({"id": file_id})])
    assert info.value.response["errors"] == ["invalid slack file [json-pointer:/blocks/0/slack_file]"]


def test_image_blocks_name_their_picture_exactly_one_way():
    url = {"type": "image", "image_url": "https://example.com/a.png", "alt_text": "a"}
    assert validate_message([url], "x") == []
    assert validate_message([image({"id": "F0ABCDEF12"})], "x") == []
    both = validate_message([{**url, "slack_file": {"id": "F0ABCDEF12"}}], "x")
    assert any("exactly one of image_url or slack_file" in e for e in both)
    neither = validate_message([{"type": "image", "alt_text": "a"}], "x")
    assert any("exactly one of image_url or slack_file" in e for e in neither)
    assert any("exactly one of id or url" in e
               for e in validate_message([image({"id": "F0ABCDEF12", "url": "https://x"})], "x"))
    assert any("regex pattern" in e for e in validate_message([image({"id": "not-a-file"})], "x"))
    assert any("2001" in e for e in validate_message([image({"id": "F0ABCDEF12"}, alt_text="a" * 2001)], "x"))
    assert validate_message([image({"id": "F0ABCDEF12"}, alt_text="a" * 2000)], "x") == []
    assert any("plain_text" in e for e in validate_message(
        [image({"id": "F0ABCDEF12"}, title={"type": "mrkdwn", "text": "*t*"})], "x"))
    element = {"type": "context", "elements": [{"type": "image", "alt_text": "a"}]}
    assert any("exactly one of image_url or slack_file" in e for e in validate_message([element], "x"))
    assert validate_view({"type": "home", "blocks": [image({"id": "F0ABCDEF12"})]}) == []


def test_app_home_shows_an_uploaded_image_and_refuses_an_unknown_one(ws, web):
    file_id = upload(web)
    view = {"type": "home", "blocks": [image({"id": file_id})]}
    web.views_publish(user_id="U0ALICE", view=view)
    assert ws.home_views["U0ALICE"]["blocks"][0]["slack_file"] == {"id": file_id}
    bad = {"type": "home", "blocks": [image({"id": "F0NOSUCH00"})]}
    assert error_of(lambda: web.views_publish(user_id="U0ALICE", view=bad)) == "invalid_arguments"


def test_bytes_are_served_to_the_ui_and_to_the_bot_token_only(srv, web):
    file_id = upload(web)
    status, data, kind = get(f"{srv.url}ui/files/{file_id}")
    assert (status, data, kind) == (200, PNG, "image/png")
    assert get(f"{srv.url}ui/files/F0NOSUCH00")[0] == 404
    private = web.files_info(file=file_id)["file"]["url_private"]
    assert private.startswith(srv.url + "files-pri/")
    assert get(private, {"Authorization": "Bearer xoxb-test"})[1] == PNG
    status, page, kind = get(private)  # no token: Slack's sign-in page, not the file
    assert status == 200 and kind.startswith("text/html") and page != PNG


def test_upload_faults_are_injectable_like_any_method(srv, web):
    started = web.files_getUploadURLExternal(filename="roadmap.png", length=len(PNG))
    srv.inject_faults("upload", status=503, count=1)
    assert post(started["upload_url"], PNG)[0] == 503
    assert post(started["upload_url"], PNG)[0] == 200
    assert [c.status for c in srv.calls_to("upload")] == [503, 200]
    json.dumps([c.args for c in srv.calls_to("upload")])
