"""Fixtures of the aggregate (DIMM) tests."""

from __future__ import annotations

import pytest

from pgmpy_mixture.model.examples import load_example_network
from pgmpy_mixture.model.marginals import interventional_marginals


@pytest.fixture(scope="module")
def alarm():
    net = load_example_network("alarm")
    return net, interventional_marginals(net)
