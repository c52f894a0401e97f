"""Streaming input (chunks, Parquet/CSV files) and the ingestion dispatcher give the pandas path's table and errors."""

from __future__ import annotations

import sys

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pgmpy_mixture import streaming
from pgmpy_mixture.data.counts import CountTable
from pgmpy_mixture.data.ingest import align_count_table, marginals_from_counts, to_count_table, to_marginals
from pgmpy_mixture.data.packing import KeyLayout, sum_by_key
from pgmpy_mixture.data.streaming import CountAccumulator, count_chunks, count_files, iter_file_chunks, resolve_paths
from pgmpy_mixture.errors import (
    DataFileError,
    DataTypeError,
    DataValueError,
    MissingDependencyError,
    MissingVariableError,
    ParameterError,
    UnknownStateError,
    UnknownVariableError,
)


def random_problem(rng: np.random.Generator, n_vars: int, n_rows: int, max_card: int = 4):
    variables = [f"V{i}" for i in range(n_vars)]
    states = [[f"s{k}" for k in range(int(rng.integers(2, max_card + 1)))] for _ in variables]
    frame = pd.DataFrame(
        {v: np.asarray(s, dtype=object)[rng.integers(0, len(s), n_rows)]
         for v, s in zip(variables, states, strict=True)}
    )
    return variables, states, frame


def chunks_of(frame: pd.DataFrame, sizes: list[int]):
    start = 0
    for size in sizes:
        yield frame.iloc[start : start + size]
        start += size
    if start < frame.shape[0]:
        yield frame.iloc[start:]


def assert_same_table(a: CountTable, b: CountTable) -> None:
    assert a.variables == b.variables and a.states == b.states
    np.testing.assert_array_equal(a.codes, b.codes)
    np.testing.assert_array_equal(a.weights, b.weights)
    assert a.n_rows == b.n_rows
    assert a.is_distribution == b.is_distribution


def error_of(fn, *args, **kwargs) -> tuple[type, str]:
    with pytest.raises(ValueError) as info:
        fn(*args, **kwargs)
    return type(info.value), str(info.value)


@pytest.fixture(autouse=True)
def small_merges(monkeypatch):
    """Merge pending chunk tables often so the merge path is exercised on small data."""
    monkeypatch.setattr(streaming, "_MIN_MERGE_ROWS", 3)


@settings(max_examples=40, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    n_vars=st.integers(1, 5),
    n_rows=st.integers(1, 80),
    sizes=st.lists(st.integers(0, 30), max_size=8),
    weighted=st.sampled_from([None, "counts", "probabilities"]),
)
def test_chunks_give_the_pandas_table(seed, n_vars, n_rows, sizes, weighted):
    rng = np.random.default_rng(seed)
    variables, states, frame = random_problem(rng, n_vars, n_rows)
    weights = None
    if weighted == "counts":
        frame["w"] = rng.integers(0, 5, n_rows)
        frame.loc[0, "w"] = 1
        weights = "w"
    elif weighted == "probabilities":  # dyadic values: sums are exact in any order
        raw = rng.integers(1, 9, n_rows).astype(float)
        frame["w"] = raw / 2.0 ** np.ceil(np.log2(raw.sum()))
        frame.loc[frame.index[-1], "w"] += 1.0 - frame["w"].sum()
        weights = "w"
    expected = CountTable.from_frame(frame, variables, states, weights)
    before = frame.copy()
    got = count_chunks(chunks_of(frame, sizes), variables, states, weights)
    assert_same_table(got, expected)
    pd.testing.assert_frame_equal(frame, before)  # caller's data untouched
    assert_same_table(to_count_table(chunks_of(frame, sizes), variables, states, weights), expected)


def test_many_variables_use_several_keys_and_match_pandas():
    rng = np.random.default_rng(3)
    variables, states, frame = random_problem(rng, 70, 500, max_card=2)
    assert KeyLayout.for_cardinalities([len(s) for s in states]).n_keys >= 2
    expected = CountTable.from_frame(frame, variables, states)
    assert_same_table(count_chunks(chunks_of(frame, [100] * 5), variables, states), expected)


