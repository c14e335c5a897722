"""Static credentials from files: the shared credentials file, the config file,
the legacy EC2 CLI credential file and the boto2 config.

Each provider mirrors botocore's class of the same name: ``load()`` returns
:class:`Credentials` (with ``method`` set to botocore's ``METHOD``) when the
source holds an access key, ``None`` when the source is absent, and raises when
it is present but incomplete or unreadable.
"""

from __future__ import annotations

import os

from .._common.credentials import Credentials
from .._config.ini import expanduser, load_config, raw_config_parse
from .._config.session import provider_profile_name
from .._errors import (
    ConfigNotFound,
    InvalidConfigError,
    MissingCredentialKeyError,
    PartialCredentialsError,
)

TYPE_CHECKING = False  # typing itself costs milliseconds to import
if TYPE_CHECKING:  # pragma: no cover
    from typing import Any, Callable, List, Mapping, Optional

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


class _ProfileFileProvider:
    """Static keys in one profile of one shared file (the two providers below)."""

    METHOD = ""
    _FILE_VARIABLE = ""
    _DEFAULT_FILE = ""

    def __init__(
        self,
        filename: Optional[str] = None,
        profile_name: Optional[str] = None,
        *,
        environ: Optional[Mapping[str, str]] = None,
        home: Optional[str] = None,
        reader: Optional[Callable[[str], Mapping[str, Any]]] = None,
    ) -> None:
        self._environ = os.environ if environ is None else environ
        self._home = home
        self._reader = reader
        if filename is None:
            filename = self._environ.get(self._FILE_VARIABLE, self._DEFAULT_FILE)
        self._filename = filename
        self._profile = (
            provider_profile_name(None, self._environ) if profile_name is None else profile_name
        )

    def _section(self, parsed: Mapping[str, Any]) -> Any:
        raise NotImplementedError

    def _read(self) -> Mapping[str, Any]:
        raise NotImplementedError

    def load(self) -> Optional[Credentials]:
        try:
            parsed = self._reader(self._filename) if self._reader is not None else self._read()
        except ConfigNotFound:
            return None
        section = self._section(parsed)
        if section is None or ACCESS_KEY not in section:
            return None
        return _from_section(section, self.METHOD, self._where(), token=True)

    def _where(self) -> str:
        raise NotImplementedError


class SharedCredentialProvider(_ProfileFileProvider):
    """botocore's ``SharedCredentialProvider``: ``[profile]`` of the credentials file.

    ``creds_filename`` defaults to ``AWS_SHARED_CREDENTIALS_FILE`` or
    ``~/.aws/credentials``; ``profile_name`` to the profile the environment
    selects, else ``default``.  Section names are used verbatim.  ``reader``
    (``path -> parsed file``, raising ``ConfigNotFound``) replaces
    ``raw_config_parse``, so a chain can share one read of the file.
    """

    METHOD = "shared-credentials-file"
    CANONICAL_NAME = "SharedCredentials"
    _FILE_VARIABLE = "AWS_SHARED_CREDENTIALS_FILE"
    _DEFAULT_FILE = "~/.aws/credentials"

    def __init__(
        self,
        creds_filename: Optional[str] = None,
        profile_name: Optional[str] = None,
        *,
        environ: Optional[Mapping[str, str]] = None,
        home: Optional[str] = None,
        reader: Optional[Callable[[str], Mapping[str, Any]]] = None,
    ) -> None:
        super().__init__(creds_filename, profile_name, environ=environ, home=home, reader=reader)

    @property
    def source(self) -> str:
        """Where this provider looks, for error messages."""
        return "shared credentials file %s, section [%s]" % (self._filename, self._profile)

    def _read(self) -> Mapping[str, Any]:
        return raw_config_parse(self._filename, environ=self._environ, home=self._home)

    def _section(self, parsed: Mapping[str, Any]) -> Any:
        return parsed.get(self._profile)

    def _where(self) -> str:
        return "section [%s] of %s" % (self._profile, self._filename)


class ConfigProvider(_ProfileFileProvider):
    """botocore's ``ConfigProvider``: static keys in the config file's profile.

    Only the config file is read (``[default]``, ``[profile NAME]``), not the
    merged view.  ``reader`` (``path -> profile map``) replaces ``load_config``.
    """

    METHOD = "config-file"
    CANONICAL_NAME = "SharedConfig"
    _FILE_VARIABLE = "AWS_CONFIG_FILE"
    _DEFAULT_FILE = "~/.aws/config"

    def __init__(
        self,
        config_filename: Optional[str] = None,
        profile_name: Optional[str] = None,
        *,
        environ: Optional[Mapping[str, str]] = None,
        home: Optional[str] = None,
        reader: Optional[Callable[[str], Mapping[str, Any]]] = None,
    ) -> None:
        super().__init__(config_filename, profile_name, environ=environ, home=home, reader=reader)

    @property
    def source(self) -> str:
        """Where this provider looks, for error messages."""
        return "config file %s, profile %s" % (self._filename, self._profile)

    def _read(self) -> Mapping[str, Any]:
        return load_config(self._filename, environ=self._environ, home=self._home)

    def _section(self, parsed: Mapping[str, Any]) -> Any:
        return parsed["profiles"].get(self._profile)

    def _where(self) -> str:
        return "profile %s of %s" % (self._profile, self._filename)


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
