"""TokenProvider: refresh windows with an injected clock, failures, forced refresh, concurrency."""

from __future__ import annotations

import asyncio
import logging
import subprocess
import sys
import threading
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, List, Optional

import pytest
from _support import requires_botocore

import bedrock_token_lite as btl
from bedrock_token_lite._provider import issue, resolve_region, session_config

T0 = datetime(2026, 6, 1, 12, 0, 0, tzinfo=timezone.utc)
SECRET = "secret-CANARY-2a8f1d"
SESSION = "session-CANARY-77e1b0"


class Clock:
    """A clock the test moves by hand (thread-safe enough: one writer)."""

    def __init__(self, now: datetime = T0) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **kwargs: float) -> None:
        self.now += timedelta(**kwargs)


class Source:
    """A credentials provider whose ``load()`` is counted and can be told to fail or stall."""

    def __init__(
        self,
        clock: Clock,
        lifetime: Optional[timedelta] = None,
        delay: float = 0.0,
        method: str = "test-source",
    ) -> None:
        self.clock = clock
        self.lifetime = lifetime
        self.delay = delay
        self.method = method
        self.loads = 0
        self.fail: Optional[BaseException] = None
        self.lock = threading.Lock()

    def load(self) -> btl.Credentials:
        with self.lock:
            self.loads += 1
            number = self.loads
        if self.delay:
            time.sleep(self.delay)
        if self.fail is not None:
            raise self.fail
        expiry = None if self.lifetime is None else self.clock() + self.lifetime
        return btl.Credentials("AKID%04d" % number, SECRET, SESSION, expiry, method=self.method)


def make(
    lifetime: Optional[timedelta] = None, delay: float = 0.0, **kwargs: Any
) -> tuple[btl.TokenProvider, Clock, Source]:
    clock = Clock()
    source = Source(clock, lifetime, delay)
    kwargs.setdefault("expiry", timedelta(hours=1))
    provider = btl.TokenProvider("us-east-1", credentials_provider=source, clock=clock, **kwargs)
    return provider, clock, source


def left(token: str, clock: Clock) -> timedelta:
    return btl.decode_token(token).expires_at - clock()


def test_caches_the_token_until_the_refresh_window() -> None:
    provider, clock, source = make()
    assert provider.expires_at is None
    first = provider()
    assert source.loads == 1
    assert provider.expires_at == T0 + timedelta(hours=1)
    assert provider.expiry_reason == "requested expiry"
    assert provider.credentials_method == "test-source"
    btl.verify_token(first, btl.Credentials("AKID0001", SECRET, SESSION), now=clock())
    # Advisory window: 2 x refresh_before = 10 minutes before the end.
    clock.advance(minutes=50)
    assert provider() == first  # exactly 10 min left: still fresh
    assert source.loads == 1
    clock.advance(seconds=1)
    second = provider()
    assert second != first
    assert source.loads == 2
    assert provider.expires_at == clock() + timedelta(hours=1)
    assert provider.token() == second
    assert source.loads == 2


def test_credential_expiry_earlier_than_token_expiry_limits_it() -> None:
    provider, clock, source = make(lifetime=timedelta(minutes=30), expiry=timedelta(hours=12))
    first = provider()
    assert provider.expires_at == T0 + timedelta(minutes=30)
    assert provider.expiry_reason == "credential expiry"
    clock.advance(minutes=20)  # exactly 10 min before the credentials expire
    assert provider() == first
    clock.advance(seconds=1)
    assert provider() != first
    assert source.loads == 2
    assert provider.expires_at == clock() + timedelta(minutes=30)


def test_never_returns_a_token_with_less_than_refresh_before_left() -> None:
    provider, clock, source = make(lifetime=timedelta(minutes=30))
    for _ in range(200):
        token = provider()
        assert left(token, clock) >= timedelta(minutes=5)
        assert provider.expires_at is not None
        assert provider.expires_at - clock() >= timedelta(minutes=5)
        clock.advance(seconds=37)
    assert 5 <= source.loads <= 10


