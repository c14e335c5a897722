"""The ``bedrock-token`` command.

A small hand-written option parser keeps the cold start close to a bare
``python -c pass``: argparse alone costs several milliseconds to import.
Errors are one line on stderr, exit 1 for credential problems, 2 for
usage problems and 3 when the output cannot be written (a reader that went
away ends the command quietly with 141); never a traceback and never a secret.

``bedrock-token exec`` replaces itself with the command (``os.execvpe``) on
POSIX: the command then *is* the process the caller started, so stdin,
stdout, stderr, every signal and the exit status (including death by a
signal) pass through exactly, with no Python process left in between.
Elsewhere the command runs as a child; SIGINT/SIGTERM/SIGBREAK are forwarded
and its status is returned (128 + N when killed by signal N).
"""

from __future__ import annotations

import sys

from ._errors import BedrockTokenError, CredentialsError, InvalidParameterError

TYPE_CHECKING = False  # typing itself costs milliseconds to import
if TYPE_CHECKING:  # pragma: no cover
    from typing import Any, Dict, List, Mapping, Optional, Sequence, TextIO, Tuple, Union

if TYPE_CHECKING:  # pragma: no cover
    from datetime import datetime

    from ._provider import Issued

PROG = "bedrock-token"
EXIT_OK = 0
EXIT_CREDENTIALS = 1
EXIT_USAGE = 2
#: The output could not be written (a full disk, a closed file): not a credentials problem.
EXIT_OUTPUT = 3
#: The reader of standard output went away: 128 + SIGPIPE, as a tool that SIGPIPE ended.
EXIT_PIPE = 141
EXIT_NOT_EXECUTABLE = 126
EXIT_NOT_FOUND = 127
TOKEN_VAR = "AWS_BEARER_TOKEN_BEDROCK"

HELP = """\
usage: bedrock-token [--region REGION] [--profile PROFILE] [--expiry DURATION]
                     [--format FORMAT] [--env-var NAME]... [--process-timeout DURATION]
                     [--verbose] [--min-valid DURATION] [--no-cache]
       bedrock-token inspect [--json] [--check [--min-valid DURATION]] [TOKEN]
       bedrock-token exec [--region R] [--profile P] [--expiry D] [--env-var NAME]...
                          [--token-only] [--min-valid D] [--no-cache] [--verbose]
                          -- COMMAND [ARG...]

Print an Amazon Bedrock short-term API key (bearer token) and a newline.

options:
  -r, --region REGION    AWS region (default: AWS_REGION, AWS_DEFAULT_REGION, then
                         the profile's region, as provide_token finds it)
  -p, --profile PROFILE  use this profile of ~/.aws/config and ~/.aws/credentials
                         (environment credentials are then skipped, as in botocore)
  -e, --expiry DURATION  token lifetime: seconds (900), or 15m, 2h, 1h30m;
                         at most 12h (the default)
  -f, --format FORMAT    token (default): the token alone;
                         json: {"token", "region", "expires_at"} for programs;
                         or a line that sets AWS_BEARER_TOKEN_BEDROCK, for:
                         env: sh, bash, zsh (export NAME='...'; eval it),
                         env-no-export: the same without export (NAME='...'),
                         fish: set -gx NAME '...' (pipe it to source),
                         powershell: $Env:NAME = '...' (pipe it to Invoke-Expression),
                         windows-cmd: set "NAME=..." (a batch file to call),
                         dotenv: NAME=... (python-dotenv, Node dotenv, docker --env-file)
  --env-var NAME         set NAME to the token too (repeatable; for the formats
                         that set variables), e.g. OPENAI_API_KEY
  --process-timeout DURATION
                         how long a credential_process helper may run (default 60s;
                         0: no limit, for helpers that wait for a browser or an MFA
                         device); also BEDROCK_TOKEN_PROCESS_TIMEOUT
  --min-valid DURATION   the token must stay valid at least this long (at most
                         --expiry): a cached role that would end sooner is assumed
                         again; fails (exit 1) when the credentials cannot last that long
  --no-cache             do not read or write the AWS CLI's cache of assumed roles
                         (~/.aws/cli/cache; by default a role assumed by aws, botocore
                         or an earlier call is reused while 15 minutes remain)
  -v, --verbose          tell on stderr where the credentials and region came from
                         and when and why the token expires (never a secret)
  -V, --version          print the version and exit
  -h, --help             show this help and exit

subcommands (see bedrock-token inspect --help, bedrock-token exec --help):
  inspect                decode a token: region, access key id, issue and expiry times,
                         expired or dated in the future; --check for scripts;
                         recognises long-term (ABSK...) keys
  exec                   run a command with AWS_BEARER_TOKEN_BEDROCK and the region set

examples:
  export AWS_BEARER_TOKEN_BEDROCK="$(bedrock-token --region us-east-1)"
  eval "$(bedrock-token --format env --expiry 1h)"
  bedrock-token --format fish | source
  bedrock-token --format powershell | Invoke-Expression
  bedrock-token --format dotenv --env-var OPENAI_API_KEY > .env
  bedrock-token --profile dev --expiry 15m --format json
  bedrock-token exec --region us-west-2 -- python my_agent.py

exit status: 0 token printed, 1 no usable credentials (inspect --check: the token
is expired, not yet valid or expires too soon), 2 bad usage or input,
3 the output could not be written, 141 the reader of the output went away (quietly)
"""

