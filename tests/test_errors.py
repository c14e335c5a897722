"""The error hierarchy: one root, the meaning bases, and the builtins callers catch.

``PINNED`` was computed on the hierarchy before ``ConfigurationError`` and
``SourceError`` were added: for each class, the builtin exceptions in its MRO
(what ``except ValueError`` and the like catch) and the package classes it
derived from.  Adding a meaning base must change neither.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path
from typing import Dict, FrozenSet, List, Tuple, Type

import pytest

import bedrock_token_lite
from bedrock_token_lite import _errors, _source_errors, sigv4
from bedrock_token_lite._errors import BedrockTokenError, ConfigurationError, SourceError

#: (class, builtins in its MRO besides Exception/BaseException/object, package ancestors)
PINNED: List[Tuple[str, Tuple[str, ...], Tuple[str, ...]]] = [
    (
        "AuthTokenFileNotFoundError",
        ("FileNotFoundError", "OSError", "RuntimeError"),
        ("BedrockTokenError", "CredentialsError"),
    ),
    ("BedrockTokenError", (), ()),
    ("ClientError", ("RuntimeError",), ("BedrockTokenError", "CredentialsError")),
    ("ForeignCodeError", (), ("BedrockTokenError",)),
    (
        "ForeignError",
        ("RuntimeError",),
        ("BedrockTokenError", "CredentialRetrievalError", "CredentialsError", "ForeignCodeError"),
    ),
    ("SigningError", ("ValueError",), ("BedrockTokenError",)),
    ("SigningTypeError", ("ValueError", "TypeError"), ("BedrockTokenError", "SigningError")),
    ("ConfigNotFound", ("FileNotFoundError", "OSError"), ("BedrockTokenError",)),
    ("ConfigParseError", ("ValueError",), ("BedrockTokenError",)),
    (
        "ConnectionClosedError",
        ("ConnectionError", "OSError", "RuntimeError"),
        ("BedrockTokenError", "CredentialsError", "HTTPClientError"),
    ),
    (
        "ConnectTimeoutError",
        ("ConnectionError", "OSError", "RuntimeError", "TimeoutError"),
        ("BedrockTokenError", "CredentialsError", "EndpointConnectionError", "HTTPClientError"),
    ),
    (
        "CredentialProcessCommandError",
        ("RuntimeError", "ValueError"),
        (
            "BedrockTokenError",
            "CredentialProcessError",
            "CredentialRetrievalError",
            "CredentialsError",
        ),
    ),
    (
        "CredentialProcessError",
        ("RuntimeError",),
        ("BedrockTokenError", "CredentialRetrievalError", "CredentialsError"),
    ),
    (
        "CredentialProcessNotFoundError",
        ("FileNotFoundError", "OSError", "RuntimeError"),
        (
            "BedrockTokenError",
            "CredentialProcessError",
            "CredentialProcessStartError",
            "CredentialRetrievalError",
            "CredentialsError",
        ),
    ),
    (
        "CredentialProcessOutputError",
        ("RuntimeError", "ValueError"),
        (
            "BedrockTokenError",
            "CredentialProcessError",
            "CredentialRetrievalError",
            "CredentialsError",
        ),
    ),
    (
        "CredentialProcessOutputTypeError",
        ("AttributeError", "RuntimeError", "ValueError"),
        (
            "BedrockTokenError",
            "CredentialProcessError",
            "CredentialProcessOutputError",
            "CredentialRetrievalError",
            "CredentialsError",
        ),
    ),
    (
        "CredentialProcessPermissionError",
        ("OSError", "PermissionError", "RuntimeError"),
        (
            "BedrockTokenError",
            "CredentialProcessError",
            "CredentialProcessStartError",
            "CredentialRetrievalError",
            "CredentialsError",
        ),
    ),
    (
        "CredentialProcessStartError",
        ("OSError", "RuntimeError"),
        (
            "BedrockTokenError",
            "CredentialProcessError",
            "CredentialRetrievalError",
            "CredentialsError",
        ),
    ),
    (
        "CredentialProcessTimeoutError",
        ("OSError", "RuntimeError", "TimeoutError"),
        (
            "BedrockTokenError",
            "CredentialProcessError",
            "CredentialRetrievalError",
            "CredentialsError",
        ),
    ),
    ("CredentialRetrievalError", ("RuntimeError",), ("BedrockTokenError", "CredentialsError")),
    ("CredentialsError", ("RuntimeError",), ("BedrockTokenError",)),
    (
        "EmptyCredentialProcessError",
        ("IndexError", "LookupError", "RuntimeError", "ValueError"),
        (
            "BedrockTokenError",
            "CredentialProcessCommandError",
            "CredentialProcessError",
            "CredentialRetrievalError",
            "CredentialsError",
        ),
    ),
    (
        "EndpointConnectionError",
        ("ConnectionError", "OSError", "RuntimeError"),
        ("BedrockTokenError", "CredentialsError", "HTTPClientError"),
    ),
    ("ExpiredCredentialsError", ("RuntimeError",), ("BedrockTokenError", "CredentialsError")),
    ("ExpiryParseError", ("ValueError",), ("BedrockTokenError",)),
    ("ExpiryTypeError", ("TypeError", "ValueError"), ("BedrockTokenError", "ExpiryParseError")),
    ("HTTPClientError", ("RuntimeError",), ("BedrockTokenError", "CredentialsError")),
    ("HTTPError", ("RuntimeError",), ("BedrockTokenError", "CredentialsError", "HTTPClientError")),
    (
        "InfiniteLoopConfigError",
        ("RuntimeError", "ValueError"),
        ("BedrockTokenError", "CredentialsError", "InvalidConfigError"),
    ),
    (
        "InvalidAuthTokenError",
        ("RuntimeError", "ValueError"),
        ("BedrockTokenError", "CredentialsError", "InvalidConfigError"),
    ),
    (
        "InvalidConfigError",
        ("RuntimeError", "ValueError"),
        ("BedrockTokenError", "CredentialsError"),
    ),
    ("InvalidEndpointConfigurationError", ("ValueError",), ("BedrockTokenError",)),
    (
        "InvalidExpiryError",
        ("RuntimeError", "TypeError", "ValueError"),
        ("BedrockTokenError", "CredentialsError"),
    ),
    (
        "InvalidIMDSEndpointError",
        ("RuntimeError", "ValueError"),
        ("BedrockTokenError", "CredentialsError", "InvalidConfigError"),
    ),
    (
        "InvalidIMDSEndpointModeError",
        ("RuntimeError", "ValueError"),
        ("BedrockTokenError", "CredentialsError", "InvalidConfigError"),
    ),
    ("InvalidParameterError", ("ValueError",), ("BedrockTokenError",)),
    ("InvalidRegionError", ("ValueError",), ("BedrockTokenError", "InvalidParameterError")),
    (
        "InvalidResponseError",
        ("RuntimeError", "ValueError"),
        ("BedrockTokenError", "CredentialsError"),
    ),
    (
        "ResponseDecodeError",
        ("RuntimeError", "ValueError", "LookupError"),
        ("BedrockTokenError", "CredentialsError", "InvalidResponseError"),
    ),
    (
        "InvalidSTSRegionalEndpointsConfigError",
        ("RuntimeError", "ValueError"),
        ("BedrockTokenError", "CredentialsError", "InvalidConfigError"),
    ),
    ("InvalidTokenError", ("ValueError",), ("BedrockTokenError",)),
    (
        "InvalidURLError",
        ("RuntimeError", "ValueError"),
        ("BedrockTokenError", "CredentialsError", "HTTPClientError"),
    ),
    ("MetadataRetrievalError", ("RuntimeError",), ("BedrockTokenError", "CredentialsError")),
    ("MFAPromptError", ("EOFError", "RuntimeError"), ("BedrockTokenError", "CredentialsError")),
    (
        "MissingCredentialFieldError",
        ("KeyError", "LookupError", "RuntimeError"),
        ("BedrockTokenError", "CredentialsError"),
    ),
    (
        "MissingCredentialKeyError",
        ("KeyError", "LookupError", "RuntimeError"),
        ("BedrockTokenError", "CredentialsError", "PartialCredentialsError"),
    ),
    ("MissingDependencyError", ("RuntimeError",), ("BedrockTokenError", "CredentialsError")),
    (
        "NaiveExpiryError",
        ("TypeError", "ValueError"),
        ("BedrockTokenError", "ExpiryParseError", "ExpiryTypeError"),
    ),
    ("NoCredentialsError", ("RuntimeError",), ("BedrockTokenError", "CredentialsError")),
    ("NoRegionError", ("ValueError",), ("BedrockTokenError", "InvalidParameterError")),
    ("ParamValidationError", ("ValueError",), ("BedrockTokenError", "InvalidParameterError")),
    ("PartialCredentialsError", ("RuntimeError",), ("BedrockTokenError", "CredentialsError")),
    ("ProfileNotFound", ("KeyError", "LookupError"), ("BedrockTokenError",)),
    (
        "ProxyConnectionError",
        ("ConnectionError", "OSError", "RuntimeError"),
        ("BedrockTokenError", "CredentialsError", "HTTPClientError"),
    ),
    (
        "ReadTimeoutError",
        ("OSError", "RuntimeError", "TimeoutError"),
        ("BedrockTokenError", "CredentialsError", "HTTPClientError"),
    ),
    (
        "RefreshWithMFAUnsupportedError",
        ("RuntimeError",),
        ("BedrockTokenError", "CredentialsError"),
    ),
    ("ResponseParserError", ("RuntimeError",), ("BedrockTokenError", "CredentialsError")),
    (
        "ResponseTooLargeError",
        ("RuntimeError",),
        ("BedrockTokenError", "CredentialsError", "HTTPClientError"),
    ),
    (
        "SSLError",
        ("ConnectionError", "OSError", "RuntimeError"),
        ("BedrockTokenError", "CredentialsError", "HTTPClientError"),
    ),
    ("SSOError", ("RuntimeError",), ("BedrockTokenError", "CredentialsError")),
    ("SSOTokenLoadError", ("RuntimeError",), ("BedrockTokenError", "CredentialsError", "SSOError")),
    # Added with the hostile-input work: leaves for builtins botocore leaks.
    (
        "NestedValueError",
        ("AttributeError", "TypeError", "ValueError", "RuntimeError"),
        ("BedrockTokenError", "CredentialsError", "ConfigurationError", "InvalidConfigError"),
    ),
    (
        "SSOResponseError",
        ("KeyError", "LookupError", "TypeError", "RuntimeError"),
        ("BedrockTokenError", "CredentialsError", "SSOError"),
    ),
    (
        "SSOTokenCacheError",
        ("KeyError", "LookupError", "RuntimeError"),
        ("BedrockTokenError", "CredentialsError", "SSOError", "SSOTokenLoadError"),
    ),
    (
        "TokenFileNotFoundError",
        ("FileNotFoundError", "OSError", "RuntimeError"),
        ("BedrockTokenError", "CredentialsError"),
    ),
    ("TokenFileReadError", ("OSError", "RuntimeError"), ("BedrockTokenError", "CredentialsError")),
    (
        "TokenFileIsADirectoryError",
        ("IsADirectoryError", "OSError", "RuntimeError"),
        ("BedrockTokenError", "CredentialsError", "TokenFileReadError"),
    ),
    (
        "TokenFilePermissionError",
        ("OSError", "PermissionError", "RuntimeError"),
        ("BedrockTokenError", "CredentialsError", "TokenFileReadError"),
    ),
    (
        "TokenFileDecodeError",
        ("RuntimeError", "UnicodeError", "ValueError"),
        ("BedrockTokenError", "CredentialsError"),
    ),
    ("TokenRetrievalError", ("RuntimeError",), ("BedrockTokenError", "CredentialsError")),
    (
        "UnauthorizedSSOTokenError",
        ("RuntimeError",),
        ("BedrockTokenError", "CredentialsError", "SSOError"),
    ),
    (
        "UnsupportedContainerHostError",
        ("RuntimeError", "ValueError"),
        ("BedrockTokenError", "CredentialsError", "InvalidConfigError"),
    ),
]

NEW_BASES = ("ConfigurationError", "SourceError")

#: "A setting, file or profile cannot work": fix the configuration.
CONFIGURATION = {
    "ConfigNotFound",
    "ConfigParseError",
    "InfiniteLoopConfigError",
    "InvalidAuthTokenError",
    "InvalidConfigError",
    "InvalidEndpointConfigurationError",
    "InvalidIMDSEndpointError",
    "InvalidIMDSEndpointModeError",
    "InvalidSTSRegionalEndpointsConfigError",
    "MissingCredentialKeyError",
    "NoRegionError",
    "PartialCredentialsError",
    "ProfileNotFound",
    "NestedValueError",
    "UnsupportedContainerHostError",
    "TokenFileNotFoundError",
    "TokenFileReadError",
    "TokenFileIsADirectoryError",
    "TokenFilePermissionError",
    "TokenFileDecodeError",
}

#: "A configured source failed": a process, endpoint, service or cache.
SOURCE = {
    "AuthTokenFileNotFoundError",
    "ClientError",
    "ConnectionClosedError",
    "ConnectTimeoutError",
    "CredentialProcessCommandError",
    "CredentialProcessError",
    "CredentialProcessNotFoundError",
    "CredentialProcessOutputError",
    "CredentialProcessOutputTypeError",
    "CredentialProcessPermissionError",
    "CredentialProcessStartError",
    "CredentialProcessTimeoutError",
    "CredentialRetrievalError",
    "EmptyCredentialProcessError",
    "EndpointConnectionError",
    "ExpiredCredentialsError",
    "ForeignError",
    "HTTPClientError",
    "HTTPError",
    "InvalidExpiryError",
    "InvalidResponseError",
    "ResponseDecodeError",
    "InvalidURLError",
    "MetadataRetrievalError",
    "MFAPromptError",
    "MissingCredentialFieldError",
    "MissingDependencyError",
    "ProxyConnectionError",
    "ReadTimeoutError",
    "RefreshWithMFAUnsupportedError",
    "ResponseParserError",
    "ResponseTooLargeError",
    "SSLError",
    "SSOError",
    "SSOTokenLoadError",
    "SSOTokenCacheError",
    "SSOResponseError",
    "TokenRetrievalError",
    "UnauthorizedSSOTokenError",
}

#: Neither: the root, bad arguments, "nothing configured here", token and expiry parsing.
NEITHER = {
    "BedrockTokenError",
    "CredentialsError",
    "ExpiryParseError",
    "ForeignCodeError",
    "SigningError",
    "SigningTypeError",
    "ExpiryTypeError",
    "InvalidParameterError",
    "InvalidRegionError",
    "InvalidTokenError",
    "NaiveExpiryError",
    "NoCredentialsError",
    "ParamValidationError",
}


def _defined(module: object) -> Dict[str, Type[BaseException]]:
    return {
        name: value
        for name, value in vars(module).items()
        if isinstance(value, type)
        and issubclass(value, BaseException)
        and value.__module__ == module.__name__  # type: ignore[attr-defined]
    }


ALL: Dict[str, Type[BaseException]] = {
    **_defined(sigv4),
    **_defined(_errors),
    **_defined(_source_errors),
}


def _builtins(cls: type) -> FrozenSet[str]:
    skip = (object, BaseException, Exception)
    return frozenset(
        k.__name__ for k in cls.__mro__ if k.__module__ == "builtins" and k not in skip
    )


def _ancestors(cls: type) -> FrozenSet[str]:
    return frozenset(
        k.__name__ for k in cls.__mro__[1:] if k.__module__.startswith("bedrock_token_lite")
    )


def test_every_error_class_is_pinned_or_a_new_base() -> None:
    # Nine leaves were added for builtins botocore leaks; four for foreign code and the signer.
    assert len(PINNED) == 59 + 9 + 4
    assert sorted(ALL) == sorted([name for name, _b, _a in PINNED] + list(NEW_BASES))


def test_each_module_exports_exactly_what_it_defines() -> None:
    # _errors also re-exports the root, which the signer defines, and its helpers.
    helpers = {"BedrockTokenError", "foreign_error", "type_name"}
    assert sorted(_errors.__all__) == sorted(set(_defined(_errors)) | helpers)
    assert sorted(_source_errors.__all__) == sorted(_defined(_source_errors))
    assert not hasattr(_errors, "__getattr__")  # no re-export of the other module's names


EXPORTED = sorted(
    {name for name in bedrock_token_lite.__all__ if name != "__version__"}.union(
        _errors.__all__, _source_errors.__all__
    )
)


@pytest.mark.parametrize("name", EXPORTED)
def test_every_exported_error_is_a_bedrock_token_error(name: str) -> None:
    value = getattr(bedrock_token_lite, name, None) or ALL.get(name) or getattr(_errors, name)
    if isinstance(value, type) and issubclass(value, BaseException):
        assert issubclass(value, BedrockTokenError)
        assert value is ALL[name]


@pytest.mark.parametrize(("name", "builtins", "ancestors"), PINNED, ids=[p[0] for p in PINNED])
def test_builtin_bases_and_old_bases_are_unchanged(
    name: str, builtins: Tuple[str, ...], ancestors: Tuple[str, ...]
) -> None:
    cls = ALL[name]
    assert _builtins(cls) == frozenset(builtins)
    assert _ancestors(cls) >= frozenset(ancestors)
    assert _ancestors(cls) - frozenset(ancestors) <= set(NEW_BASES)


def test_the_new_bases_are_plain_package_errors() -> None:
    for base in (ConfigurationError, SourceError):
        assert base.__bases__ == (BedrockTokenError,)
        assert _builtins(base) == frozenset()


def test_which_leaves_fall_under_each_new_base() -> None:
    assert {n for n, c in ALL.items() if issubclass(c, ConfigurationError)} == CONFIGURATION | {
        "ConfigurationError"
    }
    assert {n for n, c in ALL.items() if issubclass(c, SourceError)} == SOURCE | {"SourceError"}
    assert not CONFIGURATION & SOURCE  # one meaning at most
    assert CONFIGURATION | SOURCE | NEITHER | set(NEW_BASES) == set(ALL)
    assert not NEITHER & (CONFIGURATION | SOURCE)


def test_the_new_bases_are_public() -> None:
    assert bedrock_token_lite.ConfigurationError is ConfigurationError
    assert bedrock_token_lite.SourceError is SourceError
    assert {"ConfigurationError", "SourceError"} <= set(bedrock_token_lite.__all__)
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    assert "`ConfigurationError`" in readme
    assert "`SourceError`" in readme


def test_callers_catching_the_old_bases_still_catch() -> None:
    from bedrock_token_lite._source_errors import InvalidSTSRegionalEndpointsConfigError, SSLError

    with pytest.raises(ValueError, match="STS regional endpoints option nope is invalid"):
        raise InvalidSTSRegionalEndpointsConfigError("nope")
    with pytest.raises(ConfigurationError):
        raise InvalidSTSRegionalEndpointsConfigError("nope")
    for catch in (ConnectionError, SourceError, bedrock_token_lite.CredentialsError):
        with pytest.raises(catch):
            raise SSLError("https://sts.amazonaws.com", "bad certificate")


def test_errors_does_not_load_source_errors() -> None:
    code = (
        "import sys; import bedrock_token_lite._errors; "
        "assert 'bedrock_token_lite._source_errors' not in sys.modules, sorted(sys.modules)"
    )
    subprocess.run(
        [sys.executable, "-c", code], check=True, cwd=str(Path(_errors.__file__).parents[1])
    )


def test_each_error_is_imported_from_the_module_that_defines_it() -> None:
    package = Path(_errors.__file__).resolve().parent
    tests = Path(__file__).resolve().parent
    wrong = []
    for path in sorted([*package.rglob("*.py"), *tests.rglob("*.py")]):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module:
                last = node.module.split(".")[-1]
                module = {"_errors": _errors, "_source_errors": _source_errors}.get(last)
                for alias in node.names if module is not None else ():
                    if alias.name not in module.__all__:  # type: ignore[union-attr]
                        wrong.append("%s:%d %s" % (path.name, node.lineno, alias.name))
    assert wrong == []