@settings(max_examples=30, deadline=None)
@given(cards=st.lists(st.integers(1, 300), min_size=1, max_size=30), seed=st.integers(0, 1000))
def test_pack_unpack_round_trip(cards, seed):
    rng = np.random.default_rng(seed)
    layout = KeyLayout.for_cardinalities(cards)
    codes = np.stack([rng.integers(0, c, 50) for c in cards], axis=1)
    keys = layout.pack(codes)
    np.testing.assert_array_equal(layout.unpack(keys), codes)
    uniq, counts = sum_by_key(keys, np.ones(50, dtype=np.int64))
    assert counts.sum() == 50 and uniq.shape[0] == np.unique(codes, axis=0).shape[0]


BAD_VALUES = ["nan", "unknown"]


@settings(max_examples=15, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    kind=st.sampled_from(BAD_VALUES + ["negative", "infinite", "two_vars"]),
    chunksize=st.integers(4, 40),
)
def test_bad_rows_are_named_like_pandas(tmp_path_factory, seed, kind, chunksize):
    rng = np.random.default_rng(seed)
    variables, states, frame = random_problem(rng, 3, 60)
    frame["w"] = rng.integers(1, 4, 60).astype(float)
    row = int(rng.integers(0, 60))
    if kind == "nan":
        frame.loc[row, "V1"] = None
    elif kind == "unknown":
        frame.loc[row, "V2"] = "bogus"
    elif kind == "negative":
        frame.loc[row, "w"] = -2.5
    elif kind == "infinite":
        frame.loc[row, "w"] = np.inf
    else:  # an unknown state in V2 early, a NaN in V0 later: pandas reports V0 (variables are checked in order)
        frame.loc[min(row, 58), "V2"] = "bogus"
        frame.loc[59, "V0"] = None
    expected = error_of(CountTable.from_frame, frame, variables, states, "w")
    assert error_of(count_chunks, chunks_of(frame, [chunksize] * 60), variables, states, "w") == expected
    # a CSV written and read back in chunks names the same row as pandas reading it whole
    path = tmp_path_factory.mktemp("csv") / "data.csv"
    frame.to_csv(path, index=False)
    whole = error_of(CountTable.from_frame, pd.read_csv(path), variables, states, "w")
    assert error_of(count_chunks, pd.read_csv(path, chunksize=chunksize), variables, states, "w") == whole
    assert error_of(count_files, str(path), variables, states, "w", chunksize=chunksize) == whole


@pytest.mark.parametrize(
    "mutate, error",
    [
        (lambda f: f.drop(columns="V1"), MissingVariableError),
        (lambda f: f.assign(extra=1), UnknownVariableError),
        (lambda f: f.drop(columns="w"), DataValueError),
        (lambda f: f.assign(w=0.0), DataValueError),
        (lambda f: f.iloc[:0], DataValueError),
    ],
    ids=["missing-column", "unknown-column", "missing-weights", "zero-weights", "empty"],
)
def test_frame_level_errors_match_pandas(mutate, error):
    rng = np.random.default_rng(0)
    variables, states, frame = random_problem(rng, 3, 20)
    frame["w"] = 1.0
    bad = mutate(frame)
    expected = error_of(CountTable.from_frame, bad, variables, states, "w")
    assert expected[0] is error or issubclass(expected[0], error)
    assert error_of(count_chunks, chunks_of(bad, [7, 7]), variables, states, "w") == expected


def test_non_frame_chunk_and_single_frame_are_rejected():
    with pytest.raises(DataTypeError, match="each chunk must be a pandas DataFrame, got list"):
        count_chunks([["x"]], ["A"], [["x"]])
    with pytest.raises(DataTypeError, match="iterable of DataFrames"):
        count_chunks(pd.DataFrame({"A": ["x"]}), ["A"], [["x"]])
    with pytest.raises(DataValueError, match="data is empty"):
        count_chunks(iter([]), ["A"], [["x"]])


