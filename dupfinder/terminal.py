"""Terminal output: scraped text made safe to print, display widths, and the colour decision.

Scraped titles, ids and texts are hostile input. Printed raw, an OSC sequence retitles the
terminal window or forges a hyperlink, a CSI sequence moves the cursor or clears the screen, a
carriage return overwrites the line, and a bidi override (U+202E) makes ``evil.example``
read as something else and reorders the columns of a table. ``safe_text`` neutralises all
of them; every human-readable output of dupfinder passes scraped text through it.

Colour follows ``--color auto|always|never`` (the CLI stores the choice with
``set_color_choice``) and the NO_COLOR convention (https://no-color.org: any non-empty value
turns colour off unless ``--color always`` asks for it).
"""

from __future__ import annotations

import os
import re
import unicodedata
from typing import IO, Any

# Whole escape sequences, removed: they are instructions to the terminal, not text.
#   OSC / DCS / SOS / PM / APC strings up to their terminator (BEL or ST) or the line end;
#   CSI with its parameters; any other ESC + one character (charset switches, RIS, ...).
_ESCAPES = re.compile(
    r"(?:\x1b[\]PX^_]|[\x90\x98\x9d\x9e\x9f])[^\x07\x1b\x9c\n]*(?:\x07|\x1b\\|\x9c)?"
    r"|(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]?"
    r"|\x1b[ -/]*[0-~]?"
)

# Bidi formatting characters: embeddings and overrides (U+202A-202E), isolates (U+2066-2069),
# marks (U+200E, U+200F, U+061C). Removed: they are invisible, and they reorder what follows.
BIDI_CONTROLS = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"

_CONTROL_CLASS = "\x00-\x1f\x7f-\x9f\u2028\u2029" + BIDI_CONTROLS
_UNSAFE = re.compile(f"[{_CONTROL_CLASS}]")

REPLACEMENT = "\ufffd"


def _table(keep: str) -> dict[int, str | None]:
    table: dict[int, str | None] = {}
    for code in (*range(0x00, 0x20), *range(0x7F, 0xA0)):
        table[code] = REPLACEMENT
    for ch in BIDI_CONTROLS:
        table[ord(ch)] = None
    # Line structure: kept where the caller needs it, else a space. Line and paragraph
    # separators, vertical tab, form feed and NEL are line breaks.
    for ch in "\u2028\u2029\x0b\x0c\x85":
        table[ord(ch)] = "\n" if "\n" in keep else " "
    for ch in "\n\t":
        table[ord(ch)] = ch if ch in keep else " "
    return table


_TABLES: dict[str, dict[int, str | None]] = {}


def safe_text(text: str | None, keep: str = "\n\t") -> str:
    """``text`` with every terminal control neutralised.

    Escape sequences (OSC, CSI, DCS, any ESC + character, and their 8-bit C1 forms) are removed
    whole; bidi formatting characters are removed; other C0 controls, DEL and C1 controls become
    U+FFFD. ``keep`` lists the structural characters to keep (newline and tab by default);
    pass ``keep=""`` for one-line fields, where newlines, tabs and line separators become spaces.
    A carriage return ends a line (``\\r\\n`` and a lone ``\\r`` become a newline, or a space).
    """
    if not text:
        return ""
    if _UNSAFE.search(text) is None:
        return text
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _ESCAPES.sub("", text)
    table = _TABLES.get(keep)
    if table is None:
        table = _TABLES[keep] = _table(keep)
    return text.translate(table)


def safe_line(text: str | None) -> str:
    """``safe_text`` for a one-line field (an id, a title, an outlet): no line breaks."""
    return safe_text(text, keep="")


def char_width(ch: str) -> int:
    """Columns a character takes in a terminal: 2 for wide East Asian, 0 for combining marks."""
    if unicodedata.combining(ch) or unicodedata.category(ch) in ("Mn", "Me", "Cf"):
        return 0
    return 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1


def width(text: str) -> int:
    """Display width of ``text`` in terminal columns."""
    if text.isascii():
        return len(text)
    return sum(char_width(ch) for ch in text)


def clip(text: str, columns: int) -> str:
    """``text`` on one line, cut with an ellipsis to at most ``columns`` display columns."""
    text = " ".join(safe_line(text).split())
    if width(text) <= columns:
        return text
    out, used = [], 0
    for ch in text:
        w = char_width(ch)
        if used + w > columns - 1:
            break
        out.append(ch)
        used += w
    return "".join(out) + "\u2026"


def pad(text: str, columns: int, align: str = "<") -> str:
    """``text`` padded with spaces to ``columns`` display columns (wide characters counted)."""
    gap = " " * max(0, columns - width(text))
    return text + gap if align == "<" else gap + text


# ---- colour -------------------------------------------------------------------------------

COLOR_CHOICES = ("auto", "always", "never")
_choice = "auto"


def set_color_choice(choice: str) -> None:
    """Record ``--color`` (auto, always or never) for this process."""
    global _choice
    if choice not in COLOR_CHOICES:
        raise ValueError(f"color must be one of {', '.join(COLOR_CHOICES)}, got {choice!r}")
    _choice = choice


def use_color(stream: IO[Any] | None = None, choice: str | None = None,
              env: dict[str, str] | None = None) -> bool:
    """Should output to ``stream`` be coloured?

    ``always`` and ``never`` decide; ``auto`` (the default) colours a terminal unless NO_COLOR
    is set to a non-empty value (or TERM is ``dumb``).
    """
    choice = choice or _choice
    if choice == "always":
        return True
    if choice == "never":
        return False
    env = os.environ if env is None else env  # type: ignore[assignment]
    assert env is not None
    if env.get("NO_COLOR", ""):
        return False
    if env.get("TERM") == "dumb":
        return False
    if stream is None:
        import sys

        stream = sys.stdout
    isatty = getattr(stream, "isatty", None)
    try:
        return bool(isatty and isatty())
    except ValueError:  # a closed stream
        return False