INSPECT_HELP = """\
usage: bedrock-token inspect [--json] [--check [--min-valid DURATION]] [TOKEN]

Decode a Bedrock bearer token and show what it says about itself: region,
access key id, whether it carries a session token, when it was issued, when
it expires and how much time is left, and whether it is valid now: expired
(since when), or dated in the future (issued more than 5m ahead of this
machine's clock: one of the two clocks is wrong, and Bedrock refuses the
token until its issue time).  Reads the token from standard input when TOKEN
is absent or '-'.  The signature and session token are never shown.  The
signature is not checked (that needs the secret key).

A long-term Bedrock API key (ABSK...) is recognised and described: its key id,
IAM user and account; never its secret.  It carries no region or expiry.

options:
  --json                 print the fields as one JSON object
  --check                print nothing; exit 1 with one line on stderr saying why
                         when the token is expired, not yet valid, or expires within
                         --min-valid (with --json the object is printed as well,
                         with a "check" field); a long-term key passes (it carries
                         no expiry to check)
  --min-valid DURATION   with --check: also fail when less than DURATION is left
                         (seconds, or 15m, 1h30m...)
  -h, --help             show this help and exit

examples:
  bedrock-token inspect "$AWS_BEARER_TOKEN_BEDROCK"
  bedrock-token --region us-east-1 | bedrock-token inspect --json
  bedrock-token inspect --check --min-valid 10m "$AWS_BEARER_TOKEN_BEDROCK" ||
      eval "$(bedrock-token --format env)"

exit status: 0 decoded (even if expired, unless --check), 1 --check failed,
2 not a well-formed token or bad usage, 3 the output could not be written,
141 the reader of the output went away (quietly)
"""

EXEC_HELP = """\
usage: bedrock-token exec [--region REGION] [--profile PROFILE] [--expiry DURATION]
                          [--env-var NAME]... [--token-only] [--verbose]
                          [--min-valid DURATION] [--no-cache]
                          [--] COMMAND [ARG...]

Run COMMAND with AWS_BEARER_TOKEN_BEDROCK set to a fresh token, and AWS_REGION
and AWS_DEFAULT_REGION (the one botocore reads) set to its region; everything
else in the environment is passed on (less the AWS credential variables with
--token-only).  On POSIX the command replaces this process, so standard input
and output, signals and the exit status are the command's own.

options:
  -r, --region REGION    AWS region (default: AWS_REGION, AWS_DEFAULT_REGION, then
                         the profile's region, as provide_token finds it)
  -p, --profile PROFILE  use this profile of the shared config and credentials files
  -e, --expiry DURATION  token lifetime (default 12h)
  --env-var NAME         set NAME to the token too (repeatable), e.g. OPENAI_API_KEY
  --token-only           remove the AWS credential variables (AWS_ACCESS_KEY_ID,
                         AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN, the container and
                         web identity variables, AWS_PROFILE, ...): the command gets
                         the token and the region, not the credentials that made it
                         (the shared config and credentials files stay readable)
  --process-timeout DURATION
                         how long a credential_process helper may run (default 60s; 0: no limit)
  --min-valid DURATION   the token must stay valid at least this long (at most --expiry)
  --no-cache             do not use the AWS CLI's cache of assumed roles (~/.aws/cli/cache)
  -v, --verbose          tell on stderr where credentials and region came from
  -h, --help             show this help and exit

examples:
  bedrock-token exec -- python -c 'import os; print(os.environ["AWS_REGION"])'
  bedrock-token exec --region us-west-2 --expiry 1h -- ./run-agent.sh --fast
  bedrock-token exec --token-only --env-var OPENAI_API_KEY -- python my_agent.py

exit status: the command's; 1 no usable credentials, 2 bad usage,
126 command not executable, 127 command not found
"""


class UsageError(Exception):
    """Bad command line (exit 2)."""


