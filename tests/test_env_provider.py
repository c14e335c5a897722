"""EnvProvider (spec section 5): ours against botocore's, in-process, same environ."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta, timezone
from typing import Any, Dict, Optional

import pytest
from _support import requires_botocore_143, sample

import bedrock_token_lite as btl

AK, SK, TOK = "AKIAEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "FwoGZXIvYXdzEXAMPLE"
BASE = {"AWS_ACCESS_KEY_ID": AK, "AWS_SECRET_ACCESS_KEY": SK}
EXP = "AWS_CREDENTIAL_EXPIRATION"


def at(seconds: float, fmt: str = "%Y-%m-%dT%H:%M:%SZ") -> str:
    """A timestamp ``seconds`` from now, in real time (botocore's clock is real)."""
    return (datetime.now(timezone.utc) + timedelta(seconds=seconds)).strftime(fmt)


# -- comparing outcomes -------------------------------------------------------

BOTOCORE_NAMED = ("PartialCredentialsError", "CredentialRetrievalError")


def assert_same_error(ours: BaseException, theirs: BaseException) -> None:
    """Same botocore class (by name, and its kwargs), or the builtin botocore leaks."""
    assert isinstance(ours, btl.BedrockTokenError), repr(ours)
    name = type(theirs).__name__
    if name in BOTOCORE_NAMED:
        assert name in [c.__name__ for c in type(ours).__mro__], (ours, theirs)
        for key, value in theirs.kwargs.items():  # type: ignore[attr-defined]
            if key != "error_msg":
                assert getattr(ours, key) == value, (key, ours, theirs)
        return
    if name == "ParserError":  # dateutil: a ValueError raised at once
        assert isinstance(ours, btl.ExpiryParseError)
        assert not isinstance(ours, TypeError)
        return
    builtin = next(c for c in type(theirs).__mro__ if c.__module__ == "builtins")
    assert isinstance(ours, builtin), (ours, theirs)
    if builtin is RuntimeError:
        assert "still expired" in str(theirs)
        assert isinstance(ours, btl.ExpiredCredentialsError)
        assert "still expired" in str(ours)


def observe(load: Any) -> Dict[str, Any]:
    """Load, then use: the stage that failed, or every field botocore exposes."""
    try:
        creds = load()
    except Exception as exc:
        return {"stage": "load", "error": exc}
    if creds is None:
        return {"stage": "none"}
    refreshable = hasattr(creds, "refresh_needed")
    expiry = getattr(creds, "_expiry_time", None) if refreshable else None
    if isinstance(creds, btl.RefreshableCredentials):
        expiry = creds.expiry
    result: Dict[str, Any] = {"method": creds.method, "refreshable": refreshable}
    try:
        frozen = creds.get_frozen_credentials()
    except Exception as exc:
        result.update(stage="use", error=exc)
        return result
    if isinstance(creds, btl.RefreshableCredentials):
        expiry = creds.expiry
    elif refreshable:
        expiry = creds._expiry_time
    result.update(
        stage="ok",
        values=(frozen.access_key, frozen.secret_key, frozen.token, frozen.account_id),
        expiry=expiry,
    )
    return result


def assert_same_outcome(ours: Dict[str, Any], theirs: Dict[str, Any]) -> None:
    ours, theirs = dict(ours), dict(theirs)
    ours_error, theirs_error = ours.pop("error", None), theirs.pop("error", None)
    if theirs_error is not None:
        assert ours_error is not None, (ours, theirs_error)
        assert_same_error(ours_error, theirs_error)
    else:
        assert ours_error is None, ours_error
    assert ours == theirs  # expiries compare as instants (aware datetimes)


# -- the cases of section 5 ---------------------------------------------------


def cases() -> Dict[str, Dict[str, str]]:
    return {
        "empty": {},
        "only_ak": {"AWS_ACCESS_KEY_ID": AK},
        "only_sk": {"AWS_SECRET_ACCESS_KEY": SK},
        "ak_empty": {"AWS_ACCESS_KEY_ID": "", "AWS_SECRET_ACCESS_KEY": SK},
        "sk_empty": {"AWS_ACCESS_KEY_ID": AK, "AWS_SECRET_ACCESS_KEY": ""},
        "both_empty": {"AWS_ACCESS_KEY_ID": "", "AWS_SECRET_ACCESS_KEY": ""},
        "static": dict(BASE),
        "session_token": dict(BASE, AWS_SESSION_TOKEN=TOK),
        "security_token": dict(BASE, AWS_SECURITY_TOKEN=TOK),
        "both_tokens": dict(BASE, AWS_SECURITY_TOKEN="SEC", AWS_SESSION_TOKEN="SES"),
        "security_empty": dict(BASE, AWS_SECURITY_TOKEN="", AWS_SESSION_TOKEN="SES"),
        "session_empty": dict(BASE, AWS_SESSION_TOKEN=""),
        "only_token": {"AWS_SESSION_TOKEN": TOK},
        "whitespace": {
            "AWS_ACCESS_KEY_ID": " AK ",
            "AWS_SECRET_ACCESS_KEY": "\tSK\n",
            "AWS_SESSION_TOKEN": " T ",
            "AWS_ACCOUNT_ID": " 1 ",
        },
        "whitespace_only_ak": {"AWS_ACCESS_KEY_ID": " ", "AWS_SECRET_ACCESS_KEY": SK},
        "account_id": dict(BASE, AWS_ACCOUNT_ID="123456789012"),
        "account_id_empty": dict(BASE, AWS_ACCOUNT_ID=""),
        "only_account_id": {"AWS_ACCOUNT_ID": "123456789012"},
        "exp_future": dict(BASE, AWS_SESSION_TOKEN=TOK, **{EXP: at(7200)}),
        "exp_future_fraction": dict(BASE, **{EXP: at(7200, "%Y-%m-%dT%H:%M:%S.1234567Z")}),
        "exp_future_offset": dict(BASE, **{EXP: at(7200, "%Y-%m-%dT%H:%M:%S") + "+05:30"}),
        "exp_future_neg_offset": dict(BASE, **{EXP: at(86400, "%Y-%m-%dT%H:%M:%S") + "-08:00"}),
        "exp_future_space": dict(BASE, **{EXP: at(7200, "%Y-%m-%d %H:%M:%S+00:00")}),
        "exp_future_rfc1123": dict(BASE, **{EXP: at(7200, "%a, %d %b %Y %H:%M:%S GMT")}),
        "exp_advisory": dict(BASE, **{EXP: at(720)}),
        "exp_mandatory": dict(BASE, **{EXP: at(300)}),
        "exp_past": dict(BASE, **{EXP: at(-3600)}),
        "exp_unparseable": dict(BASE, **{EXP: "soon"}),
        "exp_whitespace": dict(BASE, **{EXP: "   "}),
        "exp_naive": dict(BASE, **{EXP: "2099-01-01 00:00:00"}),
        "exp_date_only": dict(BASE, **{EXP: "2099-01-01"}),
        "exp_empty": dict(BASE, **{EXP: ""}),
        "exp_with_account": dict(BASE, AWS_ACCOUNT_ID="123456789012", **{EXP: at(7200)}),
        "exp_without_ak": {"AWS_SECRET_ACCESS_KEY": SK, EXP: "soon"},
        "exp_without_sk": {"AWS_ACCESS_KEY_ID": AK, EXP: at(7200)},
    }


@pytest.fixture(autouse=True)
def quiet_botocore(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.CRITICAL, logger="botocore")


@requires_botocore_143
@pytest.mark.parametrize("name", sample(sorted(cases())))
def test_matches_botocore(name: str) -> None:
    from botocore.credentials import EnvProvider

    environ = cases()[name]  # built now: expiries are relative to real time
    theirs = observe(EnvProvider(environ=dict(environ)).load)
    ours = observe(btl.EnvProvider(environ=dict(environ)).load)
    assert_same_outcome(ours, theirs)


EXPECTED_STAGES = {
    "empty": "none",
    "only_ak": "load",
    "only_sk": "none",
    "exp_past": "use",
    "exp_naive": "use",
    "exp_unparseable": "load",
    "exp_future": "ok",
    "exp_mandatory": "ok",
}


@pytest.mark.parametrize(("name", "stage"), sorted(EXPECTED_STAGES.items()))
def test_stage_of_each_outcome(name: str, stage: str) -> None:
    """Errors surface when botocore's do: at load, or on first use."""
    outcome = observe(btl.EnvProvider(environ=cases()[name]).load)
    assert outcome["stage"] == stage


def test_error_types() -> None:
    with pytest.raises(btl.PartialCredentialsError) as partial:
        btl.EnvProvider(environ={"AWS_ACCESS_KEY_ID": AK}).load()
    assert (partial.value.provider, partial.value.cred_var) == ("env", "AWS_SECRET_ACCESS_KEY")
    assert str(partial.value).startswith(
        "Partial credentials found in env, missing: AWS_SECRET_ACCESS_KEY"
    )
    with pytest.raises(btl.ExpiryParseError) as bad:
        btl.EnvProvider(environ=dict(BASE, **{EXP: "soon"})).load()
    assert isinstance(bad.value, ValueError)
    assert EXP in str(bad.value)
    creds = btl.EnvProvider(environ=dict(BASE, **{EXP: "2099-01-01T00:00:00"})).load()
    assert creds is not None
    with pytest.raises(btl.NaiveExpiryError) as naive:
        creds.get_frozen_credentials()
    assert isinstance(naive.value, TypeError)
    assert EXP in str(naive.value)
    assert "add Z" in str(naive.value)


# -- refresh: the environment is read again --------------------------------------


def refresh_changes() -> Dict[str, Dict[str, Optional[str]]]:
    return {
        "rotated": {
            "AWS_ACCESS_KEY_ID": "AKNEW",
            "AWS_SECRET_ACCESS_KEY": "SKNEW",
            "AWS_SESSION_TOKEN": "TNEW",
            EXP: at(7200),
        },
        "still_soon": {"AWS_ACCESS_KEY_ID": "AKNEW"},
        "expiration_removed": {EXP: None},
        "expiration_emptied": {EXP: ""},
        "access_key_removed": {"AWS_ACCESS_KEY_ID": None},
        "secret_removed": {"AWS_SECRET_ACCESS_KEY": None},
        "expiration_unparseable": {EXP: "later"},
        "expiration_naive": {EXP: "2099-01-01T00:00:00"},
        "expiration_past": {EXP: at(-60)},
        "account_added": {"AWS_ACCOUNT_ID": "210987654321", EXP: at(7200)},
        "token_removed": {"AWS_SESSION_TOKEN": None, EXP: at(7200)},
    }


def apply(environ: Dict[str, str], change: Dict[str, Optional[str]]) -> None:
    for key, value in change.items():
        if value is None:
            environ.pop(key, None)
        else:
            environ[key] = value


@requires_botocore_143
@pytest.mark.parametrize("change", sample(sorted(refresh_changes())))
def test_refresh_rereads_environ_like_botocore(change: str) -> None:
    from botocore.credentials import EnvProvider

    outcomes = []
    for provider_class in (btl.EnvProvider, EnvProvider):
        environ = dict(BASE, AWS_SESSION_TOKEN=TOK, **{EXP: at(300)})  # mandatory window
        creds = provider_class(environ=environ).load()
        assert creds.get_frozen_credentials().access_key == AK
        apply(environ, refresh_changes()[change])
        outcomes.append(observe(lambda creds=creds: creds))
    assert_same_outcome(outcomes[0], outcomes[1])


def test_refresh_error_names_the_variable() -> None:
    environ = dict(BASE, **{EXP: at(300)})
    creds = btl.EnvProvider(environ=environ).load()
    assert creds is not None
    del environ[EXP]
    with pytest.raises(btl.PartialCredentialsError) as info:
        creds.get_frozen_credentials()
    assert (info.value.provider, info.value.cred_var) == ("env", EXP)
    assert EXP in str(info.value)


def test_injected_clock_controls_the_refresh() -> None:
    now = [datetime(2030, 1, 1, tzinfo=timezone.utc)]
    environ = dict(BASE, **{EXP: "2030-01-01T01:00:00Z"})
    creds = btl.EnvProvider(environ=environ, clock=lambda: now[0]).load()
    assert isinstance(creds, btl.RefreshableCredentials)
    assert creds.expiry == datetime(2030, 1, 1, 1, tzinfo=timezone.utc)
    environ.update(AWS_ACCESS_KEY_ID="AKNEW", **{EXP: "2030-01-01T02:00:00Z"})
    assert creds.get_frozen_credentials().access_key == AK  # an hour left: no re-read
    now[0] += timedelta(minutes=46)  # 14 minutes left: advisory refresh
    frozen = creds.get_frozen_credentials()
    assert frozen.access_key == "AKNEW"
    assert frozen.expiry == datetime(2030, 1, 1, 2, tzinfo=timezone.utc)
    assert frozen.method == "env"


def test_default_environ_is_read_at_load(monkeypatch: pytest.MonkeyPatch) -> None:
    provider = btl.EnvProvider()
    for key in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"):
        monkeypatch.delenv(key, raising=False)
    monkeypatch.delenv("AWS_SECURITY_TOKEN", raising=False)
    monkeypatch.delenv(EXP, raising=False)
    monkeypatch.delenv("AWS_ACCOUNT_ID", raising=False)
    assert provider.load() is None
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", AK)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", SK)
    creds = provider.load()
    assert creds is not None
    assert creds.get_frozen_credentials().access_key == AK


