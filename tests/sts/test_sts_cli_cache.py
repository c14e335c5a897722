"""The credential cache shared with the AWS CLI, against botocore 1.44.8 (real files, loopback STS).

botocore is run in a fresh process set up as the AWS CLI sets it up
(``awscli/customizations/assumerole.py``): the chain's ``assume-role`` and
``assume-role-with-web-identity`` providers get a ``JSONFileCache`` of
``~/.aws/cli/cache``.  Ours is the ``bedrock-token`` command (a real
subprocess; the cache is on by default).  Both talk to the same fake STS on
127.0.0.1, which counts the calls.

(a) botocore writes, ours reads without calling STS; (b) the other way
round; (c) the same file names for every kind of assume-role and web-identity
configuration; (d) the same refresh decision for entries written with chosen
expirations; (e) hostile entries: ours ignores every one of them, botocore
raises for some (pinned here and listed in docs/differences-sts-sso.md).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Dict, List, Mapping, Optional

import pytest
from _support import requires_botocore_143
from sts_harness import ROLE_ARN, SOURCE_AK, SOURCE_SK, FakeAWS, base_env, write_home

pytestmark = [pytest.mark.botocore, requires_botocore_143]

STATIC = "aws_access_key_id = %s\naws_secret_access_key = %s\n" % (SOURCE_AK, SOURCE_SK)
OTHER_ROLE = "arn:aws:iam::123456789012:role/second-role"

_BOTOCORE_AWS_CLI = r"""
import getpass, json, os, sys
prompts = []
def fake_prompt(prompt="", stream=None):
    prompts.append(prompt)
    return "123456"
getpass.getpass = fake_prompt
import botocore.credentials
init = botocore.credentials.AssumeRoleProvider.__init__
init.__defaults__ = tuple(fake_prompt if v is not None and getattr(v, "__name__", "") == "getpass"
                          else v for v in (init.__defaults__ or ()))
import botocore.session
from botocore.utils import JSONFileCache
session = botocore.session.Session(profile=os.environ.get("BTL_TEST_PROFILE") or None)
out = {}
try:
    # What the AWS CLI does on session-initialized (customizations/assumerole.py).
    chain = session.get_component("credential_provider")
    cache_dir = os.path.expanduser(os.path.join("~", ".aws", "cli", "cache"))
    chain.get_provider("assume-role").cache = JSONFileCache(cache_dir)
    chain.get_provider("assume-role-with-web-identity").cache = JSONFileCache(cache_dir)
    creds = session.get_credentials()
    frozen = creds.get_frozen_credentials()
    out = {"access_key": frozen.access_key, "method": creds.method}
except BaseException as exc:
    out = {"error": type(exc).__name__}
