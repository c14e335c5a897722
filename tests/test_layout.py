"""The package's shape: no import cycles, no private names across modules, vendorable.

Every ``import`` statement of every package module counts as an edge of the
import graph: module-level ones, those inside functions (lazy imports) and
those under ``if TYPE_CHECKING:``.  A lazy import is allowed (it keeps a module
off the hot path) as long as it does not close a cycle: a cycle that only
works because one side imports late is still two modules that each need the
other.  The package's own ``__getattr__`` loader (``__import__`` of a string)
is not an ``import`` statement and is not an edge.
"""

from __future__ import annotations

import ast
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Dict, Iterator, List, Set, Tuple

import bedrock_token_lite

PACKAGE = "bedrock_token_lite"
ROOT = Path(bedrock_token_lite.__file__).resolve().parent

# Private names one module still imports from another, which other people are
# redesigning.  Each is (importing module, defining module, name).  Remove an
# entry when its import goes; the test fails on an entry that no longer occurs.
ALLOWED_PRIVATE: Set[Tuple[str, str, str]] = set()


def _modules() -> Dict[str, Path]:
    found = {}
    for path in sorted(ROOT.rglob("*.py")):
        parts = list(path.relative_to(ROOT).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join([PACKAGE, *parts])] = path
    return found


MODULES = _modules()


def _short(name: str) -> str:
    return name[len(PACKAGE) + 1 :] if name != PACKAGE else "__init__"


def _base(module: str, level: int) -> str:
    """The package a ``from`` import with ``level`` dots is relative to."""
    is_package = MODULES[module].name == "__init__.py"
    parts = module.split(".")
    if not is_package:
        parts.pop()
    if level > 1:
        parts = parts[: len(parts) - (level - 1)]
    return ".".join(parts)


