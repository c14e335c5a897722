"""Test harness for the STS/SSO providers: a fake AWS on 127.0.0.1, botocore in a subprocess.

* :class:`FakeAWS` is a threaded HTTP server bound to 127.0.0.1 that plays
  STS (AssumeRole with server-side SigV4 verification, AssumeRoleWithWebIdentity),
  the SSO portal (GET /federation/credentials), SSO-OIDC (POST /token), a
  container credentials endpoint and IMDSv2.  It records every request.
* :func:`run_botocore` resolves credentials with real botocore in a fresh
  subprocess (isolated HOME and environment, spec section 21.3).
* :func:`run_ours` resolves the same scenario with our providers, through a
  minimal test chain (the real chain is another module's job).
"""

from __future__ import annotations

import configparser
import hashlib
import json
import os
import subprocess
import sys
import threading
from datetime import datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Callable, Dict, List, Mapping, Optional, Tuple
from urllib.parse import parse_qsl, urlsplit

import bedrock_token_lite as btl
from bedrock_token_lite import sigv4

SOURCE_AK = "AKIDSOURCEEXAMPLE01"
SOURCE_SK = "source/secret/key/EXAMPLEKEY0000000000"
ROLE_ARN = "arn:aws:iam::123456789012:role/test-role"
Response = Tuple[int, Dict[str, str], bytes]


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


