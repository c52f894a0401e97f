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

# Hypothesis. The default profile is deterministic: derandomized (examples drawn from a fixed seed per test) and
# without the example database, so the README's test command and CI give the same verdict on every clone and no
# failure found once poisons later runs. Random exploration is a separate, opt-in run:
#   HYPOTHESIS_PROFILE=explore python -m pytest     (tox -e explore)   random seeds, failures saved in .hypothesis/
#   HYPOTHESIS_PROFILE=thorough python -m pytest                       random seeds, 500 examples per test
_COMMON = {"deadline": None, "suppress_health_check": [HealthCheck.too_slow], "print_blob": True}
settings.register_profile("default", derandomize=True, database=None, **_COMMON)
settings.register_profile("explore", **_COMMON)
settings.register_profile("thorough", max_examples=500, **_COMMON)
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
