"""Exceptions raised by dupfinder.

Every error a user can cause is a ``DupfinderError`` whose message is one line that names the
file, the line or record, and the fix. The CLI prints that line and exits 2; a library caller
catches the class it cares about::

    DupfinderError
     ├── UsageError            bad parameters or options (threshold out of range, ...)
     ├── InputError            a file or record cannot be read
     │    ├── RecordError      one record is malformed (bad JSON line, wrong field type, ...)
     │    └── DuplicateIdError two records share an id
     └── MissingExtraError     an optional dependency is not installed

A record error carries its ``source`` ("file:line") so that ``--on-error skip`` can list it.
"""

from __future__ import annotations


class DupfinderError(Exception):
    """Base class: a problem the user can fix, reported as one line."""

    def __init__(self, message: str = "") -> None:
        # Messages quote third-party errors, which may span lines: keep ours to one.
        super().__init__(" ".join(str(message).split()))


class UsageError(DupfinderError):
    """Parameters or options that cannot work together.

    When one parameter is at fault, ``option`` names its library keyword (``threshold``) and
    ``detail`` says what is wrong with it: the message reads ``threshold= must be ...``, and the
    CLI, which knows its own flags, prints ``--threshold must be ...`` instead.
    """

    def __init__(self, message: str = "", *, option: str | None = None) -> None:
        super().__init__(f"{option}= {message}" if option else message)
        self.option = option
        self.detail = " ".join(str(message).split())


class InputError(DupfinderError):
    """A file or its contents cannot be read."""


class RecordError(InputError):
    """One record is malformed; ``source`` names it as ``file:line``."""

    def __init__(self, source: str, reason: str) -> None:
        super().__init__(f"{source}: {reason}")
        self.source = source
        self.reason = reason

    def __reduce__(self) -> tuple[type[RecordError], tuple[str, str]]:
        # Raised in a reading worker and re-raised here: pickled by its parts.
        return (type(self), (self.source, self.reason))


class DuplicateIdError(InputError):
    """Two records carry the same id, which would make clusters ambiguous."""


class MissingExtraError(DupfinderError):
    """An optional extra is needed for this input or output."""

    def __init__(self, extra: str, what: str) -> None:
        super().__init__(
            f"{what} needs the '{extra}' extra: run  pip install 'dupfinder[{extra}]'"
        )
        self.extra = extra
