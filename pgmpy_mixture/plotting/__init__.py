"""Pictures of recovered mixtures (needs matplotlib, the ``plot`` extra)."""
