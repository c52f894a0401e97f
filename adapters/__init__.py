"""Glue between the framework-free core and pgmpy, causal-learn and scale-out engines.

Installed as ``pgmpy_mixture.adapters`` (setuptools ``package-dir``).
"""
