#!/usr/bin/env python3
"""Measure bedrock-token-lite against botocore and aws-bedrock-token-generator.

One run measures every contender side by side and prints markdown tables:

1. per-token cost (in process), with a bare-primitives floor;
2. import time (``-X importtime`` and wall clock, fresh subprocesses);
3. CLI cold start with environment credentials (fresh subprocesses, interleaved);
4. installed size;
5. ``provide_token()`` from a credentials file, credential resolution included;
6. 20 consecutive commands with an assume-role profile against a loopback STS:
   STS calls and the cost of a call served from the AWS CLI's role cache.

Usage::

    python benchmarks/bench.py            # full run (about two minutes)
    python benchmarks/bench.py --quick    # tiny iteration counts (a smoke run)
    python benchmarks/bench.py --json results.json --output RESULTS.md

Every figure is the median over repeated runs, after a warm-up.  The example
credentials are fake; no token, secret or signature is ever printed.
"""

from __future__ import annotations

import argparse
import base64
import gc
import hashlib
import hmac
import json
import os
import platform
import random
import statistics
import subprocess
import sys
import tempfile
import time
from binascii import b2a_base64
from datetime import datetime, timedelta, timezone
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple

import bedrock_token_lite as btl
from bedrock_token_lite import sigv4

REGION = "us-east-1"
ACCESS_KEY = "ASIAEXAMPLEEXAMPLE12"
SECRET_KEY = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
TOKEN_PREFIX = "bedrock-api-key-"
BASE_INSTANT = datetime(2026, 1, 15, 0, 0, 0, tzinfo=timezone.utc)
#: Modules that importing bedrock_token_lite must not load.
HEAVY_MODULES = ("urllib.request", "json", "configparser", "subprocess", "argparse")

# Row labels: tests/test_benchmark_smoke.py looks for these.
ROW_OURS = "bedrock_token_lite.generate_token"
ROW_OURS_CLOCK = "bedrock_token_lite.generate_token, now=None"
ROW_OURS_NEW_TOKEN = "bedrock_token_lite.generate_token, a new session token each call"
ROW_BOTOCORE = "botocore AWSRequest + SigV4QueryAuth.add_auth + base64"
ROW_OFFICIAL = "aws_bedrock_token_generator._generate_token"
ROW_PRIMITIVES = "bare primitives (SHA-256 + HMAC-SHA256 + base64)"
ROW_SHA = "  SHA-256 hex of the canonical request"
ROW_HMAC = "  HMAC-SHA256 hex of the string to sign (cached key)"
ROW_B64 = "  base64 of the URL"
ROW_PASS = "python -c pass"
ROW_CLI = "bedrock-token --region us-east-1"
ROW_MODULE = "python -m bedrock_token_lite --region us-east-1"
ROW_MODULE_EMPTY = "python -m of an empty module (runpy alone)"
ROW_CLI_FILE = "bedrock-token, credentials from ~/.aws/credentials"
ROW_OFFICIAL_CLI = "python -c 'from aws_bedrock_token_generator import provide_token; ...'"
ROW_FILE_OURS = "bedrock_token_lite.provide_token()"
ROW_FILE_OFFICIAL = "aws_bedrock_token_generator.provide_token()"
NA_CHAIN = "n/a (credential chain not merged yet)"
ROW_ROLE_OURS = "bedrock-token, assume-role profile (role cache)"
ROW_ROLE_NO_CACHE = "bedrock-token --no-cache, assume-role profile"
ROW_ROLE_OFFICIAL = "official provide_token() in python -c, assume-role profile"
ROLE_ARN = "arn:aws:iam::123456789012:role/bench-role"

FULL = {
    "repeats": 15,
    "min_time": 0.2,
    "import_runs": 21,
    "cli_runs": 25,
    "file_min_time": 0.3,
    "warm_up_processes": True,
    "role_commands": 20,
}
QUICK = {
    "repeats": 3,
    "min_time": 0.005,
    "import_runs": 1,
    "cli_runs": 1,
    "file_min_time": 0.01,
    "warm_up_processes": False,
    "role_commands": 3,
}


# --------------------------------------------------------------------------
# Inputs
# --------------------------------------------------------------------------


def session_token(length: int = 600) -> str:
    """A realistic STS-like session token: base64 text with '/', '+' and a '=' tail."""
    rng = random.Random(20260115)
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
    head = "IQoJb3JpZ2luX2VjE/+"
    body = "".join(rng.choice(alphabet) for _ in range(length - len(head) - 2))
    return head + body + "=="


TOKEN = session_token()


def env_base(home: str) -> Dict[str, str]:
    """A minimal, isolated environment for child processes (no AWS_* from the caller)."""
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": home, "LANG": "C.UTF-8"}
    # Keep the interpreter choice stable under pyenv without leaking anything else.
    for name in ("PYENV_VERSION", "PYENV_ROOT", "SYSTEMROOT"):
        if name in os.environ:
            env[name] = os.environ[name]
    env["AWS_EC2_METADATA_DISABLED"] = "true"
    env["AWS_CONFIG_FILE"] = os.path.join(home, ".aws", "config")
    env["AWS_SHARED_CREDENTIALS_FILE"] = os.path.join(home, ".aws", "credentials")
    env["BOTO_CONFIG"] = os.path.join(home, "no-boto-config")
    return env


def has_module(name: str) -> bool:
    try:
        __import__(name)
    except ImportError:
        return False
    return True


# --------------------------------------------------------------------------
# Timing helpers
# --------------------------------------------------------------------------

Runner = Callable[[int], float]  # run n calls, return elapsed seconds


def calibrate(run: Runner, min_time: float) -> int:
    """Smallest n in 1, 2, 5, 10, 20, 50, ... whose run takes at least min_time (timeit's rule)."""
    n = 1
    while True:
        for factor in (1, 2, 5):
            count = n * factor
            if run(count) >= min_time:
                return count
        n *= 10


