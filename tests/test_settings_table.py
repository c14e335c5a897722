"""The one settings table: every row is read, and readers name settings, not variables."""

from __future__ import annotations

import re

from _support import ROOT

from bedrock_token_lite._config import settings

PACKAGE = ROOT / "bedrock_token_lite"


def _sources() -> str:
    return "\n".join(
        p.read_text(encoding="utf-8")
        for p in sorted(PACKAGE.rglob("*.py"))
        if p.name != "settings.py"
    )


def test_every_row_of_the_table_is_read_somewhere() -> None:
    text = _sources()
    unread = [name for name in settings.CONFIG_VARIABLES if '"%s"' % name not in text]
    assert unread == [], "rows no code reads: %s" % unread


def test_no_module_lists_a_tables_variable_and_key_again() -> None:
    # A reader that writes ("AWS_X", "x") itself is a second copy of the row.
    text = _sources()
    copies = []
    for name, (env_vars, key, _default, _convert) in settings.CONFIG_VARIABLES.items():
        for var in env_vars:
            if key is not None and re.search(r'"%s",\s*"%s"' % (var, key), text):
                copies.append(name)
    assert copies == []


def test_lookup_follows_botocores_order() -> None:
    env = {"AWS_ROLE_ARN": ""}
    profile = {"role_arn": "arn:profile", "max_attempts": "4"}
    assert settings.lookup("role_arn", env, profile) == ""  # set, even empty, wins
    assert settings.lookup("role_arn", {}, profile) == "arn:profile"
    assert settings.lookup("retry_mode", {}, {}) == "standard"  # the default
    assert settings.lookup("max_attempts", {}, profile, convert=True) == 4
    assert settings.lookup("imds_use_ipv6", {"AWS_IMDS_USE_IPV6": "TRUE"}, {}, convert=True)