_TOKEN_OPTIONS = {
    "-r": "region",
    "--region": "region",
    "-p": "profile",
    "--profile": "profile",
    "-e": "expiry",
    "--expiry": "expiry",
    "-f": "format",
    "--format": "format",
    "--process-timeout": "process_timeout",
    "--env-var": "env_var",
    "--min-valid": "min_valid",
}
_EXEC_OPTIONS = {k: v for k, v in _TOKEN_OPTIONS.items() if v != "format"}
_FLAGS = {"-v": "verbose", "--verbose": "verbose", "--no-cache": "no_cache"}
_EXEC_FLAGS = dict(_FLAGS, **{"--token-only": "token_only"})
#: Options that may be given more than once: every value is kept, in order.
_REPEATABLE = frozenset({"env_var"})
#: Every --format; all but token and json are _shell.VARIABLE_FORMATS.
_FORMATS = ("token", "json", "env", "env-no-export", "fish", "powershell", "windows-cmd", "dotenv")


#: Arguments longer than this are never quoted in an error (a key or token pasted by mistake).
MAX_SHOWN = 32


def shown(text: str) -> str:
    """``text`` as an error quotes an argument: its repr when short and plain, else its length.

    A token, secret key or session token pasted in the wrong place must not
    reach stderr: long arguments, and any that look like a key, are not shown.
    """
    if len(text) <= MAX_SHOWN and not text.startswith(("bedrock-api-key-", "ABSK")):
        return repr(text)
    return "(an argument of %d characters, not shown)" % len(text)


def parse_duration(text: str, option: str = "--expiry") -> int:
    """Seconds in ``900``, ``15m``, ``2h``, ``1h30m`` or ``90s``; a usage error otherwise."""
    from ._common.timefmt import duration_seconds

    seconds = duration_seconds(text)
    if seconds is None:
        raise UsageError(
            "%s: %s is not a duration; use seconds (900) or a value such as 15m, 2h, 1h30m"
            % (option, shown(text))
        )
    return seconds


def _parse(
    argv: Sequence[str],
    options: Mapping[str, str],
    flags: Mapping[str, str],
    command: str,
    *,
    stop_at_positional: bool = False,
    lists: Optional[Dict[str, List[str]]] = None,
) -> Tuple[Dict[str, str], List[str]]:
    """(options found, positional arguments); ``help``/``version`` end parsing early.

    A repeatable option (``_REPEATABLE``) keeps its last value in the options
    found and every value, in order, in ``lists``.
    """
    found: Dict[str, str] = {}
    rest: List[str] = []
    args = list(argv)
    see = "see %s --help" % command
    while args:
        arg = args.pop(0)
        if arg == "--":
            rest.extend(args)
            break
        if arg in ("-h", "--help"):
            return {"help": ""}, []
        if arg in ("-V", "--version") and command == PROG:
            return {"version": ""}, []
        if arg in flags:
            found[flags[arg]] = ""
            continue
        name, eq, value = arg.partition("=")
        if name in options and (name.startswith("--") or not eq):
            if not eq:
                if not args:
                    raise UsageError("%s needs a value" % name)
                value = args.pop(0)
            found[options[name]] = value
            if lists is not None and options[name] in _REPEATABLE:
                lists.setdefault(options[name], []).append(value)
        elif arg.startswith("-") and arg != "-":
            raise UsageError("unknown option %s (%s)" % (shown(arg), see))
        elif stop_at_positional:
            rest.append(arg)
            rest.extend(args)
            break
        else:
            rest.append(arg)
    return found, rest


def parse_args(argv: Sequence[str], lists: Optional[Dict[str, List[str]]] = None) -> Dict[str, str]:
    """Parse the token command's ``argv`` into option names and values (``lists``: see _parse)."""
    found, rest = _parse(argv, _TOKEN_OPTIONS, _FLAGS, PROG, lists=lists)
    if rest:
        raise UsageError("unexpected argument %s (see bedrock-token --help)" % (shown(rest[0]),))
    return found


class _SourceFailed(Exception):
    """A library error raised while getting credentials: exit 1, whatever its class."""

    def __init__(self, error: BaseException) -> None:
        super().__init__(type(error).__name__)
        self.error = error


#: The longest error line the command writes (text from outside can be long).
MAX_MESSAGE = 2000


def one_line(message: str) -> str:
    """``message`` as one line: lines joined with "; ", control characters escaped, bounded."""
    text = ""
    for line in message.splitlines():
        line = line.strip()
        if line:
            text += ("" if not text else " " if text.endswith(":") else "; ") + line
    if not text.isprintable():
        text = "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)
    if len(text) > MAX_MESSAGE:
        text = text[: MAX_MESSAGE - 3] + "..."
    return text


