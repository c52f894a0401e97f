"""Shared pytest fixtures.

Shared data (``../shared`` beside the repository: the Sachs data and the papers) is found through the
repository's parent directory; tests that need it skip cleanly when it is absent (a plain clone elsewhere).
"""

from __future__ import annotations

import os
import warnings
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

REPO_ROOT = Path(__file__).resolve().parents[1]

# Hypothesis: fast by default, no deadline (first calls import and compile); ``HYPOTHESIS_PROFILE=thorough``
# runs more examples.
settings.register_profile("default", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("thorough", max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))

# pgmpy's own deprecation noise (StructureScore, get_example_model) is not ours to test.
warnings.filterwarnings("ignore", category=FutureWarning, module=r"pgmpy(\..*)?")


def shared_path(*parts: str) -> Path | None:
    """Path of ``../shared/<parts>`` beside the repository (or ``$PGMPY_MIXTURE_SHARED``), None if absent."""
    base = Path(os.environ.get("PGMPY_MIXTURE_SHARED", REPO_ROOT.parent / "shared"))
    path = base.joinpath(*parts)
    return path if path.exists() else None


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """The shared data directory; skips the test when it is not there."""
    path = shared_path()
    if path is None:
        pytest.skip("shared data directory ../shared is not available beside the repository")
    return path


@pytest.fixture(scope="session")
def sachs_dir(shared_dir: Path) -> Path:
    """``../shared/data/sachs``; skips when absent."""
    path = shared_dir / "data" / "sachs"
    if not path.is_dir():
        pytest.skip("../shared/data/sachs is not available")
    return path
