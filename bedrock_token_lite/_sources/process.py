"""Credentials from a ``credential_process`` helper program, as botocore runs it.

The profile's ``credential_process`` value is split like a POSIX shell would
(``shlex.split``: quotes and backslashes, no ``~``, ``$VAR``, pipes or
comments) and run **without a shell**.  The helper prints a JSON object::

    {"Version": 1, "AccessKeyId": "...", "SecretAccessKey": "...",
     "SessionToken": "...", "Expiration": "2024-01-01T00:00:00Z", "AccountId": "..."}

With ``Expiration`` the credentials are refreshable and each refresh runs the
helper again.  Unlike botocore, a helper that runs longer than ``timeout``
seconds (default 60) is killed and :class:`CredentialProcessTimeoutError` is
raised; ``timeout=None`` waits forever, as botocore does.

Error messages name the profile and never contain the helper's standard
output (it carries the secret key); a failing helper's standard error is
included, truncated.
"""

from __future__ import annotations

import os

from .._common.credentials import Credentials
from .._common.dates import parse_expiry
from .._common.refresh import DeferredRefreshableCredentials, RefreshableCredentials
from .._config.session import SessionConfig
from .._config.settings import provider_profile_name, setting
from .._errors import InvalidConfigError, InvalidParameterError, NaiveExpiryError
from .._source_errors import (
    CredentialProcessCommandError,
    CredentialProcessError,
    CredentialProcessNotFoundError,
    CredentialProcessOutputError,
    CredentialProcessOutputTypeError,
    CredentialProcessPermissionError,
    CredentialProcessStartError,
    CredentialProcessTimeoutError,
    EmptyCredentialProcessError,
)

TYPE_CHECKING = False  # typing itself costs milliseconds to import
if TYPE_CHECKING:  # pragma: no cover
    from typing import Any, Callable, Dict, List, Mapping, Optional, Tuple, Type, Union

if TYPE_CHECKING:  # pragma: no cover
    from datetime import datetime

    from .context import SourceContext

__all__ = ["DEFAULT_PROCESS_TIMEOUT", "ProcessProvider", "configured_timeout", "run_process"]

#: Seconds a ``credential_process`` helper may run before it is killed.
DEFAULT_PROCESS_TIMEOUT = 60.0
#: Longer limits (about 31 years) are no limit: waiting on them overflows the C clock.
MAX_TIMEOUT = 1e9
#: How much of a failing helper's standard error goes into the exception message.
STDERR_LIMIT = 2000

#: ``runner(argv, env, timeout) -> (returncode, stdout, stderr)``.  ``env`` is
#: ``None`` to inherit this process's environment.  Raises ``OSError`` when the
#: program cannot be started and ``TimeoutError`` when it ran too long.
if TYPE_CHECKING:  # pragma: no cover
    Runner = Callable[
        [List[str], Optional[Dict[str, str]], Optional[float]], Tuple[int, bytes, bytes]
    ]


def run_process(
    argv: List[str], env: Optional[Dict[str, str]], timeout: Optional[float]
) -> Tuple[int, bytes, bytes]:
    """Run ``argv`` without a shell; return its exit status, stdout and stderr.

    stdin is inherited (helpers may prompt, for example for an MFA code).  On
    timeout the helper is killed and ``TimeoutError`` is raised.  Programs the
    helper started itself are not killed; if they keep the output pipes open
    we stop reading after a second.
    """
    import subprocess

    if timeout is not None and timeout > MAX_TIMEOUT:
        timeout = None  # the OS clock cannot wait that long (OverflowError): no limit
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    try:
        stdout, stderr = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        _stop(proc)
        raise TimeoutError(
            "the program ran longer than %s seconds and was killed" % timeout
        ) from None
    except BaseException:
        _stop(proc)
        raise
    return proc.returncode, stdout, stderr


def _stop(proc: Any) -> None:
    import subprocess

    proc.kill()
    try:
        proc.communicate(timeout=1.0)
    except subprocess.TimeoutExpired:  # a grandchild holds the pipes open
        for pipe in (proc.stdout, proc.stderr):
            pipe.close()
        proc.wait()


