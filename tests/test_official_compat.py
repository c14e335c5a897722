"""Side by side with the official ``aws-bedrock-token-generator``.

Same inputs to both; same exception family (and our message contains theirs);
identical tokens for the same frozen clock and credentials; the official
README examples run unchanged with our ``provide_token`` (AssumeRole against a
small STS server on 127.0.0.1).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import threading
from datetime import datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import Any, Callable, ClassVar, Dict, Iterator, List, Optional, Tuple
from urllib.parse import parse_qs

import pytest
from _support import ROOT, requires_botocore_143, sample

import bedrock_token_lite as btl

official = pytest.importorskip("aws_bedrock_token_generator")
pytest.importorskip("botocore")

sys.path.insert(0, str(ROOT / "vectors"))
import btl_oracle  # noqa: E402

AK = "AKIDOFFICIALEXAMPLE"
SK = "official/secret+key=EXAMPLE"
ST = "official/session+token=="


class Provider:
    """A provider in the botocore sense: ``load()`` returns credentials or None."""

    def __init__(self, credentials: Any) -> None:
        self.credentials = credentials

    def load(self) -> Any:
        return self.credentials


def _boto_creds(token: Optional[str] = ST) -> Any:
    from botocore.credentials import Credentials

    return Credentials(AK, SK, token)


def _both_raise(
    call: Callable[[Any], Any],
) -> Tuple[BaseException, BaseException]:
    """Run ``call`` with the official module and with ours; return both exceptions."""
    errors: List[BaseException] = []
    for module in (official, btl):
        with pytest.raises(Exception) as info:  # noqa: PT011 - compared below
            call(module)
        errors.append(info.value)
    return errors[0], errors[1]


def _same_family(theirs: BaseException, ours: BaseException) -> None:
    for family in (ValueError, RuntimeError):
        if isinstance(theirs, family):
            assert isinstance(ours, family), (type(theirs), type(ours))
            break
    else:  # pragma: no cover - the official generator only raises these two
        pytest.fail("unexpected official exception %r" % (theirs,))
    assert isinstance(ours, btl.BedrockTokenError)
    assert str(theirs) in str(ours)


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in list(os.environ):
        if name.startswith(("AWS_", "BOTO_")):
            monkeypatch.delenv(name)
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-credentials"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    monkeypatch.setenv("BOTO_CONFIG", str(tmp_path / "no-boto"))


# -- errors -------------------------------------------------------------------


@pytest.mark.usefixtures("clean_env")
def test_no_region() -> None:
    theirs, ours = _both_raise(lambda m: m.provide_token(aws_credentials_provider=Provider(None)))
    _same_family(theirs, ours)
    assert isinstance(ours, btl.InvalidParameterError)


@pytest.mark.usefixtures("clean_env")
@pytest.mark.parametrize(
    "expiry",
    [timedelta(0), timedelta(seconds=-1), timedelta(hours=-12), timedelta(hours=12, seconds=1)],
    ids=["zero", "negative", "minus-12h", "over-12h"],
)
def test_bad_expiry(expiry: timedelta) -> None:
    provider = Provider(_boto_creds())
    theirs, ours = _both_raise(
        lambda m: m.provide_token("us-east-1", aws_credentials_provider=provider, expiry=expiry)
    )
    _same_family(theirs, ours)
    assert isinstance(ours, btl.InvalidParameterError)


@pytest.mark.usefixtures("clean_env")
def test_provider_without_credentials() -> None:
    theirs, ours = _both_raise(
        lambda m: m.provide_token("us-east-1", aws_credentials_provider=Provider(None))
    )
    _same_family(theirs, ours)
    assert isinstance(ours, btl.NoCredentialsError)


_NO_CREDENTIALS = textwrap.dedent(
    """
    import json
    import aws_bedrock_token_generator as official
    import bedrock_token_lite as ours
    out = {}
    for name, module in (("official", official), ("ours", ours)):
        try:
            module.provide_token()
        except Exception as exc:
            out[name] = {
                "mro": [c.__name__ for c in type(exc).__mro__],
                "message": str(exc),
            }
    print(json.dumps(out))
    """
)


def _minimal_env(home: Path, **extra: str) -> Dict[str, str]:
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(home),
        "LANG": "C.UTF-8",
        "AWS_CONFIG_FILE": str(home / ".aws" / "config"),
        "AWS_SHARED_CREDENTIALS_FILE": str(home / ".aws" / "credentials"),
        "AWS_EC2_METADATA_DISABLED": "true",
        "BOTO_CONFIG": str(home / "no-boto-config"),
    }
    env.update(extra)
    return env


@requires_botocore_143
def test_default_chain_without_credentials(tmp_path: Path) -> None:
    """Nothing configured at all: both raise a RuntimeError, ours says at least as much."""
    proc = subprocess.run(
        [sys.executable, "-c", _NO_CREDENTIALS],
        env=_minimal_env(tmp_path, AWS_REGION="us-east-1"),
        capture_output=True,
        text=True,
        timeout=60,
        cwd=str(ROOT),
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout)
    assert "RuntimeError" in result["official"]["mro"]
    assert "RuntimeError" in result["ours"]["mro"]
    assert "BedrockTokenError" in result["ours"]["mro"]
    assert result["official"]["message"] in result["ours"]["message"]


def test_get_token_without_credentials() -> None:
    theirs, ours = _both_raise(lambda m: m.BedrockTokenGenerator().get_token(None, "us-east-1"))
    _same_family(theirs, ours)
    assert str(theirs) == str(ours)


@pytest.mark.parametrize("region", ["", None], ids=["empty", "none"])
def test_get_token_without_region(region: Optional[str]) -> None:
    creds = _boto_creds()
    theirs, ours = _both_raise(lambda m: m.BedrockTokenGenerator().get_token(creds, region))
    _same_family(theirs, ours)
    assert str(theirs) == str(ours)


# -- identical tokens -----------------------------------------------------------


def _official_at(instant: datetime, call: Callable[[], str]) -> str:
    with btl_oracle.frozen_botocore_clock(instant):
        return call()


@pytest.mark.usefixtures("clean_env")
@pytest.mark.parametrize("token", [ST, None, ""], ids=["token", "no-token", "empty-token"])
def test_provide_token_defaults_match(
    token: Optional[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """No region and no expiry: AWS_REGION and 12 hours, for both."""
    monkeypatch.setenv("AWS_REGION", "eu-west-3")
    provider = Provider(_boto_creds(token))
    ours = btl.provide_token(aws_credentials_provider=provider)
    theirs = _official_at(
        btl_oracle.token_instant(ours),
        lambda: official.provide_token(aws_credentials_provider=provider),
    )
    assert ours == theirs
    params = btl_oracle.token_params(ours)
    assert params["X-Amz-Expires"] == "43200"
    assert params["X-Amz-Credential"].split("/")[2] == "eu-west-3"


@pytest.mark.usefixtures("clean_env")
@pytest.mark.parametrize(
    "expiry",
    [timedelta(seconds=1), timedelta(minutes=15), timedelta(seconds=899.9), timedelta(hours=12)],
)
def test_provide_token_expiry_matches(expiry: timedelta) -> None:
    provider = Provider(_boto_creds())
    ours = btl.provide_token("ap-south-1", provider, expiry)
    theirs = _official_at(
        btl_oracle.token_instant(ours),
        lambda: official.provide_token("ap-south-1", provider, expiry),
    )
    assert ours == theirs


@pytest.mark.parametrize("region", ["us-east-1", "us-gov-west-1", "eu-central-2"])
def test_get_token_matches(region: str) -> None:
    creds = _boto_creds()
    ours = btl.BedrockTokenGenerator().get_token(creds, region)
    theirs = _official_at(
        btl_oracle.token_instant(ours),
        lambda: official.BedrockTokenGenerator().get_token(creds, region),
    )
    assert ours == theirs
    assert btl_oracle.token_params(ours)["X-Amz-Expires"] == "43200"


# -- the official README, unchanged ----------------------------------------------


@pytest.mark.usefixtures("clean_env")
def test_readme_env_provider(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", AK)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", SK)
    monkeypatch.setenv("AWS_SESSION_TOKEN", ST)
    # README: "Create token using EnvProvider credentials provider"
    from botocore.credentials import EnvProvider

    token = btl.provide_token(region="us-east-1", aws_credentials_provider=EnvProvider())
    theirs = _official_at(
        btl_oracle.token_instant(token),
        lambda: official.provide_token(region="us-east-1", aws_credentials_provider=EnvProvider()),
    )
    assert token == theirs
    assert btl_oracle.token_params(token)["X-Amz-Security-Token"] == ST


STS_AK = "ASIASTSISSUEDEXAMPLE"
STS_SK = "sts/issued+secret=EXAMPLE"
STS_TOKEN = "FwoGZXIvYXdzSTS/issued+session=token=="
ROLE_ARN = "arn:aws:iam::123456789012:role/bearertoken"

_ASSUME_ROLE_XML = """<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <AssumeRoleResult>
    <Credentials>
      <AccessKeyId>{ak}</AccessKeyId>
      <SecretAccessKey>{sk}</SecretAccessKey>
      <SessionToken>{token}</SessionToken>
      <Expiration>{expiration}</Expiration>
    </Credentials>
    <AssumedRoleUser>
      <Arn>arn:aws:sts::123456789012:assumed-role/bearertoken/session</Arn>
      <AssumedRoleId>AROAEXAMPLE:session</AssumedRoleId>
    </AssumedRoleUser>
  </AssumeRoleResult>
  <ResponseMetadata><RequestId>00000000-0000-0000-0000-000000000000</RequestId></ResponseMetadata>
