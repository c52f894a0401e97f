"""``pgmpy-mixture disentangle --data 'events-*.parquet'``: large input through the streaming path, same answer."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from pgmpy_mixture.cli import main
from pgmpy_mixture.cli.io import is_large_input

pytest.importorskip("pyarrow")


@pytest.fixture(scope="module")
def survey_parts(tmp_path_factory):
    from pgmpy_mixture.discrete.simulate import random_mixture, sample_frame
    from pgmpy_mixture.model.examples import load_example_network

    network = load_example_network("survey")
    rng = np.random.default_rng(4)
    spec = random_mixture(network, n_targets=3, max_target_size=2, rng=rng)
    frame, _ = sample_frame(network, spec.targets, spec.weights, 60_000, rng=rng)
    root = tmp_path_factory.mktemp("events")
    frame.to_csv(root / "all.csv", index=False)
    for i in range(3):
        part = frame.iloc[i * 20_000 : (i + 1) * 20_000]
        part.astype("category").to_parquet(root / f"events-{i}.parquet", index=False)
        part.to_csv(root / f"events-{i}.csv", index=False)
    return root


def run_json(args: list[str], capsys) -> dict:
    assert main([*args, "--json", "-"]) == 0
    out = capsys.readouterr().out
    return json.loads(out)


@pytest.mark.parametrize("pattern", ["events-*.parquet", "events-*.csv", "events-1.parquet"])
def test_glob_gives_the_same_result_as_one_csv(survey_parts, pattern, capsys):
    assert is_large_input(str(survey_parts / pattern))
    if pattern == "events-1.parquet":
        single = survey_parts / "one.csv"
        pd.read_parquet(survey_parts / pattern).to_csv(single, index=False)
    else:
        single = survey_parts / "all.csv"
    base = ["disentangle", "--model", "example:survey", "--method", "paper"]
    want = run_json([*base, "--data", str(single)], capsys)
    got = run_json([*base, "--data", str(survey_parts / pattern), "--chunksize", "7000", "--progress"], capsys)
    assert got["sample_size"] == want["sample_size"]
    assert got["components"] == want["components"]


def test_bad_glob_is_a_clear_error(survey_parts, capsys):
    code = main(["disentangle", "--model", "example:survey", "--data", str(survey_parts / "nothing-*.parquet")])
    assert code == 2
    assert "no file matches" in capsys.readouterr().err
