"""Sphinx configuration of the mhr_indicators documentation site.

Build it (one command, from the repository root; nothing is downloaded):

    python -m sphinx -W --keep-going -b html docs docs/_build/html

The pages are MyST Markdown. The API reference comes from the docstrings (autodoc + numpydoc);
the command-line reference, the results-table columns and the input schemas are generated from
the code at build time by the local extension ``docs/_ext/mhr_docs.py``; the indicator
catalogue pages in ``docs/catalogue/`` are generated from ``indicators/*.yaml`` by
``mhr catalogue docs docs/catalogue``.
"""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE / "_ext"))

import mhr_indicators  # noqa: E402  (the installed package: pip install -e ".[docs]")

project = "mhr_indicators"
author = "the mhr_indicators contributors"
copyright = "the mhr_indicators contributors, MIT licence"
release = mhr_indicators.__version__
version = release

extensions = [
    "myst_parser",
    "sphinx.ext.autodoc",
    "sphinx.ext.mathjax",
    "numpydoc",
    "mhr_docs",
]

source_suffix = {".md": "markdown", ".rst": "restructuredtext"}  # .rst: numpydoc's autosummary
root_doc = "index"
exclude_patterns = ["_build", "_ext", "Thumbs.db", ".DS_Store"]
templates_path: list[str] = []

# --- MyST -------------------------------------------------------------------------------------
myst_enable_extensions = ["colon_fence", "deflist", "dollarmath"]
# GitHub-style anchors, so the links of the generated catalogue pages (written for GitHub's
# renderer: "work.md#workour--unemployment-rate") resolve on the site too.
myst_heading_anchors = 4

# --- autodoc + numpydoc ---------------------------------------------------------------------------
autodoc_member_order = "bysource"
autodoc_typehints = "none"  # the signatures show them; numpydoc's Parameters say the rest
autodoc_default_options = {"members": True, "show-inheritance": False}
numpydoc_show_class_members = False  # autodoc lists the members; no autosummary stubs
numpydoc_class_members_toctree = False
numpydoc_xref_param_type = False

# --- offline: no intersphinx, nothing fetched ---------------------------------------------------
intersphinx_mapping: dict = {}

# --- HTML ---------------------------------------------------------------------------------------
html_theme = "furo"
html_title = f"mhr_indicators {release}"
html_static_path: list[str] = []
html_show_sourcelink = False
