"""Measure each network source's worst case against a loopback server that drips its answer.

The server accepts every connection and sends ``HTTP/1.1 200 OK`` one byte every 20 ms,
for ever: each request then lasts until its deadline, D = connect + 2 x read timeout,
and the source's attempts and pauses add up to its documented worst case
(``docs/differences-network.md``, *Worst-case time*).  The timeouts are scaled down
(``--timeout``, default 0.2 s) so a run takes seconds; the pauses are the real ones.

    python benchmarks/worst_case.py [--timeout 0.2]

Prints one row per source: measured seconds, the documented bound for these timeouts,
and the error the caller got.  Only 127.0.0.1 is contacted.
"""

from __future__ import annotations

import argparse
import socket
import threading
import time
from typing import Any, Callable, List, Tuple

import bedrock_token_lite as btl
from bedrock_token_lite._aws.client import ClientConfig
from bedrock_token_lite._aws.sts import call_sts
from bedrock_token_lite._sources.container import ContainerProvider
from bedrock_token_lite._sources.imds import InstanceMetadataProvider

DRIP_EVERY = 0.02


class DripServer:
    """Accepts on 127.0.0.1 and drips a status line that never ends, on every connection."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(32)
        self.sock.settimeout(0.1)
        self.url = "http://127.0.0.1:%d" % self.sock.getsockname()[1]
        self.connections = 0
        self.stopped = threading.Event()
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while not self.stopped.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            self.connections += 1
            threading.Thread(target=self._drip, args=(conn,), daemon=True).start()

    def _drip(self, conn: socket.socket) -> None:
        with conn:
            head = b"HTTP/1.1 200 OK\r\nX-Drip: " + b"d" * 1_000_000
            for byte in head:
                if self.stopped.is_set():
                    return
                try:
                    conn.sendall(bytes((byte,)))
                except OSError:
                    return
                time.sleep(DRIP_EVERY)

    def close(self) -> None:
        self.stopped.set()
        self.sock.close()


def measure(call: Callable[[], Any]) -> Tuple[float, str]:
    started = time.monotonic()
    try:
        call()
        outcome = "no error"
    except btl.BedrockTokenError as exc:
        outcome = type(exc).__name__
    return time.monotonic() - started, outcome


def rows(t: float) -> List[Tuple[str, str, Callable[[str], Any], float]]:
    d = 3 * t  # connect + 2 x read, both t

    def container(url: str) -> Any:
        env = {"AWS_CONTAINER_CREDENTIALS_FULL_URI": url + "/creds"}
        return ContainerProvider(env, timeout=t).load()

    def imds(url: str) -> Any:
        # Whole seconds only (botocore reads the variable with int()): 1 s, the default.
        env = {"AWS_EC2_METADATA_SERVICE_ENDPOINT": url, "AWS_METADATA_SERVICE_TIMEOUT": "1"}
        return InstanceMetadataProvider(environ=env).load()

    def sts(mode: str) -> Callable[[str], Any]:
        def call(url: str) -> Any:
            env = {"AWS_ENDPOINT_URL_STS": url, "AWS_RETRY_MODE": mode}
            return call_sts(
                "AssumeRole",
                [("RoleArn", "arn:aws:iam::123456789012:role/r"), ("RoleSessionName", "session")],
                config=ClientConfig(environ=env, full_config={}),
                credentials=btl.Credentials("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLE"),
                region="us-east-1",
                method="assume-role",
                sleep=time.sleep,
                timeout=t,
            )

        return call

    return [
        ("container", "3 x D + 3 x 1 s", container, 3 * d + 3.0),
        ("IMDS, defaults (t = 1 s)", "3 x N x D, N = 1 attempt", imds, 3 * 3.0),
        ("STS standard", "3 x D + pauses < 0.05 + 0.1 s", sts("standard"), 3 * d + 0.15),
        ("STS legacy", "5 x D + pauses < 1 + 2 + 4 + 8 s", sts("legacy"), 5 * d + 15.0),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--timeout", type=float, default=0.2, help="connect and read timeout (s)")
    args = parser.parse_args()
    t = args.timeout
    print(
        "timeouts %.2f s (D = %.2f s); the server drips a byte every %d ms"
        % (t, 3 * t, 1000 * DRIP_EVERY)
    )
    print("| source | bound | bound for these timeouts | measured | requests | caller got |")
    print("|---|---|---:|---:|---:|---|")
    for name, formula, call, bound in rows(t):
        server = DripServer()
        try:
            took, outcome = measure(lambda: call(server.url))  # noqa: B023 - called at once
        finally:
            server.close()
        print(
            "| %s | %s | %.2f s | %.2f s | %d | %s |"
            % (name, formula, bound, took, server.connections, outcome)
        )


if __name__ == "__main__":
    main()
