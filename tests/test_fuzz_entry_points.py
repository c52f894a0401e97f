"""Every entry point fed bad and edge inputs (property tests, derandomized): a valid result or an error of ours.

The contract, for ``model.disentangle_mixture``, ``pgmpy_mixture.disentangle_mixture``,
``pgmpy_mixture.disentangle_marginals``, ``pgmpy_mixture.api.*``, ``to_count_table``, ``bootstrap``,
``MixtureSplitter.fit/predict``, ``fit_mixture_utigsp``, ``MixtureInference.query`` and the command line's
``main([...])``: the call either returns a result whose weights sum to 1 (within 1e-9) or raises a
:class:`~pgmpy_mixture.errors.MixtureError` (a ValueError, TypeError or ImportError) whose message names the culprit
(variable, state, column, row, option or file); never a raw numpy, pandas, pyarrow or scikit-learn exception; and
the caller's inputs (frames, arrays, dicts, files) are unchanged. The command line returns 0, or 2 with one
``pgmpy-mixture: error:`` line naming the culprit (argparse's own usage errors exit with 2 too).

The cases at the end (``KNOWN``) are the ones the fuzzing pass first found broken; each now holds the contract.
"""

from __future__ import annotations

import contextlib
import copy
import io
import math
import os
import subprocess
import sys
import warnings
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import pgmpy_mixture
from pgmpy_mixture import api
from pgmpy_mixture.adapters.convert import network_to_pgmpy
from pgmpy_mixture.cli import main
from pgmpy_mixture.data.counts import CountTable
from pgmpy_mixture.data.ingest import to_count_table, to_marginals
from pgmpy_mixture.discrete.simulate import mixture_distribution, sample_frame
from pgmpy_mixture.errors import AssumptionWarning, EstimationWarning, MixtureError
from pgmpy_mixture.gaussian.result import GaussianMixtureFit
from pgmpy_mixture.model.network import CausalNetwork
from pgmpy_mixture.result import MixtureResult

FUZZ = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
FEW = settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# ------------------------------------------------------------------------------------------ the network and data
NET = CausalNetwork.from_tables(
    ["A", "B", "C"], {"A": ["a0", "a1"], "B": ["b0", "b1", "b2"], "C": ["c0", "c1"]}, {"B": ["A"], "C": ["A", "B"]},
    {"A": np.array([0.4, 0.6]), "B": np.array([[0.5, 0.3, 0.2], [0.2, 0.3, 0.5]]),
     "C": np.array([[[0.7, 0.3], [0.4, 0.6], [0.2, 0.8]], [[0.6, 0.4], [0.3, 0.7], [0.5, 0.5]]])},
)
with warnings.catch_warnings():
    warnings.simplefilter("ignore", FutureWarning)
    MODEL = network_to_pgmpy(NET)
TARGETS = [{}, {"B": "b2"}, {"A": "a1"}, {"C": "c0"}, {"A": "a0", "C": "c1"}]
STATES = dict(zip(NET.variables, NET.states, strict=True))


def samples(seed: int, n: int = 300) -> pd.DataFrame:
    """Mixture samples as plain text columns (object dtype, so that any cell can be changed)."""
    frame, _ = sample_frame(NET, TARGETS[:3], [0.6, 0.25, 0.15], n, rng=seed)
    return frame.astype(object)


def probabilities(weights=(0.7, 0.3), targets=(0, 1)) -> pd.DataFrame:
    """The exact mixture distribution as a frame with a probability column ``p``."""
    table = mixture_distribution(NET, [TARGETS[t] for t in targets], list(weights))
    columns = {v: [NET.states[j][c] for c in table.codes[:, j]] for j, v in enumerate(NET.variables)}
    return pd.DataFrame(columns).assign(p=table.weights)


#: The discrete entry points, each taking (data, **keywords).
ENTRIES: dict[str, Callable] = {
    "model.disentangle_mixture": lambda data, **kw: MODEL.disentangle_mixture(data, **kw),
    "pgmpy_mixture.disentangle_mixture(model)": lambda data, **kw: pgmpy_mixture.disentangle_mixture(MODEL, data,
                                                                                                      **kw),
    "pgmpy_mixture.disentangle_mixture(network)": lambda data, **kw: pgmpy_mixture.disentangle_mixture(NET, data,
                                                                                                        **kw),
    "api.disentangle_mixture": lambda data, **kw: api.disentangle_mixture(NET, data, **kw),
}
MARGINAL_ENTRIES: dict[str, Callable] = {
    "pgmpy_mixture.disentangle_marginals": lambda m, **kw: pgmpy_mixture.disentangle_marginals(MODEL, m, **kw),
    "api.disentangle_marginals": lambda m, **kw: api.disentangle_marginals(NET, m, **kw),
    "model.disentangle_mixture(marginals=)": lambda m, **kw: MODEL.disentangle_mixture(marginals=m, **kw),
}
entries = st.sampled_from(sorted(ENTRIES))
marginal_entries = st.sampled_from(sorted(MARGINAL_ENTRIES))
seeds = st.integers(0, 2**16)


# ------------------------------------------------------------------------------------------ the contract
def _snapshot(value: object) -> object:
    if isinstance(value, pd.DataFrame | pd.Series):
        return value.copy(deep=True)
    if isinstance(value, Path) and value.is_file():
        return value.read_bytes()
    return copy.deepcopy(value)


def _same(a: object, b: object) -> bool:
    if isinstance(a, pd.DataFrame):
        pd.testing.assert_frame_equal(a, b, check_exact=True)
        return True
    if isinstance(a, pd.Series):
        pd.testing.assert_series_equal(a, b, check_exact=True)
        return True
    if isinstance(a, np.ndarray):
        return a.dtype == b.dtype and a.shape == b.shape and np.array_equal(a, b, equal_nan=a.dtype.kind in "fc")
    if isinstance(a, CountTable):
        return _same(a.codes, b.codes) and _same(a.weights, b.weights) and a.n_rows == b.n_rows
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list | tuple):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, float) and math.isnan(a):
        return isinstance(b, float) and math.isnan(b)
    return a == b


