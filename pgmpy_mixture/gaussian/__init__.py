"""Gaussian mixtures of interventions on a linear SEM with unknown graph: Mixture-UTIGSP (NeurIPS 2024)."""
