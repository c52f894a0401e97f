"""Pictures of recovered mixtures (needs matplotlib, the ``plot`` extra; imported only when a picture is drawn).

:func:`plot_mixture` draws a recovered discrete mixture; :func:`draw_component_panels` is the two-panel layout
(grid of targets, bars of weights) every picture of components shares.
"""

from pgmpy_mixture.plotting.mixture import draw_component_panels, plot_mixture

__all__ = ["draw_component_panels", "plot_mixture"]