</AssumeRoleResponse>
"""


class _StsHandler(BaseHTTPRequestHandler):
    requests: ClassVar[List[Dict[str, Any]]] = []

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length", "0"))
        body = self.rfile.read(length).decode("utf-8")
        self.requests.append(
            {"path": self.path, "form": parse_qs(body), "headers": dict(self.headers.items())}
        )
        expiration = datetime.now(timezone.utc) + timedelta(hours=2)
        reply = _ASSUME_ROLE_XML.format(
            ak=STS_AK,
            sk=STS_SK,
            token=STS_TOKEN,
            expiration=expiration.strftime("%Y-%m-%dT%H:%M:%SZ"),
        ).encode("utf-8")
        self.send_response(200)
        self.send_header("Content-Type", "text/xml")
        self.send_header("Content-Length", str(len(reply)))
        self.end_headers()
        self.wfile.write(reply)

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def sts_server() -> Iterator[Tuple[str, List[Dict[str, Any]]]]:
    requests: List[Dict[str, Any]] = []
    handler = type("Handler", (_StsHandler,), {"requests": requests})
    server = HTTPServer(("127.0.0.1", 0), handler)
    server.timeout = 5
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.daemon = True
    thread.start()
    try:
        yield "http://127.0.0.1:%d" % server.server_address[1], requests
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


# The README's AssumeRole example; only the first import line is switched.
_README_ASSUME_ROLE = textwrap.dedent(
    """
    from {module} import provide_token
    from botocore.credentials import AssumeRoleProvider, CanonicalNameCredentialSourcer, EnvProvider
    from botocore.session import Session
    from datetime import timedelta

    session = Session()
    assume_role_provider = AssumeRoleProvider(
      profile_name="bearertoken",
      load_config=lambda: session.full_config,
      client_creator=session.create_client,
      credential_sourcer=CanonicalNameCredentialSourcer([EnvProvider()]),
      cache={{}}
    )

    bearer_token = provide_token(
      region="us-east-1",
      aws_credentials_provider=assume_role_provider,
      expiry=timedelta(seconds=900)
    )
    print(f"Bearer Token: {{bearer_token}}")
    """
)


@pytest.mark.parametrize(
    "module", sample(["bedrock_token_lite", "aws_bedrock_token_generator"], every=2)
)
def test_readme_assume_role(
    module: str, tmp_path: Path, sts_server: Tuple[str, List[Dict[str, Any]]]
) -> None:
    endpoint, requests = sts_server
    aws = tmp_path / ".aws"
    aws.mkdir()
    (aws / "config").write_text(
        "[profile bearertoken]\nrole_arn = %s\ncredential_source = Environment\n" % ROLE_ARN
    )
    env = _minimal_env(
        tmp_path,
        AWS_ACCESS_KEY_ID="AKIDSOURCEEXAMPLE",
        AWS_SECRET_ACCESS_KEY="source-secret",
        AWS_ENDPOINT_URL_STS=endpoint,
        AWS_DEFAULT_REGION="us-east-1",
        AWS_MAX_ATTEMPTS="1",
    )
    proc = subprocess.run(
        [sys.executable, "-c", _README_ASSUME_ROLE.format(module=module)],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        cwd=str(tmp_path),
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("Bearer Token: bedrock-api-key-")
    token = proc.stdout.strip().split(": ", 1)[1]

    # One AssumeRole call, signed with the source (environment) credentials.
    assert len(requests) == 1
    form = requests[0]["form"]
    assert form["Action"] == ["AssumeRole"]
    assert form["RoleArn"] == [ROLE_ARN]
    assert "Credential=AKIDSOURCEEXAMPLE/" in requests[0]["headers"]["Authorization"]

    # The token is signed with the role's credentials, exactly as botocore would.
    from botocore.credentials import Credentials

    expected = btl_oracle.official_token(
        Credentials(STS_AK, STS_SK, STS_TOKEN), "us-east-1", 900, btl_oracle.token_instant(token)
    )
    assert token == expected


# -- deliberate deviations (documented, so a change on either side is noticed) ---


@pytest.mark.usefixtures("clean_env")
def test_deviation_aws_default_region(monkeypatch: pytest.MonkeyPatch) -> None:
    """The official generator reads only AWS_REGION; we fall back to AWS_DEFAULT_REGION."""
    monkeypatch.setenv("AWS_DEFAULT_REGION", "sa-east-1")
    provider = Provider(_boto_creds())
    with pytest.raises(ValueError, match="Region must be provided"):
        official.provide_token(aws_credentials_provider=provider)
    token = btl.provide_token(aws_credentials_provider=provider)
    assert btl_oracle.token_params(token)["X-Amz-Credential"].split("/")[2] == "sa-east-1"


def test_deviation_sub_second_expiry() -> None:
    """The official generator signs X-Amz-Expires=0 (a dead token); we refuse."""
    provider = Provider(_boto_creds())
    theirs = official.provide_token("us-east-1", provider, timedelta(milliseconds=500))
    assert btl_oracle.token_params(theirs)["X-Amz-Expires"] == "0"
    with pytest.raises(btl.InvalidParameterError, match="at least 1 second"):
        btl.provide_token("us-east-1", provider, timedelta(milliseconds=500))


def test_deviation_integer_expiry() -> None:
    """The official generator needs a timedelta; we also take whole seconds."""
    provider = Provider(_boto_creds())
    with pytest.raises(AttributeError):
        official.provide_token("us-east-1", provider, 900)
    assert (
        btl_oracle.token_params(btl.provide_token("us-east-1", provider, 900))["X-Amz-Expires"]
        == "900"
    )


@pytest.mark.parametrize("region", ["us east 1", "us-east-1\n", "-us-east-1", "a" * 64])
def test_deviation_invalid_region(region: str) -> None:
    """The official generator signs any region string; we apply botocore's client rule."""
    provider = Provider(_boto_creds())
    assert official.provide_token(region, provider).startswith("bedrock-api-key-")
    with pytest.raises(btl.InvalidParameterError, match="region"):
        btl.provide_token(region, provider)
