"""The README's and docs/recipes.md's recipes, run as written against loopback servers.

Each block marked ``<!-- recipe: NAME -->`` is read from the documents, never copied here.
A client is pointed at a server on 127.0.0.1 by its own base-URL setting or variable, or,
where the block spells the AWS host, by replacing exactly that host (``recipe(name, {...})``
checks that each replaced text occurs, so a changed block fails here instead of going
untested). The server records each request and, for in-process clients, moves the
TokenProvider's clock past the token's expiry after each one, so the next request must
carry a new token.
"""

from __future__ import annotations

import base64
import json
import os
import re
import shutil
import ssl
import subprocess
import sys
import zipfile
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Dict, Iterator, List, Mapping, Optional, Tuple

import pytest
from _support import ROOT, Endpoint, Seen, recording_server, self_signed_cert

import bedrock_token_lite as btl
import bedrock_token_lite._provider

DOCUMENTS = (ROOT / "README.md", ROOT / "docs" / "recipes.md")
_BLOCK = re.compile(r"^<!-- recipe: ([\w-]+) -->\n```(\w+)\n(.*?)^```$", re.M | re.S)
EXPECTED = {
    "boto3-client", "boto3-exec", "openai-sync", "openai-async", "openai-mantle",
    "anthropic-bedrock", "anthropic-env", "litellm-exec", "claude-code-exec",
    "lambda-layer", "lambda-handler", "inspect-expired",
}  # fmt: skip

ACCESS = "AKIDRECIPE"
SECRET = "recipe-secret-CANARY-5be1"
SESSION = "recipe-session-CANARY-77aa"
CREDS = btl.Credentials(ACCESS, SECRET, SESSION)
T0 = datetime(2026, 6, 1, 12, 0, 0, tzinfo=timezone.utc)
#: More than a token's 12 hours: after each request, the next one needs a new token.
STEP = timedelta(hours=13)
RUNTIME_HOST = "https://bedrock-runtime.us-east-1.amazonaws.com"
MANTLE_HOST = "https://bedrock-mantle.us-east-1.api.aws"


def _read_recipes() -> Dict[str, Tuple[str, str]]:
    found: Dict[str, Tuple[str, str]] = {}
    for document in DOCUMENTS:
        for match in _BLOCK.finditer(document.read_text(encoding="utf-8")):
            name, language, code = match.groups()
            assert name not in found, "recipe %r appears twice" % name
            found[name] = (language, code)
    return found


RECIPES = _read_recipes()


def recipe(name: str, replace: Optional[Mapping[str, str]] = None) -> str:
    """The code of one recipe, with ``replace``'s texts (each must occur) swapped."""
    code = RECIPES[name][1]
    for old, new in (replace or {}).items():
        assert old in code, "recipe %r no longer contains %r" % (name, old)
        code = code.replace(old, new)
    return code


def run_recipe(name: str, replace: Optional[Mapping[str, str]] = None) -> Dict[str, Any]:
    namespace: Dict[str, Any] = {"__name__": "recipe_" + name.replace("-", "_")}
    exec(compile(recipe(name, replace), "<recipe %s>" % name, "exec"), namespace)  # noqa: S102
    return namespace


def test_every_recipe_is_found_once() -> None:
    assert set(RECIPES) == EXPECTED
    for document in DOCUMENTS:  # a marker the pattern missed would be an untested recipe
        text = document.read_text(encoding="utf-8")
        assert len(re.findall(r"^<!-- recipe: ", text, re.M)) == sum(
            1 for _ in _BLOCK.finditer(text)
        )


# -- the stand-in for Bedrock -------------------------------------------------------


_CHAT = {
    "id": "chatcmpl-1", "object": "chat.completion", "created": 0, "model": "m",
    "choices": [{"index": 0, "finish_reason": "stop",
                 "message": {"role": "assistant", "content": "hi from loopback"}}],
}  # fmt: skip
_MESSAGE = {
    "id": "msg_1", "type": "message", "role": "assistant", "model": "m",
    "content": [{"type": "text", "text": "hi from loopback"}],
    "stop_reason": "end_turn", "stop_sequence": None,
    "usage": {"input_tokens": 1, "output_tokens": 1},
}  # fmt: skip
_CONVERSE = {
    "output": {"message": {"role": "assistant", "content": [{"text": "hi from loopback"}]}},
    "stopReason": "end_turn", "usage": {"inputTokens": 1, "outputTokens": 1, "totalTokens": 2},
    "metrics": {"latencyMs": 1},
}  # fmt: skip


