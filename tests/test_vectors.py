"""The golden vectors: every case through ``generate_token`` and ``sigv4.presign``.

The vectors were signed by botocore (``vectors/generate.py``); these checks
run without it, and one of them proves so in a subprocess where importing
botocore fails.
"""

from __future__ import annotations

import base64
import json
import subprocess
import sys
import textwrap
from datetime import datetime
from types import SimpleNamespace
from typing import Any, Dict, List

import pytest
from _support import QUICK, ROOT, requires_botocore, sample

from bedrock_token_lite import Credentials, generate_token, sigv4

VECTORS = ROOT / "vectors"
TOKENS = VECTORS / "tokens.json"
MIN_CASES = 60
pytestmark = pytest.mark.signing_oracle

sys.path.insert(0, str(VECTORS))
import generate  # noqa: E402  (vectors/generate.py: the case list, no botocore at import)


def _cases() -> List[Dict[str, Any]]:
    cases: List[Dict[str, Any]] = json.loads(TOKENS.read_text(encoding="utf-8"))["cases"]
    return cases


CASES = _cases()


def _presign_token(case: Dict[str, Any]) -> str:
    """The token built from ``sigv4.presign`` as the official generator builds it."""
    signed = sigv4.presign(
        "POST",
        "https://bedrock.amazonaws.com/?Action=CallWithBearerToken",
        headers={"host": "bedrock.amazonaws.com"},
        credentials=Credentials(case["access_key"], case["secret_key"], case["session_token"]),
        region=case["region"],
        service="bedrock",
        now=datetime.fromisoformat(case["now"]),
        expires_in=case["expires"],
    )
    url = signed.url.replace("https://", "", 1) + "&Version=1"
    return "bedrock-api-key-" + base64.b64encode(url.encode("utf-8")).decode("ascii")


def test_case_count_and_names() -> None:
    assert len(CASES) >= MIN_CASES
    names = [case["name"] for case in CASES]
    assert len(set(names)) == len(names)


def test_every_commercial_and_govcloud_region_has_a_vector() -> None:
    regions = {case["region"] for case in CASES}
    expected = set(generate.COMMERCIAL_REGIONS) | set(generate.GOVCLOUD_REGIONS)
    assert len(expected) >= 36
    assert expected <= regions


def test_inputs_match_the_generator_case_list() -> None:
    """tokens.json was produced from the case list now in generate.py (no botocore needed)."""
    keys = ("name", "access_key", "secret_key", "session_token", "region", "expires", "now")
    in_file = [{k: case[k] for k in keys} for case in CASES]
    assert in_file == generate.cases()


def test_edge_cases_are_present() -> None:
    expiries = {case["expires"] for case in CASES}
    assert {1, 900, 43199, 43200} <= expiries
    tokens = [case["session_token"] for case in CASES]
    assert None in tokens
    assert "" in tokens
    assert any(t and len(t) > 500 and {"/", "+", "="} <= set(t) for t in tokens)
    assert any(not case["access_key"].isascii() for case in CASES)
    assert any(not case["secret_key"].isascii() for case in CASES)
    nows = {case["now"][:10] for case in CASES}
    assert {"2024-02-29", "2024-03-01", "2023-12-31", "2024-01-01"} <= nows


# Every case in process normally (the subprocess check below always covers all of them).
@pytest.mark.parametrize("case", sample(CASES), ids=[case["name"] for case in sample(CASES)])
def test_vector(case: Dict[str, Any]) -> None:
    now = datetime.fromisoformat(case["now"])
    creds = Credentials(case["access_key"], case["secret_key"], case["session_token"])
    expected = case["token"]
    assert base64.b64decode(expected[len("bedrock-api-key-") :]).decode("utf-8") == case["url"]
    assert generate_token(creds, case["region"], expiry=case["expires"], now=now) == expected
    # Any object with the three attributes will do, not only ours.
    plain = SimpleNamespace(
        access_key=case["access_key"], secret_key=case["secret_key"], token=case["session_token"]
    )
    assert generate_token(plain, case["region"], expiry=case["expires"], now=now) == expected
    assert _presign_token(case) == expected


