"""Units, the lines chrome is learned on: one-line texts are split at separators and sentences
without changing the text's length, its offsets or its word tokens (so shingles are unchanged)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from dupfinder.stages.normalise import normalise, tokens, unit_spans, unit_text


def test_separators_and_sentences_end_units() -> None:
    text = ("Ferry strike halted ### Crews walked out at dawn. Passengers were stranded! ### "
            + "The union said talks had failed. " * 12)
    split = unit_text(text)
    units = [split[s:e].strip() for s, e in unit_spans(text)]
    assert units[0] == "Ferry strike halted"
    assert units[1] == "Crews walked out at dawn. Passengers were stranded!"  # a short line stays
    assert units[2:5] == ["The union said talks had failed."] * 3
    assert len(units) == 2 + 12


def test_abbreviations_end_no_sentence() -> None:
    text = ("Mr. Ek told U.S. regulators that R. Kelly was not the issue in Roe v. Wade terms. "
            * 6)
    assert all(u.strip().startswith("Mr. Ek") for u in unit_text(text).split("\n") if u.strip())


def test_short_multi_line_text_is_unchanged() -> None:
    text = "Headline\nFirst paragraph, short.\nSecond paragraph."
    assert unit_text(text) == text


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=1500)
       | st.lists(st.sampled_from(["Word", "two.", "Three!", " ### ", " | ", "\n", " ", "x" * 50,
                                   "Mr.", "U.S.", "”", "é"]), max_size=200).map("".join))
def test_units_keep_length_and_tokens(text: str) -> None:
    split = unit_text(text)
    assert len(split) == len(text)
    assert tokens(normalise(split)) == tokens(normalise(text))


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(["Word", "two.", "Three!", " ", "Mr.", "U.S.", "\u201d", "x" * 40,
                                 "\n", " \n", "end. \n"]), max_size=300).map("".join))
def test_the_one_pass_path_cuts_the_same_units_as_the_line_by_line_path(text: str) -> None:
    from dupfinder.stages import normalise as n

    def keys(split: str) -> list[list[str]]:
        return [ws for ws in (tokens(normalise(u)) for u in split.split("\n")) if ws]

    line_by_line = "\n".join(n._split_sentences(line) if len(line) >= 60 else line
                             for line in text.split("\n"))
    fast = unit_text(text, 60)
    assert len(fast) == len(text)
    assert keys(fast) == keys(line_by_line)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.sampled_from(["Subscribe to our newsletter.", "Ferry strike halted",
                                 "Crews walked out at dawn.", "Café “owners” were closed.",
                                 "—", "Advertisement", "\n", " ", "2 billion", "x" * 30]),
                max_size=40).map("".join))
def test_printed_units_are_the_units_a_learned_key_names(text: str) -> None:
    """The report prints each learned chrome unit from its example text by key: the unit it
    prints hashes to that key, and a key the text does not hold prints as empty."""
    from dupfinder.stages.tokens import featurize, printed_units

    keys = featurize([text]).line_keys.tolist()
    printed = printed_units([(0, k) for k in keys] + [(0, 12345)], lambda i: text)
    for key in keys:
        unit = printed[0, key]
        assert unit and unit in text
        assert featurize([unit]).line_keys.tolist() == [key]
    assert printed[0, 12345] == ""
