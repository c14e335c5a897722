"""The parsed-file cache and the one-read-per-resolution path of ``provide_token``.

Real files in a temporary HOME; timestamps are set with ``os.utime`` so the
cache may trust them (a file modified in the last second is never cached).
"""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path
from typing import Dict

import pytest
from _support import ROOT, requires_botocore_143

import bedrock_token_lite as btl
from bedrock_token_lite._config import ini as _ini
from bedrock_token_lite._errors import ConfigNotFound, ConfigParseError

OLD = 1_600_000_000  # a modification time far in the past, in seconds


def _write(path: Path, text: str, mtime: int = OLD) -> None:
    path.write_text(text)
    os.utime(str(path), (mtime, mtime))


def _creds(key: str, secret: str = "s" * 40) -> str:
    return "[default]\naws_access_key_id = %s\naws_secret_access_key = %s\n" % (key, secret)


@pytest.fixture
def home(tmp_path: Path) -> Path:
    (tmp_path / ".aws").mkdir()
    _ini.clear_cache()
    return tmp_path


def _env(home: Path, **extra: str) -> Dict[str, str]:
    env = {"HOME": str(home), "AWS_EC2_METADATA_DISABLED": "true"}
    env.update(extra)
    return env


def test_unchanged_file_is_parsed_once(home: Path) -> None:
    path = home / ".aws" / "credentials"
    _write(path, _creds("AKIDFIRST"))
    before = _ini.parse_count
    for _ in range(3):
        assert btl.resolve_credentials(environ=_env(home)).access_key == "AKIDFIRST"
    assert _ini.parse_count - before == 1


def test_recently_modified_file_is_not_trusted(home: Path) -> None:
    path = home / ".aws" / "credentials"
    path.write_text(_creds("AKIDFRESH"))  # mtime: now
    before = _ini.parse_count
    for _ in range(3):
        _ini.raw_config_parse(str(path))
    assert _ini.parse_count - before == 3


@pytest.mark.parametrize("new_key", ["AKIDSECOND", "AKIDLONGERKEY2"], ids=["same-size", "resized"])
def test_rewritten_file_is_read_again(home: Path, new_key: str) -> None:
    path = home / ".aws" / "credentials"
    _write(path, _creds("AKIDFIRST1"))
    inode = path.stat().st_ino
    assert btl.resolve_credentials(environ=_env(home)).access_key == "AKIDFIRST1"
    with open(str(path), "r+") as f:  # in place: same inode
        f.write(_creds(new_key))
        f.truncate()
    os.utime(str(path), (OLD + 1, OLD + 1))  # the bump a rewrite makes
    assert path.stat().st_ino == inode
    assert (path.stat().st_size == len(_creds("AKIDFIRST1"))) == (new_key == "AKIDSECOND")
    assert btl.resolve_credentials(environ=_env(home)).access_key == new_key


def test_replaced_file_with_same_times_is_read_again(home: Path) -> None:
    path = home / ".aws" / "credentials"
    _write(path, _creds("AKIDFIRST1"))
    assert btl.resolve_credentials(environ=_env(home)).access_key == "AKIDFIRST1"
    other = home / ".aws" / "new"
    _write(other, _creds("AKIDOTHER1"))  # same size and mtime, another inode
    os.replace(str(other), str(path))
    assert btl.resolve_credentials(environ=_env(home)).access_key == "AKIDOTHER1"


def test_deleted_file_is_noticed(home: Path) -> None:
    path = home / ".aws" / "credentials"
    _write(path, _creds("AKIDFIRST"))
    _ini.raw_config_parse(str(path))
    assert btl.resolve_credentials(environ=_env(home)).access_key == "AKIDFIRST"
    path.unlink()
    with pytest.raises(ConfigNotFound):
        _ini.raw_config_parse(str(path))
    with pytest.raises(btl.NoCredentialsError):
        btl.resolve_credentials(environ=_env(home))


