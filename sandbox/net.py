"""Loopback networking helpers shared by the sandbox, the benchmarks and the tests."""

from __future__ import annotations

import socket


def free_port(host: str = "127.0.0.1") -> int:
    """A port nothing listens on right now (for servers started in another process)."""
    with socket.socket() as probe:
        probe.bind((host, 0))
        return probe.getsockname()[1]