def test_a_failed_refresh_keeps_serving_a_valid_token_and_backs_off(
    caplog: pytest.LogCaptureFixture,
) -> None:
    provider, clock, source = make()
    first = provider()
    clock.advance(minutes=52)  # advisory: 8 min left
    source.fail = btl.CredentialsError("the source is down")
    with caplog.at_level(logging.WARNING, logger="bedrock_token_lite"):
        assert provider() == first
    assert source.loads == 2
    assert "CredentialsError" in caplog.text
    for secret in (SECRET, SESSION, first):
        assert secret not in caplog.text
    # backoff: 1 s, then 2 s, then 4 s ...
    assert provider() == first
    assert source.loads == 2
    clock.advance(seconds=1)
    assert provider() == first
    assert source.loads == 3
    clock.advance(seconds=1)
    assert provider() == first
    assert source.loads == 3
    clock.advance(seconds=1)
    assert provider() == first
    assert source.loads == 4
    # It recovers, and the backoff resets.
    source.fail = None
    clock.advance(seconds=4)
    second = provider()
    assert second != first
    assert source.loads == 5


def test_a_failed_refresh_without_a_valid_token_raises() -> None:
    provider, clock, source = make()
    source.fail = btl.NoCredentialsError()
    with pytest.raises(btl.NoCredentialsError):
        provider()
    with pytest.raises(btl.NoCredentialsError):
        provider()  # no backoff when nothing can be served: each call tries
    assert source.loads == 2
    source.fail = None
    first = provider()
    clock.advance(minutes=55, seconds=1)  # mandatory: under 5 min left
    source.fail = btl.CredentialsError("down")
    with pytest.raises(btl.CredentialsError):
        provider()
    source.fail = None
    assert provider() != first


def test_refresh_forces_a_new_token() -> None:
    provider, clock, source = make()
    first = provider()
    clock.advance(seconds=1)
    second = provider.refresh()
    assert second != first
    assert source.loads == 2
    assert provider() == second
    source.fail = btl.CredentialsError("down")
    with pytest.raises(btl.CredentialsError):
        provider.refresh()
    assert provider() == second  # the current token stays in use


def test_credentials_that_expire_too_soon_are_an_error() -> None:
    provider, _clock, _source = make(lifetime=timedelta(minutes=4))
    with pytest.raises(btl.CredentialsError) as caught:
        provider()
    assert "refresh_before" in str(caught.value)
    assert SECRET not in str(caught.value)


def test_soon_expiring_credentials_do_not_cause_a_refresh_storm() -> None:
    # Credentials good for 8 minutes: every token is in the advisory window at once.
    provider, clock, source = make(lifetime=timedelta(minutes=8))
    provider()
    for _ in range(50):
        provider()
    assert source.loads == 1
    clock.advance(seconds=1)
    provider()
    assert source.loads == 2


def test_repr_and_validation() -> None:
    provider, _clock, _source = make()
    token = provider()
    text = repr(provider)
    assert token not in text
    assert "us-east-1" in text
    assert SECRET not in text
    with pytest.raises(btl.InvalidParameterError):
        btl.TokenProvider("us-east-1", refresh_before=timedelta(hours=1), expiry=3600)
    with pytest.raises(btl.InvalidParameterError):
        btl.TokenProvider("us-east-1", refresh_before=-1)
    with pytest.raises(btl.InvalidParameterError):
        btl.TokenProvider("us-east-1", expiry=timedelta(hours=13))
    with pytest.raises(btl.InvalidParameterError):
        btl.TokenProvider("not a region")
    naive = btl.TokenProvider(
        "us-east-1", credentials_provider=Source(Clock()), clock=lambda: datetime(2026, 1, 1)
    )
    with pytest.raises(btl.InvalidParameterError):
        naive()