def iso_z(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


class Recorded:
    """One request the fake server received."""

    def __init__(self, method: str, path: str, headers: Dict[str, str], body: bytes) -> None:
        self.method = method
        self.raw_path = path
        parts = urlsplit(path)
        self.path = parts.path
        self.query = sorted(parse_qsl(parts.query, keep_blank_values=True))
        self.headers = headers  # lower-cased names
        self.body = body
        self.form: List[Tuple[str, str]] = []
        if headers.get("content-type", "").startswith("application/x-www-form-urlencoded"):
            self.form = parse_qsl(body.decode("utf-8"), keep_blank_values=True)
        self.signature_ok: Optional[bool] = None

    @property
    def action(self) -> Optional[str]:
        return dict(self.form).get("Action")


def _sts_credentials_xml(
    operation: str, ak: str, sk: str, token: str, expiration: str, arn: str
) -> bytes:
    return (
        f'<{operation}Response xmlns="https://sts.amazonaws.com/doc/2011-06-15/">'
        f"<{operation}Result><Credentials><AccessKeyId>{ak}</AccessKeyId>"
        f"<SecretAccessKey>{sk}</SecretAccessKey><SessionToken>{token}</SessionToken>"
        f"<Expiration>{expiration}</Expiration></Credentials>"
        f"<AssumedRoleUser><AssumedRoleId>AROA:s</AssumedRoleId><Arn>{arn}</Arn></AssumedRoleUser>"
        f"</{operation}Result><ResponseMetadata><RequestId>r-1</RequestId></ResponseMetadata>"
        f"</{operation}Response>"
    ).encode()


def sts_error_xml(code: str, message: str, kind: str = "Sender") -> bytes:
    return (
        '<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">'
        "<Error><Type>%s</Type><Code>%s</Code><Message>%s</Message></Error>"
        "<RequestId>r-err</RequestId></ErrorResponse>" % (kind, code, message)
    ).encode()


class FakeAWS:
    """STS + SSO portal + SSO-OIDC + container + IMDS on 127.0.0.1 (one port)."""

    def __init__(self) -> None:
        self.requests: List[Recorded] = []
        self.keys: Dict[str, str] = {SOURCE_AK: SOURCE_SK}  # access key -> secret
        self.sso_tokens: Dict[str, Tuple[str, str]] = {}  # bearer -> (role, account)
        self.expiration = (utc_now() + timedelta(hours=2)).replace(microsecond=0)
        self.arn_for: Callable[[str], str] = lambda role_arn: (
            "arn:aws:sts::123456789012:assumed-role/%s/s" % role_arn.rsplit("/", 1)[-1]
        )
        #: Optional override: request -> response (or None for the default behaviour).
        self.hook: Optional[Callable[[Recorded], Optional[Response]]] = None
        self.oidc_answer: Dict[str, Any] = {
            "accessToken": "refreshed-access-token",
            "expiresIn": 28800,
            "refreshToken": "new-refresh-token",
            "tokenType": "Bearer",
        }
        self._lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:
                pass

            def _serve(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                headers = {k.lower(): v for k, v in self.headers.items()}
                record = Recorded(self.command, self.path, headers, body)
                with server._lock:
                    server.requests.append(record)
                status, out_headers, payload = server.dispatch(record)
                self.send_response(status)
                for name, value in out_headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            do_GET = do_POST = do_PUT = _serve

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.port = self._server.server_address[1]
        self.url = "http://127.0.0.1:%d" % self.port
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    def __enter__(self) -> FakeAWS:
        self._thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def reset(self) -> None:
        with self._lock:
            self.requests = []

    # -- behaviour -------------------------------------------------------------

    def issued(self, role_arn: str) -> Tuple[str, str, str]:
        digest = hashlib.sha1(role_arn.encode()).hexdigest()  # noqa: S324
        ak = "ASIA" + digest[:16].upper()
        return ak, "issued/secret/" + digest[:24], "issued-token-" + digest[:32]

    def dispatch(self, record: Recorded) -> Response:
        if self.hook is not None:
            answer = self.hook(record)
            if answer is not None:
                return answer
        if record.action == "AssumeRole":
            return self.assume_role(record)
        if record.action == "AssumeRoleWithWebIdentity":
            return self.web_identity(record)
        if record.path.endswith("/federation/credentials"):
            return self.sso(record)
        if record.path.endswith("/token") and record.method == "POST":
            return 200, {"Content-Type": "application/json"}, json.dumps(self.oidc_answer).encode()
        if record.path.startswith("/container"):
            body = {
                "AccessKeyId": "AKIDCONTAINER0000001",
                "SecretAccessKey": "container/secret",
                "Token": "container-token",
                "Expiration": iso_z(self.expiration),
            }
            return 200, {"Content-Type": "application/json"}, json.dumps(body).encode()
        if record.path == "/latest/api/token" and record.method == "PUT":
            return 200, {}, b"imds-token"
        if record.path == "/latest/meta-data/iam/security-credentials/":
            return 200, {}, b"imds-role"
        if record.path == "/latest/meta-data/iam/security-credentials/imds-role":
            body = {
                "Code": "Success",
                "AccessKeyId": "AKIDIMDS000000000001",
                "SecretAccessKey": "imds/secret",
                "Token": "imds-token-value",
                "Expiration": iso_z(self.expiration),
            }
            return 200, {}, json.dumps(body).encode()
        return 404, {}, b"not found"

    def verify_sigv4(self, record: Recorded) -> bool:
        """Recompute the SigV4 signature with the known secret (our signer) and compare."""
        auth = record.headers.get("authorization", "")
        if not auth.startswith("AWS4-HMAC-SHA256 "):
            return False
        fields = dict(
            part.strip().split("=", 1) for part in auth[len("AWS4-HMAC-SHA256 ") :].split(",")
        )
        ak, date, region, service, _ = fields["Credential"].split("/")
        secret = self.keys.get(ak)
        if secret is None:
            return False
        names = fields["SignedHeaders"].split(";")
        headers = [(n, record.headers[n]) for n in names if n not in ("host",)]
        now = datetime.strptime(record.headers["x-amz-date"], "%Y%m%dT%H%M%SZ").replace(
            tzinfo=timezone.utc
        )
        url = record.raw_path  # absolute form when sent through a proxy
        if not url.startswith("http"):
            url = "http://%s%s" % (record.headers["host"], record.raw_path)
        signed = sigv4.sign(
            record.method,
            url,
            headers=headers,
            body=record.body,
            credentials=btl.Credentials(ak, secret),
            region=region,
            service=service,
            now=now,
        )
        return signed.signature == fields["Signature"] and date == now.strftime("%Y%m%d")

    def assume_role(self, record: Recorded) -> Response:
        record.signature_ok = self.verify_sigv4(record)
        if not record.signature_ok:
            return (
                403,
                {"Content-Type": "text/xml"},
                sts_error_xml(
                    "SignatureDoesNotMatch", "The request signature we calculated does not match"
                ),
            )
        role_arn = dict(record.form)["RoleArn"]
        ak, sk, token = self.issued(role_arn)
        self.keys[ak] = sk
        body = _sts_credentials_xml(
            "AssumeRole", ak, sk, token, iso_z(self.expiration), self.arn_for(role_arn)
        )
        return 200, {"Content-Type": "text/xml"}, body

    def web_identity(self, record: Recorded) -> Response:
        role_arn = dict(record.form)["RoleArn"]
        ak, sk, token = self.issued(role_arn + "#web")
        self.keys[ak] = sk
        body = _sts_credentials_xml(
            "AssumeRoleWithWebIdentity",
            ak,
            sk,
            token,
            iso_z(self.expiration),
            self.arn_for(role_arn),
        )
        return 200, {"Content-Type": "text/xml"}, body

    def sso(self, record: Recorded) -> Response:
        bearer = record.headers.get("x-amz-sso_bearer_token", "")
        if bearer not in self.sso_tokens:
            body = json.dumps({"message": "Session token not found or invalid"}).encode()
            return (
                401,
                {"x-amzn-ErrorType": "UnauthorizedException", "Content-Type": "application/json"},
                body,
            )
        query = dict(record.query)
        digest = hashlib.sha1((bearer + query.get("role_name", "")).encode()).hexdigest()  # noqa: S324
        body = {
            "roleCredentials": {
                "accessKeyId": "ASIASSO" + digest[:13].upper(),
                "secretAccessKey": "sso/secret/" + digest[:20],
                "sessionToken": "sso-token-" + digest[:24],
                "expiration": int(self.expiration.timestamp() * 1000) + 789,
            }
        }
        return 200, {"Content-Type": "application/json"}, json.dumps(body).encode()


# ----------------------------------------------------------------------------
# Canonical request view (spec section 21.4)
# ----------------------------------------------------------------------------


def _norm_session_name(value: str) -> str:
    if value.startswith("botocore-session-"):
        stamp = int(value[len("botocore-session-") :])
        assert abs(stamp - utc_now().timestamp()) < 60, value
        return "botocore-session-<now>"
    return value


def canonical(record: Recorded) -> Dict[str, Any]:
    view: Dict[str, Any] = {"method": record.method, "path": record.path, "query": record.query}
    if record.form:
        view["form"] = sorted(
            (k, _norm_session_name(v) if k == "RoleSessionName" else v) for k, v in record.form
        )
    elif record.body:
        try:
            view["json"] = json.loads(record.body)
        except ValueError:
            view["body"] = record.body.decode("utf-8", "replace")
    for name in ("content-type", "x-amz-security-token", "x-amz-sso_bearer_token"):
        if name in record.headers:
            view[name] = record.headers[name]
    auth = record.headers.get("authorization")
    if auth is not None:
        fields = dict(part.strip().split("=", 1) for part in auth.split(" ", 1)[1].split(","))
        view["scope"] = fields["Credential"].split("/", 1)[1].split("/", 1)[1]
        view["credential_ak"] = fields["Credential"].split("/", 1)[0]
        view["signed_headers"] = fields["SignedHeaders"]
        view["signature_ok"] = record.signature_ok
    return view


# ----------------------------------------------------------------------------
# Scenario files
# ----------------------------------------------------------------------------


def write_home(home: Path, config: str = "", credentials: str = "") -> Path:
    aws = home / ".aws"
    aws.mkdir(parents=True, exist_ok=True)
    if config:
        (aws / "config").write_text(config)
    if credentials:
        (aws / "credentials").write_text(credentials)
    return home


def write_sso_token(home: Path, key: str, token: Mapping[str, Any]) -> Path:
    cache = home / ".aws" / "sso" / "cache"
    cache.mkdir(parents=True, exist_ok=True)
    path = cache / (hashlib.sha1(key.encode()).hexdigest() + ".json")  # noqa: S324
    path.write_text(json.dumps(token))
    return path


def base_env(home: Path, **extra: str) -> Dict[str, str]:
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(home),
        "LANG": "C.UTF-8",
        "AWS_EC2_METADATA_DISABLED": "true",
        "BOTO_CONFIG": "/nonexistent",
        "AWS_CONFIG_FILE": str(home / ".aws" / "config"),
        "AWS_SHARED_CREDENTIALS_FILE": str(home / ".aws" / "credentials"),
    }
    env.update(extra)
    return env


# ----------------------------------------------------------------------------
# botocore in a subprocess
# ----------------------------------------------------------------------------

_BOTO_SCENARIO = r"""
def scenario(args):
    import json, os, sys
    if args.get("mfa_code") is not None:
        import getpass
        prompts = []
        def fake(prompt="", stream=None):
            prompts.append(prompt)
            return args["mfa_code"]
        original = getpass.getpass
        getpass.getpass = fake
        if "botocore.credentials" in sys.modules:  # imported before: defaults are bound
            init = sys.modules["botocore.credentials"].AssumeRoleProvider.__init__
            init.__defaults__ = tuple(
                fake if value is original else value for value in init.__defaults__
            )
    out = {}
    sleeps = []
    if args.get("record_sleep"):  # retry delays are recorded, never waited for
        import time
        time.sleep = sleeps.append
    if args.get("seed") is not None:  # the same jitter as the other side
        import random
        random.seed(args["seed"])
    try:
        import botocore.session
        session = botocore.session.Session(profile=args.get("profile"))
        creds = session.get_credentials()
        if creds is None:
            out = {"result": None}
        else:
            frozen = creds.get_frozen_credentials()
            expiry = getattr(creds, "_expiry_time", None)
            out = {"result": {
                "method": creds.method,
                "access_key": frozen.access_key,
                "secret_key": frozen.secret_key,
                "token": frozen.token,
                "account_id": frozen.account_id,
                "expiry": None if expiry is None else expiry.timestamp(),
            }}
    except BaseException as exc:
        out = {"error": type(exc).__name__, "message": str(exc).strip("'")}
    if args.get("mfa_code") is not None:
        out["prompts"] = prompts
    if args.get("record_sleep"):
        out["sleeps"] = sleeps
    return out
"""

# One scenario per fresh process: the script above runs in a new interpreter, or (much
# cheaper on a busy machine) in a child forked from a process that has only imported
# botocore.  The child gets the scenario's environment, HOME and working directory;
# the SSO cache directories botocore computes from HOME at import time are reset to
# the scenario's HOME (spec section 8.2).
_ZYGOTE = (
    _BOTO_SCENARIO
    + r"""
import json, os, sys
import botocore.session, botocore.credentials, botocore.tokens, botocore.utils
for line in sys.stdin:
    job = json.loads(line)
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(read_end)
        os.dup2(os.open(os.devnull, os.O_RDONLY), 0)  # never wait on the job pipe
        try:
            os.environ.clear()
            os.environ.update(job["env"])
            os.chdir(job["env"]["HOME"])
            cache = os.path.join(job["env"]["HOME"], ".aws", "sso", "cache")
            botocore.credentials.SSOProvider._SSO_TOKEN_CACHE_DIR = cache
            botocore.tokens.SSOTokenProvider._SSO_TOKEN_CACHE_DIR = cache
            result = scenario(job)
        except BaseException as exc:
            result = {"error": "HarnessError", "message": repr(exc)}
        with os.fdopen(write_end, "w") as out:
            out.write(json.dumps(result))
        os._exit(0)
    os.close(write_end)
    with os.fdopen(read_end) as pipe:
        data = pipe.read()
    os.waitpid(pid, 0)
    sys.stdout.write(data.replace("\n", " ") + "\n")
    sys.stdout.flush()
"""
)


class _Zygote:
    """A process that has imported botocore and forks one child per scenario."""

    def __init__(self) -> None:
        env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": "/nonexistent",
            "LANG": "C.UTF-8",
        }
        self.proc = subprocess.Popen(
            [sys.executable, "-c", _ZYGOTE],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            env=env,
            cwd="/",
        )
        self.lock = threading.Lock()

    def run(self, job: Dict[str, Any]) -> Dict[str, Any]:
        assert self.proc.stdin is not None
        assert self.proc.stdout is not None
        with self.lock:
            self.proc.stdin.write(json.dumps(job) + "\n")
            self.proc.stdin.flush()
            line = self.proc.stdout.readline()
        assert line, "the botocore helper process died"
        return json.loads(line)  # type: ignore[no-any-return]

    def close(self) -> None:
        if self.proc.poll() is None:
            assert self.proc.stdin is not None
            self.proc.stdin.close()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:  # pragma: no cover
                self.proc.kill()
                self.proc.wait(timeout=10)


