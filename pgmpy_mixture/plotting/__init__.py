"""Pictures of recovered mixtures (needs matplotlib, the ``plot`` extra)."""
from pgmpy_mixture.plotting.mixture import draw_component_panels as draw_component_panels