def interleaved(
    runners: Dict[str, Runner], repeats: int, min_time: float
) -> Dict[str, Dict[str, Any]]:
    """Per-call seconds of each runner: calibrate (doubles as warm-up), then repeat round-robin."""
    counts = {name: calibrate(run, min_time) for name, run in runners.items()}
    samples: Dict[str, List[float]] = {name: [] for name in runners}
    names = list(runners)
    for rep in range(repeats):
        order = names[rep % len(names) :] + names[: rep % len(names)]
        for name in order:
            gc_was_enabled = gc.isenabled()
            gc.disable()
            try:
                elapsed = runners[name](counts[name])
            finally:
                if gc_was_enabled:
                    gc.enable()
            samples[name].append(elapsed / counts[name])
    return {
        name: {
            "per_call_s": samples[name],
            "median_s": statistics.median(samples[name]),
            "min_s": min(samples[name]),
            "calls_per_repeat": counts[name],
        }
        for name in names
    }


def run_timed(
    cmd: Sequence[str], env: Dict[str, str], expect_token: bool, cwd: Optional[str] = None
) -> Tuple[float, str]:
    """Wall-clock seconds of one subprocess; checks it succeeded (never shows its output)."""
    start = time.perf_counter()
    proc = subprocess.run(cmd, env=env, capture_output=True, timeout=120, cwd=cwd)
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        raise RuntimeError(
            "benchmark command %r exited %d: %s"
            % (" ".join(cmd[-3:]), proc.returncode, proc.stderr.decode(errors="replace")[-500:])
        )
    out = proc.stdout.decode()
    if expect_token and not out.startswith(TOKEN_PREFIX):
        raise RuntimeError("benchmark command %r did not print a token" % (" ".join(cmd[-3:]),))
    return elapsed, proc.stderr.decode()


def median(values: Sequence[float]) -> float:
    return statistics.median(values)


# --------------------------------------------------------------------------
# 1. Per-token cost
# --------------------------------------------------------------------------


def token_url(token: str) -> str:
    return base64.b64decode(token[len(TOKEN_PREFIX) :]).decode()


def bench_per_token(cfg: Dict[str, Any]) -> Dict[str, Any]:
    creds = btl.Credentials(ACCESS_KEY, SECRET_KEY, TOKEN)
    generate = btl.generate_token
    offset = [0]

    def ours(n: int) -> float:
        start = offset[0]
        offset[0] += n
        nows = [BASE_INSTANT + timedelta(seconds=start + i) for i in range(n)]
        t0 = time.perf_counter()
        for now in nows:
            generate(creds, REGION, now=now)
        return time.perf_counter() - t0

    def ours_new_token(n: int) -> float:
        # Nothing that depends on the session token can be reused: its percent-encoding
        # and the fixed parts of the canonical request and URL are rebuilt every call.
        start = offset[0]
        offset[0] += n
        pairs = [
            (
                btl.Credentials(ACCESS_KEY, SECRET_KEY, TOKEN[:-8] + "%08d" % (start + i)),
                BASE_INSTANT + timedelta(seconds=start + i),
            )
            for i in range(n)
        ]
        t0 = time.perf_counter()
        for fresh, now in pairs:
            generate(fresh, REGION, now=now)
        return time.perf_counter() - t0

    def ours_clock(n: int) -> float:
        t0 = time.perf_counter()
        for _ in range(n):
            generate(creds, REGION)
        return time.perf_counter() - t0

    # The real canonical request, string to sign and URL of this token.
    signed = sigv4.presign(
        "POST",
        "https://bedrock.amazonaws.com/?Action=CallWithBearerToken",
        credentials=creds,
        region=REGION,
        service="bedrock",
        now=BASE_INSTANT,
        expires_in=43200,
    )
    url = signed.url[len("https://") :] + "&Version=1"
    check = generate(creds, REGION, now=BASE_INSTANT)
    if token_url(check) != url:
        raise RuntimeError("sigv4.presign and generate_token disagree; fix the package first")
    canonical = signed.canonical_request.encode()
    to_sign = signed.string_to_sign.encode()
    url_bytes = url.encode()
    key = sigv4.signing_key(SECRET_KEY, BASE_INSTANT.strftime("%Y%m%d"), REGION, "bedrock")
    sha256 = hashlib.sha256
    digest = hmac.digest

    def primitives(n: int) -> float:
        t0 = time.perf_counter()
        for _ in range(n):
            sha256(canonical).hexdigest()
            digest(key, to_sign, "sha256").hex()
            b2a_base64(url_bytes, newline=False)
        return time.perf_counter() - t0

    def sha_only(n: int) -> float:
        t0 = time.perf_counter()
        for _ in range(n):
            sha256(canonical).hexdigest()
        return time.perf_counter() - t0

    def hmac_only(n: int) -> float:
        t0 = time.perf_counter()
        for _ in range(n):
            digest(key, to_sign, "sha256").hex()
        return time.perf_counter() - t0

    def b64_only(n: int) -> float:
        t0 = time.perf_counter()
        for _ in range(n):
            b2a_base64(url_bytes, newline=False)
        return time.perf_counter() - t0

    runners: Dict[str, Runner] = {
        ROW_OURS: ours,
        ROW_OURS_CLOCK: ours_clock,
        ROW_OURS_NEW_TOKEN: ours_new_token,
        ROW_PRIMITIVES: primitives,
        ROW_SHA: sha_only,
        ROW_HMAC: hmac_only,
        ROW_B64: b64_only,
    }
    identical: Optional[bool] = None
    botocore_version = None
    if has_module("botocore"):
        import botocore
        from botocore.auth import SigV4QueryAuth
        from botocore.awsrequest import AWSRequest
        from botocore.credentials import Credentials as BotoCredentials

        botocore_version = botocore.__version__
        bcreds = BotoCredentials(ACCESS_KEY, SECRET_KEY, TOKEN)

        def botocore_token() -> str:
            request = AWSRequest(
                method="POST",
                url="https://bedrock.amazonaws.com/",
                headers={"host": "bedrock.amazonaws.com"},
                params={"Action": "CallWithBearerToken"},
            )
            SigV4QueryAuth(bcreds, "bedrock", REGION, expires=43200).add_auth(request)
            presigned = request.url.replace("https://", "") + "&Version=1"
            return TOKEN_PREFIX + base64.b64encode(presigned.encode("utf-8")).decode("utf-8")

        def botocore_path(n: int) -> float:
            t0 = time.perf_counter()
            for _ in range(n):
                botocore_token()
            return time.perf_counter() - t0

        runners[ROW_BOTOCORE] = botocore_path
        # Same instant, same bytes: read botocore's X-Amz-Date back and sign it ourselves.
        theirs = botocore_token()
        stamp = token_url(theirs).split("X-Amz-Date=")[1][:16]
        instant = datetime.strptime(stamp, "%Y%m%dT%H%M%SZ").replace(tzinfo=timezone.utc)
        identical = generate(creds, REGION, now=instant, expiry=43200) == theirs

        try:
            from aws_bedrock_token_generator.token_generator import _generate_token
        except ImportError:
            _generate_token = None
        if _generate_token is not None:
            official = _generate_token

            def official_path(n: int) -> float:
                t0 = time.perf_counter()
                for _ in range(n):
                    official(bcreds, REGION, 43200)
                return time.perf_counter() - t0

            runners[ROW_OFFICIAL] = official_path

    results = interleaved(runners, cfg["repeats"], cfg["min_time"])
    return {
        "rows": results,
        "identical_to_botocore": identical,
        "botocore_version": botocore_version,
        "canonical_request_bytes": len(canonical),
        "string_to_sign_bytes": len(to_sign),
        "url_bytes": len(url_bytes),
        "token_chars": len(check),
        "session_token_chars": len(TOKEN),
    }


