"""Static credentials from files: the shared credentials file, the config file,
the legacy EC2 CLI credential file and the boto2 config.

Each provider mirrors botocore's class of the same name: ``load()`` returns
:class:`Credentials` (with ``method`` set to botocore's ``METHOD``) when the
source holds an access key, ``None`` when the source is absent, and raises when
it is present but incomplete or unreadable.

The two shared-file providers differ only in data: a :class:`_ProfileFile`
says which file, how it is read and which section holds the profile, and
both providers hand theirs to the same located reader (:class:`_ProfileKeys`).
"""

from __future__ import annotations

import os

from .._common.credentials import Credentials
from .._config.ini import expanduser, load_config, raw_config_parse
from .._config.settings import provider_profile_name
from .._errors import (
    ConfigNotFound,
    InvalidConfigError,
    MissingCredentialKeyError,
    PartialCredentialsError,
)

TYPE_CHECKING = False  # typing itself costs milliseconds to import
if TYPE_CHECKING:  # pragma: no cover
    from typing import Any, Callable, List, Mapping, Optional

    from .context import SourceContext

__all__ = [
    "BotoProvider",
    "ConfigProvider",
    "OriginalEC2Provider",
    "SharedCredentialProvider",
]

ACCESS_KEY = "aws_access_key_id"
SECRET_KEY = "aws_secret_access_key"
TOKEN_KEYS = ("aws_security_token", "aws_session_token")
ACCOUNT_ID = "aws_account_id"


def _text(value: Any, key: str, where: str) -> str:
    if not isinstance(value, str):
        raise InvalidConfigError(
            "%s in %s is an indented block, not a value; write it on one line as "
            "'%s = VALUE'" % (key, where, key)
        )
    return value


def _from_section(section: Mapping[str, Any], method: str, where: str, token: bool) -> Credentials:
    """Static credentials from one INI section that has ``aws_access_key_id``."""
    if SECRET_KEY not in section:
        raise PartialCredentialsError(
            method,
            SECRET_KEY,
            "%s has aws_access_key_id; add aws_secret_access_key next to it" % (where,),
        )
    access_key = _text(section[ACCESS_KEY], ACCESS_KEY, where)
    secret_key = _text(section[SECRET_KEY], SECRET_KEY, where)
    session_token: Optional[str] = None
    account_id: Optional[str] = None
    if token:
        for key in TOKEN_KEYS:  # the first present key wins, even when empty
            if key in section:
                session_token = _text(section[key], key, where)
                break
        if ACCOUNT_ID in section:
            account_id = _text(section[ACCOUNT_ID], ACCOUNT_ID, where)
    return Credentials(access_key, secret_key, session_token, account_id=account_id, method=method)


class _ProfileFile:
    """One shared file as a source of static keys: which file, how it is read, which section."""

    __slots__ = ("variable", "default", "read", "section", "where", "source")

    def __init__(
        self,
        variable: str,
        default: str,
        read: Callable[..., Mapping[str, Any]],
        section: Callable[[Mapping[str, Any], str], Any],
        where: str,
        source: str,
    ) -> None:
        self.variable = variable  # the environment variable naming the file
        self.default = default  # the file when the variable is unset
        self.read = read  # path (environ=, home=) -> parsed file, raising ConfigNotFound
        self.section = section  # (parsed file, profile) -> the profile's keys or None
        self.where = where  # "%(profile)s" / "%(file)s" template for messages
        self.source = source  # the same for ``provider.source``


def _section_named(parsed: Mapping[str, Any], profile: str) -> Any:
    return parsed.get(profile)  # credentials file: section names are used verbatim


def _profile_named(parsed: Mapping[str, Any], profile: str) -> Any:
    return parsed["profiles"].get(profile)  # config file: ``[default]``, ``[profile NAME]``


CREDENTIALS_FILE = _ProfileFile(
    "AWS_SHARED_CREDENTIALS_FILE",
    "~/.aws/credentials",
    raw_config_parse,
    _section_named,
    "section [%(profile)s] of %(file)s",
    "shared credentials file %(file)s, section [%(profile)s]",
)
CONFIG_FILE = _ProfileFile(
    "AWS_CONFIG_FILE",
    "~/.aws/config",
    load_config,
    _profile_named,
    "profile %(profile)s of %(file)s",
    "config file %(file)s, profile %(profile)s",
)