out["prompts"] = prompts
print(json.dumps(out))
"""


def env_for(home: Path, url: str) -> Dict[str, str]:
    return base_env(home, AWS_ENDPOINT_URL_STS=url, AWS_DEFAULT_REGION="us-east-1")


def cache_dir(home: Path) -> Path:
    return home / ".aws" / "cli" / "cache"


def cache_files(home: Path) -> List[str]:
    folder = cache_dir(home)
    return sorted(p.name for p in folder.iterdir()) if folder.is_dir() else []


def run_botocore(env: Mapping[str, str], profile: Optional[str] = None) -> Dict[str, Any]:
    full = dict(env)
    if profile:
        full["BTL_TEST_PROFILE"] = profile
    proc = subprocess.run(
        [sys.executable, "-c", _BOTOCORE_AWS_CLI],
        env=full,
        capture_output=True,
        text=True,
        timeout=60,
        cwd=env["HOME"],
        check=False,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    return json.loads(proc.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def run_ours(
    env: Mapping[str, str], *args: str, profile: Optional[str] = None
) -> subprocess.CompletedProcess[str]:
    argv = [sys.executable, "-m", "bedrock_token_lite", "--region", "us-east-1", *args]
    if profile:
        argv += ["--profile", profile]
    return subprocess.run(
        argv,
        env=dict(env),
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def our_access_key(home: Path, env: Mapping[str, str], profile: Optional[str] = None) -> str:
    """The access key id in the token the command printed (decoded by our inspect)."""
    import bedrock_token_lite as btl

    proc = run_ours(env, profile=profile)
    assert proc.returncode == 0, proc.stderr
    return btl.decode_token(proc.stdout.strip()).access_key_id


def sts_calls(aws: FakeAWS) -> int:
    return sum(1 for r in aws.requests if r.action in ("AssumeRole", "AssumeRoleWithWebIdentity"))


def iso_utc(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SUTC")


# -- (a) and (b): each side reads what the other wrote ------------------------------------

ROLE_CONFIG = "[profile dev]\nrole_arn = %s\nsource_profile = src\n" % ROLE_ARN


def test_botocore_writes_ours_reads(aws: FakeAWS, home: Path) -> None:
    write_home(home, ROLE_CONFIG, "[src]\n" + STATIC)
    env = env_for(home, aws.url)
    theirs = run_botocore(env, "dev")
    assert "error" not in theirs, theirs
    assert sts_calls(aws) == 1
    assert len(cache_files(home)) == 1
    assert our_access_key(home, env, "dev") == theirs["access_key"]
    assert sts_calls(aws) == 1  # ours used botocore's file: no STS call


def test_ours_writes_botocore_reads(aws: FakeAWS, home: Path) -> None:
    write_home(home, ROLE_CONFIG, "[src]\n" + STATIC)
    env = env_for(home, aws.url)
    key = our_access_key(home, env, "dev")
    assert sts_calls(aws) == 1
    assert len(cache_files(home)) == 1
    theirs = run_botocore(env, "dev")
    assert theirs.get("access_key") == key, theirs
    assert sts_calls(aws) == 1  # botocore used our file


def test_ours_writes_what_botocore_writes(aws: FakeAWS, home: Path, tmp_path: Path) -> None:
    """The same JSON document, but for the response metadata of the HTTP exchange."""
    write_home(home, ROLE_CONFIG, "[src]\n" + STATIC)
    other = tmp_path / "other"
    write_home(other, ROLE_CONFIG, "[src]\n" + STATIC)
    run_botocore(env_for(other, aws.url), "dev")
    our_access_key(home, env_for(home, aws.url), "dev")
    (name,) = cache_files(home)
    ours = json.loads((cache_dir(home) / name).read_text())
    theirs = json.loads((cache_dir(other) / name).read_text())
    for doc in (ours, theirs):
        doc.pop("ResponseMetadata")
        # both files hold the same credentials, issued a moment apart
        assert doc["Credentials"]["Expiration"].endswith("UTC")
    assert ours == theirs
    mode = os.stat(cache_dir(home) / name).st_mode & 0o777
    assert mode == 0o600
    assert os.stat(cache_dir(home)).st_mode & 0o777 == 0o700


# -- (c) the same file names ---------------------------------------------------------------

WEB_TOKEN = "eyJ.web.identity.token"
NAME_CASES = {
    "session name generated": ("[default]\nrole_arn = %s\nsource_profile = src\n" % ROLE_ARN, {}),
    "session name given": (
        "[default]\nrole_arn = %s\nsource_profile = src\nrole_session_name = me\n" % ROLE_ARN,
        {},
    ),
    "external id and duration": (
        "[default]\nrole_arn = %s\nsource_profile = src\nexternal_id = ext-42\n"
        "duration_seconds = 1800\n" % ROLE_ARN,
        {},
    ),
    "mfa serial": (
        "[default]\nrole_arn = %s\nsource_profile = src\n"
        "mfa_serial = arn:aws:iam::123456789012:mfa/me\n" % ROLE_ARN,
        {},
    ),
    "role chain": (
        "[default]\nrole_arn = %s\nsource_profile = mid\nrole_session_name = outer\n"
        "[profile mid]\nrole_arn = %s\nsource_profile = src\n" % (OTHER_ROLE, ROLE_ARN),
        {},
    ),
    "credential_source Environment": (
        "[profile dev]\nrole_arn = %s\ncredential_source = Environment\n" % ROLE_ARN,
        {"AWS_ACCESS_KEY_ID": SOURCE_AK, "AWS_SECRET_ACCESS_KEY": SOURCE_SK},
    ),
    "web identity from the environment": (
        "",
        {"AWS_WEB_IDENTITY_TOKEN_FILE": "{home}/token.jwt", "AWS_ROLE_ARN": ROLE_ARN},
    ),
    "web identity profile with session name": (
        "[default]\nrole_arn = %s\nweb_identity_token_file = {home}/token.jwt\n"
        "role_session_name = pod\n" % ROLE_ARN,
        {},
    ),
    "role over a web identity source profile": (
        "[default]\nrole_arn = %s\nsource_profile = web\n"
        "[profile web]\nrole_arn = %s\nweb_identity_token_file = {home}/token.jwt\n"
        % (OTHER_ROLE, ROLE_ARN),
        {},
    ),
}


def _prepare(home: Path, config: str, extra: Mapping[str, str], url: str) -> Dict[str, str]:
    write_home(home, config.replace("{home}", str(home)), "[src]\n" + STATIC)
    (home / "token.jwt").write_text(WEB_TOKEN)
    env = env_for(home, url)
    env.update({k: v.replace("{home}", str(home)) for k, v in extra.items()})
    return env


@pytest.mark.parametrize("case", sorted(NAME_CASES))
def test_same_file_names(aws: FakeAWS, tmp_path: Path, case: str) -> None:
    config, extra = NAME_CASES[case]
    profile = "dev" if "[profile dev]" in config else None  # explicit: no environment provider
    theirs_home, ours_home = tmp_path / "botocore", tmp_path / "ours"
    env = _prepare(theirs_home, config, extra, aws.url)
    theirs = run_botocore(env, profile)
    assert "error" not in theirs, theirs
    calls = sts_calls(aws)
    assert calls >= 1
    env = _prepare(ours_home, config, extra, aws.url)
    if "mfa" in case:
        # The command has no terminal here: botocore's entry is what proves the name.
        for name in cache_files(theirs_home):
            cache_dir(ours_home).mkdir(parents=True, exist_ok=True)
            (cache_dir(ours_home) / name).write_text((cache_dir(theirs_home) / name).read_text())
        before = sts_calls(aws)
        assert our_access_key(ours_home, env) == theirs["access_key"]
        assert sts_calls(aws) == before  # found under the same name: no STS call, no prompt
        return
    assert our_access_key(ours_home, env, profile) == theirs["access_key"]
    assert sts_calls(aws) == 2 * calls
    assert cache_files(ours_home) == cache_files(theirs_home)
    assert cache_files(ours_home), "nothing was cached"
    # and ours reuses botocore's folder without calling STS
    before = sts_calls(aws)
    theirs_env = dict(env, HOME=str(theirs_home))
    for name in ("AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE", "AWS_WEB_IDENTITY_TOKEN_FILE"):
        if name in env:
            theirs_env[name] = env[name].replace(str(ours_home), str(theirs_home))
    assert our_access_key(theirs_home, theirs_env, profile) == theirs["access_key"]
    assert sts_calls(aws) == before


def test_mfa_code_asked_once_per_session(aws: FakeAWS, home: Path) -> None:
    """botocore prompts once and caches; ours then reuses the entry and never prompts."""
    config, _ = NAME_CASES["mfa serial"]
    env = _prepare(home, config, {}, aws.url)
    first = run_botocore(env)
    assert first["prompts"] == ["Enter MFA code for arn:aws:iam::123456789012:mfa/me: "]
    assert dict(aws.requests[-1].form)["TokenCode"] == "123456"
    second = run_botocore(env)
    assert second["prompts"] == []
    assert second["access_key"] == first["access_key"]
    proc = run_ours(env)  # stdin is not a terminal: a prompt would fail with MFAPromptError
    assert proc.returncode == 0, proc.stderr
    assert sts_calls(aws) == 1


# -- (d) refresh windows --------------------------------------------------------------------

#: Seconds left in the cached entry -> whether botocore (and so ours) calls STS.
WINDOW_CASES = [-60, 0, 14 * 60, 16 * 60, 3600]


@pytest.mark.parametrize("left", WINDOW_CASES)
def test_refresh_window_matches_botocore(aws: FakeAWS, tmp_path: Path, left: int) -> None:
    decisions = []
    for side in ("botocore", "ours"):
        home = tmp_path / side
        env = _prepare(home, ROLE_CONFIG, {}, aws.url)
        our_access_key(home, env, "dev")  # writes the entry
        (name,) = cache_files(home)
        path = cache_dir(home) / name
        entry = json.loads(path.read_text())
        entry["Credentials"]["AccessKeyId"] = "ASIACACHEDENTRY00001"
        expiry = datetime.now(timezone.utc).replace(microsecond=0) + timedelta(seconds=left)
        entry["Credentials"]["Expiration"] = iso_utc(expiry)
        path.write_text(json.dumps(entry))
        before = sts_calls(aws)
        if side == "botocore":
            result = run_botocore(env, "dev")
            assert "error" not in result, result
            key = result["access_key"]
        else:
            key = our_access_key(home, env, "dev")
        decisions.append((sts_calls(aws) - before, key == "ASIACACHEDENTRY00001"))
    assert decisions[0] == decisions[1]
    assert decisions[0] == ((1, False) if left < 15 * 60 else (0, True))


# -- (e) hostile entries ----------------------------------------------------------------------


def _entry_text(kind: str) -> Optional[str]:
    good = {
        "Credentials": {
            "AccessKeyId": "ASIAHOSTILE000000001",
            "SecretAccessKey": "s",
            "SessionToken": "t",
            "Expiration": "",
        }
    }
    later = datetime.now(timezone.utc) + timedelta(hours=2)
    if kind == "corrupt":
        return '{"Credentials": {"AccessKeyId": '
    if kind == "foreign":
        return json.dumps({"hello": "world"})
    if kind == "not an object":
        return json.dumps(["Credentials"])
    if kind == "wrong types":
        entry = json.loads(json.dumps(good))
        entry["Credentials"]["AccessKeyId"] = 12345
        entry["Credentials"]["Expiration"] = iso_utc(later)
        return json.dumps(entry)
    if kind == "naive expiration":
        good["Credentials"]["Expiration"] = later.strftime("%Y-%m-%dT%H:%M:%S")
        return json.dumps(good)
    if kind == "expired":
        good["Credentials"]["Expiration"] = iso_utc(later - timedelta(hours=3))
        return json.dumps(good)
    if kind == "deeply nested":
        return "[" * 50000 + "]" * 50000
    if kind == "huge":
        good["Credentials"]["Expiration"] = iso_utc(later)
        good["padding"] = "x" * (2 * 1024 * 1024)
        return json.dumps(good)
    return None  # "directory": made by the test


#: What botocore does with each entry (ours: always ignore it and call STS).
BOTOCORE_HOSTILE = {
    "corrupt": "KeyError",
    "foreign": "KeyError",
    "not an object": "TypeError",
    "wrong types": "ok",  # and it signs with an int access key; ours refetches
    "naive expiration": "TypeError",
    "expired": "refetch",
    "deeply nested": "RecursionError",
    "huge": "cached",  # botocore reads any size; ours ignores entries over 64 KiB
    "directory": "IsADirectoryError",  # it calls STS, then cannot replace the directory
}


@pytest.mark.parametrize("kind", sorted(BOTOCORE_HOSTILE))
def test_hostile_entry_ignored(aws: FakeAWS, tmp_path: Path, kind: str) -> None:
    outcomes = {}
    for side in ("botocore", "ours"):
        home = tmp_path / side
        env = _prepare(home, ROLE_CONFIG, {}, aws.url)
        our_access_key(home, env, "dev")
        (name,) = cache_files(home)
        path = cache_dir(home) / name
        text = _entry_text(kind)
        if text is None:
            path.unlink()
            path.mkdir()
        else:
            path.write_text(text)
        before = sts_calls(aws)
        if side == "botocore":
            result = run_botocore(env, "dev")
            if "error" in result:
                outcomes[side] = result["error"]
            elif sts_calls(aws) > before:
                outcomes[side] = "refetch"
            else:
                cached = str(result["access_key"]).startswith("ASIAHOST")
                outcomes[side] = "cached" if cached else "ok"
        else:
            proc = run_ours(env, "--verbose", profile="dev")
            assert proc.returncode == 0, proc.stderr
            lines = proc.stderr.splitlines()
            assert len(lines) == 4, lines  # the --verbose lines only: no warning, no secret
            assert all(line.startswith("bedrock-token: ") for line in lines), lines
            outcomes[side] = "refetch" if sts_calls(aws) == before + 1 else "cached"
            if text is not None:  # replaced by a good entry
                assert json.loads(path.read_text())["Credentials"]["AccessKeyId"].startswith("ASIA")
    assert outcomes["ours"] == "refetch"
    assert outcomes["botocore"] == BOTOCORE_HOSTILE[kind]
