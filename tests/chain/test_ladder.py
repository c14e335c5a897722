"""The twelve-provider precedence ladder and the no-IMDS time budget, against botocore.

Spec section 4 ("with providers i..12 all configured, provider i wins") and
section 21.5(1): for each i, one HOME and environment configure providers
i..12 at once -- STS, the SSO portal, the container endpoint and IMDS are the
fake AWS of ``tests/sts/sts_harness.py`` on 127.0.0.1 -- and every source hands
out its own access key, so the winner is identifiable.  botocore runs in a
fresh interpreter per scenario (its SSO cache directory is fixed at import
time), we run in-process; both must name the same provider and key, or raise
the same error (login without ``awscrt``).

The second half is the cost of an unreachable IMDS when nothing else is
configured: a loopback socket that accepts and never answers, and a closed
port.  Both botocore and we are timed on the same setup.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path
from typing import Any, Dict, Iterator, List, Optional, Tuple

import pytest
from _support import BOTOCORE_VERSION, requires_botocore_143, sample

_TESTS = Path(__file__).resolve().parents[1]
for _sub in ("sts", "network"):
    if str(_TESTS / _sub) not in sys.path:
        sys.path.insert(0, str(_TESTS / _sub))

import oracle  # noqa: E402
from _loopback import closed_port  # noqa: E402
from sts_harness import SOURCE_AK, SOURCE_SK, FakeAWS, iso_z, utc_now  # noqa: E402

from bedrock_token_lite import NoCredentialsError, resolve_credentials  # noqa: E402

#: botocore 1.44 (the spec's oracle) is importable here: run the botocore halves.
HAVE_ORACLE = BOTOCORE_VERSION is not None and BOTOCORE_VERSION >= (1, 44)
# -- the ladder -----------------------------------------------------------------------------------

#: Spec section 4, in chain order: the METHOD of providers 1..12.
METHODS = (
    "env",
    "assume-role",
    "assume-role-with-web-identity",
    "sso",
    "shared-credentials-file",
    "login",
    "custom-process",
    "config-file",
    "ec2-credentials-file",
    "boto-config",
    "container-role",
    "iam-role",
)
ASSUME_ROLE_ARN = "arn:aws:iam::123456789012:role/ladder-assume"
WEB_ROLE_ARN = "arn:aws:iam::123456789012:role/ladder-web"
SSO_START_URL = "https://ladder-example.awsapps.com/start"
SSO_BEARER = "ladder-sso-bearer-token"
SSO_ROLE = "LadderRole"
SSO_ACCOUNT = "123456789012"
PROC_SCRIPT = (
    "import json\nprint(json.dumps({'Version': 1, 'AccessKeyId': 'AKIDLADDERPROC', "
    "'SecretAccessKey': 'SECRETladderproc', 'SessionToken': 'TOKENladderproc'}))\n"
)


def _static(tag: str) -> str:
    return "aws_access_key_id = AKIDLADDER%s\naws_secret_access_key = SECRETladder%s\n" % (
        tag,
        tag.lower(),
    )


def expected_key(fake: FakeAWS, method: str) -> Optional[str]:
    """The access key the winning ``method`` hands out (``None``: it raises instead)."""
    sso_digest = hashlib.sha1((SSO_BEARER + SSO_ROLE).encode()).hexdigest()  # noqa: S324
    return {
        "env": "AKIDLADDERENV",
        "assume-role": fake.issued(ASSUME_ROLE_ARN)[0],
        "assume-role-with-web-identity": fake.issued(WEB_ROLE_ARN + "#web")[0],
        "sso": "ASIASSO" + sso_digest[:13].upper(),
        "shared-credentials-file": "AKIDLADDERCREDS",
        "login": None,
        "custom-process": "AKIDLADDERPROC",
        "config-file": "AKIDLADDERCONFIG",
        "ec2-credentials-file": "AKIDLADDEREC2",
        "boto-config": "AKIDLADDERBOTO",
        "container-role": "AKIDCONTAINER0000001",
        "iam-role": "AKIDIMDS000000000001",
    }[method]


def ladder(start: int, url: str, profile: Optional[str] = None, aws_profile: bool = False) -> Any:
    """A scenario (``oracle`` shape) with providers ``start``..12 (1-based) all configured.

    ``profile`` names the profile the sources live in and is passed explicitly;
    with ``aws_profile`` it is selected through ``AWS_PROFILE`` instead.
    """
    on = {m: METHODS.index(m) + 1 >= start for m in METHODS}
    name = profile or "default"
    header = name if name == "default" else "profile " + name
    config: List[str] = []
    creds: List[str] = []
    files: Dict[str, str] = {}
    env: Dict[str, Optional[str]] = {
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_ENDPOINT_URL_STS": url,
        "AWS_ENDPOINT_URL_SSO": url,
        # IMDS (#12) is always configured: on loopback, and not disabled.
        "AWS_EC2_METADATA_SERVICE_ENDPOINT": url,
        "AWS_EC2_METADATA_DISABLED": None,
        "BOTO_CONFIG": "{home}/no-boto.cfg",
    }
    if aws_profile:
        env["AWS_PROFILE"] = name
    if on["env"]:
        env.update(AWS_ACCESS_KEY_ID="AKIDLADDERENV", AWS_SECRET_ACCESS_KEY="SECRETladderenv")
    if on["assume-role"]:
        config.append("role_arn = %s\nsource_profile = ladder-src\n" % ASSUME_ROLE_ARN)
        # The source profile: a credentials-file section of its own, after the ladder's.
        source = "aws_access_key_id = %s\naws_secret_access_key = %s\n" % (SOURCE_AK, SOURCE_SK)
        creds.append("[ladder-src]\n" + source)
    if on["assume-role-with-web-identity"]:
        env.update(AWS_WEB_IDENTITY_TOKEN_FILE="{home}/web-token", AWS_ROLE_ARN=WEB_ROLE_ARN)
        files["web-token"] = "ladder-web-identity-jwt"
    if on["sso"]:
        config.append(
            "sso_start_url = %s\nsso_region = us-east-1\nsso_account_id = %s\n"
            "sso_role_name = %s\n" % (SSO_START_URL, SSO_ACCOUNT, SSO_ROLE)
        )
        key = hashlib.sha1(SSO_START_URL.encode()).hexdigest()  # noqa: S324
        files[".aws/sso/cache/%s.json" % key] = json.dumps(
            {
                "startUrl": SSO_START_URL,
                "region": "us-east-1",
                "accessToken": SSO_BEARER,
                "expiresAt": iso_z(utc_now() + timedelta(hours=2)),
            }
        )
    if on["shared-credentials-file"]:
        creds.insert(0, "[%s]\n%s" % (name, _static("CREDS")))
    if on["login"]:
        config.append("login_session = arn:aws:signin:us-east-1:123456789012:session/ladder\n")
    if on["custom-process"]:
        config.append("credential_process = {python} {home}/bin/proc.py\n")
        files["bin/proc.py"] = PROC_SCRIPT
    if on["config-file"]:
        config.append(_static("CONFIG"))
    if on["ec2-credentials-file"]:
        env["AWS_CREDENTIAL_FILE"] = "{home}/ec2.txt"
        files["ec2.txt"] = "AWSAccessKeyId=AKIDLADDEREC2\nAWSSecretKey=SECRETladderec2\n"
    if on["boto-config"]:
        env["BOTO_CONFIG"] = "{home}/boto.cfg"
        files["boto.cfg"] = "[Credentials]\n" + _static("BOTO")
    if on["container-role"]:
        env["AWS_CONTAINER_CREDENTIALS_FULL_URI"] = url + "/container/ladder"
    files[".aws/config"] = "[%s]\n%s" % (header, "".join(config))
    files[".aws/credentials"] = "\n".join(creds)
    return {
        "env": env,
        "files": files,
        "profile": None if aws_profile else profile,
        "fresh_interpreter": True,  # botocore fixes its SSO cache directory at import
    }


#: (id, first configured provider 1..12, explicit profile name, select it via AWS_PROFILE, winner)
LADDER: List[Tuple[str, int, Optional[str], bool, str]] = [
    ("default/%02d-%s" % (i, METHODS[i - 1]), i, None, False, METHODS[i - 1]) for i in range(1, 13)
] + [
    # An explicit profile removes the environment provider and the web-identity env vars ...
    ("explicit/01-env-removed", 1, "p", False, "assume-role"),
    ("explicit/03-web-identity-env-ignored", 3, "p", False, "sso"),
    ("explicit/04-sso", 4, "p", False, "sso"),
    ("explicit/11-container-kept", 11, "p", False, "container-role"),
    ("explicit/12-imds-kept", 12, "p", False, "iam-role"),
    # ... AWS_PROFILE only chooses the name.
    ("AWS_PROFILE/01-env-kept", 1, "p", True, "env"),
    ("AWS_PROFILE/03-web-identity-env-kept", 3, "p", True, "assume-role-with-web-identity"),
    ("AWS_PROFILE/05-shared-credentials-file", 5, "p", True, "shared-credentials-file"),
]
CASES = sample(LADDER, every=4)


class _Ladder:
    """Every scenario's outcomes (ours, and botocore's when it is 1.43).

    Each scenario has its own fake AWS, so the requests it saw belong to it;
    the User-Agent tells the two sides apart.
    """

    def __init__(self, fakes: Dict[str, FakeAWS]) -> None:
        self.fakes = fakes
        for fake in fakes.values():
            fake.sso_tokens[SSO_BEARER] = (SSO_ROLE, SSO_ACCOUNT)
        self.scenarios = {c[0]: ladder(c[1], fakes[c[0]].url, c[2], c[3]) for c in CASES}
        self.ours: Dict[str, Dict[str, Any]] = {}
        self.boto: Dict[str, Dict[str, Any]] = {}
        with ThreadPoolExecutor(max_workers=2) as pool:
            boto = {}
            if HAVE_ORACLE:
                boto = {k: pool.submit(oracle.run_botocore, s) for k, s in self.scenarios.items()}
            for k, scenario in self.scenarios.items():
                self.ours[k] = oracle.run_ours(scenario)
            self.boto = {k: future.result() for k, future in boto.items()}

    def services(self, sid: str, side: str) -> List[str]:
        """The services ``side`` ("ours" or "botocore") called in scenario ``sid``, in order."""
        called = []
        for r in self.fakes[sid].requests:
            # botocore's clients send "Botocore/...", its container fetcher urllib3's UA.
            agent = r.headers.get("user-agent", "")
            is_boto = agent.startswith(("Botocore/", "python-urllib3/"))
            if is_boto == (side == "botocore"):
                called.append(_service(r))
        return sorted(set(called))


def _service(r: Any) -> str:
    if r.action:
        return "sts:" + r.action
    if r.path.startswith("/latest/"):
        return "imds"
    return r.path.strip("/").split("/")[0]  # "federation" (SSO portal), "container"


#: The service each network rung calls (the others make no request).
SERVICE = {
    "assume-role": "sts:AssumeRole",
    "assume-role-with-web-identity": "sts:AssumeRoleWithWebIdentity",
    "sso": "federation",
    "container-role": "container",
    "iam-role": "imds",
}


@pytest.fixture(scope="module")
def ladder_results() -> Iterator[_Ladder]:
    with contextlib.ExitStack() as stack:
        fakes = {c[0]: stack.enter_context(FakeAWS()) for c in CASES}
        yield _Ladder(fakes)


def _check_winner(side: str, outcome: Dict[str, Any], winner: str, key: str) -> None:
    got = outcome["credentials"]
    assert (got.get("method"), got.get("access_key")) == (winner, key), "%s: %s" % (
        side,
        json.dumps(outcome),
    )


LADDER_PARAMS = pytest.mark.parametrize(
    ("sid", "winner"), [(c[0], c[4]) for c in CASES], ids=[c[0] for c in CASES]
)


@LADDER_PARAMS
def test_ladder_ours_follows_the_spec(ladder_results: _Ladder, sid: str, winner: str) -> None:
    """Provider i wins when i..12 are configured (no botocore needed: runs on every Python)."""
    ours = ladder_results.ours[sid]
    key = expected_key(ladder_results.fakes[sid], winner)
    if key is not None:
        _check_winner("ours", ours, winner, key)
        return
    # login without awscrt: the chain stops with the missing-dependency error, which names
    # the profile and the key and says what to use instead.
    scenario = ladder_results.scenarios[sid]
    got = ours["credentials"]
    assert got.get("error") == "MissingDependencyError", json.dumps(ours)
    profile = scenario["profile"] or scenario["env"].get("AWS_PROFILE") or "default"
    assert "Profile %r" % profile in got["message"]
    assert "login_session" in got["message"]


@requires_botocore_143
@LADDER_PARAMS
def test_ladder_same_winner_as_botocore(ladder_results: _Ladder, sid: str, winner: str) -> None:
    scenario = ladder_results.scenarios[sid]
    boto, ours = ladder_results.boto[sid], ladder_results.ours[sid]
    key = expected_key(ladder_results.fakes[sid], winner)
    if key is None:  # botocore's MissingDependencyException is our MissingDependencyError
        b, o = boto["credentials"], ours["credentials"]
        detail = "\nbotocore: %s\nours: %s" % (json.dumps(boto), json.dumps(ours))
        assert b.get("error") == "MissingDependencyException", detail
        assert o.get("error") == "MissingDependencyError", detail
        assert o["message"].startswith(b["message"]), detail
        return
    # The spec's expectation first (so a harness that silently falls through fails) ...
    _check_winner("botocore", boto, winner, key)
    # ... then ours against botocore: method, keys, token, account id and expiry.
    oracle.compare(scenario, boto, ours)


@LADDER_PARAMS
def test_ladder_ours_calls_only_the_winner(ladder_results: _Ladder, sid: str, winner: str) -> None:
    """The chain stops at the winner: no later rung is contacted, no earlier one either."""
    expected = [SERVICE[winner]] if winner in SERVICE else []
    assert ladder_results.services(sid, "ours") == expected
    signed = [r for r in ladder_results.fakes[sid].requests if r.action == "AssumeRole"]
    assert all(r.signature_ok for r in signed)  # SigV4 with the source profile's keys


@requires_botocore_143
@LADDER_PARAMS
def test_ladder_calls_the_same_services_as_botocore(
    ladder_results: _Ladder, sid: str, winner: str
) -> None:
    boto = ladder_results.services(sid, "botocore")
    assert boto == ([SERVICE[winner]] if winner in SERVICE else [])
    assert ladder_results.services(sid, "ours") == boto


# -- no IMDS, no source ---------------------------------------------------------------------------


class _SilentListener:
    """A 127.0.0.1 socket that accepts connections, counts them and never answers."""

    def __init__(self) -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.sock.settimeout(0.05)
        self.port = self.sock.getsockname()[1]
        self.url = "http://127.0.0.1:%d" % self.port
        self.accepted: List[socket.socket] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._accept, daemon=True)

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:  # timeout: look at the stop flag again
                continue
            self.accepted.append(conn)

    def take(self) -> int:
        """Connections accepted so far (and close them)."""
        time.sleep(0.1)  # let the accept loop pick up a last connection
        count = len(self.accepted)
        for conn in self.accepted[:count]:
            conn.close()
        del self.accepted[:count]
        return count

    def __enter__(self) -> _SilentListener:
        self._thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self._stop.set()
        self._thread.join(5)
        self.take()
        self.sock.close()


_BOTOCORE_TIMED = """
import json, sys, time
import botocore.session
session = botocore.session.Session()
start = time.monotonic()
try:
    creds = session.get_credentials()
    out = {"result": None if creds is None else creds.method}