_ZYGOTES: List[_Zygote] = []
_ZYGOTES_LOCK = threading.Lock()


def _zygote() -> Optional[_Zygote]:
    if not hasattr(os, "fork") or os.environ.get("BTL_DIFF_NO_FORK") == "1":
        return None
    with _ZYGOTES_LOCK:
        for zygote in _ZYGOTES:
            if zygote.lock.acquire(blocking=False):
                zygote.lock.release()
                return zygote
        if len(_ZYGOTES) < 2:
            _ZYGOTES.append(_Zygote())
            return _ZYGOTES[-1]
        return _ZYGOTES[0]


def close_zygotes() -> None:
    with _ZYGOTES_LOCK:
        while _ZYGOTES:
            _ZYGOTES.pop().close()


def run_botocore(
    env: Mapping[str, str],
    profile: Optional[str] = None,
    *,
    mfa_code: Optional[str] = None,
    seed: Optional[int] = None,
    record_sleep: bool = False,
) -> Dict[str, Any]:
    """Resolve with real botocore in a fresh process; return the outcome as JSON data.

    ``record_sleep`` replaces ``time.sleep`` in that process by a recorder (the
    delays come back as ``sleeps``); ``seed`` seeds ``random`` first, so the
    retry jitter can be compared with ours seeded alike.
    """
    job: Dict[str, Any] = {"env": dict(env), "profile": profile, "mfa_code": mfa_code}
    if seed is not None:
        job["seed"] = seed
    if record_sleep:
        job["record_sleep"] = True
    zygote = _zygote()
    if zygote is not None:
        return zygote.run(job)
    script = (
        _BOTO_SCENARIO
        + "\nimport json, sys\nprint(json.dumps(scenario(json.loads(sys.argv[1]))))\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", script, json.dumps(job)],
        env=dict(env),
        capture_output=True,
        text=True,
        timeout=60,
        cwd=env["HOME"],
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


