"""Smoke runs of the benchmark scripts on tiny grids (slow: run with ``pytest -m slow`` / ``tox -e slow``).

Each script runs as a subprocess, exactly as a user would, writing into a temporary ``--out``; the tests
check the exit status and the files and tables it produced, never timings.
"""

from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BENCHMARKS = ROOT / "benchmarks"

pytestmark = pytest.mark.slow


def run_script(name: str, *args: str, timeout: int = 600) -> subprocess.CompletedProcess:
    completed = subprocess.run(
        [sys.executable, str(BENCHMARKS / name), *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert completed.returncode == 0, completed.stdout + completed.stderr
    return completed


def test_uai2021_simulation_tiny_grid(tmp_path):
    out = run_script(
        "uai2021_simulation.py",
        "--nodes", "3,4", "--graphs", "sf,er", "--log2-samples", "6,12", "--instances", "2",
        "--infinite", "--out", str(tmp_path),
    )  # fmt: skip
    assert "| graph | N | M | method | recall |" in out.stdout
    assert (tmp_path / "uai2021_simulation.md").read_text().count("| sf |") == 6  # 2 N x 3 sizes
    assert (tmp_path / "uai2021_figure1.png").stat().st_size > 10_000
    with (tmp_path / "uai2021_simulation.csv").open() as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 2 * 2 * 2 * 3  # graphs x N x instances x sizes
    assert all(row["error"] == "" for row in rows)
    for row in rows:
        assert 0.0 <= float(row["recall"]) <= 1.0
    # at M = inf with the true network, small networks are recovered (up to targets pruned by epsilon)
    infinite = [float(r["recall"]) for r in rows if r["M"] == "inf"]
    assert sum(infinite) / len(infinite) > 0.8


def test_uai2021_simulation_sweep_and_side_by_side(tmp_path):
    out = run_script(
        "uai2021_simulation.py",
        "--sweep-only", "--sweep-nodes", "3,5", "--sweep-log2-samples", "10", "--graphs", "sf",
        "--instances", "1", "--methods", "paper:epsilon=0.01,paper:epsilon=0.05", "--out", str(tmp_path),
    )  # fmt: skip
    assert "paper:epsilon=0.05" in out.stdout
    assert (tmp_path / "uai2021_sweep.png").exists()
    assert not (tmp_path / "uai2021_simulation.md").exists()


def test_exact_timing_tiny_grid(tmp_path):
    out = run_script(
        "exact_timing.py", "--nodes", "6,12", "--targets", "4,8", "--states", "2,3", "--out", str(tmp_path)
    )
    assert "All runs exact" in out.stdout and ": True." in out.stdout
    assert (tmp_path / "exact_timing.md").read_text().count("| yes |") == 8


def test_sampler_speed_tiny(tmp_path):
    out = run_script(
        "sampler_speed.py", "--network", "random:6", "--rows", "3000", "--repeats", "1", "--out", str(tmp_path)
    )
    assert "| observational |" in out.stdout and "| mixture (" in out.stdout
    # the two samplers draw the same distribution: marginal total variation is small at 3000 rows
    for line in out.stdout.splitlines():
        if line.startswith("| observational") or line.startswith("| mixture"):
            assert float(line.rstrip(" |").split("|")[-1]) < 0.08
    assert (tmp_path / "sampler_speed.md").exists()


def test_inference_speed_tiny(tmp_path):
    out = run_script("inference_speed.py", "--networks", "asia", "--evidence", "1,3", "--repeats", "1",
                     "--out", str(tmp_path))
    assert "| network | variables | K | evidence | joint cells | VE ms | ours ms | joint ms | chain ms |" in out.stdout
    lines = (tmp_path / "inference_speed.md").read_text().splitlines()
    header = [h.strip() for h in lines[0].split("|")]
    rows = [[c.strip() for c in line.split("|")] for line in lines[2:]]
    assert len(rows) == 2
    for column in ("max diff joint-chain", "max diff ours-loop"):  # the exact routes agree
        assert all(float(r[header.index(column)]) < 1e-9 for r in rows)
    assert (tmp_path / "inference_speed.png").stat().st_size > 0


def _cells(line: str) -> list[str]:
    return [cell.strip() for cell in line.strip().strip("|").split("|")]


def test_sachs_ceiling_log_scale_holds_what_results_records():
    """The two ceilings of goal 3 (``benchmarks/RESULTS.md``, "What any clustering can reach on Sachs"), checked
    on the log scale: from the true conditions, EM of every mixture model moves to a partition with a lower ARI,
    below the goal's 0.40; and the true split, handed to the steps after the clustering, matches fewer than 3 of 5
    targets exactly and gives no search an SHD of 14 or less against the 18-edge DAG. If a change to the pipeline
    makes one of these fail, goal 3 may have become reachable: re-run the script and revisit the goal."""
    out = run_script("sachs_ceiling.py", "--scales", "log", timeout=900).stdout
    if out.startswith("skipping"):
        pytest.skip("../shared/data/sachs is not available")
    table = out.split("\n\n")[-2:]  # the two tables as printed at the end
    models = [_cells(line) for line in table[0].splitlines()[2:]]
    assert len(models) == 6
    for row in models:
        start, after = float(row[2].split()[0]), float(row[3].split()[0])
        assert after < start and after < 0.40, row
    splits = [_cells(line) for line in table[1].splitlines()[2:]]
    assert len(splits) == 3
    for row in splits:
        nominal, jci = (int(x) for x in row[4].split(" / "))
        assert nominal < 3 and jci < 3, row
        for cell in row[6:]:
            if cell != "-":
                assert int(cell.split(" / ")[0]) > 14, row
