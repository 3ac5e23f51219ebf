"""The tokeniser's character tables saved by one run and read by the next
(``engines.workers.load_char_tables``): the same tables as building them, and a copy that cannot
be read is built again, never an error."""

from __future__ import annotations

import numpy as np
import pytest

from dupfinder.engines import workers
from dupfinder.stages import normalise
from dupfinder.stages.normalise import CharTables


@pytest.fixture(scope="module")
def built() -> CharTables:
    return CharTables()


def assert_same_tables(got: CharTables, want: CharTables) -> None:
    for name in CharTables.ARRAYS:
        a, b = getattr(got, name), getattr(want, name)
        assert a.dtype == b.dtype, name
        np.testing.assert_array_equal(a, b, err_msg=name)
    assert got.multi_fold.pattern == want.multi_fold.pattern


def test_tables_taken_from_their_arrays_are_the_tables(built: CharTables) -> None:
    assert_same_tables(CharTables(saved=built.arrays()), built)
    assert built.multi_fold.search("Straße") and not built.multi_fold.search("Strasse")


def test_a_saved_copy_is_written_then_read_and_a_broken_one_is_built_again(
        built: CharTables, tmp_path, monkeypatch) -> None:
    where = tmp_path / "cache" / "char_tables-test.npz"
    monkeypatch.setattr(workers, "_tables_file", lambda: where)
    monkeypatch.setattr(normalise, "_TABLES", None)
    workers.load_char_tables()  # built, and saved
    assert where.exists()
    assert_same_tables(normalise.char_tables(), built)

    monkeypatch.setattr(normalise, "_TABLES", None)
    monkeypatch.setattr(normalise, "CharTables", _refusing_to_build(CharTables))
    workers.load_char_tables()  # read back: building again would raise
    assert_same_tables(normalise.char_tables(), built)

    monkeypatch.setattr(normalise, "CharTables", CharTables)
    monkeypatch.setattr(normalise, "_TABLES", None)
    where.write_bytes(b"not a saved table")
    workers.load_char_tables()
    assert_same_tables(normalise.char_tables(), built)


def _refusing_to_build(cls: type[CharTables]) -> type[CharTables]:
    class Saved(cls):  # type: ignore[misc, valid-type]
        def __init__(self, saved=None) -> None:  # type: ignore[no-untyped-def]
            assert saved is not None, "the tables were built, not read"
            super().__init__(saved)

    return Saved