# --------------------------------------------------------------------------
# 2. Import time
# --------------------------------------------------------------------------


def parse_importtime(stderr: str, module: str) -> float:
    """Seconds: sum of the cumulative column of the top-level lines for ``module``.

    ``import a.b`` imports ``a`` then ``a.b`` from the top level, so both count.
    """
    parts = module.split(".")
    wanted = {".".join(parts[: i + 1]) for i in range(len(parts))}
    total_us = 0
    found = False
    for line in stderr.splitlines():
        if not line.startswith("import time:"):
            continue
        fields = line[len("import time:") :].split("|")
        if len(fields) != 3:
            continue
        name_field = fields[2]
        name = name_field.strip()
        # Top level: exactly one space after the bar, no nesting indent.
        if name in wanted and name_field[:1] == " " and name_field[1:2] != " ":
            total_us += int(fields[1])
            found = True
    if not found:
        raise RuntimeError("no -X importtime line for %s" % module)
    return total_us / 1e6


def bench_imports(cfg: Dict[str, Any], home: str) -> Dict[str, Any]:
    env = env_base(home)
    py = sys.executable
    targets = [
        m
        for m in (
            "bedrock_token_lite",
            "bedrock_token_lite._api",
            "aws_bedrock_token_generator",
            "botocore.session",
        )
        if has_module(m.split(".")[0])
    ]
    runs = cfg["import_runs"]
    importtime: Dict[str, List[float]] = {m: [] for m in targets}
    wall: Dict[str, List[float]] = {m: [] for m in [*targets, "pass"]}
    cmds = {m: [py, "-c", "import %s" % m] for m in targets}
    cmds["pass"] = [py, "-c", "pass"]
    # Warm-up: byte-compile everything once, fill the page cache.
    for m in targets if cfg["warm_up_processes"] else ():
        run_timed([py, "-X", "importtime", "-c", "import %s" % m], env, False)
    names = list(cmds)
    for i in range(runs):
        order = names[i % len(names) :] + names[: i % len(names)]
        for m in order:
            elapsed, _ = run_timed(cmds[m], env, False)
            wall[m].append(elapsed)
            if m != "pass":
                _, err = run_timed([py, "-X", "importtime", "-c", "import %s" % m], env, False)
                importtime[m].append(parse_importtime(err, m))
    probe = (
        "import sys, json; before = set(sys.modules); import bedrock_token_lite; "
        "after = set(sys.modules); print(json.dumps({'new': sorted(after - before), "
        "'heavy': [m for m in %r if m in after], 'startup': [m for m in %r if m in before]}))"
        % (HEAVY_MODULES, HEAVY_MODULES)
    )
    proc = subprocess.run([py, "-c", probe], env=env, capture_output=True, timeout=60)
    if proc.returncode != 0:
        raise RuntimeError("import probe failed: %s" % proc.stderr.decode(errors="replace"))
    loaded = json.loads(proc.stdout.decode())
    # The probe itself imports json first; judge the package by what it added.
    heavy_by_us = [m for m in HEAVY_MODULES if m in loaded["new"]]
    pass_wall = median(wall["pass"])
    return {
        "importtime_s": {m: {"samples": v, "median_s": median(v)} for m, v in importtime.items()},
        "wall_s": {m: {"samples": v, "median_s": median(v)} for m, v in wall.items()},
        "wall_minus_pass_s": {m: median(wall[m]) - pass_wall for m in targets},
        "heavy_loaded_by_import": heavy_by_us,
        "modules_added_by_import": loaded["new"],
        "runs": runs,
    }


# --------------------------------------------------------------------------
# 3. CLI cold start
# --------------------------------------------------------------------------