def _fail(stderr: TextIO, code: int, message: str) -> int:
    stderr.write("%s: error: %s\n" % (PROG, one_line(message)))
    stderr.flush()
    return code


def _iso(when: datetime) -> str:
    from ._common.timefmt import iso_utc as iso

    return iso(when)


class _Plain:
    """A token from credentials that never expire: all the command prints without --verbose."""

    __slots__ = ("token", "region")

    def __init__(self, token: str, region: str) -> None:
        self.token = token
        self.region = region


def _issue(
    opts: Mapping[str, str], err: TextIO, provider: Any = None, *, times: bool = False
) -> Union[Issued, _Plain]:
    """A token for the command line's options; explains itself on ``err`` with --verbose.

    Credentials that never expire (environment variables, a credentials file)
    are signed with a stamp from ``time``: nothing here loads ``datetime``
    unless the expiry times are wanted (``times``, --verbose) or the
    credentials carry an expiry of their own to check.
    """
    from ._core import expiry_seconds
    from ._defaults import load_credentials, resolve_region, session_config

    expiry = expiry_seconds(parse_duration(opts["expiry"]) if "expiry" in opts else 43200)
    min_valid = _min_valid(opts, expiry)
    profile = opts.get("profile")
    config = session_config(profile)  # one configuration for both: each file is read once
    if "process_timeout" in opts:
        limit = parse_duration(opts["process_timeout"], "--process-timeout")
        config.set_config_variable("credential_process_timeout", limit)
    region, source = resolve_region(opts.get("region"), config, how="--region us-east-1")
    try:
        # From here on an InvalidParameterError is a source's own check (an STS
        # parameter, a region read from a profile, also when deferred credentials
        # fetch on first use): the configuration is at fault, not the command line.
        credentials = load_credentials(
            provider, config, cache_dir=_role_cache_dir(opts, config), min_valid=min_valid
        )
        return _sign(opts, err, credentials, region, source, expiry, times, min_valid)
    except InvalidParameterError as exc:
        raise _SourceFailed(exc) from None


def _min_valid(opts: Mapping[str, str], expiry: int) -> int:
    """--min-valid in seconds (0 without it); a usage error when longer than the token's life."""
    if "min_valid" not in opts:
        return 0
    seconds = parse_duration(opts["min_valid"], "--min-valid")
    if seconds > expiry:
        from ._common.dt import timedelta
        from ._common.timefmt import span

        raise UsageError(
            "--min-valid %s is longer than the token's lifetime (--expiry %s); "
            "ask for a longer --expiry or a shorter --min-valid"
            % (opts["min_valid"], span(timedelta(seconds=expiry)))
        )
    return seconds


def _role_cache_dir(opts: Mapping[str, str], config: Any) -> Optional[str]:
    """The AWS CLI's folder of assumed roles in the configuration's home; none with --no-cache.

    The cache itself is made only if a role source is reached: environment
    credentials never load its module.
    """
    if "no_cache" in opts:
        return None
    import os

    folder: str = config.expand(os.path.join("~", ".aws", "cli", "cache"))  # CLI_CACHE_DIR
    # No home directory to expand "~" against: no cache, rather than a "~" folder here.
    return folder if os.path.isabs(folder) else None


def _sign(
    opts: Mapping[str, str],
    err: TextIO,
    credentials: Any,
    region: str,
    source: str,
    expiry: int,
    times: bool,
    min_valid: int = 0,
) -> Union[Issued, _Plain]:
    from ._common.credentials import Credentials

    if (
        credentials.__class__ is Credentials
        and credentials.expiry is None
        and not times
        and "verbose" not in opts
    ):
        import time

        from ._core import credential_values, epoch_stamp, sign_token

        stamp = epoch_stamp(time.time())
        return _Plain(sign_token(*credential_values(credentials), region, expiry, stamp), region)
    return _issue_with_times(opts, err, credentials, region, source, expiry, min_valid)


