"""No secret key, session token, signature or finished token in a repr, an error
message, a log record or the CLI's stderr.

Distinctive canary values make any leak easy to spot, in full or in part.
"""

from __future__ import annotations

import base64
import logging
import os
import subprocess
import sys
import traceback
from datetime import datetime, timedelta, timezone
from pathlib import Path
from types import SimpleNamespace
from typing import Any, Callable, Dict, Iterator, List

import pytest
from _support import ROOT, sample

import bedrock_token_lite as btl
from bedrock_token_lite import (
    BedrockTokenGenerator,
    Credentials,
    EnvProvider,
    generate_token,
    provide_token,
    sigv4,
)

sys.path.insert(0, str(ROOT / "vectors"))
import contextlib

import btl_oracle

ACCESS = "AKIDCANARYACCESS"
SECRET = "SECRETCANARY/wJalrXUtn+FEMI=K7MDENG"
TOKEN = "TOKENCANARY/FwoGZXIvYXdz+EXAMPLE=="
NOW = datetime(2025, 6, 15, 12, 34, 56, tzinfo=timezone.utc)
CREDS = Credentials(ACCESS, SECRET, TOKEN)


def _needles(*extra: str) -> List[str]:
    """Canary values and their recognisable parts, raw and percent-encoded."""
    out = [SECRET, TOKEN, "SECRETCANARY", "TOKENCANARY", sigv4.uri_encode(SECRET)]
    out += [sigv4.uri_encode(TOKEN)]
    out += [e for e in extra if e]
    return out


def _assert_clean(text: str, *extra: str) -> None:
    for needle in _needles(*extra):
        assert needle not in text, "leaked %r" % (needle[:12] + "...")


def test_detector_finds_a_leak() -> None:
    with pytest.raises(AssertionError, match="leaked"):
        _assert_clean("prefix %s suffix" % sigv4.uri_encode(TOKEN))


# -- reprs ------------------------------------------------------------------------


def test_credentials_repr() -> None:
    expiry = datetime(2030, 1, 1, tzinfo=timezone.utc)
    for creds in (
        CREDS,
        Credentials(ACCESS, SECRET),
        Credentials(ACCESS, SECRET, TOKEN, expiry, account_id="1", method="env"),
    ):
        _assert_clean(repr(creds))
        _assert_clean(str(creds))
        _assert_clean("%r %s" % (creds, [creds]))
        assert ACCESS in repr(creds)


def _signed_examples() -> List[Any]:
    presigned = sigv4.presign(
        "POST",
        "https://bedrock.amazonaws.com/?Action=CallWithBearerToken",
        headers={"host": "bedrock.amazonaws.com"},
        credentials=CREDS,
        region="us-east-1",
        service="bedrock",
        now=NOW,
        expires_in=900,
    )
    signed = sigv4.sign(
        "GET",
        "https://example.amazonaws.com/?a=b",
        credentials=CREDS,
        region="us-east-1",
        service="service",
        now=NOW,
    )
    return [presigned, signed]


@pytest.mark.parametrize("signed", _signed_examples(), ids=["presign", "sign"])
def test_signed_repr(signed: Any) -> None:
    assert signed.signature in (signed.url + str(signed.headers))  # the secret is in there
    for text in (repr(signed), str(signed), repr([signed])):
        _assert_clean(text, signed.signature, signed.url if "X-Amz" in signed.url else "")


# -- exceptions for bad inputs ---------------------------------------------------------


