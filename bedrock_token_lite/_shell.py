"""Variable assignments for every shell and tool, and the environment of ``exec``.

The command writes a token as ``NAME=value`` in the syntax of the shell or
tool that reads it back (``--format``).  Each quoting function here is exact
for any text that the target can hold at all, not only for token characters
(``bedrock-api-key-`` and base64): the target reads back the very same value.
Text a target cannot hold (a NUL anywhere; a line break for ``windows-cmd``
and ``dotenv``; a few more characters named below) raises ``ValueError``,
whose message names the format and the kind of character, never the value
(it is a token).  Every token fits every format.

The module is imported only when a format that writes variables, or
``exec``, is used, and itself imports nothing: ``--format token`` pays
nothing for it.
"""

from __future__ import annotations

TYPE_CHECKING = False  # typing itself costs milliseconds to import
if TYPE_CHECKING:  # pragma: no cover
    from typing import Callable, Dict, List, Mapping, Sequence

#: The formats that write variable assignments, in the order ``--help`` lists them.
VARIABLE_FORMATS = ("env", "env-no-export", "fish", "powershell", "windows-cmd", "dotenv")

_NAME_START = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_"
_NAME_REST = _NAME_START + "0123456789"


def is_portable_name(name: str) -> bool:
    """Whether ``name`` is a portable environment variable name: ``[A-Za-z_][A-Za-z0-9_]*``.

    The names POSIX shells accept in an assignment; cmd, PowerShell, fish and
    the dotenv readers accept them too.
    """
    return bool(name) and name[0] in _NAME_START and all(c in _NAME_REST for c in name)


def _refuse(fmt: str, what: str) -> ValueError:
    return ValueError("--format %s cannot hold a value with %s" % (fmt, what))


def _check_no_nul(value: str, fmt: str) -> None:
    if "\0" in value:  # no environment variable can hold one
        raise _refuse(fmt, "a NUL character")


def sh_quote(value: str, fmt: str = "env") -> str:
    """``value`` as one POSIX shell word (sh, dash, bash, zsh, ksh): single quotes.

    Inside single quotes every character stands for itself, line breaks
    included; a single quote ends the quoting, so it is written as ``'"'"'``
    (close, a double-quoted quote, reopen).
    """
    _check_no_nul(value, fmt)
    return "'" + value.replace("'", "'\"'\"'") + "'"


def fish_quote(value: str) -> str:
    """``value`` as one fish word: single quotes, where only ``\\'`` and ``\\\\`` are escapes."""
    _check_no_nul(value, "fish")
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


#: The characters PowerShell's tokenizer takes for a single quote (the language
#: specification's single-quote-character): ' and the four typographic ones.
POWERSHELL_QUOTES = "'\u2018\u2019\u201a\u201b"


def powershell_quote(value: str) -> str:
    """``value`` as a PowerShell verbatim (single-quoted) string.

    Nothing is expanded inside one; any of the five single-quote characters
    is written twice (the tokenizer keeps one of a pair), line breaks stand
    for themselves.
    """
    _check_no_nul(value, "powershell")
    return "'" + "".join(c + c if c in POWERSHELL_QUOTES else c for c in value) + "'"


_CMD_SPECIAL = "^&|<>()"


def cmd_set(name: str, value: str) -> str:
    """A cmd.exe batch line ``set "NAME=value"`` that sets exactly ``value``.

    ``set "NAME=..."`` takes the text between the first double quote and the
    last one on the line, so the value's own double quotes are kept; but each
    one toggles cmd's quoting, and ``^ & | < > ( )`` between such a pair (outside
    quotes) are escaped with ``^``.  ``%`` is written ``%%``, as a batch file
    (run with ``call``) reads it.  Refused: ``!`` (what it means depends on
    delayed expansion, which a line cannot know) and control characters (cmd
    cannot hold a line break; a few others end or change the line).
    """
    out = ['set "', name, "="]
    inside = True
    for c in value:
        if c == "!":
            raise _refuse("windows-cmd", "'!' (its meaning depends on delayed expansion)")
        if c < " " or "\x7f" <= c <= "\x9f":
            raise _refuse("windows-cmd", "a control character (a line break, a tab, ...)")
        if c == "%":
            out.append("%%")
        elif c == '"':
            out.append(c)
            inside = not inside
        elif not inside and c in _CMD_SPECIAL:
            out.append("^" + c)
        else:
            out.append(c)
    out.append('"')
    return "".join(out)


