"""The thread pool Bolt runs listeners on after ack(), able to say when all submitted work is done
(used for graceful shutdown and by tests, which wait on it instead of sleeping)."""

from __future__ import annotations

import threading
from concurrent.futures import Future, ThreadPoolExecutor, wait


class TrackingExecutor(ThreadPoolExecutor):
    def __init__(self, max_workers: int = 16) -> None:
        super().__init__(max_workers=max_workers, thread_name_prefix="tpmbot-listener")
        self._lock = threading.Lock()
        self._pending: set[Future] = set()

    def submit(self, fn, /, *args, **kwargs) -> Future:
        future = super().submit(fn, *args, **kwargs)
        with self._lock:
            self._pending.add(future)
        future.add_done_callback(self._forget)
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