def _output_values(stdout: bytes) -> List[str]:
    """The text values a helper's output holds (what a failing helper might echo)."""
    text = stdout.decode("utf-8", "replace")
    found = [text.strip()]
    try:
        import json

        data = json.loads(text)
    except (ValueError, RecursionError):
        return found
    if isinstance(data, dict):
        found.extend(str(v) for v in data.values() if isinstance(v, str))
    return found


def configured_timeout(config: SessionConfig) -> Optional[float]:
    """The limit the configuration sets for a helper (``None``: none), else the default.

    ``credential_process_timeout``: an explicit value (the command's
    ``--process-timeout``), else ``BEDROCK_TOKEN_PROCESS_TIMEOUT``; seconds or
    a duration such as ``15m``; ``0`` means no limit.
    """
    value = config.get_config_variable("credential_process_timeout")
    if value is None:
        return DEFAULT_PROCESS_TIMEOUT
    if isinstance(value, (int, float)) and not isinstance(value, bool) and value >= 0:
        seconds: Optional[float] = float(value)
    else:
        from .._common.timefmt import duration_seconds

        parsed = duration_seconds(value) if isinstance(value, str) else None
        if parsed is None:
            raise InvalidConfigError(
                "BEDROCK_TOKEN_PROCESS_TIMEOUT is not a duration; use seconds (120), a "
                "value such as 15m or 1h30m, or 0 for no limit"
            )
        seconds = float(parsed)
    return None if seconds == 0 else seconds


