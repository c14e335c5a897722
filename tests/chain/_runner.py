"""Run ONE scenario in THIS (fresh, isolated) process and print one JSON outcome.

Usage: ``python _runner.py botocore|ours`` with ``{"profile": ..., "region": bool}``
on stdin.  The environment, HOME and working directory are the scenario's
(the harness sets them).  Used by ``oracle.py``; nothing else imports it.
"""

from __future__ import annotations

import json
import os
import sys
from typing import Any, Callable, Dict, Optional


def _error(e: BaseException) -> Dict[str, Any]:
    return {"error": type(e).__name__, "message": str(e)}


def credentials_outcome(c: Any, method: Optional[str]) -> Dict[str, Any]:
    if c is None:
        return {"result": None}
    expiry = getattr(c, "_expiry_time", None) or getattr(c, "expiry", None)
    frozen = c.get_frozen_credentials()
    return {
        "result": "credentials",
        "method": method,
        "access_key": frozen.access_key,
        "secret_key": frozen.secret_key,
        "token": frozen.token,
        "account_id": getattr(frozen, "account_id", None),
        "expiry": expiry.isoformat() if expiry is not None else None,
    }


def guard(fn: Callable[[], Dict[str, Any]]) -> Dict[str, Any]:
    try:
        return fn()
    except Exception as e:  # every error is an outcome to compare
        return _error(e)


def run_botocore(profile: Optional[str], want_region: bool) -> Dict[str, Any]:
    import botocore.session

    def creds() -> Dict[str, Any]:
        session = botocore.session.Session(profile=profile)
        c = session.get_credentials()
        return credentials_outcome(c, getattr(c, "method", None))

    def region() -> Dict[str, Any]:
        # Our documented rule: a non-empty AWS_REGION first, then botocore's region.
        if os.environ.get("AWS_REGION"):
            return {"region": os.environ["AWS_REGION"]}
        session = botocore.session.Session(profile=profile)
        return {"region": session.get_config_variable("region")}

    out = {"credentials": guard(creds)}
    if want_region:
        out["region"] = guard(region)
    return out


def run_ours(profile: Optional[str], want_region: bool) -> Dict[str, Any]:
    from bedrock_token_lite import resolve_credentials, resolve_region

    def creds() -> Dict[str, Any]:
        c = resolve_credentials(profile)
        return credentials_outcome(c, c.method)

    out = {"credentials": guard(creds)}
    if want_region:
        out["region"] = guard(lambda: {"region": resolve_region(profile)})
    return out


def main() -> None:
    request = json.loads(sys.stdin.read())
    impl = run_botocore if sys.argv[1] == "botocore" else run_ours
    outcome = impl(request.get("profile"), bool(request.get("region")))
    sys.stdout.write(json.dumps(outcome))


if __name__ == "__main__":
    main()
