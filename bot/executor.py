"""The thread pool Bolt runs listeners on, able to say when all submitted work is done (used for
graceful shutdown and by tests, which wait on it instead of sleeping), and to hand a request's
ack back the moment it is given.

Bolt's request thread submits the listener here and then polls for its ack every 10 ms, so every
command and button waited up to 10 ms after being answered. `PromptAckApp` gives each request a
`PromptAck` (in a middleware that runs first) which signals when given; `submit`, called on that
same request thread after the middleware, waits for the signal, or for the listener to finish,
before returning, so Bolt finds the ack already given and answers at once. Work submitted from any
other thread is not held, and a request answered without a listener leaves nothing behind.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor, wait
from typing import Any

from slack_bolt import Ack, App, BoltRequest, BoltResponse

ACK_WAIT_SECONDS = 3.0  # Slack's own limit; Bolt gives up at the same moment

_request = threading.local()


class PromptAck(Ack):
    def __init__(self) -> None:
        super().__init__()
        self.given = threading.Event()

    def __call__(self, *args: Any, **kwargs: Any) -> BoltResponse:
        try:
            return super().__call__(*args, **kwargs)
        finally:
            self.given.set()

    def __deepcopy__(self, memo: dict) -> Ack:
        """Bolt deep-copies the request (context and all) for each lazy listener; an Event can't be copied,
        and the copy only needs what was answered."""
        copy = Ack()
        copy.response = self.response
        return copy


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


class TrackingExecutor(ThreadPoolExecutor):
    def __init__(self, max_workers: int = 16) -> None:
        super().__init__(max_workers=max_workers, thread_name_prefix="tpmbot-listener")
        self._lock = threading.Lock()
        self._pending: set[Future] = set()

    def submit(self, fn, /, *args, **kwargs) -> Future:
        ack: PromptAck | None = getattr(_request, "ack", None)
        _request.ack = None
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
