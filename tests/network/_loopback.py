"""Real HTTP servers on 127.0.0.1 for the network tests, with scripted answers.

``LoopbackServer`` is a threaded :mod:`http.server` bound to an ephemeral port
on 127.0.0.1.  Each ``(METHOD, path)`` route holds a list of :class:`Reply`
(used in order, the last one repeating) or a callable taking the
:class:`Seen` request.  Every request is recorded.  ``silent_port()`` is a
listening socket that never answers; ``closed_port()`` a port nobody listens on.
"""

from __future__ import annotations

import contextlib
import json
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable, Dict, Iterator, List, Optional, Tuple, Union

from _support import ConnectionServer

HOST = "127.0.0.1"


class Reply:
    """One scripted answer.

    ``delay`` waits before answering (to trigger read timeouts), ``close``
    drops the connection without answering, ``trickle`` sends the body one
    byte per ``trickle`` seconds, ``length`` overrides Content-Length.
    """

    def __init__(
        self,
        status: int = 200,
        body: Union[bytes, str, Dict[str, Any]] = b"",
        *,
        headers: Optional[Dict[str, str]] = None,
        delay: float = 0.0,
        close: bool = False,
        trickle: float = 0.0,
        length: Optional[int] = None,
    ) -> None:
        if isinstance(body, dict):
            body = json.dumps(body)
        if isinstance(body, str):
            body = body.encode("utf-8")
        self.status = status
        self.body = body
        self.headers = dict(headers or {})
        self.delay = delay
        self.close = close
        self.trickle = trickle
        self.length = length


class Seen:
    """A request as the server received it."""

    def __init__(self, method: str, path: str, headers: List[Tuple[str, str]], body: bytes):
        self.method = method
        self.path = path
        self.header_list = headers
        self.headers = {k.lower(): v for k, v in headers}
        self.body = body

    def key(self, *names: str) -> Tuple[Any, ...]:
        """(method, path, {name: value} of the named headers present) for comparisons."""
        picked = {n: self.headers[n] for n in names if n in self.headers}
        return (self.method, self.path, tuple(sorted(picked.items())))

    def __repr__(self) -> str:
        return "Seen(%s %s)" % (self.method, self.path)


Route = Union[List[Reply], Callable[[Seen], Reply]]


class LoopbackServer:
    """A scripted HTTP/1.1 server on 127.0.0.1; use as a context manager."""

    def __init__(self, routes: Optional[Dict[Tuple[str, str], Route]] = None) -> None:
        self.routes: Dict[Tuple[str, str], Route] = dict(routes or {})
        self.requests: List[Seen] = []
        self._lock = threading.Lock()
        self._counts: Dict[Tuple[str, str], int] = {}
        self._stop = threading.Event()
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:
                pass

            def _serve(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                seen = Seen(self.command, self.path, list(self.headers.items()), body)
                reply = server._reply(seen)
                if reply.delay:
                    server._stop.wait(reply.delay)
                if reply.close or server._stop.is_set():
                    self.close_connection = True
                    with contextlib.suppress(OSError):
                        self.connection.shutdown(socket.SHUT_RDWR)
                    return
                self.send_response(reply.status)
                for name, value in reply.headers.items():
                    self.send_header(name, value)
                declared = len(reply.body) if reply.length is None else reply.length
                self.send_header("Content-Length", str(declared))
                self.send_header("Connection", "close")
                self.end_headers()
                self.close_connection = True
                try:
                    if reply.trickle:
                        for i in range(len(reply.body)):
                            if server._stop.wait(reply.trickle):
                                return
                            self.wfile.write(reply.body[i : i + 1])
                            self.wfile.flush()
                    else:
                        self.wfile.write(reply.body)
                except OSError:
                    pass

            do_GET = do_PUT = do_POST = do_HEAD = do_DELETE = _serve

        self._httpd = ThreadingHTTPServer((HOST, 0), Handler)
        self._httpd.daemon_threads = True
        self.port = self._httpd.server_address[1]
        self.url = "http://%s:%d" % (HOST, self.port)
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}
        )
        self._thread.daemon = True

    def _reply(self, seen: Seen) -> Reply:
        with self._lock:
            self.requests.append(seen)
            route_key = (seen.method, seen.path.split("?")[0])
            route = self.routes.get(route_key)
            index = self._counts.get(route_key, 0)
            self._counts[route_key] = index + 1
        if route is None:
            return Reply(404, b"no route")
        if callable(route):
            return route(seen)
        return route[min(index, len(route) - 1)]

    def take(self) -> List[Seen]:
        """The requests seen so far (and forget them and the route positions)."""
        with self._lock:
            seen, self.requests = self.requests, []
            self._counts.clear()
        return seen

    def __enter__(self) -> LoopbackServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self._stop.set()
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(5)


