"""Discrete mixtures of interventions on a known network: DISENTANGLE (UAI 2021) and the likelihood method."""