def bench_cli(cfg: Dict[str, Any], home: str) -> Dict[str, Any]:
    env = env_base(home)
    env.update(
        {
            "AWS_ACCESS_KEY_ID": ACCESS_KEY,
            "AWS_SECRET_ACCESS_KEY": SECRET_KEY,
            "AWS_SESSION_TOKEN": TOKEN,
            "AWS_REGION": REGION,
        }
    )
    py = sys.executable
    cmds: Dict[str, Tuple[List[str], bool]] = {ROW_PASS: ([py, "-c", "pass"], False)}
    # What `python -m` itself costs (runpy and the modules it imports), so that the
    # module row can be split into Python's part and ours.  Run from HOME, where
    # the empty module is, so `-m` finds it as the first entry of sys.path.
    with open(os.path.join(home, "btl_bench_empty.py"), "w", encoding="utf-8"):
        pass
    cmds[ROW_MODULE_EMPTY] = ([py, "-m", "btl_bench_empty"], False)
    cwds = {ROW_MODULE_EMPTY: home}
    envs: Dict[str, Dict[str, str]] = {}
    script = os.path.join(os.path.dirname(sys.executable), "bedrock-token")
    if os.path.exists(script):
        cmds[ROW_CLI] = ([script, "--region", REGION], True)
    cmds[ROW_MODULE] = ([py, "-m", "bedrock_token_lite", "--region", REGION], True)
    if os.path.exists(script):
        # The other common case: a developer's default profile in the credentials file
        # (no key variables), as far as botocore's chain goes before the files.
        file_home = os.path.join(home, "file-profile")
        os.makedirs(os.path.join(file_home, ".aws"), exist_ok=True)
        with open(os.path.join(file_home, ".aws", "credentials"), "w", encoding="utf-8") as fh:
            fh.write(
                "[default]\naws_access_key_id = %s\naws_secret_access_key = %s\n"
                "aws_session_token = %s\n" % (ACCESS_KEY, SECRET_KEY, TOKEN)
            )
        file_env = env_base(file_home)
        del file_env["AWS_CONFIG_FILE"], file_env["AWS_SHARED_CREDENTIALS_FILE"]
        envs[ROW_CLI_FILE] = file_env
        cmds[ROW_CLI_FILE] = ([script, "--region", REGION], True)
    if has_module("aws_bedrock_token_generator"):
        cmds[ROW_OFFICIAL_CLI] = (
            [
                py,
                "-c",
                "from aws_bedrock_token_generator import provide_token; print(provide_token())",
            ],
            True,
        )
    names = list(cmds)
    for name in names if cfg["warm_up_processes"] else ():
        run_timed(cmds[name][0], envs.get(name, env), cmds[name][1], cwds.get(name))
    samples: Dict[str, List[float]] = {name: [] for name in names}
    for i in range(cfg["cli_runs"]):
        order = names[i % len(names) :] + names[: i % len(names)]
        for name in order:
            cmd, expect = cmds[name]
            samples[name].append(run_timed(cmd, envs.get(name, env), expect, cwds.get(name))[0])
    base = median(samples[ROW_PASS])
    return {
        "wall_s": {n: {"samples": s, "median_s": median(s)} for n, s in samples.items()},
        "overhead_s": {n: median(s) - base for n, s in samples.items() if n != ROW_PASS},
        "runs": cfg["cli_runs"],
        "console_script": os.path.exists(script),
        "script_imports_re": script_imports_re(script),
    }


def script_imports_re(script: str) -> Optional[bool]:
    """Whether the installer's wrapper script imports ``re`` before our code runs.

    pip before 25.0 (and distlib) write one that does, for a regular
    expression on ``sys.argv[0]``; that import costs several milliseconds on
    every run.  pip 25.0 and later, and uv, write one that does not.
    """
    try:
        with open(script, encoding="utf-8", errors="replace") as fh:
            return any(line.strip() == "import re" for line in fh)
    except OSError:
        return None


# --------------------------------------------------------------------------
# 4. Installed size
# --------------------------------------------------------------------------


def _normal(name: str) -> str:
    return name.lower().replace("-", "_").replace(".", "_")


def find_dist_info(dist: str) -> Optional[str]:
    wanted = _normal(dist)
    for entry in sys.path:
        if not os.path.isdir(entry):
            continue
        for child in os.listdir(entry):
            if child.endswith(".dist-info") and _normal(child[:-10].rsplit("-", 1)[0]) == wanted:
                return os.path.join(entry, child)
    return None


def _dir_size(path: str) -> Tuple[int, int]:
    total = files = 0
    for root, dirs, names in os.walk(path):
        dirs[:] = [d for d in dirs if d != "__pycache__"]
        for name in names:
            if not name.endswith(".pyc"):
                total += os.path.getsize(os.path.join(root, name))
                files += 1
    return total, files


def installed_size(dist: str, package: str) -> Optional[Dict[str, Any]]:
    """Bytes of a distribution's files, from its RECORD (``.pyc`` and dist-info excluded).

    An editable install's RECORD lists only a ``.pth`` file; then the import
    package's directory is walked instead (same exclusions).
    """
    import csv

    info = find_dist_info(dist)
    if info is None:
        return None
    site = os.path.dirname(info)
    total = files = 0
    record = os.path.join(info, "RECORD")
    with open(record, newline="", encoding="utf-8") as fh:
        for row in csv.reader(fh):
            if len(row) < 3 or not row[2]:
                continue
            path = row[0]
            if ".dist-info/" in path or path.endswith(".pyc") or path.startswith(".."):
                continue
            if path.endswith(".pth"):
                continue
            total += int(row[2])
            files += 1
    if files:
        return {"bytes": total, "files": files, "method": "RECORD"}
    module = __import__(package)
    directory = os.path.dirname(os.path.abspath(module.__file__ or site))
    total, files = _dir_size(directory)
    return {"bytes": total, "files": files, "method": "directory walk (editable install)"}


def bench_size() -> Dict[str, Any]:
    dists = [
        ("bedrock-token-lite", "bedrock_token_lite"),
        ("aws-bedrock-token-generator", "aws_bedrock_token_generator"),
        ("botocore", "botocore"),
        ("jmespath", "jmespath"),
        ("python-dateutil", "dateutil"),
        ("six", "six"),
        ("urllib3", "urllib3"),
    ]
    return {dist: installed_size(dist, package) for dist, package in dists}


# --------------------------------------------------------------------------
# 5. provide_token() from a credentials file (runs in a clean child process)
# --------------------------------------------------------------------------


def file_chain_worker(min_time: float, repeats: int) -> Dict[str, Any]:
    """Runs inside the child: HOME holds ~/.aws/credentials, the environment has no keys."""
    runners: Dict[str, Runner] = {}
    chain = hasattr(btl, "resolve_credentials")
    if chain:
        ours = btl.provide_token
        if token_url(ours()).split("X-Amz-Credential=")[1][:20] != ACCESS_KEY:
            raise RuntimeError("bedrock_token_lite did not read the credentials file")

        def ours_run(n: int) -> float:
            t0 = time.perf_counter()
            for _ in range(n):
                ours()
            return time.perf_counter() - t0

        runners[ROW_FILE_OURS] = ours_run
    if has_module("aws_bedrock_token_generator"):
        from aws_bedrock_token_generator import provide_token as official

        if token_url(official()).split("X-Amz-Credential=")[1][:20] != ACCESS_KEY:
            raise RuntimeError("the official generator did not read the credentials file")

        def official_run(n: int) -> float:
            t0 = time.perf_counter()
            for _ in range(n):
                official()
            return time.perf_counter() - t0

        runners[ROW_FILE_OFFICIAL] = official_run
    return {"chain": chain, "rows": interleaved(runners, repeats, min_time)}


