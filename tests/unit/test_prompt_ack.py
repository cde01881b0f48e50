"""The request thread hands back a listener's ack the moment it is given: Bolt never has to poll for it."""

from __future__ import annotations

import threading
import time
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


def test_a_new_listener_is_not_queued_behind_the_work_earlier_ones_do_after_their_ack(polls):
    """A burst: 40 commands whose listeners ack and then keep working (Slack calls, writes). Every one is
    answered at once; with a fixed pool of 16 threads the 17th waited for a thread, and so did its ack."""
    pool = TrackingExecutor()
    app = PromptAckApp(signing_secret="unused", request_verification_enabled=False, listener_executor=pool,
                       authorize=lambda **_: AuthorizeResult(enterprise_id=None, team_id="T1", bot_token="xoxb-unit",
                                                             bot_user_id="UBOT", bot_id="BBOT"))
    release = threading.Event()

    @app.command("/tpm")
    def listener(ack):
        ack()
        release.wait(10)  # the work after the ack

    try:
        for n in range(40):
            began = time.monotonic()
            assert app.dispatch(command(f"busy {n}")).status == 200
            assert time.monotonic() - began < 1.0, f"command {n} waited for a thread"
    finally:
        release.set()
        pool.shutdown(wait=True)


def test_when_done_runs_after_the_listener_or_at_once_without_one(app):
    order = []

    @app.command("/tpm")
    def listener(ack):
        ack()
        order.append("listener")

    def note(context, next):
        executor_module.when_done(lambda: order.append("done"))
        return next()

    app.use(note)
    assert app.dispatch(command("x")).status == 200
    assert app._listener_runner.listener_executor.wait_idle(5)
    assert order == ["listener", "done"]
    order.clear()
    other = BoltRequest(body=urlencode({"command": "/other", "text": "", "user_id": "U1", "channel_id": "C1",
                                        "team_id": "T1", "trigger_id": "t2"}),
                        headers={"content-type": ["application/x-www-form-urlencoded"]})
    assert app.dispatch(other).status == 404  # no listener: done when the dispatch returns
    assert order == ["done"]
    assert getattr(executor_module._request, "finish", None) is None
