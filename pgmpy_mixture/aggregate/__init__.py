"""Mixtures of single-node interventions from aggregate marginals only: DIMM (AAAI 2020)."""
