"""Text renderings of a Diff: coloured for a terminal, plain markers for pipes and files."""

from __future__ import annotations

from collections.abc import Callable

from .diff import Diff, Token

# Long unchanged runs are shown as their first and last words, so the edits stand out.
CONTEXT_WORDS = 8


def _span(text: str, tokens: list[Token], start: int, end: int) -> str:
    if start >= end:
        return ""
    return " ".join(text[tokens[start].start : tokens[end - 1].end].split())


def render_text(diff: Diff, color: bool) -> str:
    def paint(s: str, fg: str, strike: bool = False) -> str:
        if not color:
            return s
        import click

        return click.style(s, fg=fg, strikethrough=strike)

    deleted: Callable[[str], str] = (
        (lambda s: paint(s, "red", True)) if color else (lambda s: f"[-{s}-]")
    )
    inserted: Callable[[str], str] = (
        (lambda s: paint(s, "green")) if color else (lambda s: f"{{+{s}+}}")
    )
    a_text, b_text = diff.canonical.text, diff.member.text
    out: list[str] = []
    if diff.headline_changed:
        out.append(deleted(diff.canonical.title or ""))
        out.append(inserted(diff.member.title or ""))
    else:
        out.append(diff.member.title or "")
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