# ----------------------------------------------------------------------------
# Ours, through a minimal test chain
# ----------------------------------------------------------------------------


def _nested(value: str) -> Any:
    if not value.startswith("\n"):
        return value
    out: Dict[str, str] = {}
    for line in value.splitlines():
        if "=" in line:
            key, _, val = line.partition("=")
            out[key.strip()] = val.strip()
    return out


def load_full_config(env: Mapping[str, str]) -> Dict[str, Any]:
    """botocore's full-config shape from the two INI files (enough for these tests)."""
    profiles: Dict[str, Dict[str, Any]] = {}
    sso_sessions: Dict[str, Dict[str, Any]] = {}
    services: Dict[str, Dict[str, Any]] = {}
    parser = configparser.RawConfigParser()
    parser.read([env["AWS_CONFIG_FILE"]])
    for section in parser.sections():
        values = {k: _nested(v) for k, v in parser.items(section)}
        if section == "default":
            profiles["default"] = values
        elif section.startswith("profile "):
            profiles[section[len("profile ") :].strip()] = values
        elif section.startswith("sso-session "):
            sso_sessions[section[len("sso-session ") :].strip()] = values
        elif section.startswith("services "):
            services[section[len("services ") :].strip()] = values
    creds = configparser.RawConfigParser()
    creds.read([env["AWS_SHARED_CREDENTIALS_FILE"]])
    for section in creds.sections():
        profiles.setdefault(section, {}).update(dict(creds.items(section)))
    return {"profiles": profiles, "sso_sessions": sso_sessions, "services": services}