def _bad_calls() -> Dict[str, Callable[[], Any]]:
    plain = SimpleNamespace(access_key=ACCESS, secret_key=SECRET, token=TOKEN)
    return {
        "bad-region": lambda: generate_token(CREDS, "us east 1", now=NOW),
        "region-none": lambda: generate_token(CREDS, None, now=NOW),  # type: ignore[arg-type]
        "expiry-zero": lambda: generate_token(CREDS, "us-east-1", expiry=0, now=NOW),
        "expiry-long": lambda: generate_token(CREDS, "us-east-1", expiry=10**6, now=NOW),
        "expiry-fraction": lambda: generate_token(CREDS, "us-east-1", expiry=0.5, now=NOW),
        "expiry-type": lambda: generate_token(CREDS, "us-east-1", expiry="1h", now=NOW),  # type: ignore[arg-type]
        "naive-now": lambda: generate_token(CREDS, "us-east-1", now=datetime(2025, 1, 1)),
        "now-type": lambda: generate_token(CREDS, "us-east-1", now="now"),  # type: ignore[arg-type]
        "empty-access-key": lambda: generate_token(Credentials("", SECRET, TOKEN), "us-east-1"),
        "empty-secret": lambda: generate_token(Credentials(ACCESS, "", TOKEN), "us-east-1"),
        "bytes-secret": lambda: generate_token(
            SimpleNamespace(access_key=ACCESS, secret_key=SECRET.encode(), token=TOKEN),
            "us-east-1",
        ),
        "bytes-token": lambda: generate_token(
            SimpleNamespace(access_key=ACCESS, secret_key=SECRET, token=TOKEN.encode()),
            "us-east-1",
        ),
        "missing-token-attribute": lambda: generate_token(
            SimpleNamespace(access_key=ACCESS, secret_key=SECRET), "us-east-1"
        ),
        "constructor-secret-bytes": lambda: Credentials(ACCESS, SECRET.encode()),  # type: ignore[arg-type]
        "constructor-token-bytes": lambda: Credentials(ACCESS, SECRET, TOKEN.encode()),  # type: ignore[arg-type]
        "constructor-naive-expiry": lambda: Credentials(
            ACCESS, SECRET, TOKEN, datetime(2030, 1, 1)
        ),
        "provide-bad-region": lambda: provide_token(
            "bad region", SimpleNamespace(load=lambda: plain)
        ),
        "provide-bad-expiry": lambda: provide_token(
            "us-east-1", SimpleNamespace(load=lambda: plain), timedelta(days=1)
        ),
        "provide-no-credentials": lambda: provide_token(
            "us-east-1", SimpleNamespace(load=lambda: None)
        ),
        "get-token-bad-region": lambda: BedrockTokenGenerator().get_token(plain, "bad region"),
        "get-token-empty-region": lambda: BedrockTokenGenerator().get_token(plain, ""),
        "env-partial": lambda: EnvProvider(
            {"AWS_ACCESS_KEY_ID": ACCESS, "AWS_SESSION_TOKEN": TOKEN}
        ).load(),
        "env-partial-empty-secret": lambda: EnvProvider(
            {"AWS_ACCESS_KEY_ID": ACCESS, "AWS_SECRET_ACCESS_KEY": "", "AWS_SESSION_TOKEN": TOKEN}
        ).load(),
    }


BAD_CALLS = _bad_calls()


@pytest.mark.parametrize("name", sorted(BAD_CALLS))
def test_error_messages_hold_no_secret(name: str) -> None:
    with pytest.raises(btl.BedrockTokenError) as info:
        BAD_CALLS[name]()
    exc: BaseException = info.value
    texts = [str(exc), repr(exc), repr(exc.args)]
    texts.append("".join(traceback.format_exception(type(exc), exc, exc.__traceback__)))
    chained = exc.__cause__ or exc.__context__
    while chained is not None:
        texts.append("%s %r" % (chained, chained))
        chained = chained.__cause__ or chained.__context__
    for text in texts:
        _assert_clean(text)


# -- log records --------------------------------------------------------------------------


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: List[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)

    def text(self) -> str:
        out = []
        for record in self.records:
            out.append(record.getMessage())
            out.append(repr(record.args))
            if record.exc_info and record.exc_info[1] is not None:
                out.append(str(record.exc_info[1]))
        return "\n".join(out)


@pytest.fixture
def all_logs() -> Iterator[_Collect]:
    """Every logger at DEBUG, including ones that do not propagate."""
    handler = _Collect()
    loggers = [logging.getLogger()] + [
        logger
        for logger in logging.Logger.manager.loggerDict.values()
        if isinstance(logger, logging.Logger)
    ]
    saved = [(logger, logger.level) for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.DEBUG)
        logger.addHandler(handler)
    saved_disable = logging.root.manager.disable
    logging.disable(logging.NOTSET)
    try:
        yield handler
    finally:
        logging.disable(saved_disable)
        for logger, level in saved:
            logger.setLevel(level)
            logger.removeHandler(handler)


def test_log_capture_works(all_logs: _Collect) -> None:
    logging.getLogger("bedrock_token_lite.test").debug("value %s", TOKEN)
    with pytest.raises(AssertionError, match="leaked"):
        _assert_clean(all_logs.text())


def test_no_secret_in_logs(all_logs: _Collect, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", ACCESS)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", SECRET)
    monkeypatch.setenv("AWS_SESSION_TOKEN", TOKEN)
    monkeypatch.delenv("AWS_SECURITY_TOKEN", raising=False)
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    tokens = [
        generate_token(CREDS, "us-east-1", now=NOW),
        generate_token(CREDS, "eu-west-1", expiry=900),
        provide_token("us-east-1", EnvProvider()),
        provide_token("us-west-2"),
        BedrockTokenGenerator().get_token(CREDS, "ap-south-1"),
    ]
    for name in sorted(BAD_CALLS):
        with contextlib.suppress(btl.BedrockTokenError):
            BAD_CALLS[name]()
    signatures = [btl_oracle.token_params(t)["X-Amz-Signature"] for t in tokens]
    text = all_logs.text()
    _assert_clean(text, *tokens, *signatures, *[t[len("bedrock-api-key-") :] for t in tokens])


