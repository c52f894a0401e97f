"""Dask input on a LocalCluster (2 worker processes): the pandas path's count table and errors, exactly."""

from __future__ import annotations

import sys

import numpy as np
import pandas as pd
import pytest

dd = pytest.importorskip("dask.dataframe")
distributed = pytest.importorskip("dask.distributed")

from pgmpy_mixture.adapters.dask import (  # noqa: E402
    count_table_from_dask,
    is_dask_dataframe,
    marginals_from_dask,
    require_dask,
)
from pgmpy_mixture.data.counts import CountTable  # noqa: E402
from pgmpy_mixture.data.ingest import to_count_table, to_marginals  # noqa: E402
from pgmpy_mixture.data.packing import KeyLayout  # noqa: E402
from pgmpy_mixture.errors import DataTypeError, MissingDependencyError  # noqa: E402


@pytest.fixture(scope="module")
def client():
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None, memory_limit="1GiB"
    ) as cluster, distributed.Client(cluster) as c:
        yield c


def random_problem(seed: int, n_vars: int, n_rows: int, max_card: int = 4):
    rng = np.random.default_rng(seed)
    variables = [f"V{i}" for i in range(n_vars)]
    states = [[f"s{k}" for k in range(int(rng.integers(2, max_card + 1)))] for _ in variables]
    frame = pd.DataFrame(
        {v: np.asarray(s, dtype=object)[rng.integers(0, len(s), n_rows)]
         for v, s in zip(variables, states, strict=True)}
    )
    return rng, variables, states, frame


def assert_same_table(a: CountTable, b: CountTable) -> None:
    assert a.variables == b.variables and a.states == b.states
    np.testing.assert_array_equal(a.codes, b.codes)
    np.testing.assert_array_equal(a.weights, b.weights)
    assert a.n_rows == b.n_rows and a.is_distribution == b.is_distribution


def error_of(fn, *args, **kwargs) -> tuple[type, str]:
    with pytest.raises(ValueError) as info:
        fn(*args, **kwargs)
    return type(info.value), str(info.value)


@pytest.mark.parametrize(
    "seed, n_vars, n_rows, npartitions, weighted",
    [
        (0, 1, 7, 3, None),
        (1, 4, 500, 4, None),
        (2, 6, 2000, 5, "counts"),
        (3, 3, 300, 3, "probabilities"),
        (4, 33, 400, 4, None),  # 33 four-state variables (66 bits): two key columns
    ],
)
def test_dask_gives_the_pandas_table_exactly(client, seed, n_vars, n_rows, npartitions, weighted):
    rng, variables, states, frame = random_problem(seed, n_vars, n_rows, max_card=4)
    weights = None
    if weighted == "counts":
        frame["w"] = rng.integers(0, 6, n_rows)
        weights = "w"
    elif weighted == "probabilities":  # dyadic: sums are exact in any order, so equality is exact
        frame["w"] = rng.integers(1, 3, n_rows) / 1024.0
        frame.loc[frame.index[-1], "w"] += 1.0 - frame["w"].sum()
        weights = "w"
    expected = CountTable.from_frame(frame, variables, states, weights)
    ddf = dd.from_pandas(frame, npartitions=npartitions)
    assert is_dask_dataframe(ddf) and not is_dask_dataframe(frame)
    if seed == 4:
        states = [[f"s{k}" for k in range(4)] for _ in variables]
        expected = CountTable.from_frame(frame, variables, states, weights)
        assert KeyLayout.for_cardinalities([4] * n_vars).n_keys == 2
    if seed % 2:  # through the dispatcher
        table, marg = to_count_table(ddf, variables, states, weights), to_marginals(ddf, variables, states, weights)
    else:
        table = count_table_from_dask(ddf, variables, states, weights, split_every=2)
        marg, size = marginals_from_dask(ddf, variables, states, weights, return_sample_size=True)
        assert size == (None if expected.is_distribution else expected.total)
    assert_same_table(table, expected)
    want = expected.marginals()
    assert marg.keys() == want.keys()
    for v in want:
        assert marg[v] == pytest.approx(want[v], abs=1e-12)


