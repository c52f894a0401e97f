"""Smoke run of ``benchmarks/sparse_networks.py`` on a tiny grid (slow: run with ``pytest -m slow``)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.slow


def test_sparse_networks_benchmark_prints_both_tables():
    completed = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "sparse_networks.py"), "--networks", "child", "--rows", "2000",
         "--sf-nodes", "16", "--sf-rows", "5000"],
        cwd=ROOT, capture_output=True, text=True, timeout=600,
    )
    assert completed.returncode == 0, completed.stdout + completed.stderr
    lines = completed.stdout.splitlines()
    assert any(line.startswith("| child | 20 |") for line in lines), completed.stdout
    assert any(line.startswith("| sf16 | 16 | 10 |") for line in lines), completed.stdout