def test_broken_rewrite_raises_even_with_env_credentials(home: Path) -> None:
    path = home / ".aws" / "credentials"
    _write(path, _creds("AKIDFIRST"))
    env = _env(home, AWS_ACCESS_KEY_ID="AKIDENV", AWS_SECRET_ACCESS_KEY="e" * 40)
    assert btl.resolve_credentials(environ=env).access_key == "AKIDENV"
    _write(path, "not ini at all\n", OLD + 5)
    with pytest.raises(ConfigParseError):  # botocore's eager phase parses the files
        btl.resolve_credentials(environ=env)


def test_callers_cannot_modify_the_cache(home: Path) -> None:
    path = home / ".aws" / "config"
    _write(path, "[profile a]\nregion = r1\ns3 =\n  addressing_style = path\n")
    for read in (_ini.raw_config_parse, _ini.load_config):
        first = read(str(path))
        first.clear()
    raw = _ini.raw_config_parse(str(path))
    raw["profile a"]["region"] = "changed"
    raw["profile a"]["s3"]["addressing_style"] = "changed"
    mapped = _ini.load_config(str(path))
    mapped["profiles"]["a"]["s3"]["addressing_style"] = "changed"
    assert _ini.raw_config_parse(str(path)) == {
        "profile a": {"region": "r1", "s3": {"addressing_style": "path"}}
    }
    assert _ini.load_config(str(path))["profiles"] == {
        "a": {"region": "r1", "s3": {"addressing_style": "path"}}
    }


def test_cache_is_bounded(home: Path) -> None:
    for i in range(_ini._CACHE_MAX + 5):
        path = home / ("f%d" % i)
        _write(path, "[s]\nk = %d\n" % i)
        assert _ini.raw_config_parse(str(path)) == {"s": {"k": str(i)}}
    assert len(_ini._CACHE) == _ini._CACHE_MAX


def test_one_parse_per_file_per_resolution(home: Path) -> None:
    _write(home / ".aws" / "credentials", _creds("AKIDFIRST"))
    _write(home / ".aws" / "config", "[default]\nregion = eu-west-3\n")
    env = _env(home)
    before = _ini.parse_count
    assert btl.resolve_region(environ=env) == "eu-west-3"
    assert btl.resolve_credentials(environ=env).access_key == "AKIDFIRST"
    assert _ini.parse_count - before == 2  # each file once (then from the cache)


def test_warm_provide_token_imports_no_parser(home: Path) -> None:
    _write(home / ".aws" / "credentials", _creds("AKIDFIRST"))
    code = (
        "import sys, bedrock_token_lite as b\n"
        "b.provide_token()\n"
        "for m in ('configparser', 'shlex', 'copy'): sys.modules.pop(m, None)\n"
        "t = b.provide_token()\n"
        "print(sorted(m for m in ('configparser', 'shlex', 'copy') if m in sys.modules))\n"
    )
    env = dict(_env(home), AWS_REGION="us-east-1", PATH=os.environ.get("PATH", ""))
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, cwd=str(ROOT), capture_output=True, timeout=60
    )
    assert out.returncode == 0, out.stderr.decode()
    assert out.stdout.decode().strip() == "[]"


@requires_botocore_143
def test_rewrites_match_botocore(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Same files, same frozen clock: our token equals the official generator's after rewrites."""
    import botocore.session
    from aws_bedrock_token_generator import BedrockTokenGenerator as Official

    for name in list(os.environ):
        if name.startswith("AWS_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    path = home / ".aws" / "credentials"
    now = datetime(2026, 1, 2, 3, 4, 5, tzinfo=timezone.utc)
    for i, text in enumerate(
        [
            _creds("AKIDFIRST1"),
            _creds("AKIDSECOND") + "aws_session_token = tok\n",
            "[default]\naws_access_key_id = AKIDTHIRD\naws_secret_access_key = x\n",
        ]
    ):
        _write(path, text, OLD + i)
        ours = btl.resolve_credentials()
        theirs = botocore.session.Session().get_credentials().get_frozen_credentials()
        assert (ours.access_key, ours.secret_key, ours.token) == tuple(theirs)[:3]
        official = Official().get_token(theirs, "us-west-2")  # signs at the real clock
        assert official.startswith("bedrock-api-key-")
        assert btl.generate_token(ours, "us-west-2", now=now) == btl.generate_token(
            theirs, "us-west-2", now=now
        )