def test_secrets_never_in_reprs_or_errors() -> None:
    environ = dict(BASE, AWS_SESSION_TOKEN=TOK, **{EXP: at(7200)})
    creds = btl.EnvProvider(environ=environ).load()
    assert creds is not None
    text = repr(creds) + str(creds) + repr(creds.get_frozen_credentials())
    errors = []
    for env in (
        {"AWS_ACCESS_KEY_ID": SK},
        dict(BASE, AWS_SESSION_TOKEN=TOK, **{EXP: "2099-01-01"}),
        dict(BASE, AWS_SESSION_TOKEN=TOK, **{EXP: "nope"}),
        dict(BASE, AWS_SESSION_TOKEN=TOK, **{EXP: at(-10)}),
    ):
        try:
            loaded = btl.EnvProvider(environ=env).load()
            assert loaded is not None
            loaded.get_frozen_credentials()
        except btl.BedrockTokenError as exc:
            errors.append(str(exc) + repr(exc))
    assert len(errors) == 4
    for blob in [text, *errors]:
        assert SK not in blob
        assert TOK not in blob


def test_naive_expiry_recovers_once_the_variable_is_fixed() -> None:
    """Deliberate difference: botocore keeps failing; we read the environment again."""
    environ = dict(BASE, **{EXP: "2099-01-01T00:00:00"})
    creds = btl.EnvProvider(environ=environ).load()
    assert creds is not None
    for _ in range(2):
        with pytest.raises(btl.NaiveExpiryError):
            creds.get_frozen_credentials()
    environ[EXP] = "2099-01-01T00:00:00Z"
    assert creds.get_frozen_credentials().expiry == datetime(2099, 1, 1, tzinfo=timezone.utc)
