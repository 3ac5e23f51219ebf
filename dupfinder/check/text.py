"""Scraped text made safe for each output: one terminal line without controls or bidi
overrides, XML 1.0 characters only, JSON without lone surrogates."""

from __future__ import annotations

import re
from typing import Any

from ..terminal import safe_line

# Terminal and annotation text: one line, no control or bidi characters from scraped titles.
_BLANKS = re.compile("[\t\n\r\x0b\x0c\x85\u2028\u2029]+")
_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
# Characters XML 1.0 does not allow anywhere (even as character references).
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_SURROGATES = re.compile("[\ud800-\udfff]")


def _line(text: str) -> str:
    # The shared terminal neutraliser first (escape sequences dropped whole, bidi controls
    # removed), then what is left of controls and surrogates replaced.
    return _UNPRINTABLE.sub("\ufffd", safe_line(_BLANKS.sub(" ", text)))


def _xml(text: str) -> str:
    return _NOT_XML.sub("\ufffd", text)


def _json_safe(value: Any) -> Any:
    """Lone surrogates (a JSON input's ``\\ud800``) cannot be written as UTF-8."""
    if isinstance(value, str):
        return _SURROGATES.sub("\ufffd", value)
    if isinstance(value, dict):
        return {_json_safe(k): _json_safe(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_json_safe(v) for v in value]
    return value
