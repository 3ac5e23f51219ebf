"""Text renderings of a Diff: coloured for a terminal, plain markers for pipes and files.

Scraped text is printed through ``terminal.safe_line``: no escape sequence, control or bidi
character from a page reaches the terminal. Long unchanged runs are folded to their first and
last words; long deletions and trims to a few words and a count ("... 3,129 words cut ...").
"""

from __future__ import annotations

from .diff import Diff, Token
from .terminal import safe_line

# Long unchanged runs are shown as their first and last words, so the edits stand out.
CONTEXT_WORDS = 8
# A deletion or trim longer than this many words shows CONTEXT_WORDS of them and a count.
FOLD_CUT_WORDS = 3 * CONTEXT_WORDS


def _span(text: str, tokens: list[Token], start: int, end: int) -> str:
    if start >= end:
        return ""
    return " ".join(safe_line(text[tokens[start].start : tokens[end - 1].end]).split())


def cut_note(words: int) -> str:
    return f"\u2026 {words:,} words cut \u2026"


def render_text(diff: Diff, color: bool) -> str:
    import click

    def paint(s: str, **style: object) -> str:
        return click.style(s, **style) if color and s else s  # type: ignore[arg-type]

    def deleted(s: str) -> str:
        return paint(s, fg="red", strikethrough=True) if color else f"[-{s}-]"

    def inserted(s: str) -> str:
        return paint(s, fg="green") if color else f"{{+{s}+}}"

    def folded_cut(a0: int, a1: int, at_start: bool) -> str:
        # A trimmed start shows the words just before the copy begins; any other cut, its
        # first words.
        note = cut_note(a1 - a0)
        if at_start:
            words = _span(a_text, diff.a_tokens, a1 - CONTEXT_WORDS, a1)
            if not color:
                return deleted(f"{note} {words}")
            return f"{paint(note, fg='red', dim=True)} {deleted(words)}"
        words = _span(a_text, diff.a_tokens, a0, a0 + CONTEXT_WORDS)
        if not color:
            return deleted(f"{words} {note}")
        return f"{deleted(words)} {paint(note, fg='red', dim=True)}"

    a_text, b_text = diff.canonical.text, diff.member.text
    kinds = {e.a_start: e.kind for e in diff.edits if e.kind in ("trimmed_start", "trimmed_end",
                                                                  "deleted")}
    out: list[str] = []
    title_a, title_b = safe_line(diff.canonical.title), safe_line(diff.member.title)
    if diff.headline_changed:
        out.append(deleted(title_a))
        out.append(inserted(title_b))
    else:
        out.append(title_b)
    body: list[str] = []
    for tag, a0, a1, b0, b1 in diff.ops:
        if tag == "equal":
            n = b1 - b0
            if n > 3 * CONTEXT_WORDS:
                body.append(_span(b_text, diff.b_tokens, b0, b0 + CONTEXT_WORDS))
                body.append("\u2026")
                body.append(_span(b_text, diff.b_tokens, b1 - CONTEXT_WORDS, b1))
            else:
                body.append(_span(b_text, diff.b_tokens, b0, b1))
        elif tag == "delete":
            if a1 - a0 > FOLD_CUT_WORDS:
                body.append(folded_cut(a0, a1, kinds.get(a0) == "trimmed_start"))
            else:
                body.append(deleted(_span(a_text, diff.a_tokens, a0, a1)))
        elif tag == "insert":
            body.append(inserted(_span(b_text, diff.b_tokens, b0, b1)))
        else:
            body.append(deleted(_span(a_text, diff.a_tokens, a0, a1)))
            body.append(inserted(_span(b_text, diff.b_tokens, b0, b1)))
    out.append(" ".join(x for x in body if x))
    c = diff.counts()
    out.append(
        f"kept {c['words_kept']}, inserted {c['words_inserted']}, deleted "
        f"{c['words_deleted']}, replaced {c['words_replaced']} words; "
        f"edits: {', '.join(diff.kinds()) or 'none'}"
    )
    return "\n".join(out) + "\n"
