"""Write (or ``--check``) the golden token vectors in ``tokens.json``.

Each case is signed by botocore exactly as ``aws_bedrock_token_generator``
1.1.0 does it (``AWSRequest`` + ``SigV4QueryAuth``, scheme stripped,
``&Version=1`` appended, base64, ``bedrock-api-key-`` prefix), with
botocore's clock frozen at the case's instant.  The case list below is fixed,
so running this again with any botocore gives a byte-identical file.

    python vectors/generate.py           # rewrite vectors/tokens.json
    python vectors/generate.py --check   # exit 1 if the file differs

botocore is needed here and in the differential tests only.
"""

from __future__ import annotations

import json
import sys
from datetime import datetime
from pathlib import Path
from typing import Any, Dict, List, Optional

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from btl_oracle import official_token_from_values, token_url  # noqa: E402

OUTPUT = HERE / "tokens.json"

#: botocore ``data/endpoints.json``, partition "aws" (botocore 1.43.11).
COMMERCIAL_REGIONS = (
    "af-south-1",
    "ap-east-1",
    "ap-east-2",
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
    "ap-southeast-6",
    "ap-southeast-7",
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
    "us-east-1",
    "us-east-2",
    "us-west-1",
    "us-west-2",
)
#: botocore ``data/endpoints.json``, partition "aws-us-gov" (botocore 1.43.11).
GOVCLOUD_REGIONS = ("us-gov-east-1", "us-gov-west-1")

ACCESS_KEY = "AKIDEXAMPLE"
SECRET_KEY = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
SESSION_TOKEN = "IQoJb3JpZ2luX2VjEXAMPLE//////////wEaCXVzLWVhc3QtMSJHMEUCIQD+example+token/value=="
#: A realistic-length STS session token: base64 with many '/', '+' and '='.
LONG_TOKEN = (
    "FwoGZXIvYXdzEXAMPLE/+/+" * 40
    + "IQoJb3JpZ2luX2Vj+////////////=="
    + "a1b2/c3d4+e5f6=g7h8" * 20
    + "=="
)
BASE_NOW = "2025-06-15T12:34:56+00:00"


def _case(
    name: str,
    *,
    access_key: str = ACCESS_KEY,
    secret_key: str = SECRET_KEY,
    session_token: Optional[str] = None,
    region: str = "us-east-1",
    expires: int = 43200,
    now: str = BASE_NOW,
) -> Dict[str, Any]:
    return {
        "name": name,
        "access_key": access_key,
        "secret_key": secret_key,
        "session_token": session_token,
        "region": region,
        "expires": expires,
        "now": now,
    }