@pytest.fixture
def parquet_parts(tmp_path):
    rng = np.random.default_rng(11)
    variables, states, frame = random_problem(rng, 4, 900)
    for i, start in enumerate(range(0, 900, 300)):
        part = frame.iloc[start : start + 300].reset_index(drop=True)
        part.astype("category").to_parquet(tmp_path / f"events-{i:03d}.parquet", index=False)
        part.to_csv(tmp_path / f"events-{i:03d}.csv", index=False)
    return tmp_path, variables, states, frame


@pytest.mark.parametrize("pattern", ["events-*.parquet", "events-*.csv", "dir-list"])
def test_files_and_globs_give_the_pandas_table(parquet_parts, pattern):
    pytest.importorskip("pyarrow")
    root, variables, states, frame = parquet_parts
    expected = CountTable.from_frame(frame, variables, states)
    source = [str(p) for p in sorted(root.glob("events-*.parquet"))] if pattern == "dir-list" else str(root / pattern)
    assert_same_table(count_files(source, variables, states, chunksize=128), expected)
    assert_same_table(to_count_table(source, variables, states, chunksize=100), expected)


def test_directory_mixes_parquet_and_csv(parquet_parts):
    pytest.importorskip("pyarrow")
    root, variables, states, frame = parquet_parts
    paths = resolve_paths(root)
    assert len(paths) == 6
    table = count_files(root, variables, states, chunksize=1000, progress=True)
    np.testing.assert_array_equal(table.weights, 2 * CountTable.from_frame(frame, variables, states).weights)


def test_parquet_error_names_the_row_of_the_concatenated_files(tmp_path):
    pytest.importorskip("pyarrow")
    frames = [pd.DataFrame({"A": ["x", "y", "x"]}) for _ in range(3)]
    frames[2].loc[1, "A"] = "zz"
    for i, f in enumerate(frames):
        f.to_parquet(tmp_path / f"p{i}.parquet", index=False)
    expected = error_of(CountTable.from_frame, pd.concat(frames, ignore_index=True), ["A"], [["x", "y"]])
    assert expected == (UnknownStateError, "variable 'A' has state 'zz' at row 7, which is not one of the model's "
                        "states ['x', 'y']")
    assert error_of(count_files, str(tmp_path / "p*.parquet"), ["A"], [["x", "y"]], chunksize=2) == expected


def test_file_resolution_errors(tmp_path):
    with pytest.raises(DataValueError, match="no file matches"):
        resolve_paths(str(tmp_path / "none-*.parquet"))
    with pytest.raises(DataValueError, match="no file matches"):
        resolve_paths(str(tmp_path / "missing.csv"))
    (tmp_path / "data.txt").write_text("A\nx\n")
    with pytest.raises(DataValueError, match="cannot tell the format"):
        resolve_paths(str(tmp_path / "data.txt"))
    with pytest.raises(DataValueError, match="has no Parquet or CSV files"):
        resolve_paths(tmp_path)
    for bad in (0, -1, 1.5, "x", True, None):  # a parameter, not data: ParameterError naming it
        with pytest.raises(ParameterError, match=r"chunksize must be an integer >= 1, got"):
            list(iter_file_chunks([tmp_path / "a.csv"], chunksize=bad))


def test_missing_pyarrow_names_the_extra(tmp_path, monkeypatch):
    path = tmp_path / "a.parquet"
    path.write_bytes(b"")
    monkeypatch.setitem(sys.modules, "pyarrow.parquet", None)
    with pytest.raises(MissingDependencyError, match=r'pip install "pgmpy-mixture\[scale\]"'):
        count_files(str(path), ["A"], [["x"]])


def test_accumulator_keeps_memory_to_distinct_rows(monkeypatch):
    monkeypatch.setattr(streaming, "_MIN_MERGE_ROWS", 10)
    acc = CountAccumulator(["A", "B"], [["x", "y"], ["u", "v"]])
    chunk = pd.DataFrame({"A": ["x", "y"] * 50, "B": ["u", "u", "v", "v"] * 25})
    for _ in range(200):
        acc.add_frame(chunk)
        assert acc.n_distinct <= 4 and acc._pending_rows <= 10 + 4
    table = acc.result()
    assert table.n_rows == 20_000 and table.total == 20_000 and table.codes.shape[0] == 4