def test_parquet_partitions_match_pandas(client, tmp_path):
    _, variables, states, frame = random_problem(9, 5, 1200)
    for i in range(4):
        frame.iloc[i * 300 : (i + 1) * 300].astype("category").to_parquet(tmp_path / f"part-{i}.parquet", index=False)
    ddf = dd.read_parquet(str(tmp_path / "part-*.parquet"))
    assert_same_table(count_table_from_dask(ddf, variables, states), CountTable.from_frame(frame, variables, states))


def bad_frame(kind: str) -> tuple[pd.DataFrame, str | None]:
    _, _, _, frame = random_problem(5, 3, 40)
    frame["w"] = 1.0
    if kind == "unknown-state":
        frame.loc[27, "V1"] = "bogus"
    elif kind == "nan":
        frame.loc[33, "V2"] = np.nan
    elif kind == "nan-beats-earlier-unknown":  # pandas checks variables in order, whatever the rows
        frame.loc[3, "V2"] = "bogus"
        frame.loc[38, "V0"] = None
    elif kind == "missing-column":
        frame = frame.drop(columns="V1")
    elif kind == "unknown-column":
        frame["extra"] = "x"
    elif kind == "negative-weight":
        frame.loc[5, "V0"] = "bogus"  # weights are checked before states
        frame.loc[31, "w"] = -1.5
    elif kind == "infinite-weight":
        frame.loc[22, "w"] = np.inf
        frame.loc[30, "w"] = -1.0
    elif kind == "text-weight":
        frame["w"] = frame["w"].astype(object)
        frame.loc[25, "w"] = "heavy"
    elif kind == "zero-weights":
        frame["w"] = 0.0
    elif kind == "missing-weights":
        frame = frame.drop(columns="w")
    elif kind == "empty":
        frame = frame.iloc[:0]
    return frame, "w"


BAD_KINDS = [
    "unknown-state",
    "nan",
    "nan-beats-earlier-unknown",
    "missing-column",
    "unknown-column",
    "negative-weight",
    "infinite-weight",
    "text-weight",
    "zero-weights",
    "missing-weights",
    "empty",
]


@pytest.mark.parametrize("kind", BAD_KINDS)
def test_bad_input_through_dask_gives_the_pandas_error(client, kind):
    frame, weights = bad_frame(kind)
    variables = ["V0", "V1", "V2"]
    _, _, states, _ = random_problem(5, 3, 40)
    expected = error_of(CountTable.from_frame, frame, variables, states, weights)
    ddf = dd.from_pandas(frame, npartitions=4 if len(frame) else 1)
    assert error_of(count_table_from_dask, ddf, variables, states, weights) == expected
    if kind in ("nan-beats-earlier-unknown", "infinite-weight", "empty"):
        assert error_of(marginals_from_dask, ddf, variables, states, weights) == expected


def test_parquet_files_name_the_row_of_the_concatenation(client, tmp_path):
    frames = [pd.DataFrame({"A": ["x", "y", "x"]}) for _ in range(3)]
    frames[2].loc[1, "A"] = "zz"
    for i, f in enumerate(frames):
        f.to_parquet(tmp_path / f"p{i}.parquet", index=False)
    expected = error_of(CountTable.from_frame, pd.concat(frames, ignore_index=True), ["A"], [["x", "y"]])
    ddf = dd.read_parquet(str(tmp_path / "p*.parquet"))
    assert error_of(count_table_from_dask, ddf, ["A"], [["x", "y"]]) == expected


def test_input_is_not_modified_and_non_dask_is_rejected(client):
    _, variables, states, frame = random_problem(8, 3, 100)
    before = frame.copy()
    count_table_from_dask(dd.from_pandas(frame, npartitions=3), variables, states)
    pd.testing.assert_frame_equal(frame, before)
    with pytest.raises(DataTypeError, match="must be a dask DataFrame"):
        count_table_from_dask(frame, variables, states)


def test_without_dask_the_error_names_the_extra(monkeypatch):
    monkeypatch.setitem(sys.modules, "dask.dataframe", None)
    with pytest.raises(MissingDependencyError, match=r'pip install "pgmpy-mixture\[scale\]"'):
        require_dask()
    assert issubclass(MissingDependencyError, ImportError)