def _imports(module: str) -> Iterator[Tuple[ast.AST, str, str]]:
    """(node, target module, imported name or "") for each import in ``module``.

    ``from pkg import sub`` targets ``pkg.sub`` when that is a module.
    """
    tree = ast.parse(MODULES[module].read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node, alias.name, ""
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = _base(module, node.level)
                target = base + "." + node.module if node.module else base
            else:
                target = node.module or ""
            for alias in node.names:
                sub = target + "." + alias.name
                if sub in MODULES:
                    yield node, sub, ""
                else:
                    yield node, target, alias.name


def _graph() -> Dict[str, Set[str]]:
    graph: Dict[str, Set[str]] = {name: set() for name in MODULES}
    for module in MODULES:
        for _node, target, _name in _imports(module):
            if target in MODULES and target != module:
                graph[module].add(target)
    return graph


def _cycles(graph: Dict[str, Set[str]]) -> List[List[str]]:
    """The strongly connected components with more than one module (Tarjan)."""
    index: Dict[str, int] = {}
    low: Dict[str, int] = {}
    stack: List[str] = []
    on_stack: Set[str] = set()
    found: List[List[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph[node]):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                component.append(top)
                if top == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_the_module_list_is_the_package() -> None:
    assert len(MODULES) > 30
    for name in ("__init__", "_errors", "_source_errors", "sigv4", "_sources.chain"):
        assert PACKAGE + ("" if name == "__init__" else "." + name) in MODULES


def test_the_graph_sees_lazy_and_type_checking_imports() -> None:
    graph = _graph()
    # A function-level import (the assume-role provider's MFA prompt error).
    assert PACKAGE + "._source_errors" in graph[PACKAGE + "._sources.assume_role"]
    # The package's typing-only table.
    assert PACKAGE + "._sources.sso" in graph[PACKAGE]
    # `from .. import sigv4` is an edge to the module, not to the package.
    assert PACKAGE + ".sigv4" in graph[PACKAGE + "._aws.sts"]


def test_cycle_finder_finds_a_cycle() -> None:
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_no_import_cycles() -> None:
    cycles = [[_short(name) for name in cycle] for cycle in _cycles(_graph())]
    assert cycles == []


def _bound_modules(module: str) -> Dict[str, str]:
    """Local names bound to package modules: ``from . import sigv4 [as x]``."""
    tree = ast.parse(MODULES[module].read_text(encoding="utf-8"))
    bound = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = _base(module, node.level)
                target = base + "." + node.module if node.module else base
            else:
                target = node.module or ""
            for alias in node.names:
                if target + "." + alias.name in MODULES:
                    bound[alias.asname or alias.name] = target + "." + alias.name
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.asname and alias.name in MODULES:
                    bound[alias.asname] = alias.name
    return bound


def _is_private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def _private_uses() -> Set[Tuple[str, str, str]]:
    uses = set()
    for module in MODULES:
        for _node, target, name in _imports(module):
            if target in MODULES and target != module and _is_private(name):
                uses.add((_short(module), _short(target), name))
        bound = _bound_modules(module)
        tree = ast.parse(MODULES[module].read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Attribute)
                and isinstance(node.value, ast.Name)
                and node.value.id in bound
                and bound[node.value.id] != module
                and _is_private(node.attr)
            ):
                uses.add((_short(module), _short(bound[node.value.id]), node.attr))
    return uses


def test_no_private_names_across_modules() -> None:
    unexpected = sorted(_private_uses() - ALLOWED_PRIVATE)
    assert unexpected == [], "import a public name, or make the name public: %s" % unexpected


def test_the_private_allow_list_only_holds_what_still_occurs() -> None:
    stale = sorted(ALLOWED_PRIVATE - _private_uses())
    assert stale == [], "fixed: remove these from ALLOWED_PRIVATE: %s" % stale


def test_no_absolute_self_imports() -> None:
    # A vendored copy is renamed: an absolute import would load (or miss) the original.
    bad = []
    for module in MODULES:
        for node, target, _name in _imports(module):
            level = getattr(node, "level", 0)
            if not level and (target == PACKAGE or target.startswith(PACKAGE + ".")):
                bad.append("%s:%d" % (_short(module), node.lineno))  # type: ignore[attr-defined]
    assert bad == []


def test_errors_never_imports_source_errors() -> None:
    # _source_errors builds on _errors; the reverse would load it on every path.
    assert PACKAGE + "._source_errors" not in _graph()[PACKAGE + "._errors"]
    assert PACKAGE + "._errors" in _graph()[PACKAGE + "._source_errors"]


_VENDORED_SCRIPT = r"""
import json, sys
sys.path.insert(0, sys.argv[1])
from datetime import datetime, timedelta, timezone

import {pkg} as btl

now = datetime(2026, 3, 4, 5, 6, 7, tzinfo=timezone.utc)
creds = btl.Credentials("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "SESSION")
token = btl.generate_token(creds, "eu-west-1", expiry=timedelta(minutes=30), now=now)
info = btl.decode_token(token)
resolved = btl.resolve_credentials(
    environ={{"AWS_ACCESS_KEY_ID": "AKIDENV", "AWS_SECRET_ACCESS_KEY": "envsecret"}},
    home="/nonexistent",
).get_frozen_credentials()
# Every public name loads, so every module of the copy is imported at least once.
names = sorted(n for n in btl.__all__ if getattr(btl, n) is not None)
out = {{
    "token": token,
    "region": info.region,
    "access_key_id": info.access_key_id,
    "issued_at": info.issued_at.isoformat(),
    "expires_at": info.expires_at.isoformat(),
    "resolved": [resolved.access_key, resolved.secret_key, resolved.token],
    "names": names,
    "version": btl.__version__,
    "module": type(creds).__module__.split(".")[0],
    "error_module": btl.SSOError.__module__.split(".")[0],
}}
if {check_isolated}:
    out["foreign"] = sorted(m for m in sys.modules if m.split(".")[0] == "bedrock_token_lite")
print(json.dumps(out))
"""


def _run(pkg: str, path: str, check_isolated: bool) -> Dict[str, object]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "PYTHON"))}
    script = _VENDORED_SCRIPT.format(pkg=pkg, check_isolated=check_isolated)
    proc = subprocess.run(
        [sys.executable, "-c", script, path],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=path,
        env=env,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    result: Dict[str, object] = json.loads(proc.stdout)
    return result


def test_a_renamed_vendored_copy_works_alone(tmp_path: Path) -> None:
    shutil.copytree(
        str(ROOT), str(tmp_path / "vendored_btl"), ignore=shutil.ignore_patterns("__pycache__")
    )
    vendored = _run("vendored_btl", str(tmp_path), check_isolated=True)
    assert vendored.pop("foreign") == []  # the original package was never imported
    assert vendored.pop("module") == vendored.pop("error_module") == "vendored_btl"
    real = _run(PACKAGE, str(ROOT.parent), check_isolated=False)
    assert real.pop("module") == real.pop("error_module") == PACKAGE
    assert vendored == real
    assert str(real["token"]).startswith("bedrock-api-key-")
    assert real["resolved"] == ["AKIDENV", "envsecret", None]
    assert real["names"] == sorted(bedrock_token_lite.__all__)


def _type_checking_imports() -> Dict[str, str]:
    """name -> module of the imports under ``if TYPE_CHECKING:`` in ``__init__.py``."""
    tree = ast.parse(MODULES[PACKAGE].read_text(encoding="utf-8"))
    found: Dict[str, str] = {}
    blocks = [
        node
        for node in tree.body
        if isinstance(node, ast.If)
        and isinstance(node.test, ast.Name)
        and node.test.id == "TYPE_CHECKING"
    ]
    assert len(blocks) == 1
    for node in blocks[0].body:
        assert isinstance(node, ast.ImportFrom)
        assert node.level == 1
        for alias in node.names:
            # `X as X` is what makes mypy --strict treat X as re-exported.
            assert alias.asname == alias.name, alias.name
            assert alias.name not in found, alias.name
            found[alias.name] = node.module or ""
    return found


def test_one_export_table_drives_all_dir_and_the_typing_imports() -> None:
    table: Dict[str, str] = bedrock_token_lite._EXPORTS  # type: ignore[attr-defined]
    assert len(table) > 70
    assert bedrock_token_lite.__all__ == [*table]
    assert table["__version__"] == "_version"
    assert _type_checking_imports() == table
    listed = dir(bedrock_token_lite)
    assert set(bedrock_token_lite.__all__) <= set(listed)
    assert listed == sorted(listed)
    for name, module in table.items():
        if name == "__version__":
            continue  # a str: no __module__
        value = getattr(bedrock_token_lite, name)
        assert getattr(value, "__module__", None) == PACKAGE + "." + module, name


def test_the_version_is_written_once_where_the_build_reads_it() -> None:
    # The version is a lazy name of the package, like every other export, so
    # `import bedrock_token_lite` does not load _version; flit_core, finding no
    # literal in __init__, imports the package and reads the attribute.
    tree = ast.parse(MODULES[PACKAGE + "._version"].read_text(encoding="utf-8"))
    literals = [
        ast.literal_eval(node.value)  # a Str on Python 3.7, a Constant later
        for node in tree.body
        if isinstance(node, ast.Assign)
        and [getattr(t, "id", None) for t in node.targets] == ["__version__"]
    ]
    assert literals == [bedrock_token_lite.__version__]
    init = MODULES[PACKAGE].read_text(encoding="utf-8")
    assert '"__version__": "_version",' in init
    assert init.count(bedrock_token_lite.__version__) == 0
    loaded = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys, %s; print('%s._version' in sys.modules)" % (PACKAGE, PACKAGE),
        ],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
        env=dict(os.environ, PYTHONPATH=str(ROOT.parent)),
    )
    assert loaded.stdout.strip() == "False"
