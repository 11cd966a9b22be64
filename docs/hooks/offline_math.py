"""MkDocs hook: MathJax from a local copy, for the formulas in the notebooks' outputs.

A walkthrough shows itself in Jupyter as an HTML table whose local derivatives are LaTeX
(``\\(\\frac{\\partial (a b)}{\\partial a} = b\\)``), which Jupyter's MathJax typesets. The
site must read offline, so MathJax comes from the django-static-mathjax package (MathJax's
own files, no Django needed), copied into the site as ``assets/mathjax/tex-svg.js``. The
SVG build draws its glyphs itself: a page opened from disk may not load web fonts.
"""

from __future__ import annotations

from pathlib import Path

import mathjax
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files

SCRIPT = Path(mathjax.__file__).parent / "static" / "mathjax" / "es5" / "tex-svg.js"
SITE_PATH = "assets/mathjax/tex-svg.js"


def on_files(files: Files, config: MkDocsConfig) -> Files:
    """Put MathJax's script into the site."""
    files.append(File.generated(config, SITE_PATH, abs_src_path=str(SCRIPT)))
    return files
