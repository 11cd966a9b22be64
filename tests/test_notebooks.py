"""Every notebook in examples/ runs top to bottom in a real Jupyter kernel.

The kernel is this test run's own Python (the project's virtual environment), registered
under a private name in a temporary Jupyter data folder, so that whatever kernels the
machine has installed cannot be picked instead. Cells that draw must show an SVG picture.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import nbclient
import nbformat
import pytest

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
NOTEBOOKS = sorted(EXAMPLES.glob("*.ipynb"))
KERNEL = "twingrad-tests"
DRAWING_CALLS = ("draw(", ".drawings(")


@pytest.fixture(scope="module")
def jupyter_path(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("jupyter")
    spec = folder / "kernels" / KERNEL
    spec.mkdir(parents=True)
    kernel = {
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "twingrad (tests)",
        "language": "python",
    }
    (spec / "kernel.json").write_text(json.dumps(kernel))
    return folder


def test_there_are_notebooks():
    assert {"scalar_tour.ipynb", "tensor_tour.ipynb", "bridge_tour.ipynb"} <= {
        p.name for p in NOTEBOOKS
    }


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_runs_top_to_bottom_and_shows_its_graphs(path, jupyter_path, monkeypatch):
    monkeypatch.setenv("JUPYTER_PATH", str(jupyter_path))
    notebook = nbformat.read(path, as_version=4)
    client = nbclient.NotebookClient(
        notebook,
        kernel_name=KERNEL,
        timeout=120,
        resources={"metadata": {"path": str(EXAMPLES)}},
    )
    client.execute()
    for cell in notebook.cells:
        if cell.cell_type != "code":
            continue
        errors = [o for o in cell.outputs if o.output_type == "error"]
        assert errors == [], f"{path.name}: cell failed:\n{cell.source}"
        if any(call in cell.source for call in DRAWING_CALLS):
            kinds = [set(o.get("data", {})) for o in cell.outputs]
            svgs = [
                o["data"]["image/svg+xml"]
                for o in cell.outputs
                if "data" in o and "image/svg+xml" in o["data"]
            ]
            assert svgs, f"{path.name}: no SVG from the cell\n{cell.source}\n(outputs: {kinds})"
            assert all("<svg" in svg for svg in svgs)