# -- CLI stderr --------------------------------------------------------------------------


def _cli_env(home: Path, **extra: str) -> Dict[str, str]:
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(home),
        "LANG": "C.UTF-8",
        "AWS_CONFIG_FILE": str(home / "no-config"),
        "AWS_SHARED_CREDENTIALS_FILE": str(home / "no-credentials"),
        "AWS_EC2_METADATA_DISABLED": "true",
        "BOTO_CONFIG": str(home / "no-boto"),
        "AWS_ACCESS_KEY_ID": ACCESS,
        "AWS_SECRET_ACCESS_KEY": SECRET,
        "AWS_SESSION_TOKEN": TOKEN,
        "AWS_REGION": "us-east-1",
    }
    env.update(extra)
    return {k: v for k, v in env.items() if v != "<unset>"}


#: Tokens signed with the canaries, which ``inspect --check`` refuses: the error line
#: says why and must show neither the token, its signature nor its session token.
_EXPIRED_TOKEN = btl.generate_token(CREDS, "us-east-1", expiry=60, now=NOW)
_FUTURE_TOKEN = btl.generate_token(
    CREDS, "us-east-1", now=datetime.now(timezone.utc) + timedelta(days=1)
)
#: A long-term key whose secret is the canary, broken after it (nothing after a ':').
_BROKEN_LONG_TERM_KEY = "ABSK" + base64.b64encode(("bad alias " + SECRET + ":").encode()).decode()

CLI_ERRORS = {
    "inspect-check-expired": (["inspect", "--check", _EXPIRED_TOKEN], {}),
    "inspect-check-json-expired": (["inspect", "--check", "--json", _EXPIRED_TOKEN], {}),
    "inspect-check-future": (["inspect", "--check", "--min-valid", "1m", _FUTURE_TOKEN], {}),
    "inspect-broken-long-term-key": (["inspect", _BROKEN_LONG_TERM_KEY], {}),
    "bad-region": (["--region", "us east 1"], {}),
    "bad-region-newline": (["--region", "us-east-1\n"], {}),
    "bad-expiry": (["--expiry", "soon"], {}),
    "expiry-zero": (["--expiry", "0"], {}),
    "expiry-too-long": (["--expiry", "13h"], {}),
    "unknown-option": (["--secret", SECRET], {}),
    "stray-argument": ([TOKEN], {}),
    "missing-value": (["--region"], {}),
    "no-region": ([], {"AWS_REGION": "<unset>", "AWS_DEFAULT_REGION": "<unset>"}),
    "partial-env": ([], {"AWS_SECRET_ACCESS_KEY": "<unset>"}),
    "partial-env-empty-secret": ([], {"AWS_SECRET_ACCESS_KEY": ""}),
    "missing-profile": (["--profile", "does-not-exist"], {}),
}


@pytest.mark.parametrize("name", sample(sorted(CLI_ERRORS), every=3))
def test_cli_errors_hold_no_secret(name: str, tmp_path: Path) -> None:
    args, extra = CLI_ERRORS[name]
    proc = subprocess.run(
        [sys.executable, "-m", "bedrock_token_lite", *args],
        env=_cli_env(tmp_path, **extra),
        capture_output=True,
        text=True,
        timeout=30,
        cwd=str(tmp_path),
        check=False,
    )
    assert proc.returncode != 0
    if "--json" not in args:
        assert proc.stdout == ""
    assert proc.stderr.strip(), "an error must be explained"
    assert proc.stderr.count("\n") == 1
    assert "Traceback" not in proc.stderr
    if args and args[0] == "inspect":
        given = args[-1]
        _assert_clean(proc.stdout + proc.stderr, given, given[4:])
        if given in (_EXPIRED_TOKEN, _FUTURE_TOKEN):
            signature = btl_oracle.token_params(given)["X-Amz-Signature"]
            _assert_clean(proc.stdout + proc.stderr, signature)
    elif name in ("unknown-option", "stray-argument"):
        # The user typed it on the command line; echoing argv is acceptable, but
        # nothing beyond it may appear.
        _assert_clean(proc.stderr.replace(args[-1], "<argv>"))
    else:
        _assert_clean(proc.stderr)


def test_cli_success_keeps_stderr_empty(tmp_path: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "bedrock_token_lite", "--expiry", "15m"],
        env=_cli_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=30,
        cwd=str(tmp_path),
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == ""
    token = proc.stdout.strip()
    assert btl_oracle.token_params(token)["X-Amz-Security-Token"] == TOKEN
