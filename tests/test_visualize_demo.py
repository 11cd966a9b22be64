"""The drawing part of `make demo`: SVG files in the output folder and a printed walkthrough."""

from __future__ import annotations

from twingrad.demos import visualize
from twingrad.visualize import render

NAMES = ["expression", "expression_backward", "mlp_loss", "mlp_loss_backward"]


def test_demo_draws_svg_files_and_prints_the_walkthrough(tmp_path, capsys):
    assert visualize.run(tmp_path) is True
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(f"{n}.svg" for n in NAMES)
    assert all((tmp_path / f"{n}.svg").read_text().startswith("<?xml") for n in NAMES)
    printed = capsys.readouterr().out
    assert "Backward pass of e, seeded with de/de = 1" in printed
    assert " 15  c     a + b    b   d(a + b)/db = 1" in printed
    assert "Gradients: a = 2.0796, b = 22.1681" in printed
    assert "The walkthrough's gradients equal backward()'s: True" in printed


def test_demo_without_a_renderer_writes_dot_and_says_why(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.setattr(render, "_search_path", lambda: str(tmp_path))
    out = tmp_path / "out"
    out.mkdir()
    assert visualize.run(out) is False
    assert sorted(p.name for p in out.iterdir()) == sorted(f"{n}.dot" for n in NAMES)
    printed = capsys.readouterr().out
    assert printed.count("No Graphviz renderer was found") == 4
    assert "The walkthrough's gradients equal backward()'s: True" in printed