def bench_file_chain(cfg: Dict[str, Any], home: str) -> Dict[str, Any]:
    aws = os.path.join(home, ".aws")
    os.makedirs(aws, exist_ok=True)
    credentials = os.path.join(aws, "credentials")
    with open(credentials, "w", encoding="utf-8") as fh:
        fh.write(
            "[default]\naws_access_key_id = %s\naws_secret_access_key = %s\n"
            "aws_session_token = %s\n" % (ACCESS_KEY, SECRET_KEY, TOKEN)
        )
    try:
        env = env_base(home)
        # Default file locations under HOME, as a user would have them.
        del env["AWS_CONFIG_FILE"], env["AWS_SHARED_CREDENTIALS_FILE"]
        env["AWS_REGION"] = REGION
        proc = subprocess.run(
            [
                sys.executable,
                os.path.abspath(__file__),
                "--file-chain-worker",
                json.dumps([cfg["file_min_time"], cfg["repeats"]]),
            ],
            env=env,
            capture_output=True,
            timeout=600,
        )
    finally:
        os.remove(credentials)
    if proc.returncode != 0:
        raise RuntimeError("file-chain worker failed: %s" % proc.stderr.decode(errors="replace"))
    result: Dict[str, Any] = json.loads(proc.stdout.decode())
    return result


# --------------------------------------------------------------------------
# 6. Assumed role through a loopback STS
# --------------------------------------------------------------------------


class LoopbackSTS:
    """AssumeRole on 127.0.0.1: fake credentials valid for 2 hours; counts its calls."""

    def __init__(self) -> None:
        import threading
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

        self.calls = 0
        sts = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:
                pass

            def do_POST(self) -> None:
                self.rfile.read(int(self.headers.get("Content-Length") or 0))
                sts.calls += 1
                expiration = (datetime.now(timezone.utc) + timedelta(hours=2)).strftime(
                    "%Y-%m-%dT%H:%M:%SZ"
                )
                body = (
                    '<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">'
                    "<AssumeRoleResult><Credentials><AccessKeyId>%s</AccessKeyId>"
                    "<SecretAccessKey>%s</SecretAccessKey><SessionToken>%s</SessionToken>"
                    "<Expiration>%s</Expiration></Credentials><AssumedRoleUser>"
                    "<AssumedRoleId>AROAEXAMPLE:s</AssumedRoleId>"
                    "<Arn>arn:aws:sts::123456789012:assumed-role/bench-role/s</Arn>"
                    "</AssumedRoleUser></AssumeRoleResult><ResponseMetadata><RequestId>r"
                    "</RequestId></ResponseMetadata></AssumeRoleResponse>"
                    % (ACCESS_KEY, SECRET_KEY, TOKEN, expiration)
                ).encode()
                self.send_response(200)
                self.send_header("Content-Type", "text/xml")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.url = "http://127.0.0.1:%d" % self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()


def bench_role(cfg: Dict[str, Any], home: str) -> Dict[str, Any]:
    """N consecutive commands per contender, interleaved with ``python -c pass``."""
    role_home = os.path.join(home, "role-profile")
    os.makedirs(os.path.join(role_home, ".aws"), exist_ok=True)
    with open(os.path.join(role_home, ".aws", "config"), "w", encoding="utf-8") as fh:
        fh.write(
            "[default]\nregion = %s\nrole_arn = %s\nsource_profile = src\n" % (REGION, ROLE_ARN)
        )
    with open(os.path.join(role_home, ".aws", "credentials"), "w", encoding="utf-8") as fh:
        fh.write(
            "[src]\naws_access_key_id = AKIDSOURCEEXAMPLE001\n"
            "aws_secret_access_key = %s\n" % (SECRET_KEY,)
        )
    sts = LoopbackSTS()
    try:
        env = env_base(role_home)
        env["AWS_ENDPOINT_URL_STS"] = sts.url
        env["AWS_REGION"] = REGION  # the official generator reads no profile region
        py = sys.executable
        script = os.path.join(os.path.dirname(sys.executable), "bedrock-token")
        if os.path.exists(script) and script_imports_re(script) is False:
            ours, launcher = [script], "the `bedrock-token` script"
        else:
            # What a wrapper that does not import `re` (pip 25.0 or later, uv) runs.
            ours = [
                py,
                "-c",
                "import sys; from bedrock_token_lite._cli import run; sys.exit(run())",
            ]
            launcher = (
                "`python -c 'import sys; from bedrock_token_lite._cli import run; "
                "sys.exit(run())'` (what pip 25.0 or later and uv write in the script; the "
                "script here imports `re` first)"
            )
        cmds: Dict[str, Tuple[List[str], bool]] = {
            ROW_PASS: ([py, "-c", "pass"], False),
            ROW_ROLE_OURS: (ours, True),
            ROW_ROLE_NO_CACHE: ([*ours, "--no-cache"], True),
        }
        if has_module("aws_bedrock_token_generator"):
            cmds[ROW_ROLE_OFFICIAL] = (
                [
                    py,
                    "-c",
                    "from aws_bedrock_token_generator import provide_token; print(provide_token())",
                ],
                True,
            )
        samples: Dict[str, List[float]] = {name: [] for name in cmds}
        calls: Dict[str, int] = dict.fromkeys(cmds, 0)
        names = list(cmds)
        for _ in range(cfg["role_commands"]):
            for name in names:
                cmd, expect = cmds[name]
                before = sts.calls
                samples[name].append(run_timed(cmd, env, expect)[0])
                calls[name] += sts.calls - before
    finally:
        sts.close()
    base = median(samples[ROW_PASS])
    # The first command of ours fills the cache: the figure is the calls served from it.
    cached = samples[ROW_ROLE_OURS][1:] or samples[ROW_ROLE_OURS]
    rows = {
        name: {
            "sts_calls": calls[name],
            "median_s": median(cached if name == ROW_ROLE_OURS else samples[name]),
            "samples": samples[name],
        }
        for name in names
        if name != ROW_PASS
    }
    return {
        "commands": cfg["role_commands"],
        "pass_median_s": base,
        "rows": rows,
        "overhead_s": {name: row["median_s"] - base for name, row in rows.items()},
        "launcher": launcher,
    }