def _check_result(result: object) -> None:
    """A returned value honours the contract: weights that are a distribution, finite tables."""
    if isinstance(result, MixtureResult | GaussianMixtureFit):
        weights = np.asarray(result.weights, dtype=float)
        assert weights.size >= 1, f"{type(result).__name__} with no component"
        assert np.isfinite(weights).all() and (weights >= 0).all(), weights
        assert abs(weights.sum() - 1.0) <= 1e-9, f"weights sum to {weights.sum()!r}: {weights}"
    elif isinstance(result, CountTable):
        assert np.isfinite(result.weights).all() and (result.weights > 0).all() and result.total > 0
    elif isinstance(result, pd.DataFrame):  # bootstrap intervals
        assert {"weight", "lower", "upper", "existence"} <= set(result.columns)
        assert np.isfinite(result[["lower", "upper", "existence"]].to_numpy(float)).all()
        assert ((result["existence"] >= 0) & (result["existence"] <= 1)).all()
    elif isinstance(result, np.ndarray):  # predictions
        assert result.dtype.kind in "iuf" and (result.dtype.kind != "f" or np.isfinite(result).all())


def honours_contract(call: Callable[[], object], inputs: tuple = (), culprits: tuple[str, ...] = ()) -> object:
    """Run ``call``: it returns a valid result, or raises a MixtureError whose message contains every string of
    ``culprits``; never another exception; every object of ``inputs`` is unchanged. Returns the result or error."""
    snapshots = [_snapshot(x) for x in inputs]
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", AssumptionWarning)
            warnings.simplefilter("ignore", EstimationWarning)
            warnings.simplefilter("ignore", FutureWarning)
            outcome = call()
    except MixtureError as exc:
        assert isinstance(exc, ValueError | TypeError | ImportError), type(exc).__mro__
        missing = [c for c in culprits if c not in str(exc)]
        assert not missing, f"{type(exc).__name__}({str(exc)!r}) does not name {missing}"
        outcome = exc
    except Exception as exc:  # noqa: BLE001 -- the point: anything else breaks the contract
        pytest.fail(f"raw {type(exc).__module__}.{type(exc).__name__}: {exc}")
    else:
        _check_result(outcome)
    for value, before in zip(inputs, snapshots, strict=True):
        after = value.read_bytes() if isinstance(value, Path) and value.is_file() else value
        assert _same(after, before), f"the caller's {type(value).__name__} was changed"
    return outcome


def raises_ours(call: Callable[[], object], inputs: tuple = (), culprits: tuple[str, ...] = ()) -> MixtureError:
    """:func:`honours_contract`, and the call must fail (bad input is never silently accepted)."""
    outcome = honours_contract(call, inputs, culprits)
    assert isinstance(outcome, MixtureError), f"bad input accepted: {outcome!r}"
    return outcome


# ------------------------------------------------------------------------------------------ valid discrete input
@FUZZ
@given(entry=entries, seed=seeds, n=st.integers(1, 400), method=st.sampled_from(["auto", "likelihood", "paper"]),
       form=st.sampled_from(["frame", "categorical", "counts", "chunks", "count_table"]))
def test_samples_in_any_form_give_a_mixture(entry, seed, n, method, form):
    frame = samples(seed, n)
    data, kw = frame, {}
    if form == "categorical":
        data = frame.astype("category")
    elif form == "counts":
        data, kw = frame.value_counts().reset_index(name="n"), {"weights": "n"}
    elif form == "chunks":
        data = [frame.iloc[i : i + 97] for i in range(0, n, 97)]
    elif form == "count_table":
        data = to_count_table(frame, NET.variables, NET.states)
    honours_contract(lambda: ENTRIES[entry](data, method=method, **kw), (data,))


@FUZZ
@given(entry=entries, method=st.sampled_from(["auto", "exact", "likelihood", "paper"]),
       targets=st.lists(st.integers(1, len(TARGETS) - 1), min_size=1, max_size=3, unique=True).filter(
           lambda t: not (4 in t and (2 in t or 3 in t))),  # exclusion (Assumption 3.1): a state of A and C unused
       share=st.floats(0.05, 0.95))
def test_exact_distributions_give_a_mixture(entry, method, targets, share):
    rest = np.full(len(targets), (1 - share) / len(targets))
    table = probabilities([share, *rest], [0, *targets])
    honours_contract(lambda: ENTRIES[entry](table, weights="p", method=method), (table,))


# ------------------------------------------------------------------------------------------ bad discrete input
def _cell(data: st.DataObject, frame: pd.DataFrame) -> tuple[int, str]:
    return data.draw(st.integers(0, len(frame) - 1), label="row"), data.draw(st.sampled_from(NET.variables), "var")


@FUZZ
@given(entry=entries, seed=seeds, data=st.data(),
       kind=st.sampled_from(["nan", "none", "unknown_state", "number_state", "extra_column", "missing_column",
                             "empty", "no_columns"]))
def test_bad_samples_are_named(entry, seed, data, kind):
    frame = samples(seed, 50)
    culprits: tuple[str, ...]
    if kind in ("nan", "none", "unknown_state", "number_state"):
        row, var = _cell(data, frame)
        value = {"nan": np.nan, "none": None, "number_state": 7,
                 "unknown_state": data.draw(st.sampled_from(["zz", "B0", " b0", "b0 ", "a0", "c1"]))}[kind]
        if kind == "unknown_state" and value in STATES[var]:
            value = "zz"
        frame.loc[row, var] = value
        culprits = (f"'{var}'", f"row {row}")
    elif kind == "extra_column":
        name = data.draw(st.sampled_from(["D", "a", "weight", "A "]))
        frame[name] = "x"
        culprits = (repr(name),)
    elif kind == "missing_column":
        var = data.draw(st.sampled_from(NET.variables))
        frame = frame.drop(columns=var)
        culprits = (repr(var),)
    elif kind == "empty":
        frame, culprits = frame.iloc[:0], ("empty",)
    else:
        frame, culprits = pd.DataFrame(index=range(3)), ("'A'",)
    raises_ours(lambda: ENTRIES[entry](frame), (frame,), culprits)