def test_region_from_the_profile_as_provide_token_finds_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("AWS_REGION", "AWS_DEFAULT_REGION", "AWS_PROFILE", "AWS_DEFAULT_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    config = tmp_path / "config"
    config.write_text("[default]\nregion = eu-south-1\n[profile dev]\nregion = me-central-1\n")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(config))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))
    source = Source(Clock())
    provider = btl.TokenProvider(credentials_provider=source)
    assert (provider.region, provider.region_source) == ("eu-south-1", "profile default")
    dev = btl.TokenProvider(profile="dev", credentials_provider=source)
    assert (dev.region, dev.region_source) == ("me-central-1", "profile dev")
    with pytest.raises(btl.ProfileNotFound):
        btl.TokenProvider(profile="ghost", credentials_provider=source)


def test_region_and_credentials_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("AWS_REGION", "AWS_DEFAULT_REGION", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    with pytest.raises(btl.InvalidParameterError):
        btl.TokenProvider()
    monkeypatch.setenv("AWS_DEFAULT_REGION", "eu-north-1")
    assert resolve_region(None, session_config()) == ("eu-north-1", "AWS_DEFAULT_REGION")
    monkeypatch.setenv("AWS_REGION", "eu-west-1")
    assert resolve_region(None, session_config()) == ("eu-west-1", "AWS_REGION")
    assert resolve_region("ca-central-1", session_config()) == ("ca-central-1", "argument")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIDENV")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", SECRET)
    provider = btl.TokenProvider()
    assert provider.region == "eu-west-1"
    assert provider.region_source == "AWS_REGION"
    info = btl.verify_token(provider(), btl.Credentials("AKIDENV", SECRET))
    assert info.region == "eu-west-1"
    assert provider.credentials_method == "env"


def test_issue_reports_why_a_token_expires() -> None:
    plain = issue(btl.Credentials("AKID", SECRET), "us-east-1", 900, T0)
    assert plain.reason == "requested expiry"
    assert plain.valid_until == T0 + timedelta(seconds=900)
    assert plain.method == "explicit"
    later = issue(
        btl.Credentials("AKID", SECRET, expiry=T0 + timedelta(hours=1)), "us-east-1", 900, T0
    )
    assert later.reason == "requested expiry"
    sooner = issue(
        btl.Credentials("AKID", SECRET, expiry=T0 + timedelta(minutes=10)), "us-east-1", 900, T0
    )
    assert sooner.reason == "credential expiry"
    assert sooner.valid_until == T0 + timedelta(minutes=10)
    assert sooner.token not in repr(sooner)


@requires_botocore
def test_botocore_refreshable_credentials_limit_the_token() -> None:
    """botocore's RefreshableCredentials: their expiry is honoured, their snapshot signs."""
    from botocore.credentials import RefreshableCredentials

    expiry = datetime.now(timezone.utc) + timedelta(hours=2)
    creds = RefreshableCredentials(
        "AKIDBOTO", SECRET, SESSION, expiry, refresh_using=lambda: {}, method="sts-assume-role"
    )

    class Provider:
        def load(self) -> Any:
            return creds

    provider = btl.TokenProvider("us-east-1", credentials_provider=Provider())
    token = provider()
    assert provider.expires_at == expiry
    assert provider.expiry_reason == "credential expiry"
    assert provider.credentials_method == "sts-assume-role"
    btl.verify_token(token, btl.Credentials("AKIDBOTO", SECRET, SESSION))


# -- concurrency -----------------------------------------------------------------


def _hammer(provider: btl.TokenProvider, clock: Clock, threads: int) -> List[str]:
    results: List[str] = []
    errors: List[BaseException] = []
    start = threading.Barrier(threads)
    lock = threading.Lock()

    def run() -> None:
        try:
            start.wait(timeout=10)
            for _ in range(20):
                token = provider()
                ok = btl.decode_token(token).expires_at - clock() >= provider.refresh_before
                with lock:
                    results.append(token)
                    if not ok:
                        errors.append(AssertionError("a token with too little time left"))
        except BaseException as exc:  # pragma: no cover - reported below
            with lock:
                errors.append(exc)

    workers = [threading.Thread(target=run) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=30)
    assert not any(w.is_alive() for w in workers)
    assert not errors, errors[:3]
    return results


