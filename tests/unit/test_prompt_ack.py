"""The request thread hands back a listener's ack the moment it is given: Bolt never has to poll for it."""

from __future__ import annotations

import threading
from urllib.parse import urlencode

import pytest
from slack_bolt import BoltRequest
from slack_bolt.authorization import AuthorizeResult
from slack_bolt.listener import thread_runner

from bot import executor as executor_module
from bot.executor import PromptAckApp, TrackingExecutor


@pytest.fixture
def app():
    pool = TrackingExecutor(max_workers=2)
    app = PromptAckApp(  # no network: authorization is answered here

        signing_secret="unused",
        authorize=lambda **_: AuthorizeResult(enterprise_id=None, team_id="T1", bot_token="xoxb-unit",
                                              bot_user_id="UBOT", bot_id="BBOT"),
        request_verification_enabled=False,
        listener_executor=pool,
    )
    yield app
    pool.shutdown(wait=True)


class Polls(list):
    def __init__(self) -> None:
        super().__init__()
        self.first = threading.Event()


@pytest.fixture
def polls(monkeypatch):
    """Every sleep Bolt's request thread takes while waiting for an ack."""
    seen = Polls()
    real_time = thread_runner.time

    class RecordingTime:
        time = staticmethod(real_time.time)

        @staticmethod
        def sleep(seconds: float) -> None:
            seen.append(seconds)
            seen.first.set()
            real_time.sleep(seconds)

    monkeypatch.setattr(thread_runner, "time", RecordingTime)
    return seen


def command(text: str) -> BoltRequest:
    body = urlencode({"command": "/tpm", "text": text, "user_id": "U1", "channel_id": "C1",
                      "team_id": "T1", "response_url": "http://127.0.0.1:9/unused", "trigger_id": "t"})
    return BoltRequest(body=body, headers={"content-type": ["application/x-www-form-urlencoded"]})


def test_ack_given_before_slow_work_is_answered_without_polling(app, polls):
    release = threading.Event()
    finished = threading.Event()

    @app.command("/tpm")
    def listener(ack):
        # Ack only once Bolt has started polling, or after a moment if it never does: without the
        # prompt ack, the poll always comes first and is seen.
        polls.first.wait(0.2)
        ack(text="on it")
        release.wait(5)
        finished.set()

    response = app.dispatch(command("slow"))
    assert response.status == 200 and response.body == "on it"
    assert not finished.is_set(), "the answer must not wait for the listener's remaining work"
    assert polls == []
    release.set()
    assert finished.wait(5)


def test_listener_failing_before_ack_still_answers_at_once(app, polls):
    @app.command("/tpm")
    def listener(ack):
        raise RuntimeError("broken before ack")

    @app.error
    def on_error(error, response):  # as the app's own handler does: answer in the ack's response
        response.status, response.body = 200, "Something went wrong"

    response = app.dispatch(command("x"))
    assert response.status == 200 and "Something went wrong" in response.body
    assert polls == []


def test_a_request_answered_without_a_listener_leaves_nothing_on_its_thread(app):
    @app.command("/other")
    def listener(ack):
        ack()

    assert app.dispatch(command("x")).status == 404  # no listener for /tpm: Bolt answers alone
    assert getattr(executor_module._request, "ack", None) is None


def test_lazy_listeners_still_run(app, polls):
    ran = threading.Event()

    def later(body):
        ran.set()

    app.command("/tpm")(ack=lambda ack: ack("working on it"), lazy=[later])
    response = app.dispatch(command("x"))
    assert response.status == 200 and response.body == "working on it"
    assert ran.wait(5)