@FUZZ
@given(entry=entries, seed=seeds, data=st.data(),
       kind=st.sampled_from(["negative", "nonfinite", "zero", "text", "missing", "not_a_name"]))
def test_bad_weights_are_named(entry, seed, data, kind):
    counts = samples(seed, 80).value_counts().reset_index(name="n").astype({"n": float})
    row = data.draw(st.integers(0, len(counts) - 1), label="row")
    weights: object = "n"
    culprits = ("'n'",)
    if kind == "negative":
        counts.loc[row, "n"] = -data.draw(st.floats(1e-300, 1e300))
    elif kind == "nonfinite":
        counts.loc[row, "n"] = data.draw(st.sampled_from([np.inf, -np.inf, np.nan]))
    elif kind == "zero":
        counts["n"] = 0.0
    elif kind == "text":
        counts["n"] = counts["n"].astype(object)
        counts.loc[row, "n"] = "many"
    elif kind == "missing":
        weights, culprits = "count", ("'count'",)
    else:
        weights, culprits = data.draw(st.sampled_from([5, ["n"], 1.5])), ("weights",)
    raises_ours(lambda: ENTRIES[entry](counts, weights=weights), (counts,), culprits)


BAD_OPTIONS = [
    ({"method": "nosuch"}, "method"), ({"method": 3}, "method"), ({"method": "dimm"}, "method"),
    ({"method": "paper", "epsilon": -1}, "epsilon"), ({"method": "paper", "epsilon": "x"}, "epsilon"),
    ({"method": "paper", "epsilon": float("nan")}, "epsilon"), ({"method": "paper", "epsilon": 1.0}, "epsilon"),
    ({"nosuch_option": 1}, "nosuch_option"), ({"progress": "yes"}, "progress"), ({"progress": None}, "progress"),
    ({"method": "paper", "delta": 0.1}, "delta"), ({"prior": 5.0}, "prior"), ({"method": "likelihood", "penalty": -1},
                                                                              "penalty"),
    ({"observational": [1, 2]}, "observational"), ({"observational": 42}, "observational"),
    ({"marginals": {"A": {"a0": 1.0}}}, "marginals"),
]


@FUZZ
@given(entry=entries, seed=seeds, case=st.sampled_from(BAD_OPTIONS))
def test_bad_options_are_named(entry, seed, case):
    options, culprit = case
    frame = samples(seed, 60)
    raises_ours(lambda: ENTRIES[entry](frame, **options), (frame,), (culprit,))


@FUZZ
@given(entry=entries, seed=seeds, data=st.data(), kind=st.sampled_from(["unknown_state", "empty", "missing_column",
                                                                         "wrong_type"]))
def test_bad_observational_samples_are_named(entry, seed, data, kind):
    frame, obs = samples(seed, 60), samples(seed + 1, 60)
    if kind == "unknown_state":
        row, var = _cell(data, obs)
        obs.loc[row, var] = "zz"
        culprits: tuple[str, ...] = ("observational", f"'{var}'", "'zz'")
    elif kind == "empty":
        obs, culprits = obs.iloc[:0], ("observational", "empty")
    elif kind == "missing_column":
        var = data.draw(st.sampled_from(NET.variables))
        obs, culprits = obs.drop(columns=var), ("observational", f"'{var}'")
    else:
        obs, culprits = data.draw(st.sampled_from([np.zeros((3, 3)), {"A": ["a0"]}, 1.5])), ("observational",)
    raises_ours(lambda: ENTRIES[entry](frame, observational=obs, method="paper"), (frame, obs), culprits)


WRONG_DATA = [None, 42, 3.5, b"bytes", np.array([["a0", "b0", "c0"]]), {"A": ["a0"]}, pd.Series(["a0"]), {1, 2},
              [["a0", "b0", "c0"]], (1, 2), True]


@FUZZ
@given(entry=entries, data=st.sampled_from(WRONG_DATA))
def test_data_of_a_wrong_type_is_named(entry, data):
    error = raises_ours(lambda: ENTRIES[entry](data), (data,))
    assert "DataFrame" in str(error) or type(data).__name__ in str(error) or "chunk" in str(error)


