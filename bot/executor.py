"""The thread pool Bolt runs listeners on, able to say when all submitted work is done (used for
graceful shutdown and by tests, which wait on it instead of sleeping), and to hand a request's
ack back the moment it is given.

Bolt's request thread submits the listener here and then polls for its ack every 10 ms, so every
command and button waited up to 10 ms after being answered. `PromptAckApp` gives each request a
`PromptAck` (in a middleware that runs first) which signals when given; `submit`, called on that
same request thread after the middleware, waits for the signal, or for the listener to finish,
before returning, so Bolt finds the ack already given and answers at once. Work submitted from any
other thread is not held, and a request answered without a listener leaves nothing behind.

A listener never waits for a thread: the pool grows (up to LISTENER_THREADS) rather than queue a new
request's listener behind the work earlier ones do after their ack. With a fixed 16 threads, a burst of
commands queued each new listener, and so its ack (and the server thread waiting for it), behind the
Slack calls and writes of the commands before it: 200 `/blocker` at once took up to 2.7 s to be
answered on PostgreSQL (bench/burst.py). Once acked, a listener goes on only when one of WORK_SLOTS is
free, so the work after the acks still runs 16 at a time rather than a hundred threads contending for
the interpreter and the database while the server's threads wait to answer.

`when_done` (the inbox, bot/inbox.py) registers what to do once the current request's listener has
finished, however it ended; a request that reaches no listener runs it when its dispatch returns.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor, wait
from typing import Any

from slack_bolt import Ack, App, BoltRequest, BoltResponse

ACK_WAIT_SECONDS = 3.0  # Slack's own limit; Bolt gives up at the same moment
LISTENER_THREADS = 128  # per process: more listeners than this at once queue (and their acks wait)
WORK_SLOTS = 16  # per process: listeners going on with their work after the ack at once

_request = threading.local()


class PromptAck(Ack):
    def __init__(self) -> None:
        super().__init__()
        self.given = threading.Event()
        self.slots: threading.Semaphore | None = None  # the executor's, once the listener is submitted
        self.holds_slot = False

    def __call__(self, *args: Any, **kwargs: Any) -> BoltResponse:
        try:
            return super().__call__(*args, **kwargs)
        finally:
            self.given.set()
            if self.slots is not None and not self.holds_slot:
                self.slots.acquire()  # answered: the rest of the work waits its turn (see TrackingExecutor)
                self.holds_slot = True

    def __deepcopy__(self, memo: dict) -> Ack:
        """Bolt deep-copies the request (context and all) for each lazy listener; an Event can't be copied,
        and the copy only needs what was answered."""
        copy = Ack()
        copy.response = self.response
        return copy


def when_done(callback: Callable[[], None]) -> None:
    """Run ``callback`` (which must not raise) once the listener of the request being dispatched on this
    thread has finished, or when its dispatch returns if it reaches none. For global middleware."""
    _request.finish = callback


def answer_elsewhere(context: dict[str, Any], ack: Ack) -> None:
    """This request's ack is ``ack``, and nothing waits for it (a request dispatched again, already
    answered: bot/inbox.py). For global middleware."""
    context["ack"] = ack
    _request.ack = None


def prompt_ack(context: dict[str, Any], next: Callable[[], BoltResponse]) -> BoltResponse | None:
    """Global middleware: this request's ack signals when given (see the module docstring)."""
    ack = PromptAck()
    context["ack"] = ack
    _request.ack = ack
    return next()  # Bolt runs the listener after the whole middleware chain has returned


class PromptAckApp(App):
    """A Bolt App whose requests are answered as soon as their listener acks (see the module docstring)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.use(prompt_ack)  # first: nothing may ack before this request's ack is in place

    def dispatch(self, req: BoltRequest) -> BoltResponse:
        try:
            return super().dispatch(req)
        finally:
            _request.ack = None
            finish, _request.finish = getattr(_request, "finish", None), None
            if finish is not None:  # no listener took the request: nothing more will happen to it
                finish()


class TrackingExecutor(ThreadPoolExecutor):
    """Listeners start at once, on up to ``max_workers`` threads; once they have acked, at most
    ``work_slots`` of them go on at a time, the others waiting (holding nothing) for a slot. So a burst
    is answered at once, and the work after the acks, Slack calls and writes, is done as many at a time
    as before, instead of a hundred threads contending for the interpreter and the database."""

    def __init__(self, max_workers: int = LISTENER_THREADS, work_slots: int = WORK_SLOTS) -> None:
        super().__init__(max_workers=max_workers, thread_name_prefix="tpmbot-listener")
        self._lock = threading.Lock()
        self._pending: set[Future] = set()
        self._slots = threading.Semaphore(work_slots)

    def submit(self, fn, /, *args, **kwargs) -> Future:
        ack: PromptAck | None = getattr(_request, "ack", None)
        finish: Callable[[], None] | None = getattr(_request, "finish", None)
        _request.ack = _request.finish = None
        if ack is not None and not ack.given.is_set():
            ack.slots = self._slots
        if finish is not None or ack is not None:
            fn, args, kwargs = _then(fn, args, kwargs, finish, ack), (), {}
        future = super().submit(fn, *args, **kwargs)
        with self._lock:
            self._pending.add(future)
        future.add_done_callback(self._forget)
        if ack is not None and not ack.given.is_set():
            future.add_done_callback(lambda _: ack.given.set())
            ack.given.wait(ACK_WAIT_SECONDS)
        return future

    def _forget(self, future: Future) -> None:
        with self._lock:
            self._pending.discard(future)

    def wait_idle(self, timeout: float = 10.0) -> bool:
        """Block until every submitted listener (and anything it submitted) has finished."""
        deadline = threading.Event()
        timer = threading.Timer(timeout, deadline.set)
        timer.start()
        try:
            while not deadline.is_set():
                with self._lock:
                    pending = set(self._pending)
                if not pending:
                    return True
                wait(pending, timeout=timeout)
            return False
        finally:
            timer.cancel()


def _then(fn: Callable[..., Any], args: tuple, kwargs: dict, finish: Callable[[], None] | None,
          ack: PromptAck | None) -> Callable[[], Any]:
    def run_then_finish() -> Any:
        try:
            return fn(*args, **kwargs)
        finally:
            if ack is not None and ack.holds_slot:
                ack.holds_slot = False
                ack.slots.release()
            if finish is not None:
                finish()

    return run_then_finish
