"""Just enough of Coq's lexical structure to scan sources: comments, strings, sentences.

All functions are pure. Blanking keeps every offset (and so every line and column) of the
original text: comment and string characters become spaces, newlines stay.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


class LexError(ValueError):
    """Unterminated comment or string; `offset` is where it starts."""

    def __init__(self, message: str, offset: int) -> None:
        super().__init__(message)
        self.offset = offset


def _blank(chars: list[str], start: int, end: int) -> None:
    for k in range(start, end):
        if chars[k] != "\n":
            chars[k] = " "


def _string_end(text: str, i: int) -> int:
    """Index just past the string literal starting at `text[i] == '"'` ("" escapes a quote)."""
    j = i + 1
    n = len(text)
    while j < n:
        if text[j] == '"':
            if j + 1 < n and text[j + 1] == '"':
                j += 2
                continue
            return j + 1
        j += 1
    raise LexError("unterminated string literal", i)


def blank_comments_and_strings(text: str) -> str:
    """`text` with every `(* ... *)` comment (nested, and with string literals inside comments
    lexed as Coq does) and every string literal replaced by spaces, newlines kept."""
    chars = list(text)
    i, n = 0, len(text)
    while i < n:
        if text.startswith("(*", i):
            start, depth, j = i, 1, i + 2
            while depth > 0:
                if j >= n:
                    raise LexError("unterminated comment", start)
                if text.startswith("(*", j):
                    depth, j = depth + 1, j + 2
                elif text.startswith("*)", j):
                    depth, j = depth - 1, j + 2
                elif text[j] == '"':
                    j = _string_end(text, j)
                else:
                    j += 1
            _blank(chars, start, j)
            i = j
        elif text[i] == '"':
            j = _string_end(text, i)
            _blank(chars, i, j)
            i = j
        else:
            i += 1
    return "".join(chars)


def line_col(text: str, offset: int) -> tuple[int, int]:
    """1-based line and column of `offset` in `text`."""
    line = text.count("\n", 0, offset) + 1
    col = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return line, col


@dataclass(frozen=True)
class Sentence:
    """One sentence of blanked source: `text` starts at `offset` (leading blanks, bullets and
    braces removed) and includes the terminating period."""

    offset: int
    text: str


# A sentence ends at a period followed by whitespace or end of input, not part of `..`.
_END_RE = re.compile(r"(?<!\.)\.(?=\s|$)")
_LEAD_RE = re.compile(r"[\s\-+*{}]*")


def sentences(blanked: str) -> list[Sentence]:
    """Split blanked source into sentences. Bullets (`-`, `+`, `*`) and braces that precede a
    sentence are skipped, so `text` starts at the first real word."""
    result: list[Sentence] = []
    pos = 0
    for match in _END_RE.finditer(blanked):
        end = match.end()
        lead = _LEAD_RE.match(blanked, pos)
        start = lead.end() if lead else pos
        if start < end:
            result.append(Sentence(start, blanked[start:end]))
        pos = end
    return result


_ATTRIBUTE_RE = re.compile(r"#\[[^\]]*\]\s*")
_MODIFIERS = frozenset(
    {"Local", "Global", "Polymorphic", "Monomorphic", "Cumulative", "NonCumulative", "Private",
     "Program", "Export"}
)


def command_words(sentence_text: str) -> list[str]:
    """The words of a sentence after its attributes (`#[...]`) and locality/universe modifiers:
    `#[local] Polymorphic Axiom x : T.` -> ['Axiom', 'x', ':', 'T.']"""
    text = _ATTRIBUTE_RE.sub(" ", sentence_text)
    words = text.split()
    while words and words[0] in _MODIFIERS:
        words = words[1:]
    return words
