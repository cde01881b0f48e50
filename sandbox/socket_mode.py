"""Socket Mode on loopback: `apps.connections.open` hands out a ws:// URL to this gateway, which
speaks enough WebSocket (RFC 6455) to deliver Slack's envelopes to a connected app and take its acks.

    gateway = SocketModeGateway(ws).start()
    server.api.methods["apps.connections.open"] = gateway.connections_open   # done by attach()
    ack = gateway.deliver("slash_commands", payload)   # -> the app's ack payload (dict, may be empty)
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import socket
import socketserver
import struct
import threading
from typing import Any

from sandbox.workspace import SlackError, Workspace

GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
TEXT, CLOSE, PING, PONG = 0x1, 0x8, 0x9, 0xA


class _Peer:
    """One connected app: a socket, a send lock, and the acks awaited by envelope id."""

    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock
        self.send_lock = threading.Lock()
        self.closed = threading.Event()

    def send(self, opcode: int, data: bytes) -> None:
        header = bytes([0x80 | opcode])
        length = len(data)
        if length < 126:
            header += bytes([length])
        elif length < 1 << 16:
            header += bytes([126]) + struct.pack("!H", length)
        else:
            header += bytes([127]) + struct.pack("!Q", length)
        with self.send_lock:
            self.sock.sendall(header + data)

    def send_json(self, document: dict) -> None:
        self.send(TEXT, json.dumps(document).encode())


def _recv_exact(sock: socket.socket, count: int) -> bytes:
    chunks = b""
    while len(chunks) < count:
        chunk = sock.recv(count - len(chunks))
        if not chunk:
            raise ConnectionError("closed")
        chunks += chunk
    return chunks


def _read_frame(sock: socket.socket) -> tuple[int, bytes]:
    first, second = _recv_exact(sock, 2)
    opcode, masked, length = first & 0x0F, second & 0x80, second & 0x7F
    if length == 126:
        length = struct.unpack("!H", _recv_exact(sock, 2))[0]
    elif length == 127:
        length = struct.unpack("!Q", _recv_exact(sock, 8))[0]
    mask = _recv_exact(sock, 4) if masked else b"\0\0\0\0"
    data = bytes(b ^ mask[i % 4] for i, b in enumerate(_recv_exact(sock, length)))
    return opcode, data


class SocketModeGateway:
    def __init__(self, ws: Workspace, host: str = "127.0.0.1", port: int = 0) -> None:
        self.ws = ws
        self.tickets: set[str] = set()
        self.peers: list[_Peer] = []
        self.connected = threading.Condition()
        self._acks: dict[str, tuple[threading.Event, dict]] = {}
        self._lock = threading.Lock()
        gateway = self

        class Handler(socketserver.BaseRequestHandler):
            def handle(self) -> None:
                gateway._serve(self.request)

        class Server(socketserver.ThreadingTCPServer):
            daemon_threads = True
            allow_reuse_address = True

        self._server = Server((host, port), Handler)
        self.host, self.port = self._server.server_address[:2]
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05},
                                        name="sandbox-socket-mode", daemon=True)

    # ---- lifecycle -------------------------------------------------------------------------
    def start(self) -> "SocketModeGateway":
        self._thread.start()
        return self

    def stop(self) -> None:
        for peer in list(self.peers):
            peer.closed.set()
            try:
                peer.sock.close()
            except OSError:
                pass
        self._server.shutdown()
        self._server.server_close()

    def attach(self, server: Any) -> "SocketModeGateway":
        """Serve `apps.connections.open` on a SandboxServer's Web API."""
        server.api.methods["apps.connections.open"] = self.connections_open
        return self

    # ---- Web API ---------------------------------------------------------------------------
    def connections_open(self, ws: Workspace, args: dict) -> dict:
        ticket = secrets.token_hex(8)
        with self._lock:
            self.tickets.add(ticket)
        return {"ok": True, "url": f"ws://{self.host}:{self.port}/link/?ticket={ticket}&app_id={ws.app_id}"}

    # ---- delivery --------------------------------------------------------------------------
    def wait_connected(self, timeout: float = 10.0) -> bool:
        with self.connected:
            return self.connected.wait_for(lambda: any(not p.closed.is_set() for p in self.peers), timeout)

    def deliver(self, envelope_type: str, payload: dict, timeout: float = 3.0,
                retry_attempt: int = 0) -> dict:
        """Send one envelope to a connected app and return its ack's payload (``{}`` for a bare ack).
        Raises TimeoutError when the app does not ack within ``timeout`` (Slack's 3 s)."""
        if not self.wait_connected(timeout):
            raise SlackError("no_socket_mode_connection")
        peer = next(p for p in self.peers if not p.closed.is_set())
        envelope_id = secrets.token_hex(12)
        done, holder = threading.Event(), {}
        with self._lock:
            self._acks[envelope_id] = (done, holder)
        envelope = {"envelope_id": envelope_id, "type": envelope_type, "payload": payload,
                    "accepts_response_payload": envelope_type != "events_api",
                    "retry_attempt": retry_attempt, "retry_reason": ""}
        peer.send_json(envelope)
        try:
            if not done.wait(timeout):
                raise TimeoutError(f"no ack for {envelope_type} within {timeout}s")
            return holder.get("payload") or {}
        finally:
            with self._lock:
                self._acks.pop(envelope_id, None)

    # ---- one connection --------------------------------------------------------------------
    def _serve(self, sock: socket.socket) -> None:
        request = b""
        while b"\r\n\r\n" not in request:
            chunk = sock.recv(4096)
            if not chunk:
                return
            request += chunk
        head = request.split(b"\r\n\r\n", 1)[0].decode("latin-1").split("\r\n")
        headers = {k.strip().lower(): v.strip() for k, _, v in (line.partition(":") for line in head[1:])}
        ticket = head[0].split("ticket=", 1)[-1].split("&", 1)[0].split(" ", 1)[0]
        with self._lock:
            valid = ticket in self.tickets
            self.tickets.discard(ticket)
        if not valid or "sec-websocket-key" not in headers:
            sock.sendall(b"HTTP/1.1 401 Unauthorized\r\nContent-Length: 0\r\n\r\n")
            return
        accept = base64.b64encode(hashlib.sha1((headers["sec-websocket-key"] + GUID).encode()).digest()).decode()
        sock.sendall(("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                      f"Sec-WebSocket-Accept: {accept}\r\n\r\n").encode())
        peer = _Peer(sock)
        peer.send_json({"type": "hello", "num_connections": 1,
                        "debug_info": {"host": "sandbox", "approximate_connection_time": 18060},
                        "connection_info": {"app_id": self.ws.app_id}})
        with self.connected:
            self.peers.append(peer)
            self.connected.notify_all()
        try:
            while not peer.closed.is_set():
                opcode, data = _read_frame(sock)
                if opcode == PING:
                    peer.send(PONG, data)
                elif opcode == CLOSE:
                    break
                elif opcode == TEXT:
                    self._on_ack(json.loads(data.decode()))
        except (ConnectionError, OSError, ValueError):
            pass
        finally:
            peer.closed.set()
            with self.connected:
                self.peers.remove(peer)

    def _on_ack(self, message: dict) -> None:
        with self._lock:
            waiting = self._acks.get(message.get("envelope_id", ""))
        if waiting is not None:
            done, holder = waiting
            holder["payload"] = message.get("payload")
            done.set()