#: What no dotenv value may contain: each is a quote, comment, escape or
#: expansion for at least one of the readers ``dotenv_line`` writes for.
DOTENV_REFUSED = "#'\"`\\$"


def dotenv_line(name: str, value: str) -> str:
    """``NAME=value`` as python-dotenv, Node's dotenv and ``docker --env-file`` all read it.

    Docker takes everything after ``=`` literally (quotes included), so the
    one form all three read alike is the unquoted one; it holds a value only
    if the value is printable, has no space at either end (the dotenv readers
    trim) and has none of ``# ' " ` \\ $`` (a comment, quotes or an expansion
    for one of them).  Any other value is refused.
    """
    if not value.isprintable():
        raise _refuse("dotenv", "a line break or another character that is not printable")
    if value != value.strip():
        raise _refuse("dotenv", "a space at either end")
    for c in DOTENV_REFUSED:
        if c in value:
            raise _refuse("dotenv", "%r (a quote, comment or expansion for some readers)" % c)
    return "%s=%s" % (name, value)


def _export(name: str, value: str) -> str:
    return "export %s=%s" % (name, sh_quote(value))


def _assign(name: str, value: str) -> str:
    return "%s=%s" % (name, sh_quote(value, "env-no-export"))


def _fish(name: str, value: str) -> str:
    return "set -gx %s %s" % (name, fish_quote(value))


def _powershell(name: str, value: str) -> str:
    return "$Env:%s = %s" % (name, powershell_quote(value))


_LINES: Dict[str, Callable[[str, str], str]] = {
    "env": _export,
    "env-no-export": _assign,
    "fish": _fish,
    "powershell": _powershell,
    "windows-cmd": cmd_set,
    "dotenv": dotenv_line,
}


def assignments(fmt: str, names: Sequence[str], value: str) -> str:
    """One line per name, each setting it to ``value`` in ``fmt`` (one of VARIABLE_FORMATS)."""
    line = _LINES[fmt]
    return "".join(line(name, value) + "\n" for name in names)


#: What ``exec --token-only`` removes from the command's environment: every
#: variable from which an AWS SDK or the AWS CLI would take credentials, or
#: the means to fetch them again (the web identity and container sources, a
#: profile selection).
CREDENTIAL_VARIABLES = (
    # the environment source (AWS_ACCESS_KEY and AWS_SECRET_KEY: the Java and Go SDKs' other names)
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AWS_SECURITY_TOKEN",
    "AWS_CREDENTIAL_EXPIRATION",
    "AWS_ACCESS_KEY",
    "AWS_SECRET_KEY",
    # the container source (ECS, EKS Pod Identity)
    "AWS_CONTAINER_CREDENTIALS_FULL_URI",
    "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
    "AWS_CONTAINER_AUTHORIZATION_TOKEN",
    "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
    # web identity (EKS IRSA and others)
    "AWS_WEB_IDENTITY_TOKEN_FILE",
    "AWS_ROLE_ARN",
    "AWS_ROLE_SESSION_NAME",
    # the profile selection
    "AWS_PROFILE",
    "AWS_DEFAULT_PROFILE",
)


#: Names ``--env-var`` refuses: set to a token they would break the tools that read them.
RESERVED_NAMES = frozenset((*CREDENTIAL_VARIABLES, "AWS_REGION", "AWS_DEFAULT_REGION"))


def command_environment(
    environ: Mapping[str, str],
    names: Sequence[str],
    token: str,
    region: str,
    *,
    token_only: bool = False,
) -> Dict[str, str]:
    """The environment ``exec`` gives its command: ``environ``, the token under each name,
    and the token's region as ``AWS_REGION`` and ``AWS_DEFAULT_REGION`` (the one botocore
    reads: a token works only in its region); without CREDENTIAL_VARIABLES when ``token_only``."""
    env = dict(environ)
    if token_only:
        for name in CREDENTIAL_VARIABLES:
            env.pop(name, None)
    for name in names:
        env[name] = token
    env["AWS_REGION"] = region
    env["AWS_DEFAULT_REGION"] = region
    return env


def variable_names(first: str, extra: Sequence[str]) -> List[str]:
    """``first`` then each of ``extra`` once, in order (``--env-var`` may repeat one)."""
    names = [first]
    for name in extra:
        if name not in names:
            names.append(name)
    return names
