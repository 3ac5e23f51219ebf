"""Text normalisation and word tokens.

Outlets re-type wire copy: curly quotes become straight, en dashes become hyphens, ligatures and
full-width forms appear, capitalisation changes in headlines. None of that is an edit a reader
cares about, so it is folded away before anything is compared.
"""

from __future__ import annotations

import re
import unicodedata
from hashlib import blake2b

_QUOTES = str.maketrans(
    {
        "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'",
        "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u2033": '"',
        "\u00ab": '"', "\u00bb": '"', "\u2039": "'", "\u203a": "'",
        "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-",
        "\u2015": "-", "\u2212": "-",
        "\u00a0": " ", "\u2028": "\n", "\u2029": "\n",
    }
)

# Unicode word characters; an apostrophe inside a word ("don't", "O'Brien") keeps it one token,
# so an outlet that writes "dont" differs by one token, not two.
WORD_RE = re.compile(r"\w+(?:'\w+)*")


def normalise(text: str) -> str:
    """NFKC, quotes and dashes unified, casefolded."""
    if text.isascii():
        # Nothing for NFKC or the quote table to change, and casefold is lower for ASCII.
        return text.lower()
    return unicodedata.normalize("NFKC", text).translate(_QUOTES).casefold()


def tokens(text: str) -> list[str]:
    """Word tokens of already-normalised text."""
    return WORD_RE.findall(text)


def stable_hash64(value: str) -> int:
    """A hash that is the same in every process and on every run (unlike ``hash``)."""
    digest = blake2b(value.encode("utf-8", "surrogatepass"), digest_size=8).digest()
    return int.from_bytes(digest, "little")
