"""An INI value written as an indented sub-section where a string is expected.

The INI reader makes ``key =`` followed by indented ``a = b`` lines a dict, as
botocore's does.  botocore then fails, depending on the key, with a bare
``TypeError`` or ``AttributeError`` (or one of its own errors, or a prompt).
Ours raises :class:`NestedValueError` for every key a source reads as a
value, from the one accessor (``settings.setting``): a library error that is
also both builtins, naming the key and the profile (or sso-session).  Keys
that botocore reads through its boolean rule stay False, as in botocore.

Each case is a real config file in a temporary HOME; botocore runs in a child
process and names the builtin it raises.
"""

from __future__ import annotations

import builtins
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Dict, List, Optional, Tuple

import pytest
from _support import requires_botocore_143

import bedrock_token_lite as btl

ROLE = "arn:aws:iam::123456789012:role/r"
START_URL = "https://example.awsapps.com/start"
SSO = {
    "sso_start_url": START_URL,
    "sso_region": "us-east-1",
    "sso_account_id": "123456789012",
    "sso_role_name": "r",
}
SSO_SESSION = {"sso_session": "s", "sso_account_id": "123456789012", "sso_role_name": "r"}
ROLE_PROFILE = {"role_arn": ROLE, "source_profile": "src", "region": "us-east-1"}
STATIC = {"aws_access_key_id": "AKIDNESTED", "aws_secret_access_key": "SKNESTED"}

#: key (``key@s``: in the sso-session section) -> the profile around it.
CASES: Dict[str, Dict[str, str]] = {
    "sso_session": SSO,
    "sso_start_url": SSO,
    "sso_region": SSO,
    "sso_account_id": SSO,
    "sso_role_name": SSO,
    "sso_start_url@s": SSO_SESSION,
    "sso_region@s": SSO_SESSION,
    "credential_process": {},
    "web_identity_token_file": {"role_arn": ROLE},
    "role_arn": ROLE_PROFILE,
    "source_profile": ROLE_PROFILE,
    "credential_source": {"role_arn": ROLE, "credential_source": "Environment"},
    "duration_seconds": ROLE_PROFILE,
    "external_id": ROLE_PROFILE,
    "role_session_name": ROLE_PROFILE,
    "mfa_serial": ROLE_PROFILE,
    "retry_mode": ROLE_PROFILE,
    "metadata_service_timeout": STATIC,
    "metadata_service_num_attempts": STATIC,
    "ec2_metadata_service_endpoint": STATIC,
    "ec2_metadata_service_endpoint_mode": STATIC,
}
#: Read through botocore's boolean rule: a block is False there, and here.
BOOLEANS = ["imds_use_ipv6", "ec2_metadata_v1_disabled", "use_fips_endpoint"]


def _home(tmp_path: Path, case: str, profile: Dict[str, str]) -> Tuple[Dict[str, str], str]:
    key, _, section = case.partition("@")
    lines = ["[profile p]"]
    lines += ["%s = %s" % item for item in profile.items() if section or item[0] != key]
    if not section:
        lines += ["%s =" % key, "  a = b"]
    lines += ["[sso-session s]"]
    session = {"sso_start_url": START_URL, "sso_region": "us-east-1"}
    lines += ["%s = %s" % item for item in session.items() if item[0] != key or not section]
    if section:
        lines += ["%s =" % key, "  a = b"]
    lines += ["[profile src]", "aws_access_key_id = AKIDSRC", "aws_secret_access_key = SKSRC"]
    home = tmp_path / "home"
    (home / ".aws" / "sso" / "cache").mkdir(parents=True)
    (home / ".aws" / "config").write_text("\n".join(lines) + "\n")
    env = {
        "HOME": str(home),
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "AWS_EC2_METADATA_DISABLED": "true",
        "AWS_ENDPOINT_URL": "http://127.0.0.1:9/",  # a refused port: never reached
        "AWS_ACCESS_KEY_ID": "AKIDENV",
        "AWS_SECRET_ACCESS_KEY": "SKENV",
        "AWS_MAX_ATTEMPTS": "1",
    }
    return env, key


_BOTOCORE = """
import json
import botocore.session
try:
    creds = botocore.session.Session(profile="p").get_credentials()
    if creds is not None:
        creds.get_frozen_credentials()
    print(json.dumps(None))
except BaseException as e:
    print(json.dumps([c.__name__ for c in type(e).__mro__ if c.__module__ == "builtins"]))
"""


def _botocore_builtin(env: Dict[str, str]) -> Optional[str]:
    """The first builtin in the MRO of what botocore raises (None: it did not raise)."""
    result = subprocess.run(
        [sys.executable, "-c", _BOTOCORE],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        stdin=subprocess.DEVNULL,
    )
    found: Optional[List[str]] = json.loads(result.stdout.strip().splitlines()[-1])
    return None if found is None else found[0]


def _resolve(env: Dict[str, str]) -> None:
    creds = btl.resolve_credentials("p", environ=env)
    if creds is not None:
        creds.get_frozen_credentials()


def _ours(env: Dict[str, str]) -> BaseException:
    with pytest.raises(btl.BedrockTokenError) as info:
        _resolve(env)
    return info.value


@pytest.mark.parametrize("case", sorted(CASES))
def test_a_block_where_a_value_is_expected_names_the_key(tmp_path: Path, case: str) -> None:
    env, key = _home(tmp_path, case, CASES[case])
    error = _ours(env)
    assert isinstance(error, btl.NestedValueError), repr(error)
    assert isinstance(error, TypeError)
    assert isinstance(error, AttributeError)
    message = str(error)
    assert message.startswith("%s in " % key)
    assert ('sso-session "s"' if case.endswith("@s") else 'profile "p"') in message
    assert "\n" not in message


@requires_botocore_143
@pytest.mark.parametrize("case", sorted(CASES))
def test_ours_is_also_the_builtin_botocore_raises(tmp_path: Path, case: str) -> None:
    env, _key = _home(tmp_path, case, CASES[case])
    theirs = _botocore_builtin(env)
    assert theirs is not None, "botocore did not fail"
    error = _ours(env)
    if case == "mfa_serial":
        # botocore prompts "Enter MFA code for {'a': 'b'}" and reads stdin: its EOFError
        # is the closed stdin, not the value (from a terminal, the block is sent and fails
        # parameter validation).  Ours refuses the block before prompting.
        assert theirs == "EOFError"
        return
    if theirs != "Exception":  # botocore's own error class: ours is a library error too
        assert isinstance(error, getattr(builtins, theirs)), (theirs, repr(error))


def test_region_as_a_block_is_a_library_error(tmp_path: Path) -> None:
    env, _key = _home(tmp_path, "region", STATIC)
    with pytest.raises(btl.NestedValueError) as info:
        btl.resolve_region("p", environ=env)
    assert str(info.value).startswith('region in profile "p" ')


@requires_botocore_143
@pytest.mark.parametrize("key", BOOLEANS)
def test_a_block_under_a_boolean_key_is_false_as_in_botocore(tmp_path: Path, key: str) -> None:
    env, _key = _home(tmp_path, key, STATIC)
    assert _botocore_builtin(env) is None
    creds = btl.resolve_credentials("p", environ=env)
    assert creds is not None
    assert creds.access_key == "AKIDNESTED"