def _issue_with_times(
    opts: Mapping[str, str],
    err: TextIO,
    credentials: Any,
    region: str,
    source: str,
    expiry: int,
    min_valid: int = 0,
) -> Issued:
    from ._common.dt import datetime, timezone
    from ._provider import issue

    now = datetime.now(timezone.utc)
    issued = issue(credentials, region, expiry, now)
    if issued.valid_until <= now:
        raise CredentialsError(
            "The credentials from %r expired at %s; refresh them (for example with "
            "aws sso login or a new session) and try again"
            % (issued.method, _iso(issued.valid_until))
        )
    if min_valid and (issued.valid_until - issued.issued_at).total_seconds() < min_valid:
        from ._common.timefmt import span as _span

        if issued.method in ("assume-role", "assume-role-with-web-identity"):
            why = "the role's maximum session duration or its duration_seconds may be shorter"
        else:
            why = "the credential source gives credentials that end sooner"
        raise CredentialsError(
            "--min-valid %s: the credentials from %r expire at %s, in %s, so no token from "
            "them stays valid that long (%s); ask for less, or refresh the credential source"
            % (
                opts.get("min_valid", ""),
                issued.method,
                _iso(issued.valid_until),
                _span(issued.valid_until - now),
                why,
            )
        )
    if "verbose" in opts:
        from ._common.timefmt import span as _span

        where = "--region" if source == "argument" else source
        if issued.reason == "credential expiry":
            why = "credential expiry: the credentials expire before the requested %s" % _span(
                issued.token_expires_at - issued.issued_at
            )
        else:
            why = "requested expiry %s" % _span(issued.token_expires_at - issued.issued_at)
        if "profile" in opts:
            err.write("%s: profile: %s\n" % (PROG, opts["profile"]))
        err.write("%s: credentials: from provider %r\n" % (PROG, issued.method))
        err.write("%s: region: %s (from %s)\n" % (PROG, region, where))
        err.write(
            "%s: token expires at %s, in %s (%s)\n"
            % (PROG, _iso(issued.valid_until), _span(issued.valid_until - now), why)
        )
        err.flush()
    return issued


def _variable_names(extra: Sequence[str]) -> List[str]:
    """AWS_BEARER_TOKEN_BEDROCK, then each ``--env-var`` name once; a bad name is usage."""
    from ._shell import RESERVED_NAMES, is_portable_name, variable_names

    for name in extra:
        if name.startswith("bedrock-api-key-"):  # never echo a token on stderr
            raise UsageError("--env-var: a token is not a variable name (give NAME)")
        if not is_portable_name(name):
            raise UsageError(
                "--env-var: %s is not a portable variable name (ASCII letters, digits "
                "and _, not starting with a digit)" % (shown(name),)
            )
        if name in RESERVED_NAMES:
            raise UsageError(
                "--env-var: %s means something else to AWS tools (a region, credentials "
                "or a profile); give a name for the token" % (name,)
            )
    return variable_names(TOKEN_VAR, extra)


def _print_token(
    opts: Mapping[str, str], out: TextIO, err: TextIO, source: Any, env_vars: Sequence[str] = ()
) -> int:
    fmt = opts.get("format", "token")
    if fmt not in _FORMATS:
        raise UsageError("--format: %s is not one of %s" % (shown(fmt), ", ".join(_FORMATS)))
    names: Optional[List[str]] = None
    if fmt not in ("token", "json"):
        names = _variable_names(env_vars)
    elif env_vars:
        raise UsageError(
            "--env-var: --format %s sets no variables (use a format that does, "
            "such as env, or exec)" % (fmt,)
        )
    issued = _issue(opts, err, source, times=fmt == "json")
    if names is not None:
        from ._shell import assignments

        out.write(assignments(fmt, names, issued.token))
    elif fmt == "json":
        import json

        assert not isinstance(issued, _Plain)  # times=True: an Issued
        document = {
            "token": issued.token,
            "region": issued.region,
            "expires_at": _iso(issued.valid_until),
        }
        out.write(json.dumps(document) + "\n")
    else:
        out.write(issued.token + "\n")
    return EXIT_OK


#: ``inspect --check``: the token is expired, not yet valid, or expires within --min-valid.
EXIT_CHECK = 1