except Exception as exc:
    out = {"error": type(exc).__name__}
out["seconds"] = time.monotonic() - start
sys.stdout.write(json.dumps(out))
"""


def _no_source_env(home: str, endpoint: str) -> Dict[str, str]:
    """Nothing configured; IMDS enabled (the disable switch unset) and pointed at loopback."""
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": home,
        "LANG": "C.UTF-8",
        "BOTO_CONFIG": os.path.join(home, "no-boto.cfg"),
        "AWS_EC2_METADATA_SERVICE_ENDPOINT": endpoint,
    }


def _botocore_timed(env: Dict[str, str]) -> Dict[str, Any]:
    """botocore's outcome and the seconds its ``get_credentials()`` took (import excluded)."""
    proc = subprocess.run(
        [oracle.ORACLE_PYTHON, "-c", _BOTOCORE_TIMED],
        capture_output=True,
        env=env,
        cwd=env["HOME"],
        timeout=30,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr.decode()[-2000:]
    result: Dict[str, Any] = json.loads(proc.stdout.decode())
    return result


def _ours_timed(env: Dict[str, str]) -> Tuple[Optional[BaseException], float]:
    start = time.monotonic()
    try:
        resolve_credentials(None, environ=env, home=env["HOME"])
    except Exception as exc:
        return exc, time.monotonic() - start
    return None, time.monotonic() - start


@pytest.fixture(scope="module")
def silent_runs() -> Iterator[Dict[str, Any]]:
    """Nothing configured, IMDS on a loopback socket that never answers: ours, then botocore."""
    with tempfile.TemporaryDirectory(prefix="btl-ladder-") as home, _SilentListener() as silent:
        env = _no_source_env(home, silent.url)
        error, seconds = _ours_timed(env)
        runs: Dict[str, Any] = {"error": error, "seconds": seconds, "connections": silent.take()}
        if HAVE_ORACLE:
            runs["botocore"] = _botocore_timed(env)
            runs["botocore"]["connections"] = silent.take()
        yield runs


@pytest.fixture(scope="module")
def closed_runs() -> Iterator[Dict[str, Any]]:
    """Nothing configured, IMDS on a closed loopback port: ours, then botocore."""
    with tempfile.TemporaryDirectory(prefix="btl-ladder-") as home:
        env = _no_source_env(home, "http://127.0.0.1:%d" % closed_port())
        error, seconds = _ours_timed(env)
        runs: Dict[str, Any] = {"error": error, "seconds": seconds}
        if HAVE_ORACLE:
            runs["botocore"] = _botocore_timed(env)
        yield runs


def test_silent_imds_gives_no_credentials_within_budget(silent_runs: Dict[str, Any]) -> None:
    """About timeout (1 s) x attempts (1) for the token PUT, and again for the role GET."""
    error, seconds = silent_runs["error"], silent_runs["seconds"]
    print("silent IMDS: ours %.2f s, %d connections" % (seconds, silent_runs["connections"]))
    assert isinstance(error, NoCredentialsError), repr(error)
    assert error.tried[-2:] == ("container-role", "iam-role"), error.tried
    assert seconds < 5.0
    # IMDS was really tried and waited for: a 1 s read timeout per connection.
    assert silent_runs["connections"] >= 1
    assert seconds >= 0.9 * silent_runs["connections"]


@requires_botocore_143
def test_silent_imds_same_cost_as_botocore(silent_runs: Dict[str, Any]) -> None:
    boto = silent_runs["botocore"]
    print("silent IMDS: botocore %.2f s, %d connections" % (boto["seconds"], boto["connections"]))
    assert boto["result"] is None, boto
    assert silent_runs["connections"] == boto["connections"]
    assert abs(silent_runs["seconds"] - boto["seconds"]) < 1.0


def test_closed_imds_port_gives_no_credentials_fast(closed_runs: Dict[str, Any]) -> None:
    print("closed IMDS port: ours %.3f s" % closed_runs["seconds"])
    assert isinstance(closed_runs["error"], NoCredentialsError), repr(closed_runs["error"])
    assert closed_runs["seconds"] < 1.0


@requires_botocore_143
def test_closed_imds_port_botocore_finds_nothing_too(closed_runs: Dict[str, Any]) -> None:
    boto = closed_runs["botocore"]
    print("closed IMDS port: botocore %.3f s" % boto["seconds"])
    assert boto["result"] is None, boto
    assert boto["seconds"] < 1.0
