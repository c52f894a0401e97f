"""Slow smoke run of benchmarks/aaai2020_alarm.py on a tiny grid (``pytest -m slow``)."""

from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.slow


def test_aaai2020_alarm_tiny_grid(tmp_path):
    completed = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "aaai2020_alarm.py"), "--n-ivn", "0,5", "--samples", "2000",
         "--restarts", "1", "--out", str(tmp_path)],
        cwd=ROOT, capture_output=True, text=True, timeout=900,
    )  # fmt: skip
    assert completed.returncode == 0, completed.stdout + completed.stderr
    assert "| N_ivn | method | MSE | MAE | MABRE | Delta | time (s) | MSE / dimm MSE |" in completed.stdout
    rows = list(csv.DictReader(open(tmp_path / "aaai2020_alarm.csv")))
    assert {r["method"] for r in rows} == {"dimm", "bayes", "nnls", "em", "exact"}
    assert len(rows) == 10
    for r in rows:
        mse, mae, mabre = float(r["mse"]), float(r["mae"]), float(r["mabre"])
        # three summaries of one error vector e: mean|e|^2 <= mean e^2 <= max|e| mean|e| and mean|e| <= max|e|
        assert mae**2 <= mse * (1 + 1e-9) and mse <= mabre * mae * (1 + 1e-9) and mae <= mabre, r
        assert mae > 0, r  # estimated from 2000 samples: never the true weights exactly
    assert (tmp_path / "aaai2020_mae_vs_samples.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
