"""MkDocs hook: the notebooks of ``examples/`` become pages of the site, ``examples/<name>``.

The notebooks live in ``examples/``, where the tests run them; the site reads them from
there instead of keeping copies. The hook runs before mkdocs-jupyter looks at the files
(a higher priority), so that plugin renders them as it renders any notebook of the docs.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import event_priority
from mkdocs.structure.files import File, Files

ROOT = Path(__file__).resolve().parents[2]


@event_priority(100)
def on_files(files: Files, config: MkDocsConfig) -> Files:
    """Add each ``examples/*.ipynb`` to the site's files, at the same path."""
    for notebook in sorted((ROOT / "examples").glob("*.ipynb")):
        files.append(
            File(
                notebook.relative_to(ROOT).as_posix(),
                src_dir=str(ROOT),
                dest_dir=config.site_dir,
                use_directory_urls=config.use_directory_urls,
            )
        )
    return files


KERNEL = "twingrad-docs"


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    """Execute the notebooks with this build's Python, whatever kernels the machine has.

    A kernel named ``python3`` in the user's Jupyter folder may belong to another Python
    (one without twingrad); a private kernel for ``sys.executable``, in a folder put first on
    ``JUPYTER_PATH``, cannot be mistaken for it.
    """
    folder = Path(tempfile.mkdtemp(prefix="twingrad-docs-jupyter-"))
    spec = folder / "kernels" / KERNEL
    spec.mkdir(parents=True)
    kernel = {
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "twingrad (docs)",
        "language": "python",
    }
    (spec / "kernel.json").write_text(json.dumps(kernel))
    os.environ["JUPYTER_PATH"] = os.pathsep.join(
        p for p in (str(folder), os.environ.get("JUPYTER_PATH", "")) if p
    )
    config.plugins["mkdocs-jupyter"].config["kernel_name"] = KERNEL
    return config
