"""Sphinx configuration of the pgmpy-mixture site (built by ``tox -e docs``; warnings are errors there).

The build needs no network. Links into the documentation of Python, numpy, pandas, pgmpy and scikit-learn
(intersphinx) are made only when their inventories can be had without guessing:

* an inventory file shipped in ``docs/_intersphinx/NAME.inv`` (none is shipped today), or
* the published inventories, fetched when the build is told it is online: on Read the Docs (``READTHEDOCS=True``)
  or with ``PGMPY_MIXTURE_DOCS_ONLINE=1``.

Otherwise the mapping is empty, so an offline build makes no connection, writes no warning, and renders the
cross-references to those projects as plain code.
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))  # docs/_ext helpers, if any

import pgmpy_mixture  # noqa: E402  (installed by the docs extra: pip install -e ".[docs]")

# -- Project -------------------------------------------------------------------------------------------------------
project = "pgmpy-mixture"
author = "the pgmpy-mixture developers"
copyright = "the pgmpy-mixture developers"  # noqa: A001
release = pgmpy_mixture.__version__
version = ".".join(release.split(".")[:2])

# -- Extensions ----------------------------------------------------------------------------------------------------
extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.intersphinx",
    "sphinx.ext.mathjax",
    "sphinx.ext.viewcode",
    "numpydoc",
    "myst_parser",
    "sphinx_gallery.gen_gallery",
]

source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
root_doc = "index"
exclude_patterns = ["_build", "_intersphinx", "examples", "**/README.md", "auto_examples/*.ipynb",
                    "auto_examples/*.py", "auto_examples/*.zip", "auto_examples/*.md5", "auto_examples/*.json"]
templates_path = ["_templates"]

myst_enable_extensions = ["colon_fence", "dollarmath"]
myst_heading_anchors = 3

# -- autodoc / numpydoc --------------------------------------------------------------------------------------------
autodoc_default_options = {"members": True, "inherited-members": False, "show-inheritance": True}
autodoc_member_order = "bysource"
autodoc_typehints = "none"  # numpydoc renders the types written in the docstrings
autosummary_generate = False  # the reference pages are written out in docs/api/
numpydoc_show_class_members = False  # the members are documented by autodoc, once
numpydoc_class_members_toctree = False
numpydoc_xref_param_type = False
numpydoc_validation_checks: set[str] = set()

_SHAPE = re.compile(r"of shape \(([^)]*)\)")
_TRAILING_UNDERSCORE = re.compile(r"(?<![`\w])([A-Za-z]\w*_)(?![`\w])")


def quote_fitted_attributes(line: str) -> str:
    """Quote scikit-learn's fitted attributes in a shape, which reStructuredText reads as link targets.

    ``array-like of shape (n_samples, n_features_in_)`` is how scikit-learn writes a shape; a bare word ending in
    ``_`` is a reference in reStructuredText, so the docstring is rendered with the names quoted instead.

    Examples
    --------
    >>> quote_fitted_attributes("X : array-like of shape (n_samples, n_features_in_)")
    'X : array-like of shape (n_samples, ``n_features_in_``)'
    >>> quote_fitted_attributes("weights_ : the weights")
    'weights_ : the weights'
    """
    return _SHAPE.sub(lambda m: "of shape (" + _TRAILING_UNDERSCORE.sub(r"``\1``", m.group(1)) + ")", line)


def _quote_docstring(app, what, name, obj, options, lines: list[str]) -> None:
    lines[:] = [quote_fitted_attributes(line) for line in lines]


def setup(app) -> None:
    """Rewrite the docstrings' shapes before numpydoc and autodoc read them."""
    app.connect("autodoc-process-docstring", _quote_docstring, priority=100)


# -- intersphinx: offline unless told otherwise ----------------------------------------------------------------------
PUBLISHED_INVENTORIES = {
    "python": "https://docs.python.org/3",
    "numpy": "https://numpy.org/doc/stable",
    "pandas": "https://pandas.pydata.org/docs",
    "sklearn": "https://scikit-learn.org/stable",
    "pgmpy": "https://pgmpy.org",
}


def intersphinx_mapping_for(local_dir: Path, online: bool) -> dict[str, tuple[str, str | None]]:
    """The intersphinx mapping: shipped inventories always, published ones only when ``online``.

    Parameters
    ----------
    local_dir : Path
        Folder of shipped inventories, one ``NAME.inv`` per project of :data:`PUBLISHED_INVENTORIES`.
    online : bool
        Whether the build may fetch the published inventories.

    Returns
    -------
    dict
        ``{name: (target URL, inventory location or None)}``; empty when offline and nothing is shipped.

    Examples
    --------
    >>> intersphinx_mapping_for(Path("/nonexistent"), online=False)
    {}
    >>> sorted(intersphinx_mapping_for(Path("/nonexistent"), online=True))
    ['numpy', 'pandas', 'pgmpy', 'python', 'sklearn']
    """
    mapping: dict[str, tuple[str, str | None]] = {}
    for name, url in PUBLISHED_INVENTORIES.items():
        shipped = local_dir / f"{name}.inv"
        if shipped.is_file():
            mapping[name] = (url, str(shipped))
        elif online:
            mapping[name] = (url, None)
    return mapping


def build_is_online(environ: dict[str, str]) -> bool:
    """Whether the published inventories may be fetched: on Read the Docs, or when asked explicitly.

    Examples
    --------
    >>> build_is_online({})
    False
    >>> build_is_online({"READTHEDOCS": "True"}), build_is_online({"PGMPY_MIXTURE_DOCS_ONLINE": "1"})
    (True, True)
    """
    return environ.get("READTHEDOCS") == "True" or environ.get("PGMPY_MIXTURE_DOCS_ONLINE", "") not in ("", "0")


intersphinx_mapping = intersphinx_mapping_for(HERE / "_intersphinx", build_is_online(dict(os.environ)))
intersphinx_timeout = 10

# -- sphinx-gallery: the papers' figures, small and seeded, executed at every build -----------------------------------
sphinx_gallery_conf = {
    "examples_dirs": ["examples"],
    "gallery_dirs": ["auto_examples"],
    "filename_pattern": r"/plot_",
    "within_subsection_order": "FileNameSortKey",
    "download_all_examples": False,
    "remove_config_comments": True,
    "reset_modules": ("matplotlib",),
    "show_memory": False,
    "abort_on_example_error": True,
    "only_warn_on_example_error": False,
    "matplotlib_animations": False,
    "plot_gallery": "True",
    "image_scrapers": ("matplotlib",),
    "backreferences_dir": None,
    "doc_module": (),
    "capture_repr": ("__repr__",),
}

# -- HTML ----------------------------------------------------------------------------------------------------------
html_theme = "pydata_sphinx_theme"
html_title = f"pgmpy-mixture {release}"
html_static_path: list[str] = []
html_theme_options = {
    "navigation_with_keys": False,
    "show_toc_level": 2,
    "header_links_before_dropdown": 6,
}
html_show_sourcelink = False
nitpicky = False