# ------------------------------------------------------------------------------------------ files
@pytest.fixture(scope="module")
def files(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("fuzz-files")
    frame = samples(0, 200)
    frame.to_csv(folder / "mix.csv", index=False)
    frame.to_parquet(folder / "mix.parquet", index=False)
    probabilities().to_csv(folder / "probs.csv", index=False)
    (folder / "garbage.parquet").write_bytes(b"this is not a parquet file")
    whole = (folder / "mix.parquet").read_bytes()
    (folder / "truncated.parquet").write_bytes(whole[: len(whole) // 2])
    (folder / "empty.csv").write_bytes(b"")
    (folder / "header.csv").write_text("A,B,C\n")
    (folder / "binary.csv").write_bytes(b"\xff\xfe\x00A,B\n\x00\x01")
    (folder / "broken.csv.gz").write_bytes(b"\x1f\x8b\x08\x00 not gzip")
    (folder / "bad-row.csv").write_text("A,B,C\na0,b0,c0\na0,b0,c0,extra,cells\n")
    (folder / "notes.txt").write_text("A,B,C\na0,b0,c0\n")
    (folder / "no-data").mkdir()
    return {p.name: p for p in folder.iterdir()} | {"folder": folder}


BAD_FILES = {  # file -> what the error must say besides its name
    "garbage.parquet": "Parquet", "truncated.parquet": "Parquet", "empty.csv": "CSV", "binary.csv": "CSV",
    "broken.csv.gz": "CSV", "bad-row.csv": "CSV", "notes.txt": "format", "no-data": "no Parquet or CSV",
    "missing.csv": "names no file", "missing-*.parquet": "no file matches",
}


@FEW
@given(entry=entries, name=st.sampled_from(sorted(BAD_FILES)), as_path=st.booleans())
def test_files_that_are_missing_or_corrupt_are_named(files, entry, name, as_path):
    path = files.get(name, files["folder"] / name)
    source = path if as_path and "*" not in name and path.exists() else str(path)
    raises_ours(lambda: ENTRIES[entry](source), (path,), (name, BAD_FILES[name]))
    raises_ours(lambda: ENTRIES[entry](samples(1, 40), observational=source, method="paper"), (path,), (name,))


def test_good_files_give_the_frame_result(files):
    want = api.disentangle_mixture(NET, samples(0, 200), method="paper")
    for name in ("mix.csv", "mix.parquet"):
        got = honours_contract(lambda name=name: MODEL.disentangle_mixture(str(files[name]), method="paper"),
                               (files[name],))
        assert [(c.label, c.weight) for c in got] == [(c.label, c.weight) for c in want]
    honours_contract(lambda: MODEL.disentangle_mixture(str(files["probs.csv"]), weights="p"), (files["probs.csv"],))
    raises_ours(lambda: MODEL.disentangle_mixture(str(files["header.csv"])), (files["header.csv"],), ("empty",))


def huge_network(k: int) -> tuple[CausalNetwork, pd.DataFrame]:
    """A root ``R`` with ``k`` states and a binary child, and 5000 samples of a two-component mixture."""
    rng = np.random.default_rng(0)
    net = CausalNetwork.from_tables(["R", "C"], {"R": [f"r{i}" for i in range(k)], "C": ["c0", "c1"]}, {"C": ["R"]},
                                    {"R": rng.dirichlet(np.full(k, 2.0)), "C": rng.dirichlet([2.0, 2.0], size=k)})
    frame, _ = sample_frame(net, [{}, {"C": "c1"}], [0.7, 0.3], 5000, rng=1)
    return net, frame.astype(object)


def test_huge_state_counts_are_counted_and_the_paper_method_answers():
    net, frame = huge_network(1000)
    table = honours_contract(lambda: to_count_table(frame, net.variables, net.states), (frame,))
    assert table.total == 5000
    honours_contract(lambda: api.disentangle_mixture(net, frame, method="paper"), (frame,), ("'R'",))


# ------------------------------------------------------------------------------------------ marginals
def exact_marginals(targets=(0, 1), weights=(0.7, 0.3)) -> dict:
    return to_marginals(mixture_distribution(NET, [TARGETS[t] for t in targets], list(weights)), NET.variables,
                        NET.states)


@FUZZ
@given(entry=marginal_entries, seed=seeds, share=st.floats(0.05, 0.95), target=st.integers(1, 3),
       kind=st.sampled_from(["exact", "estimated", "estimated_with_size", "rounded"]),
       method=st.sampled_from(["auto", "exact", "nnls", "bayes"]))
def test_marginals_give_a_mixture(entry, seed, share, target, kind, method):
    kw: dict = {"method": method}
    if kind == "exact":
        marginals = exact_marginals((0, target), (share, 1 - share))
    elif kind == "rounded":  # four decimals, as a report prints them: sums within 5e-4 of 1
        marginals = {v: {s: round(p, 4) for s, p in m.items()} for v, m in exact_marginals((0, target)).items()}
    else:
        frame, _ = sample_frame(NET, [{}, TARGETS[target]], [share, 1 - share], 500, rng=seed)
        marginals = to_marginals(frame, NET.variables, NET.states)
        if kind == "estimated_with_size":
            kw["sample_size"] = 500
    if method == "bayes" and "sample_size" not in kw:
        kw["sample_size"] = 10_000
    honours_contract(lambda: MARGINAL_ENTRIES[entry](marginals, **kw), (marginals,))


@FUZZ
@given(entry=marginal_entries, data=st.data(),
       kind=st.sampled_from(["nan", "inf", "negative", "sum", "unknown_variable", "unknown_state",
                             "missing_variable", "wrong_type", "bad_option"]))
def test_bad_marginals_are_named(entry, data, kind):
    marginals = exact_marginals()
    var = data.draw(st.sampled_from(NET.variables), label="variable")
    state = data.draw(st.sampled_from(STATES[var]), label="state")
    kw: dict = {}
    culprits: tuple[str, ...] = (var,)
    if kind in ("nan", "inf", "negative"):
        marginals[var][state] = {"nan": np.nan, "inf": np.inf, "negative": -0.2}[kind]
        culprits = (f"{var}={state}",)
    elif kind == "sum":
        marginals[var][state] += data.draw(st.sampled_from([0.01, 0.2, -0.05]))
    elif kind == "unknown_variable":
        marginals["Z"], culprits = {"z": 1.0}, ("'Z'",)
    elif kind == "unknown_state":
        marginals[var]["zz"], culprits = 0.0, ("'zz'",)
    elif kind == "missing_variable":
        del marginals[var]
    elif kind == "wrong_type":
        marginals, culprits = data.draw(st.sampled_from([[1, 2], "marginals.csv", 3.0, np.ones(3)])), ("marginals",)
    else:
        option, value = data.draw(st.sampled_from([("sample_size", -1), ("sample_size", "x"), ("min_weight", 2),
                                                   ("method", "paper"), ("method", "nosuch"), ("zz", 1),
                                                   ("sample_size", float("inf"))]))
        kw, culprits = {option: value}, (option,)
    raises_ours(lambda: MARGINAL_ENTRIES[entry](marginals, **kw), (marginals,), culprits)


# ------------------------------------------------------------------------------------------ to_count_table
@FUZZ
@given(seed=seeds, data=st.data(),
       kind=st.sampled_from(["short_states", "long_states", "duplicate_variable", "duplicate_state", "no_states",
                             "chunksize", "weights_name", "progress", "variables_string"]))
def test_to_count_table_arguments_are_named(seed, data, kind):
    frame = samples(seed, 40)
    variables, states = list(NET.variables), [list(s) for s in NET.states]
    kw: dict = {}
    if kind == "short_states":
        states, culprits = states[:-1], ("'C'", "missing")
    elif kind == "long_states":
        states, culprits = [*states, ["x"]], ("4 entries for 3 variables",)
    elif kind == "duplicate_variable":
        variables, states, culprits = [*variables, "A"], [*states, states[0]], ("'A'", "more than once")
    elif kind == "duplicate_state":
        states[1], culprits = ["b0", "b1", "b0"], ("'B'", "'b0'")
    elif kind == "no_states":
        states[2], culprits = [], ("'C'", "no states")
    elif kind == "chunksize":
        kw["chunksize"] = data.draw(st.sampled_from([0, -1, 1.5, "x", None, True]))
        culprits = ("chunksize",)
    elif kind == "weights_name":
        kw["weights"], culprits = data.draw(st.sampled_from([1, ["n"], 2.5])), ("weights",)
    elif kind == "progress":
        kw["progress"], culprits = data.draw(st.sampled_from(["yes", None, 1.5])), ("progress",)
    else:
        variables, culprits = "ABC", ("variables",)
    for source in (frame, iter([frame])):
        raises_ours(lambda source=source: to_count_table(source, variables, states, **kw), (frame,), culprits)


@FUZZ
@given(seed=seeds, n=st.integers(1, 300), chunk=st.integers(1, 120))
def test_to_count_table_is_the_same_for_frames_and_chunks(seed, n, chunk):
    frame = samples(seed, n)
    whole = honours_contract(lambda: to_count_table(frame, NET.variables, NET.states), (frame,))
    parts = [frame.iloc[i : i + chunk] for i in range(0, n, chunk)]
    chunked = honours_contract(lambda: to_count_table(iter(parts), NET.variables, NET.states), (frame,))
    assert _same(whole, chunked)


# ------------------------------------------------------------------------------------------ bootstrap
@FEW
@given(seed=seeds, case=st.sampled_from([
    ({"rng": "x"}, "rng"), ({"rng": -1}, "rng"), ({"rng": 1.5}, "rng"), ({"rng": [1, "a"]}, "rng"),
    ({"n_boot": 1}, "n_boot"), ({"n_boot": "x"}, "n_boot"), ({"n_boot": 2.0}, "n_boot"), ({"level": 1}, "level"),
    ({"level": "x"}, "level"), ({"level": float("nan")}, "level"), ({"method": "nosuch"}, "method"),
    ({"epsilon": 5, "method": "paper"}, "epsilon"), ({"result": "x"}, "result"),
]))
def test_bootstrap_arguments_are_named(seed, case):
    options, culprit = case
    table = to_count_table(samples(seed, 100), NET.variables, NET.states)
    raises_ours(lambda: pgmpy_mixture.bootstrap(NET, table, **{"n_boot": 2, **options}), (table,), (culprit,))


@FEW
@given(seed=seeds, form=st.sampled_from(["count_table", "frame", "path"]))
def test_bootstrap_gives_intervals(files, seed, form):
    frame = samples(seed, 300)
    data = {"count_table": to_count_table(frame, NET.variables, NET.states), "frame": frame,
            "path": str(files["mix.csv"])}[form]
    out = honours_contract(lambda: pgmpy_mixture.bootstrap(NET, data, method="paper", n_boot=3, rng=seed), (data,))
    assert (out["lower"] <= out["upper"]).all()


def test_bootstrap_refuses_what_it_cannot_resample():
    raises_ours(lambda: pgmpy_mixture.bootstrap(MODEL, samples(0, 50), n_boot=2), (), ("network",))
    exact = mixture_distribution(NET, [{}, {"B": "b2"}], [0.7, 0.3])
    raises_ours(lambda: pgmpy_mixture.bootstrap(NET, exact, n_boot=2), (exact,), ("exact probability table",))
    raises_ours(lambda: pgmpy_mixture.bootstrap(NET, [1, 2], n_boot=2), (), ("chunk",))


# ------------------------------------------------------------------------------------------ the Gaussian path
def gaussian_data(seed: int, n: int = 400) -> np.ndarray:
    from pgmpy_mixture.gaussian.simulate import simulate_linear_mixture

    return simulate_linear_mixture(n_nodes=3, n_samples=n, random_state=seed).data


def _fit_splitter(X, **settings):
    return pgmpy_mixture.MixtureSplitter(**{"n_components": 2, "n_init": 1, **settings}).fit(X)


def _fit_core(X, **settings):
    return pgmpy_mixture.fit_mixture_utigsp(X, **{"n_components": 2, "n_init": 1, **settings})


GAUSSIAN_ENTRIES = {"MixtureSplitter.fit": lambda X, **s: _fit_splitter(X, **s).fit_, "fit_mixture_utigsp": _fit_core}
gaussian_entries = st.sampled_from(sorted(GAUSSIAN_ENTRIES))


@FEW
@given(entry=gaussian_entries, seed=seeds, form=st.sampled_from(["array", "frame", "list", "float32", "int"]),
       k=st.sampled_from([1, 2, 3, "auto"]))
def test_gaussian_fits_give_a_mixture(entry, seed, form, k):
    X = gaussian_data(seed)
    data = {"array": X, "frame": pd.DataFrame(X, columns=["x", "y", "z"]), "list": X.tolist(),
            "float32": X.astype(np.float32), "int": np.round(X * 100).astype(np.int64)}[form]
    honours_contract(lambda: GAUSSIAN_ENTRIES[entry](data, n_components=k), (data,))


@FUZZ
@given(entry=gaussian_entries, seed=seeds, data=st.data(),
       kind=st.sampled_from(["nan", "inf", "huge", "text", "one_dimensional", "three_dimensional", "no_rows",
                             "few_rows", "constant", "duplicate_names", "complex", "none", "ragged"]))
def test_bad_gaussian_data_are_named(entry, seed, data, kind):
    X = gaussian_data(seed, 60)
    row, col = data.draw(st.integers(0, 59), label="row"), data.draw(st.integers(0, 2), label="column")
    culprits: tuple[str, ...] = ("X",)
    bad: object = X
    if kind in ("nan", "inf", "huge"):
        bad = X.copy()
        bad[row, col] = {"nan": np.nan, "inf": -np.inf, "huge": 1e300}[kind]
        culprits = (f"'X{col}'", f"row {row}")
    elif kind == "text":
        bad = X.astype(object)
        bad[row, col] = "n/a"
        culprits = (f"row {row}", f"column {col}")
    elif kind == "one_dimensional":
        bad = X[:, col]
    elif kind == "three_dimensional":
        bad = X[None]
    elif kind == "no_rows":
        bad = X[:0]
    elif kind == "few_rows":
        bad, culprits = X[:3], ("3 rows",)
    elif kind == "constant":
        bad = X.copy()
        bad[:, col] = 1.5
        culprits = (f"'X{col}'", "constant")
    elif kind == "duplicate_names":
        bad, culprits = pd.DataFrame(X, columns=["a", "b", "a"]), ("'a'",)
    elif kind == "complex":
        bad = X + 1j
    elif kind == "none":
        bad = None
    else:
        bad = [[1.0, 2.0, 3.0], [1.0, 2.0]]
    raises_ours(lambda: GAUSSIAN_ENTRIES[entry](bad), (bad,), culprits)


BAD_GAUSSIAN_SETTINGS = [
    ("random_state", "x"), ("random_state", -1), ("random_state", 1.5), ("reg_covar", -1), ("n_init", 0),
    ("n_init", "3"), ("selection", "aic"), ("covariance_type", "ful"), ("n_components", 0), ("n_components", 10**6),
    ("cutoff_ratio", float("nan")), ("alpha", 1.0), ("k_max", -2), ("max_targets", 1.5), ("max_fit_rows", 2),
    ("progress", "no"), ("n_jobs", 0), ("backward_restarts", "yes"),
]


@FUZZ
@given(entry=gaussian_entries, seed=seeds, case=st.sampled_from(BAD_GAUSSIAN_SETTINGS))
def test_bad_gaussian_settings_are_named(entry, seed, case):
    name, value = case
    X = gaussian_data(seed, 80)
    error = raises_ours(lambda: GAUSSIAN_ENTRIES[entry](X, **{name: value}), (X,), (name,))
    assert "GaussianMixture" not in str(error)


@pytest.fixture(scope="module")
def splitter():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return _fit_splitter(pd.DataFrame(gaussian_data(3), columns=["x", "y", "z"]))


@FUZZ
@given(seed=seeds, data=st.data(),
       kind=st.sampled_from(["valid", "one_row", "nan", "huge", "columns", "names", "text", "none", "empty"]))
def test_splitter_predict(splitter, seed, data, kind):
    X = pd.DataFrame(gaussian_data(seed, 30), columns=["x", "y", "z"])
    culprits: tuple[str, ...] = ()
    bad: object = X
    if kind == "one_row":
        bad = X.iloc[:1]
    elif kind in ("nan", "huge"):
        row, col = data.draw(st.integers(0, 29)), data.draw(st.sampled_from(["x", "y", "z"]))
        bad = X.copy()
        bad.loc[row, col] = np.nan if kind == "nan" else -1e200
        culprits = (f"'{col}'",)
    elif kind == "columns":
        bad, culprits = X[["x", "y"]], ("2 features",)
    elif kind == "names":
        bad, culprits = X.rename(columns={"y": "w"}), ("w",)
    elif kind == "text":
        bad, culprits = X.astype(str), ("'x'",)
    elif kind == "none":
        bad = None
    elif kind == "empty":
        bad, culprits = X.iloc[:0], ("0 sample",)
    outcome = honours_contract(lambda: splitter.predict(bad), (bad,), culprits)
    if kind in ("valid", "one_row"):
        assert isinstance(outcome, np.ndarray) and len(outcome) == len(bad)
        proba = honours_contract(lambda: splitter.predict_proba(bad), (bad,))
        assert np.allclose(proba.sum(axis=1), 1.0, atol=1e-9)
    else:
        assert isinstance(outcome, MixtureError)


def test_predict_before_fit_is_ours():
    raises_ours(lambda: pgmpy_mixture.MixtureSplitter().predict(np.ones((2, 2))), (), ("fit",))


# ------------------------------------------------------------------------------------------ MixtureInference.query
@pytest.fixture(scope="module")
def inference():
    result = api.disentangle_mixture(NET, samples(0, 2000), method="paper")
    return pgmpy_mixture.MixtureInference(MODEL, result)


@FUZZ
@given(data=st.data(), kind=st.sampled_from(["valid", "unknown_variable", "unknown_state", "unknown_evidence",
                                             "queried_and_evidence", "duplicate", "no_variables", "wrong_type",
                                             "evidence_type", "elimination_order"]))
def test_inference_query(inference, data, kind):
    query = data.draw(st.lists(st.sampled_from(NET.variables), min_size=1, max_size=2, unique=True), label="query")
    others = [v for v in NET.variables if v not in query]
    evidence = {v: data.draw(st.sampled_from(STATES[v]), label=v) for v in others[:1]}
    kw: dict = {"evidence": evidence}
    culprits: tuple[str, ...] = ()
    if kind == "unknown_variable":
        query, culprits = [*query, "Z"], ("'Z'",)
    elif kind == "unknown_state" and others:
        kw["evidence"], culprits = {others[0]: "zz"}, ("'zz'",)
    elif kind == "unknown_evidence":
        kw["evidence"], culprits = {"Z": "z"}, ("'Z'",)
    elif kind == "queried_and_evidence":
        kw["evidence"], culprits = {query[0]: STATES[query[0]][0]}, (repr(query[0]),)
    elif kind == "duplicate":
        query = [query[0], query[0]]
    elif kind == "no_variables":
        query = []
    elif kind == "wrong_type":
        query = data.draw(st.sampled_from([None, 3, {"A": 1}]))
    elif kind == "evidence_type":
        kw["evidence"], culprits = [("A", "a0")], ("evidence",)
    elif kind == "elimination_order":
        kw["elimination_order"], culprits = "nosuch", ("elimination_order",)
    outcome = honours_contract(lambda: inference.query(query, show_progress=False, **kw), (query, kw), culprits)
    if kind == "valid" or (kind == "unknown_state" and not others):
        assert not isinstance(outcome, MixtureError), outcome
        assert abs(float(np.sum(outcome.values)) - 1.0) <= 1e-9
    else:
        assert isinstance(outcome, MixtureError)


# ------------------------------------------------------------------------------------------ the command line
def run_cli(argv: list[str]) -> tuple[int, str, str]:
    """``main(argv)`` in-process: its status (argparse's exits included), stdout and stderr."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            status = main(argv)
        except SystemExit as exc:  # argparse: --help, --version, usage errors
            status = exc.code if isinstance(exc.code, int) else 2
    return status, out.getvalue(), err.getvalue()


def cli_contract(argv: list[str], inputs: tuple = (), culprits: tuple[str, ...] = ()) -> tuple[int, str, str]:
    snapshots = [_snapshot(x) for x in inputs]
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", FutureWarning)
            status, out, err = run_cli(argv)
    except Exception as exc:  # noqa: BLE001
        pytest.fail(f"raw {type(exc).__module__}.{type(exc).__name__} from main({argv}): {exc}")
    assert status in (0, 2), (status, err)
    if status == 2:
        last = [line for line in err.splitlines() if "error:" in line][-1]
        missing = [c for c in culprits if c not in last]
        assert not missing, f"{last!r} does not name {missing}"
        assert "Traceback" not in err
    for value, before in zip(inputs, snapshots, strict=True):
        assert _same(value.read_bytes() if isinstance(value, Path) else value, before)
    return status, out, err


def _fill(pieces: list[str], names: dict[str, str]) -> list[str]:
    """The arguments with each ``{file name}`` replaced by its path."""
    out = []
    for piece in pieces:
        for key, value in names.items():
            piece = piece.replace("{" + key + "}", value)
        out.append(piece)
    return out


@pytest.fixture(scope="module")
def model_file(tmp_path_factory) -> Path:
    from pgmpy.readwrite import BIFWriter

    path = tmp_path_factory.mktemp("fuzz-model") / "net.bif"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        BIFWriter(MODEL).write_bif(str(path))
    return path


CLI_BAD = [  # (arguments after "disentangle --model M", file named in the error or option)
    (["--data", "{missing.csv}"], "missing.csv"), (["--data", "{garbage.parquet}"], "garbage.parquet"),
    (["--data", "{truncated.parquet}"], "truncated.parquet"), (["--data", "{empty.csv}"], "empty.csv"),
    (["--data", "{binary.csv}"], "binary.csv"), (["--data", "{no-data}"], "no-data"),
    (["--data", "{folder}/missing-*.parquet"], "missing-*.parquet"), (["--data", "{header.csv}"], "empty"),
    (["--data", "{mix.csv}", "--weights", "n"], "'n'"), (["--data", "{mix.csv}", "--method", "zz"], "method"),
    (["--data", "{mix.csv}", "--option", "epsilon=2"], "epsilon"), (["--data", "{mix.csv}", "--option", "zz=1"],
                                                                    "zz"),
    (["--data", "{mix.csv}", "--option", "novalue"], "KEY=VALUE"), (["--data", "{mix.csv}", "--chunksize", "0"],
                                                                   "chunksize"),
    (["--data", "{mix.csv}", "--chunksize", "x"], "--chunksize"),
    (["--data", "{mix.csv}", "--dask", "nohost"], "nohost"), (["--data", "{mix.csv}", "--json", "{folder}"],
                                                               "--json"),
    (["--data", "{mix.csv}", "--json", "/no/such/folder/x.json"], "--json"),
    (["--data", "{mix.csv}", "--truth", "{mix.csv}"], "--truth"), (["--data", "{mix.csv}", "--truth",
                                                                    "{missing.json}"], "missing.json"),
    (["--data", "{mix.csv}", "--marginals", "{mix.csv}"], "--marginals"), ([], "--data"),
    (["--marginals", "{missing.csv}"], "missing.csv"), (["--marginals", "{binary.csv}"], "binary.csv"),
    (["--marginals", "{mix.csv}"], "variable"), (["--marginals", "{mix.csv}", "--sample-size", "-1"], "sample_size"),
]


@FEW
@given(case=st.sampled_from(CLI_BAD), model=st.sampled_from(["bif", "example"]))
def test_the_command_line_names_the_culprit(files, model_file, case, model):
    pieces, culprit = case
    names = {k: str(v) for k, v in files.items()} | {"missing.csv": str(files["folder"] / "missing.csv"),
                                                     "missing.json": str(files["folder"] / "missing.json")}
    argv = _fill(pieces, names)
    model_arg = str(model_file) if model == "bif" else "example:asia"  # asia: no variable A, unknown columns
    status, _, err = cli_contract(["disentangle", "--model", model_arg, *argv],
                                  tuple(p for p in files.values() if p.is_file()))
    assert status == 2
    assert culprit in err or (model == "example" and "not a variable of the model" in err), err


CLI_OTHER = [
    (["demo", "--model", "example:nosuch"], "example:nosuch"), (["demo", "--samples", "0", "--quiet"], "empty"),
    (["demo", "--plot", "{folder}/x.nosuchformat", "--quiet"], "nosuchformat"),
    (["simulate", "--model", "example:cancer", "--samples", "5", "--out", "/no/such/folder/x.csv"], "--out"),
    (["simulate", "--model", "example:cancer", "--samples", "5", "--seed", "-1", "--out", "-"], "--seed"),
    (["simulate", "--model", "example:cancer", "--samples", "-5", "--out", "-"], "-5"),
    (["simulate", "--model", "example:cancer", "--samples", "5", "--targets", "0", "--out", "-"], "0"),
    (["simulate", "--model", "{folder}", "--samples", "5", "--out", "-"], "folder"),
    (["simulate", "--model", "{binary.csv}", "--samples", "5", "--out", "-"], "binary.csv"),
    (["split", "--data", "{binary.csv}"], "binary.csv"), (["split", "--data", "{mix.csv}"], "'A'"),
    (["split", "--data", "{empty.csv}"], "empty.csv"), (["split", "--data", "{missing.csv}"], "missing.csv"),
    (["split", "--data", "{gauss.csv}", "--columns", "x,zz"], "'zz'"),
    (["split", "--data", "{gauss.csv}", "--n-components", "many"], "--n-components"),
    (["split", "--data", "{gauss.csv}", "--k-max", "0"], "k_max"), (["split", "--data", "{gauss.csv}", "--alpha",
                                                                     "0"], "alpha"),
    (["split", "--data", "{gauss.csv}", "--jobs", "0"], "n_jobs"), (["split", "--data", "{gauss.csv}", "--seed",
                                                                     "x"], "--seed"),
    (["nosuch-command"], "invalid choice"),
]


@FEW
@given(case=st.sampled_from(CLI_OTHER))
def test_the_other_commands_name_the_culprit(files, case):
    pieces, culprit = case
    gauss = files["folder"] / "gauss.csv"
    if not gauss.exists():
        pd.DataFrame(gaussian_data(0, 200), columns=["x", "y", "z"]).to_csv(gauss, index=False)
    names = {k: str(v) for k, v in files.items()} | {"missing.csv": str(files["folder"] / "missing.csv"),
                                                     "gauss.csv": str(gauss)}
    argv = _fill(pieces, names)
    status, _, err = cli_contract(argv, tuple(p for p in files.values() if p.is_file()))
    assert status == 2 and culprit in err, err


def test_the_command_line_runs_on_good_files(files, model_file, tmp_path):
    status, out, _ = cli_contract(["disentangle", "--model", str(model_file), "--data", str(files["mix.parquet"]),
                                   "--method", "paper", "--json", "-"], (files["mix.parquet"],))
    import json

    assert status == 0 and abs(sum(json.loads(out)["weights"]) - 1) <= 1e-9
    status, _, _ = cli_contract(["simulate", "--model", str(model_file), "--samples", "50", "--out",
                                 str(tmp_path / "s.csv"), "--truth", str(tmp_path / "t.json")])
    status, out, _ = cli_contract(["disentangle", "--model", str(model_file), "--data", str(tmp_path / "s.csv"),
                                   "--truth", str(tmp_path / "t.json"), "--method", "paper"])
    assert status == 0 and "recall" in out


# ---------------------------------------------------------------------------------------------------------- KNOWN
# Each case broke the contract when the fuzzing pass found it; each is a regression test now.
@pytest.mark.parametrize("entry", sorted(ENTRIES))
def test_known_duplicate_columns_are_named(entry):
    frame = samples(0, 30)
    doubled = pd.concat([frame, frame[["B"]]], axis=1)
    raises_ours(lambda: ENTRIES[entry](doubled), (doubled,), ("'B'",))


def test_known_exclusion_violation_gives_unnormalised_weights():
    table = probabilities([0.5, 0.25, 0.25], [0, 2, 4])
    honours_contract(lambda: api.disentangle_mixture(NET, table, weights="p"), (table,))


def test_known_overflowing_count_weights():
    counts = samples(0, 80).value_counts().reset_index(name="n").astype({"n": float})
    counts["n"] = 1e308
    honours_contract(lambda: MODEL.disentangle_mixture(counts, weights="n"), (counts,), ("'n'",))


def test_known_exact_method_on_samples():
    frame, _ = sample_frame(NET, [{}, {"B": "b2"}], [0.7, 0.3], 400, rng=0)
    honours_contract(lambda: MODEL.disentangle_mixture(frame, method="exact"), (frame,))


def test_known_near_one_probability_table():
    table = probabilities()
    table["p"] = table["p"].round(4) * 1.0001
    result = honours_contract(lambda: MODEL.disentangle_mixture(table, weights="p"), (table,))
    assert isinstance(result, MixtureResult) and len(result) == 2  # the 0.7 / 0.3 mixture, not 1.0 observational


def test_known_positivity_failure_gives_an_empty_mixture():
    from pgmpy_mixture.discrete.simulate import random_mixture
    from pgmpy_mixture.model.examples import load_example_network

    asia = load_example_network("asia")
    rng = np.random.default_rng(0)  # one of the seeds whose default result is empty today
    spec = random_mixture(asia, n_targets=3, max_target_size=1, rng=rng)
    frame, _ = sample_frame(asia, spec.targets, spec.weights, 5000, rng=rng)
    honours_contract(lambda: api.disentangle_mixture(asia, frame), (frame,))


def test_known_large_scale_gaussian_data():
    X = gaussian_data(0, 2000) * 1e30
    honours_contract(lambda: _fit_core(X, n_components="auto", n_init=3), (X,))


def test_known_gaussian_fit_depends_on_the_unit():
    X = gaussian_data(0, 2000)
    counts = [pgmpy_mixture.fit_mixture_utigsp(X * scale).n_components for scale in (1.0, 1e6, 1e-3)]
    assert counts[1] == counts[2] == counts[0], counts


@pytest.mark.slow
def test_known_huge_state_count_runs_out_of_memory():
    script = f"""
import resource, sys, warnings
resource.setrlimit(resource.RLIMIT_AS, (2 * 2**30, 2 * 2**30))
warnings.simplefilter("ignore")
sys.path.insert(0, {str(Path(__file__).parent)!r})
from test_fuzz_entry_points import api, huge_network
from pgmpy_mixture.errors import MixtureError
net, frame = huge_network(500)
try:
    result = api.disentangle_mixture(net, frame)
except MixtureError as exc:
    assert "'R'" in str(exc), exc
else:
    assert abs(sum(result.weights) - 1) <= 1e-9
"""
    if not hasattr(os, "fork"):
        pytest.skip("needs resource limits (POSIX)")
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stderr[-2000:]