def _answer_for(path: str) -> Dict[str, Any]:
    if path.endswith("/chat/completions"):
        return _CHAT
    if path.endswith("/invoke"):
        return _MESSAGE
    if path.endswith("/converse"):
        return _CONVERSE
    if path == "/foundation-models":
        return {"modelSummaries": []}
    return {}


@pytest.fixture
def http() -> Iterator[Endpoint]:
    yield from recording_server(answer=_answer_for)


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if shutil.which("openssl") is None:
        pytest.skip("the openssl command is needed to make a test certificate")
    cert, _key = self_signed_cert(tmp_path_factory.mktemp("tls"))
    return cert


@pytest.fixture
def https(certificate: Path) -> Iterator[Endpoint]:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(str(certificate), str(certificate.with_suffix(".key")))
    yield from recording_server(context, answer=_answer_for)


class Clock:
    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> datetime:
        return self.now

    def step(self) -> None:
        self.now += STEP


@pytest.fixture
def environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Dict[str, str]:
    """Example credentials in the environment, as on a fresh machine (and for children)."""
    for name in list(os.environ):
        if name.startswith(("AWS_", "BOTO_", "OPENAI_", "ANTHROPIC_")) or name.lower().endswith(
            "_proxy"
        ):
            monkeypatch.delenv(name)
    values = {
        "HOME": str(tmp_path),
        "AWS_CONFIG_FILE": str(tmp_path / "no-config"),
        "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "no-credentials"),
        "AWS_EC2_METADATA_DISABLED": "true",
        "BOTO_CONFIG": str(tmp_path / "no-boto"),
        "AWS_ACCESS_KEY_ID": ACCESS,
        "AWS_SECRET_ACCESS_KEY": SECRET,
        "AWS_SESSION_TOKEN": SESSION,
    }
    for name, value in values.items():
        monkeypatch.setenv(name, value)
    return values


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    """The clock of every TokenProvider a recipe makes (its default clock)."""
    frozen = Clock()
    monkeypatch.setattr(bedrock_token_lite._provider, "utc_now", frozen)
    return frozen


def bearer(seen: Seen) -> str:
    value = seen.headers["authorization"]
    assert value.startswith("Bearer ")
    return value[len("Bearer ") :]


def assert_refreshed(seen: List[Seen], region: str = "us-east-1") -> None:
    """One token per request, each made at the clock's time then, for ``region``."""
    tokens = [bearer(s) for s in seen]
    assert len(set(tokens)) == len(tokens) >= 2
    for index, token in enumerate(tokens):
        info = btl.verify_token(token, CREDS, now=T0 + index * STEP)
        assert info.region == region


def _bin_dir() -> str:
    return str(Path(sys.executable).parent)


def _child_env(environment: Mapping[str, str], **extra: str) -> Dict[str, str]:
    env = dict(environment, PATH=_bin_dir() + os.pathsep + os.environ.get("PATH", ""))
    env.update(extra)
    return env


def _needs_console_script() -> None:
    if not (Path(_bin_dir()) / "bedrock-token").exists():
        pytest.skip("the bedrock-token script is not installed beside this Python")


# -- boto3 -----------------------------------------------------------------------------


def _boto3_with_converse(bearer_from_environment: bool = False) -> None:
    """Skip where this Python's newest boto3 predates what the recipe uses."""
    pytest.importorskip("boto3")
    import botocore.session
    import botocore.utils

    model = botocore.session.get_session().get_service_model("bedrock-runtime")
    if "Converse" not in model.operation_names:
        pytest.skip("this botocore has no bedrock-runtime Converse (1.34.116 and later)")
    if bearer_from_environment and not hasattr(botocore.utils, "get_token_from_environment"):
        pytest.skip("this botocore does not read AWS_BEARER_TOKEN_BEDROCK (1.39 and later)")