def test_cli_counts_files_on_a_dask_scheduler(client, tmp_path, capsys):
    import json

    from pgmpy_mixture.cli import main
    from pgmpy_mixture.discrete.simulate import random_mixture, sample_frame
    from pgmpy_mixture.model.examples import load_example_network

    network = load_example_network("cancer")
    rng = np.random.default_rng(2)
    spec = random_mixture(network, n_targets=2, max_target_size=1, rng=rng)
    frame, _ = sample_frame(network, spec.targets, spec.weights, 20_000, rng=rng)
    frame.to_csv(tmp_path / "all.csv", index=False)
    for i in range(2):
        frame.iloc[i * 10_000 : (i + 1) * 10_000].to_parquet(tmp_path / f"events-{i}.parquet", index=False)
    docs = []
    for extra in (["--data", str(tmp_path / "all.csv")],
                  ["--data", str(tmp_path / "events-*.parquet"), "--dask", client.scheduler.address]):
        assert main(["disentangle", "--model", "example:cancer", "--method", "paper", *extra, "--json", "-"]) == 0
        out = capsys.readouterr().out
        docs.append(json.loads(out))
    assert docs[0]["sample_size"] == docs[1]["sample_size"] == 20_000
    assert docs[0]["components"] == docs[1]["components"]


def test_pgmpy_method_takes_dask_frames_and_chunk_iterators(client):
    import pgmpy_mixture
    from pgmpy_mixture.adapters.examples import load_model
    from pgmpy_mixture.discrete.simulate import random_mixture, sample_frame

    model = load_model("example:cancer")
    network = pgmpy_mixture.adapters.pgmpy.network_from_pgmpy(model)
    rng = np.random.default_rng(7)
    spec = random_mixture(network, n_targets=2, max_target_size=1, rng=rng)
    frame, _ = sample_frame(network, spec.targets, spec.weights, 20_000, rng=rng)
    want = model.disentangle_mixture(frame, method="paper")
    for data in (dd.from_pandas(frame, npartitions=3), (frame.iloc[i : i + 6000] for i in range(0, 20_000, 6000))):
        got = model.disentangle_mixture(data, method="paper")
        assert got.sample_size == want.sample_size == 20_000
        assert [(c.target, c.weight) for c in got.components] == [(c.target, c.weight) for c in want.components]
    # marginals= with a dask frame: Dask computes the per-variable marginals and the row count is the sample size
    table = CountTable.from_frame(frame, network.variables, network.states)
    exact = pgmpy_mixture.disentangle_marginals(network, table.marginals(), sample_size=table.total)
    got = model.disentangle_mixture(marginals=dd.from_pandas(frame, npartitions=2))
    assert got.sample_size == exact.sample_size == 20_000 and got.options["sample_size"] == 20_000
    assert [c.target for c in got.components] == [c.target for c in exact.components]
    np.testing.assert_allclose(got.weights, exact.weights, atol=1e-9)


def test_disentangle_marginals_takes_a_dask_frame(client):
    from pgmpy_mixture import disentangle_marginals
    from pgmpy_mixture.discrete.simulate import sample_frame
    from pgmpy_mixture.model.examples import load_example_network

    network = load_example_network("cancer")
    targets = [{}, {"Smoker": "True"}, {"Pollution": "high"}]
    frame, _ = sample_frame(network, targets, [0.6, 0.25, 0.15], 50_000, rng=np.random.default_rng(3))
    table = CountTable.from_frame(frame, network.variables, network.states)
    want = disentangle_marginals(network, table.marginals(), sample_size=table.total)
    got = disentangle_marginals(network, dd.from_pandas(frame, npartitions=3))
    assert got.sample_size == want.sample_size == 50_000
    assert [c.target for c in got.components] == [c.target for c in want.components]
    np.testing.assert_allclose([c.weight for c in got.components], [c.weight for c in want.components], atol=1e-9)
    # chunk iterators as joint samples for EM
    em = disentangle_marginals(network, method="em", data=iter([frame.iloc[:20_000], frame.iloc[20_000:]]))
    assert em.sample_size == 50_000


@pytest.mark.parametrize("split_every", [1, 0, 2.5, True])
def test_bad_split_every_is_rejected(split_every):
    from pgmpy_mixture.errors import ParameterError

    ddf = dd.from_pandas(pd.DataFrame({"A": ["x", "y"]}), npartitions=1)
    with pytest.raises(ParameterError, match="split_every"):
        count_table_from_dask(ddf, ["A"], [["x", "y"]], split_every=split_every, scheduler="sync")


