"""Run real botocore in a fresh, isolated process per scenario and report the outcome as JSON.

Isolation follows the spec (section 21.3): an empty environment plus PATH,
HOME (a temporary directory), LANG and the scenario's variables; no proxies;
config and credentials files that do not exist unless the scenario writes them.

Importing botocore costs most of a second, so :class:`BotocoreOracle` keeps one
process that has imported it and **forks a fresh child per scenario**: each
scenario still gets its own process, environment and session (nothing is
shared but the imported modules).  The child records botocore's retry pauses
instead of sleeping (``ContainerMetadataFetcher``'s injectable ``sleep``), so the
pause count is compared too and the tests do not wait on them.
"""

from __future__ import annotations

import json
import os
import select
import subprocess
import sys
from pathlib import Path
from typing import Any, Dict, Mapping, Optional

_SERVER = r"""
import json, os, sys
import botocore.credentials, botocore.session, botocore.utils

def scenario(spec):
    pauses = []
    fetcher = botocore.utils.ContainerMetadataFetcher
    fetcher.__init__.__defaults__ = (None, pauses.append)
    if spec.get("container_ip"):
        fetcher.IP_ADDRESS = spec["container_ip"]
    out = {}
    try:
        session = botocore.session.Session(profile=spec.get("profile"))
        creds = session.get_credentials()
        if creds is None:
            out["result"] = None
        else:
            frozen = creds.get_frozen_credentials()
            expiry = getattr(creds, "_expiry_time", None)
            out["result"] = {
                "method": creds.method,
                "access_key": frozen.access_key,
                "secret_key": frozen.secret_key,
                "token": frozen.token,
                "account_id": getattr(frozen, "account_id", None),
                "expiry": expiry.isoformat() if expiry is not None else None,
            }
    except Exception as exc:
        out["error"] = type(exc).__name__
        out["message"] = str(exc)
        out["mro"] = [c.__name__ for c in type(exc).__mro__]
    out["pauses"] = pauses
    return out

for line in sys.stdin:
    spec = json.loads(line)
    pid = os.fork()
    if pid == 0:
        os.environ.clear()
        os.environ.update(spec["env"])
        os.chdir(spec["cwd"])
        try:
            result = scenario(spec)
        except BaseException as exc:
            result = {"crash": repr(exc)}
        sys.stdout.write(json.dumps(result) + "\n")
        sys.stdout.flush()
        os._exit(0)
    os.waitpid(pid, 0)
"""


def isolated_env(home: Path, extra: Mapping[str, str]) -> Dict[str, str]:
    """The minimal environment of a differential test process."""
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(home),
        "LANG": "C.UTF-8",
        "AWS_CONFIG_FILE": str(home / ".aws" / "config"),
        "AWS_SHARED_CREDENTIALS_FILE": str(home / ".aws" / "credentials"),
        "BOTO_CONFIG": str(home / "nonexistent-boto"),
    }
    env.update(extra)
    return env


class BotocoreOracle:
    """A botocore process that forks one isolated child per scenario."""

    def __init__(self, home: Path) -> None:
        self._proc = subprocess.Popen(
            [sys.executable, "-c", _SERVER],
            env=isolated_env(home, {}),
            cwd=str(home),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
        )

    def run(
        self,
        home: Path,
        env: Mapping[str, str],
        *,
        profile: Optional[str] = None,
        container_ip: Optional[str] = None,
        timeout: float = 30,
    ) -> Dict[str, Any]:
        """Resolve credentials with botocore's default chain in a fresh child process."""
        spec = {
            "env": isolated_env(home, env),
            "cwd": str(home),
            "profile": profile,
            "container_ip": container_ip,
        }
        assert self._proc.stdin is not None
        assert self._proc.stdout is not None
        self._proc.stdin.write((json.dumps(spec) + "\n").encode())
        self._proc.stdin.flush()
        ready, _, _ = select.select([self._proc.stdout], [], [], timeout)
        if not ready:
            self.close()
            raise AssertionError("botocore did not answer within %s s" % timeout)
        line = self._proc.stdout.readline()
        if not line:
            raise AssertionError("the botocore process died")
        result: Dict[str, Any] = json.loads(line.decode())
        if "crash" in result:
            raise AssertionError("botocore scenario crashed: %s" % result["crash"])
        return result

    def close(self) -> None:
        if self._proc.poll() is None:
            assert self._proc.stdin is not None
            self._proc.stdin.close()
            try:
                self._proc.wait(5)
            except subprocess.TimeoutExpired:
                self._proc.kill()
                self._proc.wait(5)
        if self._proc.stdout is not None:
            self._proc.stdout.close()