# --------------------------------------------------------------------------
# Report
# --------------------------------------------------------------------------


def cpu_name() -> str:
    name = mhz = ""
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as fh:
            for line in fh:
                if line.startswith("model name") and not name:
                    name = line.split(":", 1)[1].strip()
                elif line.startswith("cpu MHz") and not mhz:
                    mhz = " @ %.0f MHz" % float(line.split(":", 1)[1])
    except (OSError, ValueError):
        pass
    return (name or platform.processor() or platform.machine()) + mhz


def load_average() -> str:
    try:
        return "%.2f %.2f %.2f" % os.getloadavg()
    except (AttributeError, OSError):
        return "n/a"


def version_of(dist: str) -> str:
    info = find_dist_info(dist)
    if info is None:
        return "not installed"
    return os.path.basename(info)[: -len(".dist-info")].rsplit("-", 1)[1]


def us(seconds: float) -> str:
    return "%.2f" % (seconds * 1e6)


def ms(seconds: float) -> str:
    return "%.1f" % (seconds * 1e3)


def size(n: int) -> str:
    if n >= 1 << 20:
        return "%.2f MiB" % (n / (1 << 20))
    return "%.1f KiB" % (n / 1024)


def verdict(ok: bool) -> str:
    return "yes" if ok else "**no**"