class ProcessProvider:
    """botocore's ``ProcessProvider``: the profile's ``credential_process``.

    ``load_config()`` returns botocore's full-config shape
    ``{"profiles": {name: {key: value}}, ...}`` (called once, on first load;
    default: the shared config and credentials files, read as the chain does).
    ``profile_name`` defaults to ``AWS_DEFAULT_PROFILE``, then ``AWS_PROFILE``,
    then ``"default"``.  ``environ`` (default: inherit ``os.environ``) is the
    helper's environment.  ``runner`` (default :func:`run_process`) runs the
    helper; ``timeout`` is in seconds (``None``: no limit).  ``clock`` is passed
    to the refreshable credentials.

    ``load()`` returns ``None`` when the profile has no ``credential_process``,
    otherwise runs it at once and returns :class:`Credentials`, or
    :class:`RefreshableCredentials` when the output has an ``Expiration``.

    The chain builds it with :meth:`from_context`: the session's
    ``load_config`` and environment (given to the helper), the session
    profile or a ``source_profile``.
    """

    METHOD = "custom-process"
    CANONICAL_NAME: Optional[str] = None

    def __init__(
        self,
        profile_name: Optional[str] = None,
        load_config: Optional[Callable[[], Mapping[str, Any]]] = None,
        environ: Optional[Mapping[str, str]] = None,
        runner: Optional[Runner] = None,
        timeout: Optional[float] = DEFAULT_PROCESS_TIMEOUT,
        *,
        clock: Optional[Callable[[], datetime]] = None,
    ) -> None:
        if timeout is not None and not (
            isinstance(timeout, (int, float)) and not isinstance(timeout, bool) and timeout > 0
        ):
            raise InvalidParameterError(
                "timeout must be a positive number of seconds or None, got %r" % (timeout,)
            )
        env = os.environ if environ is None else environ
        if profile_name is None:
            profile_name = provider_profile_name(None, env, skip_empty=True)
        if load_config is None:
            # The shared config/credentials files, as the credential chain reads them.
            config = SessionConfig(environ=environ)
        else:
            config = SessionConfig.for_provider(load_config, environ=environ)
        self._setup(config, profile_name, environ is None, runner, timeout, clock)

    @classmethod
    def from_context(
        cls, ctx: SourceContext, *, profile_name: Optional[str] = None
    ) -> ProcessProvider:
        """The chain's provider: of the session profile, or of a ``source_profile``."""
        config = ctx.config
        name = config.profile_name if profile_name is None else profile_name
        provider = cls.__new__(cls)
        provider._setup(config, name, False, None, configured_timeout(config), None)
        return provider

    def _setup(
        self,
        config: SessionConfig,
        profile_name: str,
        inherit_environ: bool,
        runner: Optional[Runner],
        timeout: Optional[float],
        clock: Optional[Callable[[], datetime]],
    ) -> None:
        #: The session: ``load_config`` (called once, on first load) and the environment.
        self._config = config
        self.profile_name = profile_name
        self._loaded_config: Optional[Mapping[str, Any]] = None
        #: True: the helper inherits this process's environment (no ``environ`` given).
        self._inherit_environ = inherit_environ
        self._runner: Runner = runner or run_process
        self.timeout = timeout
        self._clock = clock

    # -- configuration -------------------------------------------------------

    @property
    def profile_config(self) -> Mapping[str, Any]:
        """The selected profile's keys (``{}`` when the profile does not exist)."""
        if self._loaded_config is None:
            self._loaded_config = self._read_config()
        profiles = self._loaded_config.get("profiles", {})
        profile: Mapping[str, Any] = profiles.get(self.profile_name, {})
        return profile

    @property
    def source(self) -> str:
        """Where this provider looks, for the chain's error messages."""
        return "credential_process of profile %s" % (self.profile_name,)

    def _read_config(self) -> Mapping[str, Any]:
        loaded: Mapping[str, Any] = self._config.load_config()
        return loaded

    # -- loading -------------------------------------------------------------

    def load(self) -> Optional[Union[Credentials, RefreshableCredentials]]:
        command = setting(
            self.profile_config, "credential_process", 'profile "%s"' % (self.profile_name,)
        )
        if command is None:
            return None
        parsed = self._run(command)
        raw_expiry = parsed.get("Expiration")
        if raw_expiry is None:
            return self._credentials(parsed, None)
        try:
            expiry = parse_expiry(raw_expiry, self._expiry_source())
        except NaiveExpiryError:
            # botocore accepts a naive expiry here and fails on first use.
            def fail() -> Credentials:
                parse_expiry(raw_expiry, self._expiry_source())
                raise AssertionError("unreachable")  # pragma: no cover

            return DeferredRefreshableCredentials(fail, method=self.METHOD, clock=self._clock)
        initial = self._credentials(parsed, expiry)

        def refresh() -> Credentials:
            again = self._run(command)
            value = again.get("Expiration")
            when = None if value is None else parse_expiry(value, self._expiry_source())
            return self._credentials(again, when)

        return RefreshableCredentials(refresh, initial, method=self.METHOD, clock=self._clock)

    def _expiry_source(self) -> str:
        return "Expiration in the credential_process output of profile %r" % (self.profile_name,)

    def _fail(self, cls: Type[CredentialProcessError], message: str) -> CredentialProcessError:
        return cls(
            "credential_process of profile %r: %s" % (self.profile_name, message),
            profile=self.profile_name,
        )

    def _argv(self, command: Any) -> List[str]:
        import shlex

        if not isinstance(command, str):
            raise self._fail(CredentialProcessCommandError, "the value must be a string")
        try:
            argv = shlex.split(command)
        except ValueError as exc:
            raise self._fail(
                CredentialProcessCommandError,
                "cannot split the command line (%s); balance the quotes or escape them "
                "with a backslash" % (exc,),
            ) from None
        if not argv:
            raise self._fail(
                EmptyCredentialProcessError,
                "the command is empty; set it to the helper program and its arguments, "
                "or remove the key",
            )
        return argv

    def _run(self, command: Any) -> Dict[str, Any]:
        argv = self._argv(command)
        env = None if self._inherit_environ else dict(self._config.environ)
        program = argv[0]
        try:
            returncode, stdout, stderr = self._runner(argv, env, self.timeout)
        except TimeoutError:
            raise self._fail(
                CredentialProcessTimeoutError,
                "%r ran longer than %s seconds and was killed; fix the helper or raise the "
                "timeout" % (program, self.timeout),
            ) from None
        except FileNotFoundError:
            raise self._fail(
                CredentialProcessNotFoundError,
                "program %r not found; use an absolute path or put it on PATH "
                "(~ and $VARIABLES are not expanded: there is no shell)" % (program,),
            ) from None
        except PermissionError:
            raise self._fail(
                CredentialProcessPermissionError,
                "program %r cannot be executed (permission denied); make it executable, "
                "for example chmod +x" % (program,),
            ) from None
        except OSError as exc:
            raise self._fail(
                CredentialProcessStartError,
                "program %r cannot be started (%s); scripts need a #! line"
                % (program, exc.strerror or type(exc).__name__),
            ) from None
        if returncode != 0:
            raise self._exit_error(program, returncode, stderr, stdout)
        return self._parse(stdout)

    def _exit_error(
        self, program: str, returncode: int, stderr: bytes, stdout: bytes = b""
    ) -> Exception:
        from .._common.redact import foreign_text

        raw = stderr.decode("utf-8", "replace")
        # A failing helper may print on stderr what it meant to print on stdout: its
        # stdout's values are the secrets to keep out (the one redaction step).
        text = foreign_text(raw[:STDERR_LIMIT], _output_values(stdout), limit=STDERR_LIMIT)
        if len(raw) > STDERR_LIMIT:
            text += "... (%d more characters)" % (len(raw) - STDERR_LIMIT)
        if returncode < 0:
            status = "was killed by signal %d" % (-returncode,)
        else:
            status = "exited with status %d" % (returncode,)
        detail = ": %s" % (text,) if text.strip() else " and wrote nothing to stderr"
        error = CredentialProcessError(
            "credential_process of profile %r: %r %s%s"
            % (self.profile_name, program, status, detail),
            profile=self.profile_name,
        )
        error.returncode = returncode
        error.stderr = raw
        return error

    def _parse(self, stdout: bytes) -> Dict[str, Any]:
        import json

        try:
            text: Optional[str] = stdout.decode("utf-8")
        except UnicodeDecodeError:
            text = None
        if text is None:
            # Raised here, not in the handler, where the decode error (holding the whole
            # output, secrets and all) would stay on ours as __context__.
            raise self._fail(CredentialProcessOutputError, "the output is not UTF-8 text")
        try:
            parsed = json.loads(text)
        except RecursionError:
            raise self._fail(
                CredentialProcessOutputError,
                "the output is JSON nested too deeply to read; the helper must print one flat "
                "JSON object",
            ) from None
        except ValueError as exc:
            where = getattr(exc, "msg", "invalid JSON"), getattr(exc, "lineno", 0)
            raise self._fail(
                CredentialProcessOutputError,
                "the output is not valid JSON (%s at line %d); the helper must print only "
                "the JSON object" % where,
            ) from None
        if not isinstance(parsed, dict):
            raise self._fail(
                CredentialProcessOutputTypeError,
                "the output is a JSON %s, not an object" % (_json_type(parsed),),
            )
        version = parsed.get("Version", "<Version key not provided>")
        if version != 1:
            # Only numbers are shown: any text in the output could be a secret.
            if "Version" not in parsed:
                shown = "'<Version key not provided>'"
            elif isinstance(version, (int, float)) and not isinstance(version, bool):
                shown = "'%s'" % (version,)
            else:
                shown = "(a JSON %s)" % (_json_type(version),)
            raise self._fail(
                CredentialProcessError,
                "Unsupported version %s for credential process provider, supported "
                'versions: 1 (print "Version": 1, a number)' % (shown,),
            )
        for key in ("AccessKeyId", "SecretAccessKey"):
            if key not in parsed:
                raise self._fail(
                    CredentialProcessError,
                    "Missing required key in response: %r; the helper must print "
                    "AccessKeyId and SecretAccessKey" % (key,),
                )
        return parsed

    def _credentials(self, parsed: Dict[str, Any], expiry: Optional[datetime]) -> Credentials:
        for key in ("AccessKeyId", "SecretAccessKey"):
            if not isinstance(parsed.get(key), str):
                raise self._fail(
                    CredentialProcessOutputError,
                    "%s must be a string, got %s" % (key, _json_type(parsed.get(key))),
                )
        for key in ("SessionToken", "AccountId"):
            value = parsed.get(key)
            if value is not None and not isinstance(value, str):
                raise self._fail(
                    CredentialProcessOutputError,
                    "%s must be a string or null, got %s" % (key, _json_type(value)),
                )
        account_id = parsed.get("AccountId") or self.profile_config.get("aws_account_id")
        return Credentials(
            parsed["AccessKeyId"],
            parsed["SecretAccessKey"],
            parsed.get("SessionToken"),
            expiry,
            account_id=account_id,
            method=self.METHOD,
        )


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"