def test_boto3_client_recipe(
    https: Endpoint, certificate: Path, environment: Dict[str, str], clock: Clock,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    _boto3_with_converse()
    # botocore's own settings point the unchanged block at the loopback server
    monkeypatch.setenv("AWS_ENDPOINT_URL_BEDROCK_RUNTIME", https.url)
    monkeypatch.setenv("AWS_ENDPOINT_URL_BEDROCK", https.url)
    monkeypatch.setenv("AWS_CA_BUNDLE", str(certificate))
    https.server.after_each = clock.step
    namespace = run_recipe("boto3-client")
    namespace["control"].list_foundation_models()
    namespace["runtime"].converse(
        modelId="amazon.nova-lite-v1:0", messages=[{"role": "user", "content": [{"text": "2"}]}]
    )
    assert [(s.method, s.path) for s in https.seen] == [
        ("POST", "/model/amazon.nova-lite-v1%3A0/converse"),
        ("GET", "/foundation-models"),
        ("POST", "/model/amazon.nova-lite-v1%3A0/converse"),
    ]
    assert_refreshed(https.seen)
    assert "AWS_BEARER_TOKEN_BEDROCK" not in os.environ


def test_boto3_exec_recipe(
    https: Endpoint, certificate: Path, environment: Dict[str, str], tmp_path: Path
) -> None:
    _boto3_with_converse(bearer_from_environment=True)
    _needs_console_script()
    env = _child_env(
        environment, AWS_ENDPOINT_URL_BEDROCK_RUNTIME=https.url, AWS_CA_BUNDLE=str(certificate)
    )
    app = tmp_path / "app.py"
    app.write_text(recipe("boto3-exec"), encoding="utf-8")
    command = ["bedrock-token", "exec", "--region", "us-east-1", "--", sys.executable, str(app)]
    result = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout == "hi from loopback\n"
    (seen,) = https.seen
    assert seen.path == "/model/amazon.nova-lite-v1%3A0/converse"  # botocore escapes the colon
    assert btl.verify_token(bearer(seen), CREDS).region == "us-east-1"
    # botocore reads AWS_DEFAULT_REGION, not AWS_REGION: exec sets both to the token's
    # region, so a parent's other AWS_DEFAULT_REGION does not send the token elsewhere.
    env["AWS_DEFAULT_REGION"] = "eu-west-1"
    app.write_text(recipe("boto3-exec") + "\nprint(runtime.meta.region_name)\n", encoding="utf-8")
    result = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout == "hi from loopback\nus-east-1\n"
    assert btl.verify_token(bearer(https.seen[-1]), CREDS).region == "us-east-1"


# -- the OpenAI SDK ------------------------------------------------------------------


def _openai() -> Any:
    return pytest.importorskip(
        "openai", reason="openai is not installed (a test extra, on Python 3.10 and later)"
    )


def test_openai_sync_recipe(
    http: Endpoint, environment: Dict[str, str], clock: Clock, capsys: pytest.CaptureFixture[str]
) -> None:
    _openai()
    http.server.after_each = clock.step
    namespace = run_recipe("openai-sync", {RUNTIME_HOST: http.url})
    assert capsys.readouterr().out == "hi from loopback\n"
    namespace["client"].chat.completions.create(
        model="openai.gpt-oss-20b-1:0", messages=[{"role": "user", "content": "2"}]
    )
    assert [(s.method, s.path) for s in http.seen] == [("POST", "/openai/v1/chat/completions")] * 2
    assert json.loads(http.seen[0].body)["model"] == "openai.gpt-oss-20b-1:0"
    assert_refreshed(http.seen)


def test_openai_mantle_recipe(http: Endpoint, environment: Dict[str, str], clock: Clock) -> None:
    _openai()
    http.server.after_each = clock.step
    namespace = run_recipe("openai-mantle", {MANTLE_HOST: http.url})
    namespace["mantle"].chat.completions.create(
        model="openai.gpt-oss-120b", messages=[{"role": "user", "content": "2"}]
    )
    assert [s.path for s in http.seen] == ["/v1/chat/completions"] * 2
    assert_refreshed(http.seen)


def test_openai_async_recipe(
    http: Endpoint, environment: Dict[str, str], clock: Clock, capsys: pytest.CaptureFixture[str]
) -> None:
    _openai()
    http.server.after_each = clock.step
    run_recipe("openai-async", {RUNTIME_HOST: http.url})
    assert capsys.readouterr().out == "hi from loopback\n" * 2
    assert [s.path for s in http.seen] == ["/openai/v1/chat/completions"] * 2
    assert_refreshed(http.seen)


def test_the_async_client_needs_the_async_callable(
    http: Endpoint, environment: Dict[str, str]
) -> None:
    """What the README says: AsyncOpenAI(api_key=tokens) fails, so it takes async_token."""
    openai = _openai()
    import asyncio

    client = openai.AsyncOpenAI(
        base_url=http.url + "/openai/v1", api_key=btl.TokenProvider("us-east-1"), max_retries=0
    )

    async def ask() -> None:
        await client.chat.completions.create(model="m", messages=[])

    with pytest.raises(TypeError, match="await"):
        asyncio.run(ask())
    assert http.seen == []


def test_openai_with_a_string_key_and_bearer_auth(
    http: Endpoint, environment: Dict[str, str], clock: Clock
) -> None:
    """docs/recipes.md: with a string api_key, the HTTP client's auth sets the header last."""
    openai = _openai()
    tokens = btl.TokenProvider("us-east-1")
    client = openai.OpenAI(
        base_url=http.url + "/openai/v1",
        api_key=tokens(),
        http_client=openai.DefaultHttpxClient(auth=btl.BearerAuth(tokens)),
    )
    http.server.after_each = clock.step
    for _ in range(2):
        client.chat.completions.create(model="m", messages=[{"role": "user", "content": "x"}])
    assert_refreshed(http.seen)


# -- the Anthropic SDK ---------------------------------------------------------------


def _anthropic() -> Any:
    return pytest.importorskip(
        "anthropic", reason="anthropic is not installed (a test extra, on Python 3.10 and later)"
    )


MODEL_PATH = "/model/us.anthropic.claude-haiku-4-5-20251001-v1:0/invoke"


def test_anthropic_bedrock_recipe(
    http: Endpoint, environment: Dict[str, str], clock: Clock,
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    _anthropic()
    monkeypatch.setenv("ANTHROPIC_BEDROCK_BASE_URL", http.url)  # the SDK's own setting
    http.server.after_each = clock.step
    namespace = run_recipe("anthropic-bedrock")
    assert capsys.readouterr().out == "hi from loopback\n"
    namespace["client"].messages.create(
        model="us.anthropic.claude-haiku-4-5-20251001-v1:0", max_tokens=8,
        messages=[{"role": "user", "content": "2"}],
    )  # fmt: skip
    assert [(s.method, s.path) for s in http.seen] == [("POST", MODEL_PATH)] * 2
    assert_refreshed(http.seen)
    # the SDK's own key stayed the first token: the fresh one came from BearerAuth
    assert namespace["client"].api_key == bearer(http.seen[0])


def test_async_anthropic_bedrock_with_bearer_auth(
    http: Endpoint, environment: Dict[str, str], clock: Clock
) -> None:
    """docs/recipes.md: AsyncAnthropicBedrock takes the same HTTP-client auth."""
    anthropic = _anthropic()
    import asyncio

    tokens = btl.TokenProvider("us-east-1")

    async def main() -> None:
        client = anthropic.AsyncAnthropicBedrock(
            aws_region="us-east-1", base_url=http.url, api_key=await tokens.async_token(),
            http_client=anthropic.DefaultAsyncHttpxClient(auth=btl.BearerAuth(tokens)),
        )  # fmt: skip
        for _ in range(2):
            await tokens.async_token()  # a due refresh runs here, off the loop
            await client.messages.create(
                model="us.anthropic.claude-haiku-4-5-20251001-v1:0", max_tokens=8,
                messages=[{"role": "user", "content": "x"}],
            )  # fmt: skip

    http.server.after_each = clock.step
    asyncio.run(main())
    assert [s.path for s in http.seen] == [MODEL_PATH] * 2
    assert_refreshed(http.seen)


def test_anthropic_env_recipe(http: Endpoint, environment: Dict[str, str], tmp_path: Path) -> None:
    _anthropic()
    _needs_console_script()
    app = tmp_path / "app.py"
    app.write_text(recipe("anthropic-env"), encoding="utf-8")
    result = subprocess.run(
        ["bedrock-token", "exec", "--region", "us-east-1", "--", sys.executable, str(app)],
        env=_child_env(environment, ANTHROPIC_BEDROCK_BASE_URL=http.url),
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout == "hi from loopback\n"
    (seen,) = http.seen
    assert seen.path == MODEL_PATH
    assert btl.verify_token(bearer(seen), CREDS).region == "us-east-1"


# -- commands: LiteLLM and coding assistants ---------------------------------------------

_REPORT = (
    "import json, os\n"
    "names = ('AWS_BEARER_TOKEN_BEDROCK', 'AWS_REGION', 'AWS_REGION_NAME', "
    "'CLAUDE_CODE_USE_BEDROCK')\n"
    "print(json.dumps({n: os.environ.get(n) for n in names}))\n"
)


def _run_command(line: str, tool: str, environment: Dict[str, str], tmp_path: Path) -> Any:
    """Run one recipe line in a shell with a reporting child where ``tool`` stands."""
    _needs_console_script()
    if shutil.which("sh") is None:  # pragma: no cover - every POSIX system has one
        pytest.skip("needs a POSIX shell")
    child = tmp_path / "report.py"
    child.write_text(_REPORT, encoding="utf-8")
    assert line.count("\n") == 1
    assert line.rstrip("\n").endswith(tool)
    command = line.rstrip("\n")[: -len(tool)] + '"$CHILD_PYTHON" "$CHILD"'
    result = subprocess.run(
        ["sh", "-c", command],
        env=_child_env(environment, CHILD=str(child), CHILD_PYTHON=sys.executable),
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-2000:]
    return json.loads(result.stdout)


def test_litellm_exec_recipe(environment: Dict[str, str], tmp_path: Path) -> None:
    got = _run_command(
        recipe("litellm-exec"), "litellm --config litellm.yaml", environment, tmp_path
    )
    assert got["AWS_REGION_NAME"] == got["AWS_REGION"] == "us-east-1"
    assert btl.verify_token(got["AWS_BEARER_TOKEN_BEDROCK"], CREDS).region == "us-east-1"


def test_claude_code_exec_recipe(environment: Dict[str, str], tmp_path: Path) -> None:
    got = _run_command(recipe("claude-code-exec"), "claude", environment, tmp_path)
    assert got["CLAUDE_CODE_USE_BEDROCK"] == "1"
    assert got["AWS_REGION"] == "us-east-1"
    info = btl.verify_token(got["AWS_BEARER_TOKEN_BEDROCK"], CREDS)
    assert (info.region, info.expiry_seconds) == ("us-east-1", 12 * 3600)


# -- the Lambda layer ------------------------------------------------------------------

_LAMBDA_CHILD = r"""
import json, sys
sys.path.insert(0, sys.argv[1])  # what Lambda does with /opt/python
assert not [p for p in sys.path if "site-packages" in p], sys.path
code = open(sys.argv[2]).read()
namespace = {"__name__": "lambda_function"}
exec(compile(code, "lambda_function.py", "exec"), namespace)
import bedrock_token_lite
print(json.dumps({
    "file": bedrock_token_lite.__file__,
    "reply": namespace["handler"]({"model": "amazon.nova-lite-v1:0", "prompt": "Hi"}, None),
    "loaded": sorted(m for m in ("botocore", "boto3", "requests") if m in sys.modules),
}))
"""


def _project_copy(destination: Path) -> Path:
    """What the layer command sees in a checkout, plus litter it must leave out."""
    for name in ("pyproject.toml", "README.md", "LICENSE"):
        shutil.copy2(str(ROOT / name), str(destination / name))
    shutil.copytree(
        str(ROOT / "bedrock_token_lite"), str(destination / "bedrock_token_lite"),
        ignore=shutil.ignore_patterns("__pycache__", "*.pyc"),
    )  # fmt: skip
    litter = destination / "bedrock_token_lite" / "__pycache__"
    litter.mkdir()
    (litter / "_api.cpython-311.pyc").write_bytes(b"not byte code")
    (destination / "tests").mkdir()
    (destination / "tests" / "test_x.py").write_text("x = 1\n", encoding="utf-8")
    return destination


def test_lambda_layer_recipe(http: Endpoint, environment: Dict[str, str], tmp_path: Path) -> None:
    if shutil.which("sh") is None:  # pragma: no cover
        pytest.skip("needs a POSIX shell")
    (tmp_path / "project").mkdir()
    project = _project_copy(tmp_path / "project")
    env = _child_env(environment, PIP_DISABLE_PIP_VERSION_CHECK="1")
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    # `python` and `pip` are this test's own (its folder first on PATH), as in an activated venv
    if not (Path(_bin_dir()) / "pip").exists() or not (Path(_bin_dir()) / "python").exists():
        pytest.skip("needs pip and python beside this interpreter (a virtual environment)")
    result = subprocess.run(
        ["sh", "-c", recipe("lambda-layer")], cwd=str(project), env=env,
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, (result.stdout + result.stderr)[-3000:]
    layer = project / "build" / "bedrock-token-lite-layer.zip"
    with zipfile.ZipFile(str(layer)) as archive:
        names = [n for n in archive.namelist() if not n.endswith("/")]
        archive.extractall(str(tmp_path / "opt"))
    package = sorted(
        "python/" + p.relative_to(ROOT).as_posix()
        for p in (ROOT / "bedrock_token_lite").rglob("*")
        if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".pyc"
    )
    metadata = [n for n in names if n.split("/")[1].endswith(".dist-info")]
    assert sorted(set(names) - set(metadata)) == package
    assert metadata
    assert all(re.match(r"python/bedrock_token_lite-[\w.]+\.dist-info/", n) for n in metadata)
    assert not [n for n in names if "__pycache__" in n or n.endswith(".pyc") or "tests/" in n]
    # The size the README states stays true (within a fifth).
    stated = re.search(r"\(([\d,]+) bytes for ", (ROOT / "README.md").read_text(encoding="utf-8"))
    assert stated is not None
    assert abs(layer.stat().st_size / int(stated.group(1).replace(",", "")) - 1) < 0.2

    handler = tmp_path / "lambda_function.py"
    handler.write_text(
        recipe("lambda-handler", {"https://bedrock-runtime.%s.amazonaws.com": http.url + "/%s"}),
        encoding="utf-8",
    )
    lambda_env = dict(environment, AWS_REGION="us-east-1", AWS_LAMBDA_FUNCTION_NAME="recipe")
    result = subprocess.run(
        [sys.executable, "-I", "-S", "-c", _LAMBDA_CHILD, str(tmp_path / "opt" / "python"),
         str(handler)],
        env=lambda_env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-2000:]
    report = json.loads(result.stdout)
    assert report["file"].startswith(str(tmp_path / "opt" / "python" / "bedrock_token_lite"))
    assert report["reply"] == "hi from loopback"
    assert report["loaded"] == []
    (seen,) = http.seen
    assert seen.path == "/us-east-1/model/amazon.nova-lite-v1:0/converse"
    assert btl.verify_token(bearer(seen), CREDS).region == "us-east-1"


# -- troubleshooting -------------------------------------------------------------------


def test_inspect_shows_what_the_troubleshooting_text_reads(environment: Dict[str, str]) -> None:
    """The sample output's lines (labels, the expired note) are what inspect prints."""
    _needs_console_script()
    sample = recipe("inspect-expired").splitlines()
    command, shown = sample[0], sample[1:]
    assert command == '$ bedrock-token inspect "$AWS_BEARER_TOKEN_BEDROCK"'
    issued = datetime.now(timezone.utc) - timedelta(minutes=60)
    token = btl.generate_token(btl.Credentials("AKIDEXAMPLE", SECRET), "eu-west-1", expiry=900,
                               now=issued)  # fmt: skip
    result = subprocess.run(
        ["sh", "-c", command[2:]], env=_child_env(environment, AWS_BEARER_TOKEN_BEDROCK=token),
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    printed = result.stdout.splitlines()

    def labels(lines: List[str]) -> List[str]:
        return [line.split(":", 1)[0] for line in lines]

    assert labels(printed) == labels(shown)
    assert printed[0] == shown[0]  # region:        eu-west-1
    assert printed[1:3] == shown[1:3]  # access key id, session token
    assert re.search(r"\(expired 4[45]m(\d+s)? ago\)$", printed[4]), printed[4]
    assert printed[5:7] == shown[5:7]  # lifetime 15m, version 1
    assert re.search(r"^status: +EXPIRED since .* \(4[45]m(\d+s)? ago\)$", printed[7]), printed[7]


def test_inspect_tells_skew_and_long_term_keys_apart(environment: Dict[str, str]) -> None:
    """The troubleshooting table's other rows: a token from the future, an ABSK key."""
    _needs_console_script()
    env = _child_env(environment)
    future = btl.generate_token(
        CREDS, "us-east-1", expiry=900, now=datetime.now(timezone.utc) + timedelta(hours=1)
    )
    shown = subprocess.run(
        ["bedrock-token", "inspect", "--json", future], env=env,
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert shown.returncode == 0, shown.stderr
    fields = json.loads(shown.stdout)
    assert fields["time_left_seconds"] > fields["expiry_seconds"] == 900  # more left than lifetime
    assert fields["expired"] is False
    assert fields["not_yet_valid"] is True
    assert 3500 <= fields["clock_skew_seconds"] <= 3600
    secret = "LongTermSecretPart" + "x" * 30
    long_term = (
        "ABSK"
        + base64.b64encode(("BedrockAPIKey-EXAMPLE-at-123456789012:" + secret).encode()).decode()
    )
    described = subprocess.run(
        ["bedrock-token", "inspect", long_term], env=env,
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert described.returncode == 0, described.stderr
    assert "long-term Bedrock API key" in described.stdout
    assert "123456789012" in described.stdout
    assert secret not in described.stdout + described.stderr
