"""Differential harness: the same scenario through real botocore and through us.

A scenario is a dict::

    {"env": {NAME: value},                 # "{home}" in a value is the temporary HOME
     "files": {relative path under HOME: str | bytes},
     "profile": None | str,                # the explicit profile argument
     "region": bool,                       # also resolve the region
     "modes": {relative path: int}}        # optional chmod after writing

botocore runs in a **fresh subprocess per scenario** (spec section 21.3): an
empty environment plus ``PATH``, ``HOME=<tmp>``, ``LANG=C.UTF-8``,
``AWS_EC2_METADATA_DISABLED=true`` and the scenario's variables; the working
directory is HOME so relative paths mean the same on both sides.  No
``AWS_*``/``BOTO_*``/proxy variable is inherited.  The subprocess is forked
from a zygote that imported botocore once (see ``_zygote.py``), or is a new
interpreter with ``fresh_interpreter=True`` / ``BTL_ORACLE_EXEC=1``.  We run
in-process with the environment and HOME injected, or in a subprocess for
scenarios marked ``"isolate"``.

``run_botocore`` / ``run_ours`` return the parsed outcome with temporary paths
replaced by ``<HOME>``; ``compare`` asserts they agree (section 21.4);
``run_pairs`` runs many scenarios on a thread pool of two.
"""

from __future__ import annotations

import atexit
import json
import os
import queue
import shutil
import subprocess
import sys
import tempfile
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence, Tuple

import _runner

ROOT = Path(__file__).resolve().parents[2]
RUNNER = Path(__file__).resolve().parent / "_runner.py"
ZYGOTE = Path(__file__).resolve().parent / "_zygote.py"
EXEC_ALWAYS = os.environ.get("BTL_ORACLE_EXEC") == "1"
#: The interpreter that runs botocore (default: this one).  Pointing it at a
#: Python with botocore 1.44.8 checks our code on an old Python against the spec's botocore.
ORACLE_PYTHON = os.environ.get("BTL_ORACLE_PYTHON") or sys.executable
HOME_MARK = "<HOME>"
TIMEOUT = 60

Scenario = Dict[str, Any]
Outcome = Dict[str, Any]

#: Our error classes that stand for botocore's (bare builtin) exceptions.
ERROR_ALIASES = {
    "ValueError": {"InvalidConfigError", "InvalidIMDSEndpointError"},
    "KeyError": {"MissingCredentialKeyError"},
    "AttributeError": {"InvalidConfigError", "NestedValueError"},  # nested block as a value
    "TypeError": {"InvalidConfigError", "NestedValueError"},
}


def _materialise(scenario: Scenario, root: Path) -> Tuple[Path, Dict[str, str]]:
    home = root / "home"
    home.mkdir()
    for rel, content in scenario.get("files", {}).items():
        path = home / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            text = content.replace("{home}", str(home)).replace("{python}", sys.executable)
            path.write_bytes(text.encode("utf-8"))
    for rel, mode in scenario.get("modes", {}).items():
        os.chmod(str(home / rel), mode)
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(home),
        "LANG": "C.UTF-8",
        "AWS_EC2_METADATA_DISABLED": "true",
        "PYTHONDONTWRITEBYTECODE": "1",
    }
    for name, value in scenario.get("env", {}).items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value.replace("{home}", str(home))
    return home, env