def _inspect(argv: Sequence[str], out: TextIO, err: TextIO, stdin: Optional[TextIO]) -> int:
    from datetime import datetime, timezone

    from ._inspect import decode_token
    from ._long_term import LONG_TERM_KEY_PREFIX, decode_long_term_key

    opts, rest = _parse(
        argv,
        {"--min-valid": "min_valid"},
        {"--json": "json", "--check": "check"},
        PROG + " inspect",
    )
    if "help" in opts:
        out.write(INSPECT_HELP)
        return EXIT_OK
    if "min_valid" in opts and "check" not in opts:
        raise UsageError("--min-valid needs --check (see bedrock-token inspect --help)")
    min_valid = parse_duration(opts["min_valid"], "--min-valid") if "min_valid" in opts else 0
    if len(rest) > 1:
        raise UsageError("inspect takes one TOKEN (see bedrock-token inspect --help)")
    if rest and rest[0] != "-":
        text = rest[0]
    else:
        source = sys.stdin if stdin is None else stdin
        if source is None:
            raise UsageError("no TOKEN argument and no standard input to read it from")
        text = source.read()
    text = text.strip()
    if not text:
        raise UsageError("no token given (pass TOKEN or pipe it on standard input)")
    if text.startswith(LONG_TERM_KEY_PREFIX):
        # A long-term key carries no times: --check has nothing to refuse it for.
        key = decode_long_term_key(text)
        if "json" in opts:
            import json

            document: Dict[str, Any] = {
                "kind": "long-term",
                "key_id": key.key_id,
                "user_name": key.user_name,
                "account_id": key.account_id,
                "region": None,
                "expires_at": None,
            }
            if "check" in opts:
                document["check"] = "ok"
            out.write(json.dumps(document, indent=2) + "\n")
        elif "check" not in opts:
            out.write(_long_term_text(key))
        return EXIT_OK
    info = decode_token(text)
    now = datetime.now(timezone.utc)
    failure = _check_failure(info, now, min_valid) if "check" in opts else None
    if "json" in opts:
        import json

        out.write(json.dumps(_inspect_document(info, now, opts, failure), indent=2) + "\n")
    elif "check" not in opts:
        out.write(_inspect_text(info, now))
    if failure is not None:
        return _fail(err, EXIT_CHECK, failure[1])
    return EXIT_OK


def _long_term_text(key: Any) -> str:
    unknown = "not readable from the key id"
    rows = (
        ("kind", "long-term Bedrock API key (ABSK...), not a short-term token"),
        ("key id", key.key_id),
        ("IAM user", key.user_name or unknown),
        ("account", key.account_id or unknown),
        ("made by", "the Bedrock console or IAM (a service-specific credential)"),
        ("region", "not in the key (it works in every region the IAM user may use)"),
        (
            "expires",
            "not in the key: it does not expire by itself (only on a date chosen "
            "when it was made, which IAM shows)",
        ),
    )
    return "".join("%-15s%s\n" % (label + ":", value) for label, value in rows)


def _ahead(info: Any, now: datetime) -> int:
    """Whole seconds by which the token's issue time is ahead of ``now`` (0 if not ahead)."""
    return max(int((info.issued_at - now).total_seconds()), 0)


def _check_failure(info: Any, now: datetime, min_valid: int) -> Optional[Tuple[str, str]]:
    """(check, one-line reason) when ``inspect --check`` fails, else None."""
    from datetime import timedelta

    from ._common.timefmt import span as _span
    from ._inspect import CLOCK_SKEW

    if info.is_not_yet_valid(now):
        return (
            "not-yet-valid",
            "the token is not valid yet: it was issued at %s, %s in the future (more than "
            "the %s clock-skew tolerance); Bedrock refuses it until then (check the "
            "clocks of this machine and of the one that made it)"
            % (_iso(info.issued_at), _span(info.issued_at - now), _span(CLOCK_SKEW)),
        )
    if info.is_expired(now):
        return (
            "expired",
            "the token expired at %s (%s ago)"
            % (_iso(info.expires_at), _span(now - info.expires_at)),
        )
    left = info.expires_at - now
    if left < timedelta(seconds=min_valid):
        return (
            "expires-soon",
            "the token expires at %s, in %s: less than --min-valid %s"
            % (_iso(info.expires_at), _span(left), _span(timedelta(seconds=min_valid))),
        )
    return None


def _inspect_document(
    info: Any, now: datetime, opts: Mapping[str, str], failure: Optional[Tuple[str, str]]
) -> Dict[str, Any]:
    left = info.expires_at - now
    seconds = int(left.total_seconds())
    document: Dict[str, Any] = {
        "region": info.region,
        "access_key_id": info.access_key_id,
        "has_session_token": info.has_session_token,
        "issued_at": _iso(info.issued_at),
        "expires_at": _iso(info.expires_at),
        "expiry_seconds": info.expiry_seconds,
        "time_left_seconds": max(seconds, 0),
        "expired": seconds <= 0,
        "version": info.version,
        "kind": "short-term",
        "not_yet_valid": info.is_not_yet_valid(now),
        "clock_skew_seconds": _ahead(info, now),
        "expired_seconds_ago": max(-seconds, 0),
    }
    if "check" in opts:
        document["check"] = "ok" if failure is None else failure[0]
    return document