def cases() -> List[Dict[str, Any]]:
    """Every case's inputs, in file order (names are unique)."""
    out = []
    for region in COMMERCIAL_REGIONS + GOVCLOUD_REGIONS:
        out.append(_case("region-" + region, region=region))
    out += [
        _case("token-none", session_token=None),
        _case("token-empty", session_token=""),
        _case("token-short", session_token=SESSION_TOKEN),
        _case("token-long", session_token=LONG_TOKEN, region="eu-west-1", expires=900),
        _case("token-long-govcloud", session_token=LONG_TOKEN, region="us-gov-west-1"),
        _case("token-only-specials", session_token="/+=/+==", expires=3600),
        _case("token-url-specials", session_token="a b&c=d%e?f#g~h_i.j-k*l'm(n)o!p"),
        _case("token-non-ascii", session_token="jeton-\u00e9t\u00e9-\u4ee4\u724c-\U0001f511"),
        _case("expires-1", expires=1),
        _case("expires-900", expires=900),
        _case("expires-3600", expires=3600, session_token=SESSION_TOKEN),
        _case("expires-43199", expires=43199),
        _case("expires-43200", expires=43200, session_token=SESSION_TOKEN),
        _case("leap-day-2024-last-second", now="2024-02-29T23:59:59+00:00"),
        _case("leap-day-2024-next-day", now="2024-03-01T00:00:00+00:00"),
        _case("leap-day-2000", now="2000-02-29T12:00:00+00:00", session_token=SESSION_TOKEN),
        _case("not-leap-2100-feb-28", now="2100-02-28T23:59:59+00:00"),
        _case("not-leap-2100-mar-01", now="2100-03-01T00:00:00+00:00"),
        _case("year-end-2023", now="2023-12-31T23:59:59+00:00"),
        _case("year-start-2024", now="2024-01-01T00:00:00+00:00", expires=900),
        _case("month-end-april", now="2025-04-30T23:59:59+00:00"),
        _case("month-end-january", now="2025-01-31T23:59:59+00:00", region="eu-central-1"),
        _case("midnight", now="2025-07-04T00:00:00+00:00", region="ap-southeast-2"),
        _case("just-before-midnight", now="2025-07-03T23:59:59+00:00", region="ap-southeast-2"),
        _case("unix-epoch", now="1970-01-01T00:00:00+00:00"),
        _case("y2038", now="2038-01-19T03:14:08+00:00"),
        _case("year-9999", now="9999-12-31T23:59:59+00:00", expires=1),
        _case("microseconds-truncated", now="2024-02-29T23:59:59.999999+00:00"),
        _case("offset-plus-0530", now="2024-03-01T05:29:59+05:30"),
        _case("offset-minus-0800-year-end", now="2023-12-31T16:00:00-08:00"),
        _case("offset-plus-1400-date-line", now="2025-01-01T13:59:59+14:00"),
        _case("access-key-non-ascii-latin", access_key="AKID\u00c9XAMPLE"),
        _case("access-key-non-ascii-cyrillic", access_key="\u043a\u043b\u044e\u0447"),
        _case("access-key-emoji", access_key="AKID\U0001f511", session_token=SESSION_TOKEN),
        _case("access-key-specials", access_key="AKID/+=EX AMPLE"),
        _case("access-key-long", access_key="ASIA" + "QWERTYUIOP" * 12),
        _case("secret-non-ascii", secret_key="s\u00e9cr\u00e8t/+=\u00fc\u00df"),
        _case("secret-cjk", secret_key="\u79d8\u5bc6\u9375\u79d8\u5bc6\u9375", expires=900),
        _case(
            "all-non-ascii",
            access_key="\u00c5\u00c4\u00d6",
            secret_key="\U0001f510secret\u00e9",
            session_token="t\u00f6ken",
            region="eu-north-1",
        ),
        _case("secret-long", secret_key="x/+=" * 64),
        _case("region-synthetic-one-char", region="a"),
        _case("region-synthetic-63-chars", region="r" + "-0" * 30 + "zz"),
        _case("region-synthetic-uppercase", region="US-EAST-1"),
        _case("region-china", region="cn-north-1"),
        _case("region-iso", region="us-iso-east-1"),
    ]
    return out


def build() -> str:
    """The full text of ``tokens.json``."""
    rows = []
    for case in cases():
        now = datetime.fromisoformat(case["now"])
        token = official_token_from_values(
            case["access_key"],
            case["secret_key"],
            case["session_token"],
            case["region"],
            case["expires"],
            now,
        )
        rows.append(dict(case, url=token_url(token), token=token))
    names = [row["name"] for row in rows]
    if len(set(names)) != len(names):
        raise SystemExit("duplicate case names")
    document = {
        "description": (
            "Bedrock short-term API keys signed by botocore as aws_bedrock_token_generator "
            "1.1.0 does, with the clock frozen at 'now'. 'expires' is X-Amz-Expires in "
            "seconds; 'session_token' null means no X-Amz-Security-Token parameter; 'url' is "
            "the decoded token body. Regenerate with: python vectors/generate.py"
        ),
        "cases": rows,
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def main(argv: List[str]) -> int:
    check = argv == ["--check"]
    if argv and not check:
        sys.stderr.write("usage: generate.py [--check]\n")
        return 2
    text = build()
    if check:
        current = OUTPUT.read_text(encoding="utf-8") if OUTPUT.exists() else ""
        if current != text:
            sys.stderr.write("%s is out of date: run python vectors/generate.py\n" % OUTPUT.name)
            return 1
        print("%s: %d cases up to date" % (OUTPUT.name, len(json.loads(text)["cases"])))
        return 0
    OUTPUT.write_text(text, encoding="utf-8")
    print("wrote %s: %d cases" % (OUTPUT.name, len(json.loads(text)["cases"])))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