def test_many_threads_one_refresh_per_window() -> None:
    provider, clock, source = make(delay=0.05)
    # No token yet: everybody waits for the single first refresh.
    first = set(_hammer(provider, clock, 32))
    assert source.loads == 1
    assert len(first) == 1
    # Advisory window: one caller refreshes, the others keep getting the old token.
    clock.advance(minutes=52)
    second = set(_hammer(provider, clock, 32))
    assert source.loads == 2
    assert first < second
    assert len(second) == 2
    # Past the end: everybody waits for the single refresh again.
    clock.advance(hours=2)
    third = set(_hammer(provider, clock, 32))
    assert source.loads == 3
    assert len(third) == 1
    assert not third & second


def test_threads_and_asyncio_tasks_share_one_refresh_and_the_loop_keeps_running() -> None:
    provider, clock, source = make(delay=0.3)
    ticks = 0
    thread_tokens: List[str] = []

    async def ticker(stop: asyncio.Event) -> None:
        nonlocal ticks
        while not stop.is_set():
            ticks += 1
            await asyncio.sleep(0.01)

    async def main() -> List[str]:
        stop = asyncio.Event()
        tick = asyncio.ensure_future(ticker(stop))
        threads = [
            threading.Thread(target=lambda: thread_tokens.append(provider())) for _ in range(12)
        ]
        for thread in threads:
            thread.start()
        tokens = await asyncio.gather(*[provider.async_token() for _ in range(24)])
        for thread in threads:
            thread.join(timeout=10)
        # Mandatory refresh again, this time led by a task.
        clock.advance(hours=1)
        more = await asyncio.gather(*[provider.async_token() for _ in range(24)])
        stop.set()
        await tick
        return list(tokens) + list(more)

    tokens = asyncio.run(main())
    assert source.loads == 2
    assert len(set(tokens[:24]) | set(thread_tokens)) == 1
    assert len(set(tokens[24:])) == 1
    assert tokens[0] != tokens[-1]
    # Two refreshes of 0.3 s each: a blocked loop would have ticked only a few times.
    assert ticks >= 20


def test_async_refresh_and_advisory_failure() -> None:
    provider, clock, source = make()

    async def main() -> None:
        first = await provider.async_token()
        second = await provider.async_refresh()
        assert first != second or source.loads == 2
        clock.advance(minutes=52)
        source.fail = btl.CredentialsError("down")
        assert await provider.async_token() == second
        clock.advance(minutes=5)  # mandatory now
        with pytest.raises(btl.CredentialsError):
            await provider.async_token()

    asyncio.run(main())


def test_importing_the_package_does_not_import_threading_or_asyncio() -> None:
    code = (
        "import sys, typing, datetime\n"
        "before = set(sys.modules)\n"
        "import bedrock_token_lite\n"
        "heavy = {'json', 'configparser', 'subprocess', 'argparse', 'urllib.request',\n"
        "         'http.client', 'xml', 'email', 're', 'threading', 'socket', 'ssl',\n"
        "         'asyncio', 'logging', 'botocore', 'requests', 'httpx', 'hmac', 'signal'}\n"
        "print(sorted((set(sys.modules) - before) & heavy))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    assert out.stdout.strip() == "[]"


def test_refresh_before_zero_never_hands_out_an_expired_token() -> None:
    provider, clock, source = make(refresh_before=0)
    first = provider()
    clock.advance(minutes=59, seconds=59)
    assert provider() == first  # one second left: still served
    clock.advance(seconds=1)  # the expiry instant itself: a new token
    assert provider() != first
    assert source.loads == 2
