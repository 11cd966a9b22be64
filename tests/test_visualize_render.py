"""Rendering: system `dot` first, graphviz-pure without it, a clear message with neither."""

from __future__ import annotations

import os
import shutil
import stat

import pytest

from twingrad import Value
from twingrad.visualize import Drawing, RendererNotFound, RenderError, draw, render

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
PURE = shutil.which("graphviz-pure", path=render._search_path())


def small_drawing() -> Drawing:
    a = Value(2.0, label="a")
    b = Value(-3.0, label="b")
    c = a * b
    c.label = "c"
    c.backward()
    return draw(c)


def script(folder, name: str, body: str) -> str:
    path = folder / name
    path.write_text("#!/bin/sh\n" + body + "\n")
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return str(path)


@pytest.fixture
def no_dot(monkeypatch, tmp_path):
    """PATH without a system Graphviz; graphviz-pure still found beside this Python."""
    empty = tmp_path / "empty-path"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    return empty


@pytest.fixture
def no_renderer(no_dot, monkeypatch):
    """Neither `dot` on PATH nor graphviz-pure anywhere."""
    monkeypatch.setattr(render, "_search_path", lambda: str(no_dot))
    return no_dot


def test_graphviz_pure_is_installed_beside_this_python():
    assert PURE is not None, "graphviz-pure (a runtime dependency) is not installed"


def test_without_system_dot_graphviz_pure_draws_svg_and_png(no_dot, tmp_path):
    assert render.find_renderers() == [PURE]
    d = small_drawing()
    svg = d.save(tmp_path / "c.svg").read_text()
    assert svg.startswith("<?xml") and "<svg" in svg
    assert ">data 2.0000<" in svg and ">grad &#45;3.0000<" in svg  # Graphviz escapes "-"
    png = d.save(tmp_path / "c.png").read_bytes()
    assert png.startswith(PNG_MAGIC) and len(png) > 1000
    bundle = d._repr_mimebundle_()
    assert bundle["image/svg+xml"] == svg
    assert d._repr_svg_() == svg


def test_system_dot_comes_first(no_dot):
    marker = no_dot / "dot-was-used"
    script(no_dot, "dot", f': > "{marker}"\nexec "{PURE}" "$@"')
    assert render.find_renderers() == [str(no_dot / "dot"), PURE]
    assert small_drawing().svg().startswith("<?xml")
    assert marker.exists()


def test_a_broken_system_dot_falls_back_to_graphviz_pure(no_dot, tmp_path):
    script(no_dot, "dot", 'echo "Format: png not recognized" >&2\nexit 1')
    png = small_drawing().save(tmp_path / "c.png").read_bytes()
    assert png.startswith(PNG_MAGIC)


def test_every_renderer_failing_names_each_failure(no_renderer):
    script(no_renderer, "dot", 'echo "out of memory" >&2\nexit 3')
    with pytest.raises(RenderError, match="could not draw this graph as svg") as info:
        small_drawing().svg()
    assert "out of memory" in str(info.value)


def test_without_any_renderer_jupyter_shows_the_message_and_the_dot_source(no_renderer):
    assert render.find_renderers() == []
    d = small_drawing()
    bundle = d._repr_mimebundle_()
    assert list(bundle) == ["text/plain"]
    text = bundle["text/plain"]
    assert text.startswith("No Graphviz renderer was found")
    assert "pip install graphviz-pure" in text
    assert text.endswith(d.source)
    assert d._repr_svg_() is None


def test_without_any_renderer_saving_dot_works_and_pictures_say_why(no_renderer, tmp_path):
    d = small_drawing()
    assert d.save(tmp_path / "c.dot").read_text() == d.source
    assert d.save(tmp_path / "c.gv").read_text() == d.source
    for name in ("c.svg", "c.png"):
        with pytest.raises(RendererNotFound, match="pip install graphviz-pure"):
            d.save(tmp_path / name)
        assert not (tmp_path / name).exists()


def test_save_names_the_formats_it_knows(tmp_path):
    with pytest.raises(ValueError, match=r"use \.svg, \.png or \.dot"):
        small_drawing().save(tmp_path / "c.jpg")


def test_render_refuses_an_unknown_format():
    with pytest.raises(ValueError, match="the formats are svg, png"):
        render.render("digraph {}", "pdf")


def test_svg_is_rendered_once_and_kept(no_dot, monkeypatch):
    d = small_drawing()
    first = d.svg()
    monkeypatch.setattr(render, "_search_path", lambda: os.devnull)
    assert d.svg() is first


def test_repr_says_what_the_drawing_is():
    assert repr(small_drawing()) == "<Drawing of 3 nodes: .source has the DOT text>"
