"""Helpers shared by the test modules (imported as ``_support``)."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path
from typing import (
    Any,
    Callable,
    Dict,
    Iterator,
    List,
    NamedTuple,
    Optional,
    Sequence,
    Tuple,
    TypeVar,
)

import pytest

ROOT = Path(__file__).resolve().parent.parent
#: The public AWS SigV4 test data lives beside the project root, never inside it.
SIGV4_SUITE = Path(os.environ.get("BTL_SIGV4_SUITE", ROOT.parent / "shared" / "sigv4-test-suite"))
QUICK = os.environ.get("BTL_QUICK") == "1"

try:
    import botocore

    BOTOCORE_VERSION = tuple(int(p) for p in botocore.__version__.split(".")[:2])
except ImportError:  # pragma: no cover
    BOTOCORE_VERSION = None

#: Differential tests of signing and tokens: any botocore will do.
requires_botocore = pytest.mark.skipif(
    BOTOCORE_VERSION is None, reason="botocore (the test oracle) is not installed"
)
#: Differential tests of the credential chain: the spec targets botocore 1.44.8, and
#: 1.44.0 changed the default retry mode, so older releases are not the oracle.
#: (The name is historical; a rename would touch every chain test file.)
requires_botocore_143 = pytest.mark.skipif(
    BOTOCORE_VERSION is None or BOTOCORE_VERSION < (1, 44),
    reason="credential-chain differential tests need botocore >= 1.44 "
    "(this Python cannot install it, or it is missing)",
)


def _console_script() -> Optional[str]:
    import shutil
    import sys

    local = Path(sys.executable).parent / "bedrock-token"
    return str(local) if local.exists() else shutil.which("bedrock-token")


#: The installed ``bedrock-token`` script (beside this Python first), or None.
CONSOLE_SCRIPT = _console_script()
requires_console_script = pytest.mark.skipif(
    CONSOLE_SCRIPT is None, reason="the console script is not installed"
)

T = TypeVar("T")
S = TypeVar("S", bound="ConnectionServer")


def sample(scenarios: Sequence[T], every: int = 5) -> List[T]:
    """All scenarios normally; every ``every``-th one under BTL_QUICK=1 (secondary Pythons)."""
    return list(scenarios) if not QUICK else list(scenarios)[::every]


def self_signed_cert(directory: Path, name: str = "cert") -> Tuple[Path, Path]:
    """(certificate, key) PEM files for 127.0.0.1, made by the openssl command (check it exists)."""
    cert, key = directory / (name + ".pem"), directory / (name + ".key")
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "2",
            "-subj",
            "/CN=127.0.0.1",
            "-addext",
            "subjectAltName=IP:127.0.0.1",
            "-keyout",
            str(key),
            "-out",
            str(cert),
        ],
        check=True,
        capture_output=True,
        timeout=60,
    )
    return cert, key


class ConnectionServer:
    """A TCP listener on 127.0.0.1 that hands each connection to :meth:`handle` in a thread.

    The shared part of the raw loopback servers (``_loopback.RawServer``,
    ``_responses.ScriptServer``, the STS tests' dropper): one listener, an
    accepting thread that stops with ``__exit__``, at most
    ``max_connections`` served, ``connections`` counted, and every
    connection closed after :meth:`handle` returns, whatever it did.
    """

    def __init__(self, max_connections: Optional[int] = None) -> None:
        import socket
        import threading

        self.max_connections = max_connections
        self.connections = 0
        self._stop = threading.Event()
        self._threads: List[threading.Thread] = []
        self._listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._listener.bind(("127.0.0.1", 0))
        self._listener.listen(16)
        self._listener.settimeout(0.05)
        self.port = int(self._listener.getsockname()[1])
        self.url = "http://127.0.0.1:%d" % self.port
        self._accepter = threading.Thread(target=self._accept, daemon=True)

    def handle(self, conn: Any) -> None:
        """Answer one connection (subclasses say how); it is closed afterwards."""

    def _accept(self) -> None:
        import socket
        import threading

        while not self._stop.is_set() and (
            self.max_connections is None or self.connections < self.max_connections
        ):
            try:
                conn, _ = self._listener.accept()
            except socket.timeout:
                continue
            except OSError:
                return
            self.connections += 1
            thread = threading.Thread(target=self._serve, args=(conn,), daemon=True)
            self._threads.append(thread)
            thread.start()

    def _serve(self, conn: Any) -> None:
        import contextlib
        import socket

        try:
            self.handle(conn)
        except OSError:
            pass
        finally:
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)
            conn.close()

    def __enter__(self: S) -> S:
        self._accepter.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self._stop.set()
        self._accepter.join(5)
        self._listener.close()
        for thread in self._threads:
            thread.join(5)


class Seen(NamedTuple):
    """One request a :func:`recording_server` received."""

    method: str
    path: str
    headers: Dict[str, str]
    body: bytes


class Endpoint(NamedTuple):
    url: str
    seen: List[Seen]
    server: Any  # ``after_each`` may be set on it: called after each request is recorded


def recording_server(
    context: Any = None, answer: Optional[Callable[[str], Dict[str, Any]]] = None
) -> Iterator[Endpoint]:
    """A threaded HTTP(S) server on 127.0.0.1 that records every request (for fixtures).

    Each GET, POST or PUT is recorded as a :class:`Seen` and answered 200 with
    the JSON of ``answer(path without query)`` (``{}`` by default); ``context``
    (a server ``ssl.SSLContext``) makes it HTTPS.  A generator: ``yield from``
    it in a fixture, and the server stops when the fixture ends.
    """
    import json
    import threading
    from http.server import BaseHTTPRequestHandler, HTTPServer
    from socketserver import ThreadingMixIn

    class Server(ThreadingMixIn, HTTPServer):
        daemon_threads = True

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            headers = {k.lower(): v for k, v in self.headers.items()}
            server.seen.append(Seen(self.command, self.path, headers, body))
            document = answer(self.path.split("?")[0]) if answer is not None else {}
            payload = json.dumps(document).encode()
            server.after_each()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        do_POST = do_PUT = do_GET

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = Server(("127.0.0.1", 0), Handler)
    server.seen = []
    server.after_each = lambda: None
    if context is not None:
        server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.daemon = True
    thread.start()
    scheme = "https" if context is not None else "http"
    try:
        url = "%s://127.0.0.1:%d" % (scheme, server.server_address[1])
        yield Endpoint(url, server.seen, server)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
