"""Reading a token file as botocore does, with one library error per way it can fail."""

from __future__ import annotations

from .._source_errors import (
    TokenFileDecodeError,
    TokenFileIsADirectoryError,
    TokenFileNotFoundError,
    TokenFilePermissionError,
    TokenFileReadError,
)

TYPE_CHECKING = False  # typing itself costs milliseconds to import
if TYPE_CHECKING:  # pragma: no cover
    from typing import Callable

__all__ = ["read_token_file"]


def read_token_file(
    path: str,
    what: str,
    *,
    not_found: Callable[[str, str], Exception] = TokenFileNotFoundError,
) -> str:
    """The whole file in text mode with the locale encoding, nothing stripped (botocore's read).

    ``what`` names the file and where its path came from, for messages. A
    missing file raises ``not_found(message, path)`` (a ``FileNotFoundError``);
    a directory or an unreadable file a :class:`TokenFileReadError` (an
    ``OSError``: ``IsADirectoryError``, ``PermissionError`` as the case is); bytes
    that are not text :class:`TokenFileDecodeError` (a ``UnicodeError``).  No message
    quotes the file's content.
    """
    encoding, start = "", 0
    try:
        with open(path) as handle:
            return handle.read()
    except FileNotFoundError:
        raise not_found(
            "The %s %r does not exist; fix the path or unset it" % (what, path), path
        ) from None
    except IsADirectoryError:
        raise TokenFileIsADirectoryError(
            "The %s %r is a directory, not a file; point it at the token file" % (what, path),
            path,
        ) from None
    except UnicodeDecodeError as exc:
        encoding, start = exc.encoding, exc.start
    except OSError as exc:
        leaf = TokenFilePermissionError if isinstance(exc, PermissionError) else TokenFileReadError
        raise leaf(
            "The %s %r cannot be read (%s); check its permissions"
            % (what, path, exc.strerror or type(exc).__name__),
            path,
        ) from None
    # Only a decode error gets here.  Raised after the handler, not in it, where the
    # decode error (its ``object`` is the file's bytes: the token) would stay on ours
    # as ``__context__``.
    raise TokenFileDecodeError(
        "The %s %r is not text in the locale's encoding (%s at byte %d); write the "
        "token as text" % (what, path, encoding, start),
        path,
    )