def _static(profile: Mapping[str, Any], method: str) -> Optional[btl.Credentials]:
    if "aws_access_key_id" not in profile:
        return None
    if "aws_secret_access_key" not in profile:
        raise btl.PartialCredentialsError(method, "aws_secret_access_key")
    token = profile.get("aws_security_token", profile.get("aws_session_token"))
    return btl.Credentials(
        profile["aws_access_key_id"], profile["aws_secret_access_key"], token, method=method
    )


def _http_json(url: str, method: str = "GET", headers: Optional[Dict[str, str]] = None) -> Any:
    import urllib.request

    request = urllib.request.Request(url, method=method, headers=headers or {})  # noqa: S310
    with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310
        return response.read().decode()


def test_credential_sourcer(env: Mapping[str, str]) -> Callable[[str], Any]:
    """Environment, EcsContainer (full URI) and Ec2InstanceMetadata (IMDSv2), minimal."""

    def source(name: str) -> Any:
        if name == "Environment":
            return btl.EnvProvider(env).load()
        if name == "EcsContainer":
            url = env.get("AWS_CONTAINER_CREDENTIALS_FULL_URI")
            if not url:
                return None
            data = json.loads(_http_json(url))
            expiry = datetime.strptime(data["Expiration"], "%Y-%m-%dT%H:%M:%SZ").replace(
                tzinfo=timezone.utc
            )
            return btl.Credentials(
                data["AccessKeyId"],
                data["SecretAccessKey"],
                data["Token"],
                expiry,
                method="container-role",
            )
        if name == "Ec2InstanceMetadata":
            base = env.get("AWS_EC2_METADATA_SERVICE_ENDPOINT")
            if not base or env.get("AWS_EC2_METADATA_DISABLED", "").lower() == "true":
                return None
            base = base.rstrip("/")
            token = _http_json(
                base + "/latest/api/token", "PUT", {"x-aws-ec2-metadata-token-ttl-seconds": "21600"}
            )
            hdr = {"x-aws-ec2-metadata-token": token}
            role = _http_json(base + "/latest/meta-data/iam/security-credentials/", headers=hdr)
            data = json.loads(
                _http_json(base + "/latest/meta-data/iam/security-credentials/" + role, headers=hdr)
            )
            expiry = datetime.strptime(data["Expiration"], "%Y-%m-%dT%H:%M:%SZ").replace(
                tzinfo=timezone.utc
            )
            return btl.Credentials(
                data["AccessKeyId"],
                data["SecretAccessKey"],
                data["Token"],
                expiry,
                method="iam-role",
            )
        return None

    return source