def test_dispatcher_count_table_and_errors():
    t = CountTable.from_codes(np.array([[0, 1], [1, 0]]), ["B", "A"], [["v", "u"], ["y", "x"]], np.array([2, 3]))
    aligned = to_count_table(t, ["A", "B"], [["x", "y"], ["u", "v"]])
    assert aligned.codes.tolist() == [[0, 1], [1, 0]] and aligned.weights.tolist() == [2.0, 3.0]
    with pytest.raises(ParameterError):
        to_count_table(t, ["A", "B"], [["x", "y"], ["u", "v"]], weights="w")
    with pytest.raises(UnknownStateError, match="'v'"):
        align_count_table(t, ["A", "B"], [["x", "y"], ["u", "w"]])
    with pytest.raises(MissingVariableError, match="'C'"):
        align_count_table(t, ["A", "B", "C"], [["x", "y"], ["u", "v"], ["c"]])
    with pytest.raises(UnknownVariableError, match="'B'"):
        align_count_table(t, ["A"], [["x", "y"]])
    for bad in (42, np.zeros((2, 2)), {"A": ["x"]}):
        with pytest.raises(DataTypeError, match="data must be"):
            to_count_table(bad, ["A"], [["x"]])


def test_marginals_from_counts_and_chunks():
    rng = np.random.default_rng(5)
    variables, states, frame = random_problem(rng, 3, 200)
    table = CountTable.from_frame(frame, variables, states)
    marg = marginals_from_counts(table)
    for v, names in zip(variables, states, strict=True):
        freq = frame[v].value_counts(normalize=True)
        for s in names:
            assert marg[v][s] == pytest.approx(freq.get(s, 0.0), abs=1e-12)
    assert to_marginals(chunks_of(frame, [50] * 4), variables, states) == marg


# ------------------------------------------------------------------------------------------ files that cannot be read
def _parts(tmp_path, good: int = 2):
    frame = pd.DataFrame({"A": ["x", "y", "x"], "B": ["u", "u", "v"]})
    for i in range(good):
        frame.to_parquet(tmp_path / f"part-{i}.parquet", index=False)
    return frame