def _inspect_text(info: Any, now: datetime) -> str:
    from ._common.timefmt import span as _span
    from ._inspect import CLOCK_SKEW

    left = info.expires_at - now
    seconds = int(left.total_seconds())
    state = "%s left" % _span(left) if seconds > 0 else "expired %s ago" % _span(-left)
    issued = _iso(info.issued_at)
    if info.is_not_yet_valid(now):
        issued += " (%s in the future)" % _span(info.issued_at - now)
        status = (
            "NOT YET VALID: issued %s ahead of this machine's clock (more than the %s "
            "clock-skew tolerance); Bedrock refuses it until %s"
            % (_span(info.issued_at - now), _span(CLOCK_SKEW), _iso(info.issued_at))
        )
    elif info.is_expired(now):
        status = "EXPIRED since %s (%s ago)" % (_iso(info.expires_at), _span(now - info.expires_at))
    elif _ahead(info, now):
        status = "valid (issued %s ahead of this machine's clock, within the %s tolerance)" % (
            _span(info.issued_at - now),
            _span(CLOCK_SKEW),
        )
    else:
        status = "valid"
    rows = (
        ("region", info.region),
        ("access key id", info.access_key_id),
        ("session token", "yes" if info.has_session_token else "no"),
        ("issued at", issued),
        ("expires at", "%s (%s)" % (_iso(info.expires_at), state)),
        ("lifetime", _span(info.expires_at - info.issued_at)),
        ("version", str(info.version)),
        ("status", status),
    )
    return "".join("%-15s%s\n" % (label + ":", value) for label, value in rows)


def _exec(argv: Sequence[str], out: TextIO, err: TextIO, source: Any) -> int:
    import os

    lists: Dict[str, List[str]] = {}
    opts, command = _parse(
        argv, _EXEC_OPTIONS, _EXEC_FLAGS, PROG + " exec", stop_at_positional=True, lists=lists
    )
    if "help" in opts:
        out.write(EXEC_HELP)
        return EXIT_OK
    if not command:
        raise UsageError("exec needs a command: bedrock-token exec [options] -- COMMAND [ARG...]")
    names = _variable_names(lists.get("env_var", ()))
    issued = _issue(opts, err, source)
    from ._shell import CREDENTIAL_VARIABLES, command_environment

    token_only = "token_only" in opts
    env = command_environment(os.environ, names, issued.token, issued.region, token_only=token_only)
    if token_only and "verbose" in opts:
        removed = [name for name in CREDENTIAL_VARIABLES if name in os.environ]
        err.write(
            "%s: --token-only: removed %s\n" % (PROG, ", ".join(removed) or "nothing (none set)")
        )
    out.flush()
    err.flush()
    if os.name == "posix":
        try:
            os.execvpe(command[0], command, env)  # noqa: S606 - no shell, argv as given
        except (OSError, ValueError) as exc:
            return _exec_failed(err, command[0], exc)
    return _spawn(command, env, err)


def _exec_failed(err: TextIO, name: str, exc: Exception) -> int:
    # ValueError: a name os.execvpe refuses before looking (empty, or holding a NUL);
    # no such command exists, as a shell says of ''.
    if isinstance(exc, (FileNotFoundError, ValueError)):
        return _fail(
            err, EXIT_NOT_FOUND, "command not found: %s (check the name and PATH)" % (shown(name),)
        )
    return _fail(
        err,
        EXIT_NOT_EXECUTABLE,
        "cannot run %s: %s" % (shown(name), getattr(exc, "strerror", None) or type(exc).__name__),
    )


def _spawn(command: List[str], env: Mapping[str, str], err: TextIO) -> int:
    """Run ``command`` as a child, forwarding signals; its exit status (128+N if killed by N)."""
    import contextlib
    import signal
    import subprocess

    try:
        child = subprocess.Popen(command, env=dict(env))
    except (OSError, ValueError) as exc:
        return _exec_failed(err, command[0], exc)
    names = ("SIGINT", "SIGTERM", "SIGHUP", "SIGBREAK")
    wanted = [getattr(signal, n) for n in names if hasattr(signal, n)]
    previous = {}

    def forward(signum: int, frame: object) -> None:
        with contextlib.suppress(OSError):  # the child may be gone already
            child.send_signal(signum)

    for signum in wanted:
        with contextlib.suppress(OSError, ValueError):  # not the main thread: no forwarding
            previous[signum] = signal.signal(signum, forward)
    try:
        while True:
            try:
                status = child.wait()
                break
            except KeyboardInterrupt:  # pragma: no cover - forwarded already
                continue
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
    return 128 - status if status < 0 else status