test_credential_sourcer.__test__ = False  # type: ignore[attr-defined]


def make_chain(
    env: Mapping[str, str],
    profile: Optional[str] = None,
    *,
    mfa_prompter: Optional[Callable[[str], str]] = None,
    cache: Optional[Dict[str, Any]] = None,
    clock: Optional[Callable[[], datetime]] = None,
    sleep: Optional[Callable[[float], None]] = None,
) -> Callable[[], Any]:
    """A minimal chain in botocore's order, built from our providers (test scaffolding).

    ``sleep`` is given to the providers that call AWS (the retry delays).
    """
    explicit = profile is not None
    name = profile or env.get("AWS_DEFAULT_PROFILE") or env.get("AWS_PROFILE") or "default"
    home = env["HOME"]
    shared_cache: Dict[str, Any] = {} if cache is None else cache

    def load_config() -> Dict[str, Any]:
        return load_full_config(env)

    def providers(pname: str, disable_env: bool, with_assume_role: bool) -> List[Callable[[], Any]]:
        common = {"load_config": load_config, "profile_name": pname, "environ": env, "home": home}
        result: List[Callable[[], Any]] = []
        if not disable_env:
            result.append(btl.EnvProvider(env).load)
        if with_assume_role:
            result.append(
                btl.AssumeRoleProvider(
                    **common,
                    explicit_profile=explicit,
                    source_chain=source_chain,
                    credential_sourcer=test_credential_sourcer(env),
                    cache=shared_cache,
                    mfa_prompter=mfa_prompter,
                    clock=clock,
                    sleep=sleep,
                ).load
            )
        extra = {
            "session_profile_name": name,
            "cache": shared_cache,
            "clock": clock,
            "sleep": sleep,
        }
        result.append(
            btl.AssumeRoleWithWebIdentityProvider(
                **common, explicit_profile=disable_env or explicit, **extra
            ).load
        )
        result.append(btl.SSOProvider(**common, **extra).load)
        result.append(
            lambda: _static(load_full_credentials(env).get(pname, {}), "shared-credentials-file")
        )
        result.append(btl.LoginProvider(**common).load)
        result.append(lambda: _static(load_config_only(env).get(pname, {}), "config-file"))
        return result

    def source_chain(pname: str) -> Any:
        for load in providers(pname, True, False):
            found = load()
            if found is not None:
                return found
        return None

    def resolve() -> Any:
        for load in providers(name, explicit, True):
            found = load()
            if found is not None:
                return found
        return None

    return resolve


