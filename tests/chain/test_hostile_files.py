"""Files that break botocore with a bare builtin: ours raises a library leaf that is also it.

Each case is a real file in a temporary HOME; botocore (in a child process,
isolated as the other differential tests are) names the builtin it raises,
and ours must raise a ``BedrockTokenError`` that is an instance of that
builtin, with a one-line message that names the file.
"""

from __future__ import annotations

import builtins
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Dict, Tuple

import pytest
from _support import requires_botocore_143

import bedrock_token_lite as btl

ROLE = "arn:aws:iam::123456789012:role/r"
START_URL = "https://example.awsapps.com/start"


def _home(tmp_path: Path, case: str) -> Tuple[Dict[str, str], str]:
    home = tmp_path / "home"
    (home / ".aws" / "sso" / "cache").mkdir(parents=True)
    config = "[profile p]\nregion = us-east-1\n"
    if case.startswith("web-identity"):
        target = {
            "web-identity-missing": home / "missing",
            "web-identity-directory": home,
            "web-identity-not-text": home / "token",
        }[case]
        (home / "token").write_bytes(b"\xff\xfe\xfa")
        config += "role_arn = %s\nweb_identity_token_file = %s\n" % (ROLE, target)
    elif case.startswith("sso-cache"):
        import hashlib

        config += (
            "sso_start_url = %s\nsso_region = us-east-1\nsso_account_id = 123456789012\n"
            "sso_role_name = r\n" % START_URL
        )
        name = hashlib.sha1(START_URL.encode()).hexdigest() + ".json"  # noqa: S324
        body = {
            "sso-cache-empty": b"",
            "sso-cache-not-json": b"{nope",
            "sso-cache-deep": b"[" * 200000,
            "sso-cache-naive": b'{"accessToken": "at", "expiresAt": "2099-01-01T00:00:00"}',
        }
        (home / ".aws" / "sso" / "cache" / name).write_bytes(body[case])
    elif case == "process-deep":
        script = home / "deep.py"
        script.write_text("print('[' * 200000)\n")
        config += "credential_process = %s %s\n" % (sys.executable, script)
    (home / ".aws" / "config").write_text(config)
    env = {
        "HOME": str(home),
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "AWS_EC2_METADATA_DISABLED": "true",
        "AWS_ENDPOINT_URL": "http://127.0.0.1:9/",  # never reached: the file fails first
    }
    return env, str(home)


CASES = [
    "web-identity-missing",
    "web-identity-directory",
    "web-identity-not-text",
    "sso-cache-empty",
    "sso-cache-not-json",
    "sso-cache-deep",
    "sso-cache-naive",
    "process-deep",
]

_BOTOCORE = """
import json, sys
import botocore.session
try:
    creds = botocore.session.Session(profile="p").get_credentials()
    creds.get_frozen_credentials()
    print(json.dumps(None))
except BaseException as e:
    print(json.dumps([c.__name__ for c in type(e).__mro__ if c.__module__ == "builtins"]))
"""


def _botocore_builtins(env: Dict[str, str]) -> object:
    result = subprocess.run(
        [sys.executable, "-c", _BOTOCORE], env=env, capture_output=True, text=True, timeout=60
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("case", CASES)
def test_ours_is_a_library_error(tmp_path: Path, case: str) -> None:
    env, home = _home(tmp_path, case)
    with pytest.raises(btl.BedrockTokenError) as info:
        btl.resolve_credentials("p", environ=env).get_frozen_credentials()
    message = str(info.value)
    assert "\n" not in message
    assert len(message) < 600
    assert ("deep" in case) or ("naive" in case) or (home in message)


@requires_botocore_143
@pytest.mark.parametrize("case", CASES)
def test_ours_is_also_the_builtin_botocore_raises(tmp_path: Path, case: str) -> None:
    env, _home_dir = _home(tmp_path, case)
    theirs = _botocore_builtins(env)
    assert isinstance(theirs, list), "botocore did not fail"
    raised = theirs[0]
    if raised == "RecursionError":  # botocore dies in the parser: ours is its base class
        raised = "RuntimeError"
    if raised == "UnicodeDecodeError":  # ours cannot be one (its constructor is the codec's)
        raised = "UnicodeError"
    with pytest.raises(btl.BedrockTokenError) as info:
        btl.resolve_credentials("p", environ=env).get_frozen_credentials()
    assert isinstance(info.value, getattr(builtins, raised))


def test_a_token_file_that_is_not_text_is_not_kept_on_the_error(tmp_path: Path) -> None:
    """The decode error's ``object`` is the file (the token); ``from None`` kept it as context."""
    from bedrock_token_lite._common.token_file import read_token_file

    path = tmp_path / "token"
    path.write_bytes(b"CANARY-web-identity-token\xff\xfe")
    with pytest.raises(btl.TokenFileDecodeError) as info:
        read_token_file(str(path), "web identity token file")
    assert info.value.__context__ is None