class _ProfileKeys:
    """The static keys of one profile of one shared file, located when built."""

    def __init__(
        self,
        kind: _ProfileFile,
        filename: Optional[str],
        profile_name: Optional[str],
        environ: Optional[Mapping[str, str]],
        home: Optional[str],
        reader: Optional[Callable[[str], Mapping[str, Any]]],
    ) -> None:
        self._kind = kind
        self._environ = os.environ if environ is None else environ
        self._home = home
        self._reader = reader
        if filename is None:
            filename = self._environ.get(kind.variable, kind.default)
        if profile_name is None:
            profile_name = provider_profile_name(None, self._environ)
        self._names = {"file": filename, "profile": profile_name}

    @property
    def source(self) -> str:
        return self._kind.source % self._names

    def load(self, method: str) -> Optional[Credentials]:
        filename = self._names["file"]
        try:
            if self._reader is not None:
                parsed = self._reader(filename)
            else:
                parsed = self._kind.read(filename, environ=self._environ, home=self._home)
        except ConfigNotFound:
            return None
        section = self._kind.section(parsed, self._names["profile"])
        if section is None or ACCESS_KEY not in section:
            return None
        return _from_section(section, method, self._kind.where % self._names, token=True)


class SharedCredentialProvider:
    """botocore's ``SharedCredentialProvider``: ``[profile]`` of the credentials file.

    ``creds_filename`` defaults to ``AWS_SHARED_CREDENTIALS_FILE`` or
    ``~/.aws/credentials``; ``profile_name`` to the profile the environment
    selects, else ``default``.  Section names are used verbatim.  ``reader``
    (``path -> parsed file``, raising ``ConfigNotFound``) replaces
    ``raw_config_parse``, so a chain can share one read of the file.
    """

    METHOD = "shared-credentials-file"
    CANONICAL_NAME = "SharedCredentials"

    def __init__(
        self,
        creds_filename: Optional[str] = None,
        profile_name: Optional[str] = None,
        *,
        environ: Optional[Mapping[str, str]] = None,
        home: Optional[str] = None,
        reader: Optional[Callable[[str], Mapping[str, Any]]] = None,
    ) -> None:
        self._keys = _ProfileKeys(
            CREDENTIALS_FILE, creds_filename, profile_name, environ, home, reader
        )

    @classmethod
    def from_context(
        cls, ctx: SourceContext, *, profile_name: Optional[str] = None
    ) -> SharedCredentialProvider:
        """The chain's provider: the session profile, or ``profile_name`` (a ``source_profile``).

        The file is the session's, read once per session.
        """
        config = ctx.config
        return cls(
            config.credentials_file,
            config.profile_name if profile_name is None else profile_name,
            environ=config.environ,
            home=config.home,
            reader=config.read_raw,
        )

    @property
    def source(self) -> str:
        """Where this provider looks, for error messages."""
        return self._keys.source

    def load(self) -> Optional[Credentials]:
        return self._keys.load(self.METHOD)


class ConfigProvider:
    """botocore's ``ConfigProvider``: static keys in the config file's profile.

    Only the config file is read (``[default]``, ``[profile NAME]``), not the
    merged view.  ``reader`` (``path -> profile map``) replaces ``load_config``.
    """

    METHOD = "config-file"
    CANONICAL_NAME = "SharedConfig"

    def __init__(
        self,
        config_filename: Optional[str] = None,
        profile_name: Optional[str] = None,
        *,
        environ: Optional[Mapping[str, str]] = None,
        home: Optional[str] = None,
        reader: Optional[Callable[[str], Mapping[str, Any]]] = None,
    ) -> None:
        self._keys = _ProfileKeys(CONFIG_FILE, config_filename, profile_name, environ, home, reader)

    @classmethod
    def from_context(
        cls, ctx: SourceContext, *, profile_name: Optional[str] = None
    ) -> ConfigProvider:
        """The chain's provider, like :meth:`SharedCredentialProvider.from_context`."""
        config = ctx.config
        return cls(
            config.config_file,
            config.profile_name if profile_name is None else profile_name,
            environ=config.environ,
            home=config.home,
            reader=config.read_config,
        )

    @property
    def source(self) -> str:
        """Where this provider looks, for error messages."""
        return self._keys.source

    def load(self) -> Optional[Credentials]:
        return self._keys.load(self.METHOD)