def load_full_credentials(env: Mapping[str, str]) -> Dict[str, Dict[str, str]]:
    parser = configparser.RawConfigParser()
    parser.read([env["AWS_SHARED_CREDENTIALS_FILE"]])
    return {s: dict(parser.items(s)) for s in parser.sections()}


def load_config_only(env: Mapping[str, str]) -> Dict[str, Dict[str, str]]:
    parser = configparser.RawConfigParser()
    parser.read([env["AWS_CONFIG_FILE"]])
    out: Dict[str, Dict[str, str]] = {}
    for section in parser.sections():
        if section == "default":
            out["default"] = dict(parser.items(section))
        elif section.startswith("profile "):
            out[section[len("profile ") :].strip()] = dict(parser.items(section))
    return out


ERROR_ALIASES = {
    "MissingDependencyException": "MissingDependencyError",
    "ValueError": "InvalidParameterError",
}


def outcome(resolve: Callable[[], Any]) -> Dict[str, Any]:
    """Run our resolution (load, then first use) and describe it like the botocore script."""
    try:
        creds = resolve()
        if creds is None:
            return {"result": None}
        frozen = creds.get_frozen_credentials()
        expiry = frozen.expiry
        return {
            "result": {
                "method": creds.method,
                "access_key": frozen.access_key,
                "secret_key": frozen.secret_key,
                "token": frozen.token,
                "account_id": frozen.account_id,
                "expiry": None if expiry is None else expiry.timestamp(),
            }
        }
    except Exception as exc:
        message = exc.args[0] if isinstance(exc, KeyError) and exc.args else str(exc)
        return {"error": type(exc).__name__, "message": str(message), "exception": exc}


def run_ours(
    env: Mapping[str, str], profile: Optional[str] = None, **kwargs: Any
) -> Dict[str, Any]:
    return outcome(make_chain(env, profile, **kwargs))


def leaked_builtin(ours: Dict[str, Any], theirs: Dict[str, Any]) -> bool:
    """botocore leaked a bare builtin and ours is a library leaf that is also that builtin.

    Spec section 20, last paragraph: the leaf's message is our own (what failed,
    which file, how to fix it), so messages are not compared in that case.
    """
    import builtins

    leaked = getattr(builtins, theirs.get("error", ""), None)
    if theirs.get("error") in ERROR_ALIASES or not isinstance(leaked, type):
        return False
    if not issubclass(leaked, BaseException):
        return False
    exc = ours.get("exception")
    return isinstance(exc, leaked) and isinstance(exc, btl.BedrockTokenError)


def assert_same_outcome(ours: Dict[str, Any], theirs: Dict[str, Any]) -> None:
    """Same credentials (and expiry instant), or the same error class and message."""
    if "error" in theirs:
        assert "error" in ours, (ours, theirs)
        expected = ERROR_ALIASES.get(theirs["error"], theirs["error"])
        if theirs["error"].endswith("Exception") and theirs["message"].startswith(
            "An error occurred ("
        ):
            expected = "ClientError"  # botocore's modeled ClientError subclasses: one class here
        if ours["error"] != expected and leaked_builtin(ours, theirs):
            return
        assert ours["error"] == expected, (ours, theirs)
        assert ours["message"].startswith(theirs["message"].rstrip(".")), (
            ours["message"],
            theirs["message"],
        )
    else:
        assert "error" not in ours, (ours, theirs)
        assert ours["result"] == theirs["result"], (ours, theirs)


