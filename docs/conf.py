"""Sphinx configuration of the documentation site (`make docs`; `make test` builds it with warnings as errors).

Pages are Markdown (MyST), so they read the same in the repository as on the site; the API
reference comes from the docstrings (autodoc, numpy style through numpydoc); the command and table
references are generated from the code by ``_ext/generated.py`` each time the site is built.
"""

from __future__ import annotations

import sys
from pathlib import Path

DOCS = Path(__file__).parent
sys.path.insert(0, str(DOCS / "_ext"))

project = "Council children's services finance"
author = "the project's contributors"
extensions = ["myst_parser", "sphinx.ext.autodoc", "numpydoc", "generated"]
source_suffix = {".md": "markdown", ".rst": "restructuredtext"}
root_doc = "index"
exclude_patterns = ["_build", "_ext", "_*.md", "README.md"]
myst_heading_anchors = 3
myst_enable_extensions = ["colon_fence"]
# a code block's language is only a hint for highlighting: an unknown one is not a warning
highlight_language = "text"
suppress_warnings = ["misc.highlighting_failure"]

# autodoc + numpydoc: documented members only, in source order; no import-time work in the package,
# so importing it to read the docstrings is cheap and safe
autodoc_default_options = {"members": True, "member-order": "bysource", "undoc-members": False}
autodoc_typehints = "none"
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False

html_theme = "alabaster"
html_title = project
html_theme_options = {"page_width": "1200px", "sidebar_width": "260px", "fixed_sidebar": True}
html_show_sourcelink = False