@pytest.mark.parametrize("damage", ["garbage", "truncated", "empty"])
def test_corrupt_parquet_is_our_error_naming_the_file(tmp_path, damage):
    # before: pyarrow's ArrowInvalid ("Parquet magic bytes not found in footer"), naming no file
    pytest.importorskip("pyarrow")
    _parts(tmp_path)
    whole = (tmp_path / "part-0.parquet").read_bytes()
    bad = tmp_path / "part-9.parquet"
    bad.write_bytes({"garbage": b"this is not parquet", "truncated": whole[: len(whole) // 2], "empty": b""}[damage])
    for source in (str(bad), str(tmp_path / "part-*.parquet"), str(tmp_path), [str(tmp_path / "part-0.parquet"), bad]):
        for progress in (False, True):
            with pytest.raises(DataFileError, match=r"cannot read '.*part-9\.parquet' as Parquet") as info:
                to_count_table(source, ["A", "B"], [["x", "y"], ["u", "v"]], progress=progress)
            assert isinstance(info.value, DataValueError)


@pytest.mark.parametrize("content", [b"A,B\nx,u\n\xff\xfe\xfa,u\n", b"\x1f\x8b\x08\x00broken gzip"])
def test_undecodable_csv_is_our_error_naming_the_file(tmp_path, content):
    path = tmp_path / ("bad.csv.gz" if content.startswith(b"\x1f\x8b") else "bad.csv")
    path.write_bytes(content)
    with pytest.raises(DataFileError, match=rf"cannot read '.*{path.name}' as CSV"):
        to_count_table(str(path), ["A", "B"], [["x", "y"], ["u", "v"]])


def test_csv_files_are_read_as_text_like_the_command_line(tmp_path):
    # before: pandas' default parsing turned the state names None and NA into missing values and 01 into 1
    path = tmp_path / "d.csv"
    path.write_text("DuctFlow,Code,n\nNone,01,2\nNA,10,3\nNone,01,1\n")
    table = to_count_table(str(path), ["DuctFlow", "Code"], [["None", "NA"], ["01", "10"]], weights="n")
    assert table.codes.tolist() == [[0, 0], [1, 1]] and table.weights.tolist() == [3.0, 3.0]
    path.write_text("DuctFlow,Code\nNone,01\n,10\n")
    with pytest.raises(DataValueError, match=r"'DuctFlow'.*row 1"):  # an empty cell is still a missing value
        to_count_table(str(path), ["DuctFlow", "Code"], [["None", "NA"], ["01", "10"]])


# ------------------------------------------------------------------------------------------ the readers' arguments
@pytest.mark.parametrize(
    ("variables", "states", "message"),
    [
        (["A", "B"], [["x", "y"]], r"states has 1 entries for 2 variables: the states of 'B' are missing"),
        (["A", "B"], [["x"], ["u"], ["w"]], r"states has 3 entries for 2 variables"),
        (["A", "B", "A"], [["x", "y"], ["u", "v"], ["x", "y"]], r"variables lists 'A' more than once"),
        (["A", "B"], [["x", "x"], ["u", "v"]], r"variable 'A' lists state 'x' more than once"),
        (["A", "B"], [[], ["u", "v"]], r"variable 'A' has no states"),
        (["A", "B"], ["xy", ["u", "v"]], r"the states of variable 'A' must be a sequence"),
        ("AB", [["x"], ["u"]], r"variables must be a sequence"),
        ([], [], r"variables is empty"),
        (["A", 2], [["x"], ["u"]], r"variable names must be strings, got 2"),
        (["A", "B"], {"A": ["x"], "B": ["u"]}, r"states must be a sequence"),
    ],
)
def test_bad_variables_or_states_are_parameter_errors_for_every_reader(variables, states, message):
    # before: zip()'s "argument 2 is shorter than argument 1", or duplicates accepted and counted twice
    frame = pd.DataFrame({"A": ["x", "y"], "B": ["u", "v"]})
    readers = [
        lambda: to_count_table(frame, variables, states),
        lambda: to_count_table(iter([frame]), variables, states),
        lambda: to_marginals(frame, variables, states),
        lambda: count_chunks([frame], variables, states),
        lambda: CountAccumulator(variables, states),
    ]
    for read in readers:
        with pytest.raises(ParameterError, match=message):
            read()


@pytest.mark.parametrize("bad", [0, -3, 2.5, "x", True, None])
def test_bad_chunksize_is_a_parameter_error(tmp_path, bad):
    pd.DataFrame({"A": ["x"]}).to_csv(tmp_path / "a.csv", index=False)
    for read in (to_count_table, to_marginals, count_files):
        with pytest.raises(ParameterError, match=r"chunksize must be an integer >= 1"):
            read(str(tmp_path / "a.csv"), ["A"], [["x"]], chunksize=bad)


def test_bad_weights_name_and_progress_are_parameter_errors():
    frame = pd.DataFrame({"A": ["x"], "n": [1]})
    with pytest.raises(ParameterError, match=r"weights must be None or the name of a column.*\['n'\]"):
        to_count_table(frame, ["A"], [["x"]], weights=["n"])
    with pytest.raises(ParameterError, match=r"progress must be True or False, got 'yes'"):
        to_count_table(frame, ["A"], [["x"]], progress="yes")


def test_a_missing_file_names_the_path(tmp_path):
    missing = str(tmp_path / "nosuch.csv")
    with pytest.raises(DataTypeError, match=rf"data '{missing}' names no file: no such file or directory"):
        to_count_table(missing, ["A"], [["x"]])
    with pytest.raises(DataTypeError, match=r"'nosuch\.csv' names no file.*relative to the working directory"):
        to_count_table("nosuch.csv", ["A"], [["x"]])