def render(data: Dict[str, Any]) -> str:
    meta = data["meta"]
    out: List[str] = []
    add = out.append
    add("# bedrock-token-lite benchmark")
    add("")
    add("- Python: %s (%s)" % (meta["python"], meta["implementation"]))
    add("- CPU: %s, %s logical CPUs" % (meta["cpu"], meta["cpus"]))
    add("- OS: %s" % meta["platform"])
    add(
        "- botocore %s, aws-bedrock-token-generator %s, bedrock-token-lite %s"
        % (meta["botocore"], meta["official"], meta["ours"])
    )
    add("- command: `%s`" % meta["command"])
    add("- mode: %s; run at %s" % (meta["mode"], meta["started"]))
    add(
        "- load average (1, 5, 15 min) at start: %s, at end: %s; section seconds: %s"
        % (
            meta["load_average_start"],
            meta["load_average_end"],
            ", ".join("%s %.1f" % kv for kv in meta["section_seconds"].items()),
        )
    )
    if meta["mode"] == "full":
        add("- all figures are medians over repeated runs after a warm-up")
    else:
        add("- quick mode: tiny counts, one run per subprocess and no process warm-up; not figures")
    add("")
    ratios: List[Tuple[str, str, str, str]] = []

    tok = data["per_token"]
    rows = tok["rows"]
    ours = rows[ROW_OURS]["median_s"]
    add("## 1. Per-token cost (in process, µs per token)")
    add("")
    add(
        "Session token of %d characters; canonical request %d bytes, string to sign %d bytes, "
        "URL %d bytes, token %d characters. `generate_token` gets a new `now` each call "
        "(base + i seconds), so nothing that depends on the time is reused; what depends "
        "on the credentials alone is (the derived signing key as a keyed HMAC, and the "
        "percent-encoded access key and session token inside the fixed parts of the "
        "canonical request and URL). The 'new session token each call' row rebuilds the "
        "latter every call. botocore reads its own clock. Bare primitives, on pre-encoded "
        "bytes: `hashlib.sha256(canonical_request).hexdigest()`, "
        "`hmac.digest(cached_key, string_to_sign, 'sha256').hex()`, `b2a_base64(url)`."
        % (
            tok["session_token_chars"],
            tok["canonical_request_bytes"],
            tok["string_to_sign_bytes"],
            tok["url_bytes"],
            tok["token_chars"],
        )
    )
    add("")
    add("| path | median µs | min µs | calls/repeat x repeats | vs ours |")
    add("|---|---:|---:|---:|---:|")
    for name in (
        ROW_OURS,
        ROW_OURS_CLOCK,
        ROW_OURS_NEW_TOKEN,
        ROW_BOTOCORE,
        ROW_OFFICIAL,
        ROW_PRIMITIVES,
    ):
        if name not in rows:
            add("| %s | n/a (not installed) | | | |" % name)
            continue
        r = rows[name]
        add(
            "| %s | %s | %s | %d x %d | %.2fx |"
            % (
                name,
                us(r["median_s"]),
                us(r["min_s"]),
                r["calls_per_repeat"],
                len(r["per_call_s"]),
                r["median_s"] / ours,
            )
        )
    for name in (ROW_SHA, ROW_HMAC, ROW_B64):
        r = rows[name]
        add(
            "| %s | %s | %s | %d x %d | |"
            % (
                name.strip(),
                us(r["median_s"]),
                us(r["min_s"]),
                r["calls_per_repeat"],
                len(r["per_call_s"]),
            )
        )
    add("")
    ident = tok["identical_to_botocore"]
    add(
        "Byte-identical to botocore for the same instant: %s"
        % ("not checked (botocore missing)" if ident is None else verdict(ident))
    )
    add("")
    prim = rows[ROW_PRIMITIVES]["median_s"]
    ratios.append(
        (
            "ours / bare primitives (per token)",
            "%.2f" % (ours / prim),
            "≤ 1.6",
            verdict(ours / prim <= 1.6),
        )
    )
    if ROW_BOTOCORE in rows:
        b = rows[ROW_BOTOCORE]["median_s"] / ours
        ratios.append(("botocore / ours (per token)", "%.1f" % b, "≥ 10", verdict(b >= 10)))
    else:
        ratios.append(("botocore / ours (per token)", "n/a (botocore missing)", "≥ 10", ""))
    if ROW_OFFICIAL in rows:
        o = rows[ROW_OFFICIAL]["median_s"] / ours
        ratios.append(("official _generate_token / ours (per token)", "%.1f" % o, "", ""))

    imp = data["imports"]
    add("## 2. Import time (fresh subprocesses, ms)")
    add("")
    add(
        "`-X importtime`: sum of the cumulative column of the top-level import lines. "
        'Wall clock: `python -c "import X"` minus `python -c pass`. Median of %d runs each.'
        % imp["runs"]
    )
    add("")
    add("| module | -X importtime ms | wall - pass ms | importtime vs ours |")
    add("|---|---:|---:|---:|")
    ours_imp = imp["importtime_s"]["bedrock_token_lite"]["median_s"]
    for m in (
        "bedrock_token_lite",
        "bedrock_token_lite._api",
        "aws_bedrock_token_generator",
        "botocore.session",
    ):
        if m not in imp["importtime_s"]:
            add("| import %s | n/a (not installed) | | |" % m)
            continue
        v = imp["importtime_s"][m]["median_s"]
        add(
            "| import %s | %s | %s | %.1fx |"
            % (m, ms(v), ms(imp["wall_minus_pass_s"][m]), v / ours_imp)
        )
    add("| python -c pass (wall) | | %s (absolute) | |" % ms(imp["wall_s"]["pass"]["median_s"]))
    add("")
    add(
        "`import bedrock_token_lite` loads names on first use; `bedrock_token_lite._api` is what "
        "`from bedrock_token_lite import provide_token` loads (the honest comparison)."
    )
    add("")
    heavy = imp["heavy_loaded_by_import"]
    add(
        "Heavy modules loaded by `import bedrock_token_lite` (of %s): %s"
        % (", ".join(HEAVY_MODULES), ", ".join(heavy) if heavy else "none")
    )
    add("")
    if "botocore.session" in imp["importtime_s"]:
        r = imp["importtime_s"]["botocore.session"]["median_s"] / ours_imp
        ratios.append(
            ("import botocore.session / import ours", "%.0f" % r, "≥ 30", verdict(r >= 30))
        )
    if "aws_bedrock_token_generator" in imp["importtime_s"]:
        r = imp["importtime_s"]["aws_bedrock_token_generator"]["median_s"] / ours_imp
        ratios.append(("import official / import ours", "%.0f" % r, "≥ 30", verdict(r >= 30)))
        if "bedrock_token_lite._api" in imp["importtime_s"]:
            api = imp["importtime_s"]["bedrock_token_lite._api"]["median_s"]
            r = imp["importtime_s"]["aws_bedrock_token_generator"]["median_s"] / api
            ratios.append(
                (
                    "import official / from bedrock_token_lite import provide_token",
                    "%.0f" % r,
                    "≥ 30",
                    verdict(r >= 30),
                )
            )
    ratios.append(
        ("heavy modules loaded by import", ", ".join(heavy) or "none", "none", verdict(not heavy))
    )

    cli = data["cli"]
    add("## 3. CLI cold start with environment credentials (wall clock, ms)")
    add("")
    add(
        "Environment credentials in an empty HOME, except the credentials-file row: no key "
        "variables, a `[default]` profile in `~/.aws/credentials`."
    )
    add("")
    add("Median of %d runs each, commands interleaved." % cli["runs"])
    add("")
    add("| command | median ms | overhead vs `python -c pass` ms |")
    add("|---|---:|---:|")
    for name, v in cli["wall_s"].items():
        over = cli["overhead_s"].get(name)
        add("| %s | %s | %s |" % (name, ms(v["median_s"]), "" if over is None else ms(over)))
    add("")
    if cli.get("script_imports_re"):
        add(
            "The `bedrock-token` script here was written by an installer whose wrapper "
            "imports `re` before our code runs (pip older than 25.0): part of its overhead "
            "is that import. pip 25.0 or later, or uv, write a wrapper without it."
        )
        add("")
    elif cli.get("script_imports_re") is False:
        add(
            "The `bedrock-token` wrapper script here does not import `re` (pip 25.0 or "
            "later, or uv, wrote it)."
        )
        add("")
    for name in (ROW_CLI, ROW_MODULE):
        if name in cli["overhead_s"]:
            o = cli["overhead_s"][name]
            ratios.append(
                ("CLI overhead: %s" % name, "%s ms" % ms(o), "< 10 ms", verdict(o < 0.010))
            )
    if ROW_MODULE_EMPTY in cli["overhead_s"] and ROW_MODULE in cli["overhead_s"]:
        runpy = cli["overhead_s"][ROW_MODULE_EMPTY]
        ours_m = cli["overhead_s"][ROW_MODULE] - runpy
        add(
            "`python -m` itself (runpy and what it imports) costs %s ms here: of the %s ms "
            "that `python -m bedrock_token_lite` adds, %s ms are ours."
            % (ms(runpy), ms(cli["overhead_s"][ROW_MODULE]), ms(ours_m))
        )
        add("")
        ratios.append(
            (
                "CLI: python -m bedrock_token_lite minus python -m (empty)",
                "%s ms" % ms(ours_m),
                "",
                "",
            )
        )
    if ROW_OFFICIAL_CLI in cli["overhead_s"] and ROW_CLI in cli["overhead_s"]:
        r = cli["overhead_s"][ROW_OFFICIAL_CLI] / cli["overhead_s"][ROW_CLI]
        ratios.append(("CLI overhead: official / bedrock-token", "%.0f" % r, "", ""))

    sizes = data["size"]
    add("## 4. Installed size")
    add("")
    add(
        "Sum of file sizes from each distribution's RECORD, without `.pyc` files and "
        "without its `.dist-info` directory; an editable install is measured by walking its "
        "package directory (without `__pycache__`)."
    )
    add("")
    add("| distribution | size | files | method |")
    add("|---|---:|---:|---|")
    theirs_total = 0
    for dist, s in sizes.items():
        if s is None:
            add("| %s | n/a (not installed) | | |" % dist)
            continue
        if dist != "bedrock-token-lite":
            theirs_total += s["bytes"]
        add("| %s | %s | %d | %s |" % (dist, size(s["bytes"]), s["files"], s["method"]))
    add("| official generator + botocore + deps | %s | | sum |" % size(theirs_total))
    add("")
    if sizes.get("bedrock-token-lite"):
        r = theirs_total / sizes["bedrock-token-lite"]["bytes"]
        ratios.append(("installed size: official stack / ours", "%.0f" % r, "", ""))

    fc = data["file_chain"]
    add("## 5. provide_token() from ~/.aws/credentials (µs per call, resolution included)")
    add("")
    add("| path | median µs | min µs | calls/repeat x repeats |")
    add("|---|---:|---:|---:|")
    frows = fc["rows"]
    for name in (ROW_FILE_OURS, ROW_FILE_OFFICIAL):
        if name not in frows:
            reason = NA_CHAIN if name == ROW_FILE_OURS else "n/a (not installed)"
            add("| %s | %s | | |" % (name, reason))
            continue
        r = frows[name]
        add(
            "| %s | %s | %s | %d x %d |"
            % (name, us(r["median_s"]), us(r["min_s"]), r["calls_per_repeat"], len(r["per_call_s"]))
        )
    add("")
    if ROW_FILE_OURS in frows and ROW_FILE_OFFICIAL in frows:
        r = frows[ROW_FILE_OFFICIAL]["median_s"] / frows[ROW_FILE_OURS]["median_s"]
        ratios.append(
            ("provide_token from file: official / ours", "%.0f" % r, "≥ 50", verdict(r >= 50))
        )
    else:
        ratios.append(("provide_token from file: official / ours", NA_CHAIN, "≥ 50", ""))

    role = data.get("role")
    if role is not None:
        add("## 6. Assumed role: %d consecutive commands against a loopback STS" % role["commands"])
        add("")
        add(
            "An assume-role profile (`role_arn`, `source_profile` with static keys) in a "
            "private HOME; STS is a server on 127.0.0.1 (`AWS_ENDPOINT_URL_STS`) that counts "
            "its calls. Commands interleaved with `python -c pass` (median %s ms). "
            "For bedrock-token with its role cache (`~/.aws/cli/cache`, on by default) the "
            "time is the median of the commands after the first, which are served from the "
            "cache. bedrock-token is run as %s." % (ms(role["pass_median_s"]), role["launcher"])
        )
        add("")
        add("| command | STS calls | median ms | overhead vs `python -c pass` ms |")
        add("|---|---:|---:|---:|")
        for name, r in role["rows"].items():
            add(
                "| %s | %d | %s | %s |"
                % (name, r["sts_calls"], ms(r["median_s"]), ms(role["overhead_s"][name]))
            )
        add("")
        if ROW_ROLE_OURS in role["rows"]:
            n = role["rows"][ROW_ROLE_OURS]["sts_calls"]
            ratios.append(
                (
                    "STS calls, %d commands: bedrock-token (role cache)" % role["commands"],
                    str(n),
                    "1",
                    verdict(n == 1),
                )
            )
            o = role["overhead_s"][ROW_ROLE_OURS]
            ratios.append(
                (
                    "cached assume-role command overhead vs python -c pass",
                    "%s ms" % ms(o),
                    "≤ 10 ms",
                    verdict(o <= 0.010),
                )
            )
        if ROW_ROLE_OFFICIAL in role["rows"]:
            n = role["rows"][ROW_ROLE_OFFICIAL]["sts_calls"]
            ratios.append(
                (
                    "STS calls, %d commands: official provide_token()" % role["commands"],
                    str(n),
                    "",
                    "",
                )
            )

    add("## Ratios and targets")
    add("")
    add("| ratio | value | target | met |")
    add("|---|---:|---|---|")
    for row in ratios:
        add("| %s | %s | %s | %s |" % row)
    add("")
    return "\n".join(out)


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="tiny iteration counts")
    parser.add_argument("--json", metavar="FILE", help="also write the raw figures to FILE")
    parser.add_argument("--output", metavar="FILE", help="also write the markdown report to FILE")
    parser.add_argument("--file-chain-worker", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.file_chain_worker:
        min_time, repeats = json.loads(args.file_chain_worker)
        print(json.dumps(file_chain_worker(min_time, repeats)))
        return 0
    cfg = QUICK if args.quick else FULL
    # Installed packages carry byte code; a working tree may not (PYTHONDONTWRITEBYTECODE),
    # and compiling on every run would be measured as import time.
    import compileall

    compileall.compile_dir(os.path.dirname(btl.__file__), quiet=1)
    meta = {
        "python": platform.python_version(),
        "implementation": platform.python_implementation(),
        "cpu": cpu_name(),
        "cpus": os.cpu_count(),
        "platform": platform.platform(),
        "botocore": version_of("botocore"),
        "official": version_of("aws-bedrock-token-generator"),
        "ours": btl.__version__,
        "mode": "quick" if args.quick else "full",
        "command": " ".join(["python", *sys.argv]),
        "settings": cfg,
        "started": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC"),
        "load_average_start": load_average(),
    }
    data: Dict[str, Any] = {"meta": meta}
    sections: List[Tuple[str, Callable[[str], Any]]] = [
        ("per_token", lambda home: bench_per_token(cfg)),
        ("imports", lambda home: bench_imports(cfg, home)),
        ("cli", lambda home: bench_cli(cfg, home)),
        ("size", lambda home: bench_size()),
        ("file_chain", lambda home: bench_file_chain(cfg, home)),
        ("role", lambda home: bench_role(cfg, home)),
    ]
    seconds: Dict[str, float] = {}
    with tempfile.TemporaryDirectory(prefix="btl-bench-") as home:
        for name, section in sections:
            t0 = time.perf_counter()
            data[name] = section(home)
            seconds[name] = round(time.perf_counter() - t0, 3)
    meta["section_seconds"] = seconds
    meta["load_average_end"] = load_average()
    report = render(data)
    print(report)
    if args.output:
        with open(args.output, "w", encoding="utf-8") as fh:
            fh.write(report + "\n")
    if args.json:
        with open(args.json, "w", encoding="utf-8") as fh:
            json.dump(data, fh, indent=2, sort_keys=True)
            fh.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
