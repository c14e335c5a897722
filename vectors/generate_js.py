"""Write (or ``--check``) ``js_tokens.json``: tokens from AWS's JavaScript generator.

``@aws/bedrock-token-generator`` 1.1.0 is installed with npm into a temporary
folder (never into this repository) and ``js/generate.mjs`` runs each case with
node, the JavaScript clock frozen at the case's instant.  The case list below is
fixed, so running this again gives a byte-identical file.

    python vectors/generate_js.py           # rewrite vectors/js_tokens.json
    python vectors/generate_js.py --check   # exit 1 if the file differs

node and npm are needed here only; the tests read the JSON file.
"""

from __future__ import annotations

import base64
import json
import shutil
import subprocess
import sys
import tempfile
from datetime import datetime
from pathlib import Path
from typing import Any, Dict, List, Optional

HERE = Path(__file__).resolve().parent
OUTPUT = HERE / "js_tokens.json"
DRIVER = HERE / "js" / "generate.mjs"
PACKAGE = "@aws/bedrock-token-generator@1.1.0"
PREFIX = "bedrock-api-key-"

AK = "AKIDEXAMPLE"
SK = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
SESSION = "IQoJb3JpZ2luX2VjEXAMPLE//////////wEaCXVzLWVhc3QtMSJHMEUCIQD+example+token/value=="
LONG_SESSION = "FwoGZXIvYXdzEXAMPLE/+/+" * 40 + "IQoJb3JpZ2luX2Vj+////////////=="

#: One region of each partition and many commercial ones, each with its own
#: instant, lifetime and session token so that the cases spread over all three.
REGIONS = (
    "us-east-1",
    "us-east-2",
    "us-west-1",
    "us-west-2",
    "af-south-1",
    "ap-east-1",
    "ap-northeast-1",
    "ap-northeast-2",
    "ap-northeast-3",
    "ap-south-1",
    "ap-south-2",
    "ap-southeast-1",
    "ap-southeast-2",
    "ap-southeast-3",
    "ap-southeast-4",
    "ap-southeast-5",
    "ca-central-1",
    "ca-west-1",
    "eu-central-1",
    "eu-central-2",
    "eu-north-1",
    "eu-south-1",
    "eu-south-2",
    "eu-west-1",
    "eu-west-2",
    "eu-west-3",
    "il-central-1",
    "me-central-1",
    "me-south-1",
    "mx-central-1",
    "sa-east-1",
    "us-gov-east-1",
    "us-gov-west-1",
    "cn-north-1",
    "cn-northwest-1",
    "us-iso-east-1",
    "us-isob-east-1",
    "eu-isoe-west-1",
)
#: Instants from the 1970s to the 2090s: the epoch, leap days, year and month
#: ends, the 32-bit rollover, and milliseconds (which the signer drops).
INSTANTS = (
    "1970-01-01T00:00:00.000Z",
    "1972-02-29T12:00:00.000Z",
    "1979-12-31T23:59:59.000Z",
    "1984-02-29T23:59:59.999Z",
    "1999-12-31T23:59:59.999Z",
    "2000-01-01T00:00:00.000Z",
    "2000-02-29T06:30:00.500Z",
    "2016-12-31T23:59:59.000Z",
    "2024-02-29T00:00:00.001Z",
    "2025-06-15T12:34:56.000Z",
    "2038-01-19T03:14:07.000Z",
    "2038-01-19T03:14:08.000Z",
    "2052-02-29T18:00:00.000Z",
    "2069-07-20T20:17:40.000Z",
    "2088-02-29T11:11:11.000Z",
    "2096-02-29T00:00:00.000Z",
    "2099-12-31T23:59:59.999Z",
)
EXPIRIES = (1, 2, 59, 60, 900, 3599, 3600, 7200, 43199, 43200)
SESSIONS = (None, SESSION, None, "", "tok/with+all=three", None, LONG_SESSION)


def _case(name: str, **fields: Any) -> Dict[str, Any]:
    case: Dict[str, Any] = {
        "name": name,
        "api": "getToken",
        "access_key": AK,
        "secret_key": SK,
        "session_token": None,
        "region": "us-east-1",
        "expires_in": 43200,
        "now": "2025-06-15T12:34:56.000Z",
    }
    case.update(fields)
    return case


