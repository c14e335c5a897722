"""Hypothesis strategies the hostile-input tests share (imported as ``_strategies``)."""

from __future__ import annotations

import base64
from typing import Iterable, Tuple

from _check import fragments
from hypothesis import strategies as st

#: Control characters, lone surrogates (undecodable environment bytes), NUL, newlines.
NASTY = "\x00\x01\x07\x1b\x7f\x85\u2028\r\n\t =[]#;\"'\\%\udc80\udcff\ud800"

nasty_text = st.text(st.one_of(st.characters(), st.sampled_from(NASTY)), max_size=40)
huge_text = st.integers(min_value=1000, max_value=20_000).map(lambda n: "Q" * n)
hostile_text = st.one_of(nasty_text, huge_text, st.just(""))


@st.composite
def planted(draw: st.DrawFn, marker: str) -> str:
    """A secret that is hostile text around a distinctive canary (so it can be found)."""
    return draw(nasty_text) + marker + draw(nasty_text)


def shares_a_fragment(secrets: Iterable[str], *texts: str) -> bool:
    """True when a secret's fragment is already in a text that may be shown (an access key id)."""
    return any(piece in text for s in secrets if s for piece in fragments(s) for text in texts)


#: Aliases as IAM writes them, and text that only looks like one (or nothing like it).
_ALIAS_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_+=,.@-"
aliases = st.one_of(
    st.text(st.sampled_from(_ALIAS_CHARS), min_size=1, max_size=30).map(
        lambda user: user + "-at-123456789012"
    ),
    st.text(st.sampled_from(_ALIAS_CHARS), max_size=210),
    nasty_text,
    st.sampled_from(["", "-at-", "x-at-", "x-at-12345678901", "x-at-1234567890123"]),
)


@st.composite
def long_term_keys(draw: st.DrawFn, marker: str) -> Tuple[str, str, str]:
    """(an ABSK-like key, the secret planted in it, the alias part): well formed or broken.

    The key is ``ABSK`` + base64 of alias, separator and secret, with its padding
    kept, dropped or mangled, or with hostile text spliced into the base64.
    """
    alias = draw(aliases)
    ascii_secret = st.text(st.sampled_from(_ALIAS_CHARS + "/:"), max_size=20).map(
        lambda text: text + marker + text
    )
    secret = draw(st.one_of(planted(marker), ascii_secret))
    sep = draw(st.sampled_from([":", ":", "", "::", " :"]))
    raw = (alias + sep + secret).encode("utf-8", "surrogatepass")
    body = base64.b64encode(raw).decode("ascii")
    how = draw(st.sampled_from(["as is", "as is", "unpadded", "urlsafe", "splice", "cut"]))
    if how == "unpadded":
        body = body.rstrip("=")
    elif how == "urlsafe":
        body = body.replace("+", "-").replace("/", "_")
    elif how == "splice":
        where = draw(st.integers(min_value=0, max_value=len(body)))
        body = body[:where] + draw(nasty_text) + body[where:]
    elif how == "cut":
        body = body[: draw(st.integers(min_value=0, max_value=len(body)))]
    return "ABSK" + body, secret, alias


#: ABSK-looking text with nothing planted: for suites whose secrets are fixed.
long_term_like = st.one_of(
    st.text(max_size=120).map(lambda t: "ABSK" + t),
    st.binary(max_size=200).map(lambda b: "ABSK" + base64.b64encode(b).decode("ascii")),
    long_term_keys("CanaryLongTermSecret").map(lambda key: key[0]),
)
