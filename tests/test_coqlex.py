"""Lexing: comments (nested, with strings inside) and strings are blanked, offsets kept."""

import pytest

from py_bridge.coq.lex import (
    LexError,
    blank_comments_and_strings,
    command_words,
    line_col,
    sentences,
)


def test_blanking_keeps_length_and_newlines() -> None:
    text = 'Lemma a. (* one\n(* two *) "*)" three *)\nQed. Definition s := "x ""y"" z".\n'
    out = blank_comments_and_strings(text)
    assert len(out) == len(text)
    newlines = [i for i, c in enumerate(text) if c == "\n"]
    assert [i for i, c in enumerate(out) if c == "\n"] == newlines
    for hidden in ("two", "three", "x"):
        assert hidden not in out
    for kept in ("Lemma a.", "Qed.", "Definition s :="):
        assert kept in out


def test_nested_comment_ends_at_matching_close() -> None:
    out = blank_comments_and_strings("(* a (* b *) c *) Admitted. (* d *)")
    assert out.split() == ["Admitted."]


def test_unterminated_comment_raises_with_offset() -> None:
    with pytest.raises(LexError) as info:
        blank_comments_and_strings("Lemma x.\n(* (* *) open")
    assert info.value.offset == 9


def test_unterminated_string_raises() -> None:
    with pytest.raises(LexError):
        blank_comments_and_strings('Definition s := "abc.')


def test_line_col_is_one_based() -> None:
    text = "ab\ncd\nef"
    assert line_col(text, 0) == (1, 1)
    assert line_col(text, 4) == (2, 2)
    assert line_col(text, 6) == (3, 1)


def test_sentences_skip_bullets_and_braces() -> None:
    text = "Proof.\n  - intros.\n  + { exact I. }\nQed.\nNotation x := (a .. b)."
    got = [s.text for s in sentences(text)]
    assert got == ["Proof.", "intros.", "exact I.", "Qed.", "Notation x := (a .. b)."]


def test_command_words_drop_attributes_and_modifiers() -> None:
    assert command_words("#[local] Polymorphic Axiom x : T.")[0] == "Axiom"
    assert command_words("Local Parameter p : nat.")[0] == "Parameter"
    assert command_words("Lemma l : True.")[0] == "Lemma"