def cases() -> List[Dict[str, Any]]:
    out = []
    for index, region in enumerate(REGIONS):
        out.append(
            _case(
                "region-%s" % region,
                region=region,
                session_token=SESSIONS[index % len(SESSIONS)],
                expires_in=EXPIRIES[index % len(EXPIRIES)],
                now=INSTANTS[index % len(INSTANTS)],
            )
        )
    for index, now in enumerate(INSTANTS):
        out.append(
            _case(
                "instant-%s" % now[:19].replace(":", ""),
                now=now,
                expires_in=EXPIRIES[(index * 3) % len(EXPIRIES)],
                session_token=SESSION if index % 2 else None,
            )
        )
    for seconds in EXPIRIES:
        out.append(_case("expires-%d" % seconds, expires_in=seconds, session_token=SESSION))
    out += [
        _case("session-absent"),
        _case("session-empty", session_token=""),
        _case("session-empty-gov", session_token="", region="us-gov-west-1", expires_in=900),
        _case("session-slash-plus-equals", session_token="/+=//++=="),
        _case("session-long", session_token=LONG_SESSION),
        _case("session-non-ascii", session_token="j\u00e9ton-\u65e5\u672c-\U0001f600"),
        _case("session-reserved-ascii", session_token="a b!'()*~%&=?#"),
        _case("access-key-needs-encoding", access_key="AKID/EX+AM=PLE %", session_token=SESSION),
        _case("access-key-non-ascii", access_key="\u00c4KID\u00c9XAMPLE"),
        _case("access-key-unreserved", access_key="AKID-_.~EXAMPLE"),
        _case("secret-non-ascii", secret_key="s\u00e9cret-\u5bc6\u94a5-\U0001f511"),
        _case("expires-default", expires_in=None),
    ]
    # What the JavaScript generator signs but decode_token refuses.
    out += [
        _case("rejected-expires-fraction", expires_in=1.5, expect_check="expires"),
        _case("rejected-expires-half", expires_in=0.5, expect_check="expires"),
        _case("rejected-expires-almost-max", expires_in=43199.5, expect_check="expires"),
        _case("rejected-expires-exponent", expires_in=1e-7, expect_check="expires"),
        _case(
            "rejected-expires-above-max-internal",
            api="createToken",
            expires_in=43201,
            expect_check="expires",
        ),
        _case(
            "rejected-expires-week-internal",
            api="createToken",
            expires_in=604800,
            expect_check="expires",
        ),
        _case("rejected-empty-access-key", access_key="", expect_check="credential"),
        _case("rejected-empty-region", region="", expect_check="credential"),
        _case("rejected-region-underscore", region="us_east_1", expect_check="credential"),
    ]
    # What the JavaScript generator refuses to sign.
    out += [
        _case("refused-expires-zero", expires_in=0, expect_error=True),
        _case("refused-expires-negative", expires_in=-1, expect_error=True),
        _case("refused-expires-above-max", expires_in=43201, expect_error=True),
        _case(
            "refused-expires-above-week-internal",
            api="createToken",
            expires_in=604801,
            expect_error=True,
        ),
    ]
    return out


def _run_node(inputs: List[Dict[str, Any]]) -> Dict[str, Any]:
    npm = shutil.which("npm")
    node = shutil.which("node")
    if npm is None or node is None:
        raise SystemExit("generate_js.py needs node and npm on PATH")
    with tempfile.TemporaryDirectory(prefix="btl-js-") as folder:
        subprocess.run(
            [npm, "install", "--prefix", folder, "--no-audit", "--no-fund", "--silent", PACKAGE],
            check=True,
            stdout=subprocess.DEVNULL,
        )
        result = subprocess.run(
            [node, str(DRIVER), str(Path(folder) / "node_modules")],
            input=json.dumps(inputs).encode("utf-8"),
            stdout=subprocess.PIPE,
            check=True,
        )
    document: Dict[str, Any] = json.loads(result.stdout)
    return document


def _amz_date(now: str) -> str:
    when = datetime.strptime(now[:19], "%Y-%m-%dT%H:%M:%S")
    return when.strftime("%Y%m%dT%H%M%SZ")


def build() -> str:
    inputs = cases()
    node_inputs = [
        {
            key: case[key]
            for key in (
                "api",
                "access_key",
                "secret_key",
                "session_token",
                "region",
                "expires_in",
                "now",
            )
        }
        for case in inputs
    ]
    document = _run_node(node_inputs)
    if document["version"] != "1.1.0":
        raise SystemExit("expected generator 1.1.0, npm installed %s" % document["version"])
    out = []
    for case, result in zip(inputs, document["results"]):
        record = dict(case)
        expect_error = record.pop("expect_error", False)
        if expect_error:
            if "error" not in result:
                raise SystemExit("%s: the generator signed a case it should refuse" % case["name"])
            record["error"] = result["error"]
            out.append(record)
            continue
        if "error" in result:
            raise SystemExit("%s: the generator failed: %s" % (case["name"], result["error"]))
        token: str = result["token"]
        url = base64.b64decode(token[len(PREFIX) :]).decode("ascii")
        # The frozen clock took effect: the token carries the case's instant.
        if "X-Amz-Date=%s&" % _amz_date(case["now"]) not in url:
            raise SystemExit("%s: the clock was not frozen" % case["name"])
        record["url"] = url
        record["token"] = token
        out.append(record)
    accepted = sum(1 for r in out if "token" in r and "expect_check" not in r)
    if accepted < 60:
        raise SystemExit("only %d accepted tokens" % accepted)
    body = {
        "description": (
            "Bedrock short-term API keys from @aws/bedrock-token-generator 1.1.0 (npm), "
            "with the JavaScript clock frozen at 'now'. 'expires_in' is the expiresInSeconds "
            "argument (null: left out); 'session_token' null means no sessionToken property; "
            "'api' is the function called; 'expect_check' is the InvalidTokenError.check "
            "decode_token gives for tokens it refuses; 'error' is the generator's own refusal. "
            "Regenerate with: python vectors/generate_js.py"
        ),
        "generator": "@aws/bedrock-token-generator 1.1.0",
        "cases": out,
    }
    return json.dumps(body, indent=2, ensure_ascii=False) + "\n"


def main(argv: Optional[List[str]] = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    text = build()
    if args == ["--check"]:
        current = OUTPUT.read_text(encoding="utf-8") if OUTPUT.exists() else ""
        if current != text:
            print("%s is stale: run python vectors/generate_js.py" % OUTPUT.name, file=sys.stderr)
            return 1
        print("%s is up to date" % OUTPUT.name)
        return 0
    if args:
        print("usage: generate_js.py [--check]", file=sys.stderr)
        return 2
    OUTPUT.write_text(text, encoding="utf-8")
    print("wrote %s" % OUTPUT.name)
    return 0


if __name__ == "__main__":
    sys.exit(main())