def main(
    argv: Optional[List[str]] = None,
    stdout: Optional[TextIO] = None,
    stderr: Optional[TextIO] = None,
    stdin: Optional[TextIO] = None,
    *,
    credentials_provider: Any = None,
) -> int:
    """Run the command; return the exit status (the table in ``--help``).

    Programs embedding the command may pass ``credentials_provider`` (anything
    with ``.load()``) instead of the default credential chain.  What the
    command prints is written to ``stdout`` at the end, in one place, so a
    failure to write it is reported as exactly that (:data:`EXIT_OUTPUT`), and
    a reader that went away ends the command quietly (:data:`EXIT_PIPE`).
    """
    out = sys.stdout if stdout is None else stdout
    err = sys.stderr if stderr is None else stderr
    args = list(sys.argv[1:] if argv is None else argv)
    printed = _printed()
    try:
        status = _dispatch(args, printed, err, stdin, credentials_provider)
    except UsageError as exc:
        return _fail(err, EXIT_USAGE, str(exc))
    except _SourceFailed as exc:
        return _fail(err, EXIT_CREDENTIALS, str(exc.error))
    except BedrockTokenError as exc:
        return _fail(err, _exit_status(exc), str(exc))
    except ValueError as exc:
        return _fail(err, EXIT_CREDENTIALS, "unexpected %s" % type(exc).__name__)
    except KeyboardInterrupt:
        return 130
    except Exception as exc:
        # Not ours: its message might quote anything, so only its type is shown.
        return _fail(
            err,
            EXIT_CREDENTIALS,
            "unexpected %s while getting credentials or a token (run with the "
            "Python API to see details)" % type(exc).__name__,
        )
    text = printed.getvalue()
    if text:
        return _emit(out, text, err, status, is_stdout=stdout is None)
    return status


def _exit_status(exc: BedrockTokenError) -> int:
    """2 for what the command line got wrong (an argument, a token to inspect), else 1.

    Configuration and source failures are 1 even when they are also
    ``ValueError``s (a malformed config file, ``credential_process`` output
    that is not JSON, a missing ``source_profile``).
    """
    from ._errors import ConfigurationError, InvalidTokenError

    if isinstance(exc, ConfigurationError):
        return EXIT_CREDENTIALS
    if isinstance(exc, (InvalidTokenError, InvalidParameterError)):
        return EXIT_USAGE
    return EXIT_CREDENTIALS


def _dispatch(
    args: List[str], out: TextIO, err: TextIO, stdin: Optional[TextIO], provider: Any
) -> int:
    if args and args[0] == "inspect":
        return _inspect(args[1:], out, err, stdin)
    if args and args[0] == "exec":
        return _exec(args[1:], out, err, provider)
    lists: Dict[str, List[str]] = {}
    opts = parse_args(args, lists)
    if "help" in opts:
        out.write(HELP)
        return EXIT_OK
    if "version" in opts:
        from ._version import __version__

        out.write("%s %s\n" % (PROG, __version__))
        return EXIT_OK
    return _print_token(opts, out, err, provider, lists.get("env_var", ()))


def _printed() -> Any:
    """What the command prints, kept in memory until it has finished (a few lines at most)."""
    import io

    return io.StringIO()


def _emit(out: Optional[TextIO], text: str, err: TextIO, status: int, *, is_stdout: bool) -> int:
    """Write the command's output; a failure is reported as a failure to write."""
    if out is None:  # started with standard output closed (``>&-``)
        return _fail(err, EXIT_OUTPUT, "standard output is closed: nothing could be written")
    try:
        out.write(text)
        out.flush()
    except BrokenPipeError:
        # The reader went away (``| head -c0``): end quietly, as other Unix tools
        # do when SIGPIPE ends them, and keep Python's exit-time flush quiet too.
        _drop_stdout(is_stdout)
        return EXIT_PIPE
    except (OSError, ValueError) as exc:  # ValueError: a closed file object
        _drop_stdout(is_stdout)
        reason = getattr(exc, "strerror", None) or type(exc).__name__
        return _fail(err, EXIT_OUTPUT, "cannot write to standard output: %s" % (reason,))
    return status


def _drop_stdout(is_stdout: bool) -> None:
    """Point file descriptor 1 at the null device, so nothing is flushed again at exit."""
    if not is_stdout:
        return
    import os

    try:
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, sys.stdout.fileno())
        os.close(null)
    except (OSError, ValueError, AttributeError):
        pass


def run() -> int:
    """Entry point of the ``bedrock-token`` command and ``python -m bedrock_token_lite``.

    A one-shot process signs once, so it hashes with CPython's built-in
    SHA-256 rather than paying ~3 ms to load OpenSSL (see
    ``_core.use_builtin_sha256``); ``main()`` itself changes nothing global.
    """
    if "hashlib" not in sys.modules:
        from ._core import use_builtin_sha256

        use_builtin_sha256()
    return main()