class _Zygote:
    """One long-lived ``_zygote.py`` process; each request is answered by a forked child."""

    def __init__(self) -> None:
        self.empty_home = tempfile.mkdtemp(prefix="btl-zygote-")
        env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": self.empty_home,
            "LANG": "C.UTF-8",
            "AWS_EC2_METADATA_DISABLED": "true",
            "PYTHONPATH": str(Path(__file__).resolve().parent),
        }
        self.proc = subprocess.Popen(
            [ORACLE_PYTHON, str(ZYGOTE)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            env=env,
            cwd=self.empty_home,
        )

    def ask(self, request: Dict[str, Any]) -> str:
        assert self.proc.stdin is not None
        assert self.proc.stdout is not None
        self.proc.stdin.write((json.dumps(request) + "\n").encode())
        self.proc.stdin.flush()
        line = self.proc.stdout.readline().decode("utf-8")
        if not line:
            raise AssertionError("the botocore zygote exited (code %s)" % self.proc.poll())
        return line

    def close(self) -> None:
        if self.proc.stdin is not None:
            self.proc.stdin.close()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:  # pragma: no cover
            self.proc.kill()
            self.proc.wait()
        shutil.rmtree(self.empty_home, ignore_errors=True)


_ZYGOTES: queue.Queue[_Zygote] = queue.Queue()
_ALL_ZYGOTES: List[_Zygote] = []
_ZYGOTE_LOCK = threading.Lock()


def _zygote_ask(request: Dict[str, Any]) -> str:
    try:
        zygote = _ZYGOTES.get_nowait()
    except queue.Empty:
        with _ZYGOTE_LOCK:
            zygote = _Zygote()
            _ALL_ZYGOTES.append(zygote)
    try:
        return zygote.ask(request)
    finally:
        _ZYGOTES.put(zygote)


@atexit.register
def _close_zygotes() -> None:
    for zygote in _ALL_ZYGOTES:
        zygote.close()


def _run(impl: str, scenario: Scenario, fresh_interpreter: bool = True) -> Outcome:
    root = Path(tempfile.mkdtemp(prefix="btl-chain-"))
    try:
        home, env = _materialise(scenario, root)
        if impl == "ours":
            env["PYTHONPATH"] = str(ROOT)
        request = {"profile": scenario.get("profile"), "region": scenario.get("region", False)}
        if not fresh_interpreter:
            request.update(env=env, cwd=str(home))
            text = _zygote_ask(request)
        else:
            proc = subprocess.run(
                [ORACLE_PYTHON if impl == "botocore" else sys.executable, str(RUNNER), impl],
                input=json.dumps(request).encode(),
                capture_output=True,
                env=env,
                cwd=str(home),
                timeout=TIMEOUT,
                check=False,
            )
            if proc.returncode != 0:
                raise AssertionError("%s runner failed: %s" % (impl, proc.stderr.decode()[-2000:]))
            text = proc.stdout.decode("utf-8")
        text = text.replace(json.dumps(str(home))[1:-1], HOME_MARK)
        text = text.replace(json.dumps(str(root))[1:-1], "<ROOT>")
        outcome: Outcome = json.loads(text)
        if "crash" in outcome:
            raise AssertionError("%s runner crashed: %s" % (impl, outcome["crash"]))
        return outcome
    finally:
        shutil.rmtree(str(root), ignore_errors=True)


def run_botocore(scenario: Scenario, *, fresh_interpreter: Optional[bool] = None) -> Outcome:
    """botocore's outcome for ``scenario``, from a fresh subprocess.

    By default the subprocess is forked from a zygote that imported botocore
    once (fast); ``fresh_interpreter=True`` (or the scenario key
    ``"fresh_interpreter"``, or ``BTL_ORACLE_EXEC=1``) starts a new interpreter
    instead, for behaviour botocore fixes at import time (HOME-derived caches).
    """
    if fresh_interpreter is None:
        fresh_interpreter = bool(scenario.get("fresh_interpreter")) or EXEC_ALWAYS
    if not hasattr(os, "fork"):  # pragma: no cover - not POSIX
        fresh_interpreter = True
    return _run("botocore", scenario, fresh_interpreter)


def run_ours(scenario: Scenario, *, isolate: Optional[bool] = None) -> Outcome:
    """Our outcome for ``scenario``.

    In-process with the scenario's environment and HOME injected (our code
    reads nothing else), or in a fresh subprocess when ``isolate`` (default:
    the scenario's ``"isolate"`` key, set for paths relative to the working
    directory).
    """
    if isolate is None:
        isolate = bool(scenario.get("isolate"))
    if isolate:
        return _run("ours", scenario)
    from bedrock_token_lite import resolve_credentials, resolve_region

    root = Path(tempfile.mkdtemp(prefix="btl-chain-"))
    try:
        home, env = _materialise(scenario, root)
        profile = scenario.get("profile")

        def creds() -> Outcome:
            c = resolve_credentials(profile, environ=env, home=str(home))
            return _runner.credentials_outcome(c, c.method)

        outcome: Outcome = {"credentials": _runner.guard(creds)}
        if scenario.get("region"):
            outcome["region"] = _runner.guard(
                lambda: {"region": resolve_region(profile, environ=env, home=str(home))}
            )
        text = json.dumps(outcome)
        text = text.replace(json.dumps(str(home))[1:-1], HOME_MARK)
        text = text.replace(json.dumps(str(root))[1:-1], "<ROOT>")
        result: Outcome = json.loads(text)
        return result
    finally:
        shutil.rmtree(str(root), ignore_errors=True)


def run_pairs(scenarios: Sequence[Scenario], workers: int = 2) -> List[Tuple[Outcome, Outcome]]:
    """``(botocore, ours)`` for each scenario, two subprocesses at a time."""
    with ThreadPoolExecutor(max_workers=workers) as pool:
        boto = [pool.submit(run_botocore, s) for s in scenarios]
        ours = [run_ours(s) if not s.get("isolate") else None for s in scenarios]
        return [
            (b.result(), o if o is not None else run_ours(s))
            for b, o, s in zip(boto, ours, scenarios)
        ]


SECRET_ENV = ("AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN")
SECRET_KEYS = ("aws_secret_access_key", "aws_session_token", "aws_security_token", "awssecretkey")


def _secrets(scenario: Scenario) -> List[str]:
    """The secret values of a scenario (secret keys and session tokens, 6+ characters)."""
    found = [v for k, v in scenario.get("env", {}).items() if k in SECRET_ENV]
    for content in scenario.get("files", {}).values():
        text = content.decode("utf-8", "replace") if isinstance(content, bytes) else content
        for line in text.splitlines():
            for sep in ("=", ":"):
                key, found_sep, value = line.partition(sep)
                if found_sep and key.strip().lower() in SECRET_KEYS:
                    found.append(value.strip())
                    break
    return [s for s in found if len(s) >= 6]


def _same_error(b: Outcome, o: Outcome) -> Optional[str]:
    if b["error"] != o["error"] and o["error"] not in ERROR_ALIASES.get(b["error"], ()):
        return "error class: botocore %s, ours %s" % (b["error"], o["error"])
    if b["error"] == o["error"] and not o["message"].startswith(b["message"]):
        return "message: botocore %r, ours %r" % (b["message"], o["message"])
    return None


def _compare_credentials(b: Outcome, o: Outcome) -> Optional[str]:
    if "error" in b:
        if "error" not in o:
            return "botocore raised %s, ours returned %r" % (b["error"], o.get("method"))
        return _same_error(b, o)
    if b.get("result") is None:
        if o.get("error") != "NoCredentialsError":
            return "botocore found nothing, ours gave %r" % (o,)
        return None
    if "error" in o:
        if o["error"] == "InvalidConfigError" and any(
            not isinstance(b.get(f), (str, type(None)))
            for f in ("access_key", "secret_key", "token")
        ):
            return None  # documented: botocore returns a nested block (a dict) as a key; we refuse
        return "botocore returned %s, ours raised %s: %s" % (b["method"], o["error"], o["message"])
    for field in ("method", "access_key", "secret_key", "token", "account_id", "expiry"):
        if b.get(field) != o.get(field):
            return "%s: botocore %r, ours %r" % (field, b.get(field), o.get(field))
    return None


def compare(scenario: Scenario, boto: Outcome, ours: Outcome) -> None:
    """Assert that our outcome matches botocore's (section 21.4), and leaks no secret."""
    problems = []
    problem = _compare_credentials(boto["credentials"], ours["credentials"])
    if problem:
        problems.append("credentials " + problem)
    if scenario.get("region"):
        b, o = boto["region"], ours["region"]
        if (
            "error" not in b
            and not isinstance(b["region"], (str, type(None)))
            and o.get("error") == "NestedValueError"
        ):
            # botocore returns an indented block as the region (a dict, which fails only
            # when a client is made); ours refuses it at once, naming profile and key
            # (docs/differences-chain.md).
            problem = None
        elif "error" in b or "error" in o:
            problem = _same_error(b, o) if "error" in b and "error" in o else "%r vs %r" % (b, o)
        else:
            problem = None if b == o else "botocore %r, ours %r" % (b["region"], o["region"])
        if problem:
            problems.append("region " + problem)
    for side in (ours["credentials"], ours.get("region", {})):
        message = side.get("message", "")
        leaked = [s for s in _secrets(scenario) if s in message]
        if leaked:
            problems.append("our message leaks a secret: %r" % (message,))
    if problems:
        raise AssertionError(
            "%s\nscenario: %s\nbotocore: %s\nours:     %s"
            % ("\n".join(problems), scenario, json.dumps(boto), json.dumps(ours))
        )


class Batch:
    """Runs a table of scenarios once, in parallel, on first use; tests look results up."""

    def __init__(self, scenarios: Sequence[Tuple[str, Scenario]]) -> None:
        self.scenarios = list(scenarios)
        self._results: Optional[Dict[str, Tuple[Outcome, Outcome]]] = None

    def ids(self) -> List[str]:
        return [name for name, _ in self.scenarios]

    def check(self, name: str) -> None:
        if self._results is None:
            pairs = run_pairs([s for _, s in self.scenarios])
            self._results = {n: p for (n, _), p in zip(self.scenarios, pairs)}
        scenario = dict(self.scenarios)[name]
        boto, ours = self._results[name]
        compare(scenario, boto, ours)
