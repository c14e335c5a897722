"""Hostile shared config and credentials files, through the credential chain and the region.

Every network source points at a closed loopback port (and ``_check`` refuses
any other address), so a file that configures a role, SSO or a login fails
fast on the connection instead of reaching anything.  ``credential_process``
is never written here: a generated command line would run arbitrary programs;
its output is what ``test_hostile_process.py`` makes hostile.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

from _check import outcome
from _strategies import NASTY, huge_text, nasty_text, shares_a_fragment
from hypothesis import assume, given
from hypothesis import strategies as st

import bedrock_token_lite as btl

SECRET = "CanaryIniSecret3Hq8Lz"
TOKEN = "CanaryIniSession6Vt2Mw"
SECRETS = [SECRET, TOKEN]
CLOSED = "http://127.0.0.1:9/"

KEYS = [
    "aws_access_key_id",
    "aws_secret_access_key",
    "aws_session_token",
    "region",
    "role_arn",
    "source_profile",
    "credential_source",
    "external_id",
    "role_session_name",
    "duration_seconds",
    "mfa_serial",
    "web_identity_token_file",
    "sso_session",
    "sso_start_url",
    "sso_region",
    "sso_account_id",
    "sso_role_name",
    "login_session",
    "aws_credential_expiration",
    "credential_process_timeout",
    "metadata_service_timeout",
    "metadata_service_num_attempts",
    "sts_regional_endpoints",
    "services",
    "s3",
]
names = st.one_of(
    st.sampled_from(["default", "p", "profile p", "sso-session s", "services x"]), nasty_text
)
values = st.one_of(
    nasty_text,
    huge_text,
    st.sampled_from(
        [
            "p",
            "default",
            "Environment",
            "Ec2InstanceMetadata",
            "EcsContainer",
            "arn:aws:iam::123456789012:role/r",
            "us-east-1",
            "1e9",
            "-1",
            "3600",
            "https://example.awsapps.com/start",
        ]
    ),
)
# The canaries go only under the keys that hold secrets: a profile name or a role
# ARN that happens to equal one is, rightly, named in messages (botocore does too).
SECRET_KEYS = {"aws_secret_access_key": SECRET, "aws_session_token": TOKEN}


def _one_line(text: str) -> str:
    return text.replace("\n", " ").replace("\r", " ")


@st.composite
def lines(draw: st.DrawFn, dirty: bool) -> str:
    """One line (or a nested block); ``dirty`` ones may break the parser, others should not."""
    kinds = ["key"] * 8 + ["nested", "section", "blank"] + (["junk", "junk"] if dirty else [])
    kind = draw(st.sampled_from(kinds))
    clean = (lambda t: t) if dirty else _one_line
    if kind == "section":
        return "[%s]" % clean(draw(names)).replace("]", "")
    if kind == "nested":  # a sub-section where a string is expected
        key = draw(st.sampled_from(KEYS))
        subs = draw(st.lists(st.tuples(st.sampled_from(KEYS), values.map(clean)), max_size=3))
        return "%s =\n" % key + "".join("  %s = %s\n" % s for s in subs)
    if kind == "junk":
        return draw(nasty_text)
    if kind == "blank":
        return draw(st.sampled_from(["", "  ", "#", ";c", "\t"]))
    indent = draw(st.sampled_from(["", "", " ", "\t"] if dirty else [""]))
    sep = draw(st.sampled_from([" = ", "=", " =", ": ", " "] if dirty else [" = ", "=", ": "]))
    key = draw(st.sampled_from(KEYS))
    if key in SECRET_KEYS and draw(st.booleans()):
        return indent + key + sep + SECRET_KEYS[key]
    return indent + key + sep + clean(draw(values))


structured = st.booleans().flatmap(
    lambda dirty: st.tuples(
        st.sampled_from(["[default]\n", "[profile p]\n", "[p]\n"] + ([""] if dirty else [])),
        st.lists(lines(dirty), max_size=25 if dirty else 6).map("\n".join),
    ).map("".join)
)
raw_text = st.one_of(
    st.text(st.one_of(st.characters(), st.sampled_from(NASTY)), max_size=300),
    st.binary(max_size=300).map(lambda b: b.decode("latin-1")),
)


@st.composite
def files(draw: st.DrawFn) -> str:
    """A file with the planted secrets in it: in its first section, or anywhere."""
    body = draw(st.one_of(structured, structured, structured, raw_text))
    keys = "aws_access_key_id = AKIDINI\naws_secret_access_key = %s\naws_session_token = %s\n" % (
        SECRET,
        TOKEN,
    )
    how = draw(st.sampled_from(["first-section", "first-section", "anywhere", "none"]))
    if how == "first-section" and body.startswith("["):
        head, _, rest = body.partition("\n")
        return head + "\n" + keys + rest
    if how == "none":
        return body
    where = draw(st.integers(min_value=0, max_value=len(body)))
    return body[:where] + "\n[default]\n" + keys + body[where:]


def _environ(home: str, profile_env: Optional[str]) -> Dict[str, str]:
    env = {
        "HOME": home,
        "AWS_EC2_METADATA_DISABLED": "true",
        "AWS_EC2_METADATA_SERVICE_ENDPOINT": CLOSED,
        "AWS_ENDPOINT_URL": CLOSED,
        "AWS_ENDPOINT_URL_STS": CLOSED,
        "AWS_ENDPOINT_URL_SSO": CLOSED,
        "AWS_ENDPOINT_URL_SSO_OIDC": CLOSED,
        "AWS_ENDPOINT_URL_SIGNIN": CLOSED,
        "AWS_MAX_ATTEMPTS": "1",
        "AWS_RETRY_MODE": "standard",
        "AWS_METADATA_SERVICE_NUM_ATTEMPTS": "1",
        "AWS_METADATA_SERVICE_TIMEOUT": "1",
    }
    if profile_env is not None:
        env["AWS_PROFILE"] = profile_env
    return env


def _write(home: Path, config: str, credentials: str) -> None:
    (home / ".aws").mkdir()
    for name, text in (("config", config), ("credentials", credentials)):
        (home / ".aws" / name).write_bytes(text.encode("utf-8", "surrogatepass"))


profiles = st.one_of(st.none(), st.sampled_from(["p", "default", "missing"]), nasty_text)


def _run(
    config: str, credentials: str, profile: Optional[str], via_env: bool
) -> List[Tuple[Any, Optional[BaseException]]]:
    with tempfile.TemporaryDirectory() as home:
        _write(Path(home), config, credentials)
        env = _environ(home, profile if via_env else None)
        explicit = None if via_env else profile
        results: List[Tuple[Any, Optional[BaseException]]] = []
        creds, error = outcome(
            lambda: btl.resolve_credentials(explicit, environ=env),
            secrets=SECRETS,
            seconds=10,
            clean_repr=True,
        )
        if error is None and creds is not None:
            outcome(lambda: btl.generate_token(creds, "us-east-1"), secrets=SECRETS, seconds=5)
        results.append((creds, error))
        results.append(
            outcome(lambda: btl.resolve_region(explicit, environ=env), secrets=SECRETS, seconds=5)
        )
        return results


@given(files(), files(), profiles, st.booleans())
def test_hostile_files(
    config: str, credentials: str, profile: Optional[str], via_env: bool
) -> None:
    assume(not shares_a_fragment(SECRETS, profile or ""))
    _run(config, credentials, profile, via_env)