_BLOCKED_CHECK = textwrap.dedent(
    """
    import base64, json, sys
    from datetime import datetime

    class Block:
        BLOCKED = ("botocore", "boto3", "aws_bedrock_token_generator")

        def find_spec(self, name, path=None, target=None):
            if name.split(".")[0] in self.BLOCKED:
                raise ImportError("blocked in this test: " + name)
            return None

    sys.meta_path.insert(0, Block())
    from bedrock_token_lite import Credentials, generate_token, sigv4

    cases = json.load(open(sys.argv[1], encoding="utf-8"))["cases"]
    failed = []
    for case in cases:
        creds = Credentials(case["access_key"], case["secret_key"], case["session_token"])
        now = datetime.fromisoformat(case["now"])
        token = generate_token(creds, case["region"], expiry=case["expires"], now=now)
        signed = sigv4.presign(
            "POST", "https://bedrock.amazonaws.com/?Action=CallWithBearerToken",
            headers={"host": "bedrock.amazonaws.com"}, credentials=creds,
            region=case["region"], service="bedrock", now=now, expires_in=case["expires"],
        )
        url = signed.url.replace("https://", "", 1) + "&Version=1"
        presigned = "bedrock-api-key-" + base64.b64encode(url.encode("utf-8")).decode("ascii")
        if token != case["token"] or presigned != case["token"]:
            failed.append(case["name"])
    leaked = sorted(m for m in sys.modules if m.split(".")[0] in Block.BLOCKED)
    print(json.dumps({"checked": len(cases), "failed": failed, "leaked": leaked}))
    """
)


def test_vectors_pass_without_botocore() -> None:
    proc = subprocess.run(
        [sys.executable, "-c", _BLOCKED_CHECK, str(TOKENS)],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=str(ROOT),
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout)
    assert result == {"checked": len(CASES), "failed": [], "leaked": []}
    assert result["checked"] >= MIN_CASES


def test_a_wrong_vector_is_detected() -> None:
    """The comparison is sensitive to a single changed input."""
    case = dict(CASES[0], expires=CASES[0]["expires"] - 1)
    assert _presign_token(case) != CASES[0]["token"]


@requires_botocore
@pytest.mark.skipif(QUICK, reason="regeneration is checked on the main Python (full profile)")
def test_generate_check_is_clean() -> None:
    proc = subprocess.run(
        [sys.executable, str(VECTORS / "generate.py"), "--check"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert "up to date" in proc.stdout


_BUILTIN_HASH_CHECK = textwrap.dedent(
    """
    import json, sys
    from datetime import datetime

    from bedrock_token_lite import _core
    from bedrock_token_lite import Credentials, generate_token

    _core.use_builtin_sha256()
    cases = json.load(open(sys.argv[1], encoding="utf-8"))["cases"]
    bad = [
        c["name"]
        for c in cases
        if generate_token(
            Credentials(c["access_key"], c["secret_key"], c["session_token"]),
            c["region"],
            expiry=c["expires"],
            now=datetime.fromisoformat(c["now"]),
        )
        != c["token"]
    ]
    # The command line's own path: a stamp from time.gmtime, no datetime arithmetic.
    bad_stamp = [
        c["name"]
        for c in cases
        if _core.sign_token(
            c["access_key"],
            c["secret_key"],
            c["session_token"],
            c["region"],
            c["expires"],
            _core.epoch_stamp(datetime.fromisoformat(c["now"]).timestamp()),
        )
        != c["token"]
    ]
    print(json.dumps({
        "bad": bad,
        "bad_stamp": bad_stamp,
        "checked": len(cases),
        "openssl": "_hashlib" in sys.modules,
    }))
    """
)


def test_vectors_with_the_builtin_sha256_the_cli_uses() -> None:
    """The command line hashes with CPython's built-in SHA-256 and stamps the time from
    ``time.gmtime``: same tokens, no OpenSSL load."""
    out = subprocess.run(
        [sys.executable, "-c", _BUILTIN_HASH_CHECK, str(TOKENS)],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    result = json.loads(out.stdout)
    assert result["checked"] == len(CASES)
    assert result["bad"] == []
    assert result["bad_stamp"] == []
    assert result["openssl"] is False
