"""Run real botocore in a fresh, isolated subprocess and report the outcome as JSON.

Isolation follows the spec (section 21.3): an empty environment plus PATH,
HOME (a temporary directory), LANG and the scenario's variables; no proxies;
config and credentials files that do not exist unless the scenario writes them.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any, Dict, Mapping, Optional

_SCRIPT = r"""
import json, sys
spec = json.loads(sys.argv[1])
import botocore.utils
if spec.get("container_ip"):
    botocore.utils.ContainerMetadataFetcher.IP_ADDRESS = spec["container_ip"]
from botocore.session import Session
out = {}
try:
    session = Session(profile=spec.get("profile"))
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
print(json.dumps(out))
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
        "AWS_CREDENTIAL_FILE": str(home / "nonexistent-ec2"),
    }
    env.update(extra)
    return env


def run_botocore(
    home: Path,
    env: Mapping[str, str],
    *,
    profile: Optional[str] = None,
    container_ip: Optional[str] = None,
    timeout: float = 30,
) -> Dict[str, Any]:
    """Resolve credentials with botocore's default chain in a fresh process."""
    spec = {"profile": profile, "container_ip": container_ip}
    proc = subprocess.run(
        [sys.executable, "-c", _SCRIPT, json.dumps(spec)],
        env=isolated_env(home, env),
        cwd=str(home),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        timeout=timeout,
        check=False,
    )
    if proc.returncode != 0 or not proc.stdout.strip():
        raise AssertionError("botocore subprocess failed: %s" % proc.stderr.decode()[-2000:])
    result: Dict[str, Any] = json.loads(proc.stdout.decode().strip().splitlines()[-1])
    return result