@contextlib.contextmanager
def silent_port() -> Iterator[int]:
    """A port on 127.0.0.1 that accepts connections (kernel backlog) and never answers."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        sock.bind((HOST, 0))
        sock.listen(16)
        yield sock.getsockname()[1]
    finally:
        sock.close()


#: Sockets behind closed_port(), held for the whole run so no server can take their ports.
_HELD: List[socket.socket] = []


def closed_port() -> int:
    """A port on 127.0.0.1 with no listener (connections are refused).

    The port stays bound (never listening) until the test process ends: a port
    that was merely free when asked for can be handed to a later test's server,
    which then answers where a refusal was expected.
    """
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind((HOST, 0))
    _HELD.append(sock)
    return int(sock.getsockname()[1])


def elapsed(func: Callable[[], Any]) -> Tuple[Any, float]:
    """(result or raised exception, seconds taken)."""
    start = time.monotonic()
    try:
        result: Any = func()
    except Exception as exc:
        result = exc
    return result, time.monotonic() - start


class RawServer(ConnectionServer):
    """A TCP server on 127.0.0.1 that answers every connection with raw bytes, as told.

    For responses :mod:`http.server` cannot produce: ``head`` (status line and
    headers, sent as given) is dripped one byte every ``drip_head`` seconds,
    then the server stalls ``stall`` seconds, then sends ``body``, one byte
    every ``drip_body`` seconds, and closes.  Every loop is bounded: a
    connection ends after ``limit`` seconds whatever the script, at most
    ``max_connections`` are served, and ``__exit__`` stops everything.
    ``connections`` counts the connections accepted.
    """

    def __init__(
        self,
        head: bytes,
        body: bytes = b"",
        *,
        drip_head: float = 0.0,
        stall: float = 0.0,
        drip_body: float = 0.0,
        limit: float = 6.0,
        max_connections: int = 20,
    ) -> None:
        self.head = head
        self.body = body
        self.drip_head = drip_head
        self.stall = stall
        self.drip_body = drip_body
        self.limit = limit
        super().__init__(max_connections)

    def _send(self, conn: socket.socket, data: bytes, drip: float, ends: float) -> bool:
        if not drip:
            conn.sendall(data)
            return True
        for i in range(len(data)):
            if self._stop.wait(drip) or time.monotonic() > ends:
                return False
            conn.sendall(data[i : i + 1])
        return True

    def handle(self, conn: socket.socket) -> None:
        ends = time.monotonic() + self.limit
        conn.settimeout(1.0)
        request = b""
        while b"\r\n\r\n" not in request and len(request) < 65536:
            chunk = conn.recv(65536)
            if not chunk:
                return
            request += chunk
        if not self._send(conn, self.head, self.drip_head, ends):
            return
        if self.stall and self._stop.wait(min(self.stall, max(0.0, ends - time.monotonic()))):
            return
        self._send(conn, self.body, self.drip_body, ends)


def guarded(func: Callable[[], Any], guard: float) -> Tuple[Any, float]:
    """Like :func:`elapsed`, in a thread; fails the test when ``func`` runs past ``guard`` s.

    The thread is a daemon: a call that hangs ends when its server stops.
    """
    import pytest

    box: List[Any] = []

    def run() -> None:
        box.append(elapsed(func))

    thread = threading.Thread(target=run)
    thread.daemon = True
    thread.start()
    thread.join(guard)
    if thread.is_alive():
        pytest.fail("the call was still running after %.1f s" % guard)
    result: Tuple[Any, float] = box[0]
    return result