def differential(
    server: FakeAWS,
    env: Mapping[str, str],
    profile: Optional[str] = None,
    *,
    mfa_code: Optional[str] = None,
) -> Tuple[Dict[str, Any], List[Dict[str, Any]]]:
    """Run botocore and ours on the same scenario; assert same outcome and same requests."""
    server.reset()
    theirs = run_botocore(env, profile, mfa_code=mfa_code)
    their_requests = [canonical(r) for r in server.requests]
    server.reset()
    prompter = None if mfa_code is None else (lambda prompt: mfa_code)
    ours = run_ours(env, profile, mfa_prompter=prompter)
    our_requests = [canonical(r) for r in server.requests]
    assert_same_outcome(ours, theirs)
    assert our_requests == their_requests
    return ours, our_requests


# ----------------------------------------------------------------------------
# Many scenarios at once: botocore subprocesses run in parallel, one server each
# ----------------------------------------------------------------------------


class Scenario:
    """Files, environment and profile of one differential case.

    ``env`` values may contain ``{url}`` (the scenario's fake AWS) and
    ``{home}``; ``setup(home, server)`` may write more files (tokens).
    """

    def __init__(
        self,
        name: str,
        config: str = "",
        credentials: str = "",
        env: Optional[Dict[str, Optional[str]]] = None,
        profile: Optional[str] = None,
        *,
        setup: Optional[Callable[[Path, FakeAWS], None]] = None,
        mfa_code: Optional[str] = None,
        defaults: bool = True,
    ) -> None:
        self.name = name
        self.config = config
        self.credentials = credentials
        self.env = env or {}
        self.profile = profile
        self.setup = setup
        self.mfa_code = mfa_code
        self.defaults = defaults

    def __repr__(self) -> str:
        return self.name


class Prepared:
    """A scenario after botocore ran it: its server, HOME, environment and botocore's view."""

    def __init__(self, scenario: Scenario, server: FakeAWS, home: Path) -> None:
        self.scenario = scenario
        self.server = server
        self.home = home
        env = base_env(home)
        if scenario.defaults:
            env.update(
                AWS_ENDPOINT_URL_STS=server.url,
                AWS_DEFAULT_REGION="eu-west-1",
                AWS_MAX_ATTEMPTS="1",
            )
        for key, value in scenario.env.items():
            if value is None:
                env.pop(key, None)
            else:
                env[key] = value.format(url=server.url, home=home)
        self.env = env
        write_home(home, scenario.config, scenario.credentials)
        if scenario.setup is not None:
            scenario.setup(home, server)
        self.theirs: Dict[str, Any] = {}
        self.their_requests: List[Dict[str, Any]] = []

    def run_botocore(self) -> None:
        self.server.reset()
        self.theirs = run_botocore(self.env, self.scenario.profile, mfa_code=self.scenario.mfa_code)
        self.their_requests = [canonical(r) for r in self.server.requests]
        self.server.reset()

    def check_ours(self, **kwargs: Any) -> Tuple[Dict[str, Any], List[Dict[str, Any]]]:
        """Run ours (after resetting files a refresh may have rewritten) and compare."""
        write_home(self.home, self.scenario.config, self.scenario.credentials)
        if self.scenario.setup is not None:
            self.scenario.setup(self.home, self.server)
        self.server.reset()
        code = self.scenario.mfa_code
        prompter = None if code is None else (lambda prompt: code)
        ours = run_ours(self.env, self.scenario.profile, mfa_prompter=prompter, **kwargs)
        our_requests = [canonical(r) for r in self.server.requests]
        assert_same_outcome(ours, self.theirs)
        assert our_requests == self.their_requests
        return ours, our_requests


def prepare_all(scenarios: List[Scenario], root: Path, workers: int = 2) -> Dict[str, Prepared]:
    """Start one fake AWS per scenario and run botocore on all of them, ``workers`` at a time."""
    from concurrent.futures import ThreadPoolExecutor

    prepared: Dict[str, Prepared] = {}
    for index, scenario in enumerate(scenarios):
        server = FakeAWS().__enter__()
        prepared[scenario.name] = Prepared(scenario, server, root / ("s%d" % index) / "home")
    with ThreadPoolExecutor(max_workers=workers) as pool:
        for future in [pool.submit(p.run_botocore) for p in prepared.values()]:
            future.result()
    return prepared


def close_all(prepared: Mapping[str, Prepared]) -> None:
    for item in prepared.values():
        item.server.__exit__(None, None, None)