@pytest.mark.parametrize("seed", range(6))
def test_tree_reduction_of_many_partitions_is_exact(seed):
    """Deep and shallow trees (fan-in 2..9, 1..23 partitions, some empty) give the pandas table."""
    rng, variables, states, frame = random_problem(100 + seed, int(1 + seed % 4), 600, max_card=3)
    npart = int(rng.integers(1, 24))
    cuts = np.sort(rng.integers(0, len(frame) + 1, npart - 1))  # repeated cuts make empty partitions
    pieces = np.split(np.arange(len(frame)), cuts)
    ddf = dd.from_delayed(
        [_delayed_slice(frame, i) for i in pieces], meta=frame.iloc[:0]
    )
    table = count_table_from_dask(ddf, variables, states, split_every=int(rng.integers(2, 10)), scheduler="sync")
    assert_same_table(table, CountTable.from_frame(frame, variables, states))


def _delayed_slice(frame: pd.DataFrame, rows: np.ndarray):
    import dask

    return dask.delayed(frame.iloc.__getitem__)(rows)


@pytest.mark.parametrize("scheduler", ["sync", None])  # None: the module's LocalCluster client
def test_progress_bar_goes_to_stderr_and_changes_nothing(client, scheduler, capsys):
    _, variables, states, frame = random_problem(5, 3, 3000)
    ddf = dd.from_pandas(frame, npartitions=6)
    plain = count_table_from_dask(ddf, variables, states, scheduler=scheduler)
    capsys.readouterr()
    shown = count_table_from_dask(ddf, variables, states, scheduler=scheduler, progress=True)
    captured = capsys.readouterr()
    assert_same_table(plain, shown)
    assert "counting" in captured.err and "task" in captured.err and captured.out == ""
    marginals = marginals_from_dask(ddf, variables, states, scheduler=scheduler, progress=True)
    captured = capsys.readouterr()
    assert "marginals" in captured.err and captured.out == ""
    assert marginals == marginals_from_dask(ddf, variables, states, scheduler=scheduler)


# ------------------------------------------------------------------------------------------ schedulers and files
def _free_port() -> int:
    import socket

    with socket.socket() as s:  # bound, never listening: connections to it are refused at once
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_an_unreachable_scheduler_fails_fast_naming_the_address(tmp_path, capsys):
    # before: distributed retried for 30 s, then an OSError traceback
    import time

    from pgmpy_mixture.adapters.dask import dask_client
    from pgmpy_mixture.cli import main
    from pgmpy_mixture.errors import ParameterError

    address = f"tcp://127.0.0.1:{_free_port()}"
    started = time.perf_counter()
    with pytest.raises(ParameterError, match=rf"cannot connect to the Dask scheduler at '{address}'"):
        with dask_client(address):
            pass
    pd.DataFrame({"Pollution": ["low"]}).to_csv(tmp_path / "x.csv", index=False)
    assert main(["disentangle", "--model", "example:cancer", "--data", str(tmp_path / "x.csv"), "--dask",
                 address]) == 2
    assert f"cannot connect to the Dask scheduler at '{address}'" in capsys.readouterr().err
    # both attempts together well under one 30 s retry loop (a generous bound: the machine may be loaded)
    assert time.perf_counter() - started < 25


@pytest.mark.parametrize("address", ["scheduler", "tcp://host", "tcp://host:port", "host:0", "", 8786])
def test_a_malformed_scheduler_address_is_a_parameter_error(address):
    from pgmpy_mixture.adapters.dask import check_scheduler_address
    from pgmpy_mixture.errors import ParameterError

    with pytest.raises(ParameterError, match="scheduler"):
        check_scheduler_address(address)


def test_dask_reads_files_as_text_and_names_a_corrupt_file(tmp_path):
    from pgmpy_mixture.adapters.dask import read_files
    from pgmpy_mixture.errors import DataFileError

    (tmp_path / "a.csv").write_text("DuctFlow\nNone\nNA\n")
    assert read_files([tmp_path / "a.csv"]).compute()["DuctFlow"].tolist() == ["None", "NA"]
    pd.DataFrame({"A": ["x"]}).to_parquet(tmp_path / "good.parquet", index=False)
    (tmp_path / "bad.parquet").write_bytes(b"not parquet at all")
    with pytest.raises(DataFileError, match=r"cannot read '.*bad\.parquet' as Parquet"):
        read_files([tmp_path / "good.parquet", tmp_path / "bad.parquet"])