class OriginalEC2Provider:
    """botocore's ``OriginalEC2Provider``: the file ``AWS_CREDENTIAL_FILE`` names.

    The file holds ``AWSAccessKeyId=...`` and ``AWSSecretKey=...`` lines.  The
    path gets ``~`` expansion only.  When the variable is set, a file that
    cannot be opened raises :class:`ConfigNotFound` (no fallback).
    """

    METHOD = "ec2-credentials-file"
    CANONICAL_NAME = "Ec2Config"
    ACCESS_KEY = "AWSAccessKeyId"
    SECRET_KEY = "AWSSecretKey"

    def __init__(
        self, environ: Optional[Mapping[str, str]] = None, *, home: Optional[str] = None
    ) -> None:
        self._environ = os.environ if environ is None else environ
        self._home = home

    @classmethod
    def from_context(cls, ctx: SourceContext) -> OriginalEC2Provider:
        """The chain's provider: the session's environment and home."""
        return cls(ctx.config.environ, home=ctx.config.home)

    @property
    def source(self) -> str:
        """Where this provider looks, for error messages."""
        return "legacy EC2 credential file (AWS_CREDENTIAL_FILE)"

    def load(self) -> Optional[Credentials]:
        if "AWS_CREDENTIAL_FILE" not in self._environ:
            return None
        path = expanduser(self._environ["AWS_CREDENTIAL_FILE"], self._environ, self._home)
        try:
            with open(path) as f:
                contents = f.read()
        except OSError:
            raise ConfigNotFound(
                path, "AWS_CREDENTIAL_FILE names it; create the file or unset the variable."
            ) from None
        values = {}
        for line in contents.splitlines():
            if "=" in line:
                key, value = line.split("=", 1)
                values[key.strip()] = value.strip()
        if self.ACCESS_KEY not in values:
            return None
        if self.SECRET_KEY not in values:
            raise MissingCredentialKeyError(
                self.METHOD,
                self.SECRET_KEY,
                "%s has AWSAccessKeyId; add an AWSSecretKey=... line" % (path,),
            )
        return Credentials(values[self.ACCESS_KEY], values[self.SECRET_KEY], method=self.METHOD)


class BotoProvider:
    """botocore's ``BotoProvider``: the ``[Credentials]`` section of a boto2 config.

    Reads ``BOTO_CONFIG`` when it is set (no fallback), else ``etc_path``
    (``/etc/boto.cfg``) and then ``~/.boto``.  No session token.
    """

    METHOD = "boto-config"
    CANONICAL_NAME = "Boto2Config"

    def __init__(
        self,
        environ: Optional[Mapping[str, str]] = None,
        *,
        home: Optional[str] = None,
        etc_path: str = "/etc/boto.cfg",
    ) -> None:
        self._environ = os.environ if environ is None else environ
        self._home = home
        self._etc_path = etc_path

    @classmethod
    def from_context(cls, ctx: SourceContext) -> BotoProvider:
        """The chain's provider: the session's environment and home."""
        return cls(ctx.config.environ, home=ctx.config.home)

    def _candidates(self) -> List[str]:
        if "BOTO_CONFIG" in self._environ:
            return [self._environ["BOTO_CONFIG"]]
        return [self._etc_path, "~/.boto"]

    @property
    def source(self) -> str:
        """Where this provider looks, for error messages."""
        return "boto2 config (%s)" % ", ".join(self._candidates())

    def load(self) -> Optional[Credentials]:
        for filename in self._candidates():
            try:
                parsed = raw_config_parse(filename, environ=self._environ, home=self._home)
            except ConfigNotFound:
                continue
            section = parsed.get("Credentials")
            if section is not None and ACCESS_KEY in section:
                where = "section [Credentials] of %s" % (filename,)
                return _from_section(section, self.METHOD, where, token=False)
        return None
