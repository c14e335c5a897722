"""Hypothesis strategies the hostile-input tests share (imported as ``_strategies``)."""

from __future__ import annotations

from typing import Iterable

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
