"""The ``bedrock-token`` command.

A small hand-written option parser keeps the cold start close to a bare
``python -c pass``: argparse alone costs several milliseconds to import.
Errors are one line on stderr, exit 1 for credential problems and 2 for
usage problems; never a traceback and never a secret.
"""

from __future__ import annotations

import sys
from typing import Dict, List, Optional, Sequence, TextIO

from ._errors import BedrockTokenError, CredentialsError, InvalidParameterError
from ._version import __version__

PROG = "bedrock-token"
EXIT_OK = 0
EXIT_CREDENTIALS = 1
EXIT_USAGE = 2

HELP = """\
usage: bedrock-token [--region REGION] [--profile PROFILE] [--expiry DURATION]

Print an Amazon Bedrock short-term API key (bearer token) and a newline.

options:
  -r, --region REGION    AWS region (default: AWS_REGION, then AWS_DEFAULT_REGION)
  -p, --profile PROFILE  use this profile of ~/.aws/config and ~/.aws/credentials
                         (environment credentials are then skipped, as in botocore)
  -e, --expiry DURATION  token lifetime: seconds (900), or 15m, 2h, 1h30m;
                         at most 12h (the default)
  -V, --version          print the version and exit
  -h, --help             show this help and exit

examples:
  export AWS_BEARER_TOKEN_BEDROCK="$(bedrock-token --region us-east-1)"
  bedrock-token --profile dev --expiry 15m

exit status: 0 token printed, 1 no usable credentials, 2 bad usage or input
"""


class UsageError(Exception):
    """Bad command line (exit 2)."""


_OPTIONS = {
    "-r": "region",
    "--region": "region",
    "-p": "profile",
    "--profile": "profile",
    "-e": "expiry",
    "--expiry": "expiry",
}
_UNITS = {"s": 1, "m": 60, "h": 3600}


def parse_duration(text: str) -> int:
    """Seconds in ``900``, ``15m``, ``2h``, ``1h30m`` or ``90s``."""
    value = text.strip().lower()
    if value.isdigit():
        return int(value)
    total = 0
    number = ""
    seen = False
    for char in value:
        if char.isdigit():
            number += char
        elif char in _UNITS and number:
            total += int(number) * _UNITS[char]
            number = ""
            seen = True
        else:
            number = "x"
            break
    if number or not seen:
        raise UsageError(
            "--expiry: %r is not a duration; use seconds (900) or a value such as 15m, 2h, 1h30m"
            % (text,)
        )
    return total


def parse_args(argv: Sequence[str]) -> Dict[str, str]:
    """Parse ``argv`` into a dict of option names to values (or ``help``/``version``)."""
    found: Dict[str, str] = {}
    args = list(argv)
    while args:
        arg = args.pop(0)
        if arg in ("-h", "--help"):
            return {"help": ""}
        if arg in ("-V", "--version"):
            return {"version": ""}
        name, eq, value = arg.partition("=")
        if (name in _OPTIONS and name.startswith("--")) or (name in _OPTIONS and not eq):
            key = _OPTIONS[name]
            if not eq:
                if not args:
                    raise UsageError("%s needs a value" % name)
                value = args.pop(0)
            found[key] = value
        elif arg.startswith("-"):
            raise UsageError("unknown option %r (see bedrock-token --help)" % (arg,))
        else:
            raise UsageError("unexpected argument %r (see bedrock-token --help)" % (arg,))
    return found


def _fail(stderr: TextIO, code: int, message: str) -> int:
    stderr.write("%s: error: %s\n" % (PROG, message))
    return code


def main(
    argv: Optional[List[str]] = None,
    stdout: Optional[TextIO] = None,
    stderr: Optional[TextIO] = None,
) -> int:
    """Run the command; return the exit status."""
    out = sys.stdout if stdout is None else stdout
    err = sys.stderr if stderr is None else stderr
    try:
        opts = parse_args(sys.argv[1:] if argv is None else argv)
        if "help" in opts:
            out.write(HELP)
            return EXIT_OK
        if "version" in opts:
            out.write("%s %s\n" % (PROG, __version__))
            return EXIT_OK
        expiry = parse_duration(opts["expiry"]) if "expiry" in opts else 43200
        from ._api import provide_token

        token = provide_token(opts.get("region"), None, expiry, profile=opts.get("profile"))
    except UsageError as exc:
        return _fail(err, EXIT_USAGE, str(exc))
    except InvalidParameterError as exc:
        return _fail(err, EXIT_USAGE, str(exc))
    except CredentialsError as exc:
        return _fail(err, EXIT_CREDENTIALS, str(exc))
    except BedrockTokenError as exc:
        return _fail(err, EXIT_CREDENTIALS, str(exc))
    except KeyboardInterrupt:
        return 130
    out.write(token + "\n")
    return EXIT_OK
