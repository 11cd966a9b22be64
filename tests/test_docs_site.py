"""The documentation site as a reader sees it: opened in headless Chromium.

The site is the one ``make docs`` built (``make test`` passes its folder in
``TWINGRAD_DOCS_SITE``), or else one built here with ``mkdocs build --strict``. The browser
is a system Chromium driven by Playwright: ``$CHROMIUM`` when set, else ``chromium``,
``chromium-browser`` or ``google-chrome`` on PATH (``.ci/run`` installs Debian's
``chromium``). Without one the tests fail rather than skip: a site nobody looked at is not
tested. Screenshots of every page opened are kept in ``test-artifacts/site/``.
"""

from __future__ import annotations

import base64
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parent.parent
SCREENSHOTS = ROOT / "test-artifacts" / "site"
BROWSERS = ("chromium", "chromium-browser", "google-chrome")


def chromium_path() -> str:
    """The Chromium to drive, or a failure that says how to install one."""
    given = os.environ.get("CHROMIUM")
    if given:
        found = shutil.which(given)
        if found is None:
            pytest.fail(f"CHROMIUM={given} is not an executable")
        return found
    for name in BROWSERS:
        found = shutil.which(name)
        if found:
            return found
    pytest.fail(
        "no Chromium to open the documentation site with: install one "
        "(`apt-get install chromium` on Debian) or set CHROMIUM to its path"
    )


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    given = os.environ.get("TWINGRAD_DOCS_SITE")
    if given:
        folder = (ROOT / given).resolve()
        assert (folder / "index.html").is_file(), f"no built site in {folder}"
        return folder
    folder = tmp_path_factory.mktemp("site")
    done = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(folder)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )
    assert done.returncode == 0, done.stderr[-4000:]
    return folder


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    executable = chromium_path()
    with sync_playwright() as playwright:
        # Chromium's sandbox refuses to start as root, which CI is.
        launched = playwright.chromium.launch(executable_path=executable, args=["--no-sandbox"])
        yield launched
        launched.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    opened = browser.new_page(viewport={"width": 1280, "height": 900})
    outside: list[str] = []
    opened.on(
        "request",
        lambda r: None if r.url.startswith(("file:", "data:", "blob:")) else outside.append(r.url),
    )
    yield opened
    opened.close()
    assert outside == [], f"the page asked the network for {outside}"


def open_page(page: Page, site: Path, path: str, fragment: str = "") -> None:
    url = (site / path).as_uri() + (f"#{fragment}" if fragment else "")
    page.goto(url, wait_until="load")


def screenshot(page: Page, name: str, **options) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), animations="disabled", **options)
    return path


def test_the_home_page_links_every_guide(page, site):
    open_page(page, site, "index.html")
    assert page.title().startswith("twingrad")
    nav = page.locator("nav.md-nav--primary").inner_text()
    for guide in ["Getting started", "The bridge", "PyTorch compatibility", "Adding an op"]:
        assert guide in nav
    screenshot(page, "home")
    # Opened from disk, the links still lead to pages (not to folder listings).
    page.locator("nav.md-nav--primary a", has_text="Getting started").first.click()
    page.wait_for_load_state("load")
    assert page.url.endswith("/getting-started.html"), page.url
    assert page.locator("article h1").inner_text().startswith("Getting started")


def test_a_notebook_page_shows_its_drawings_as_svg(page, site):
    open_page(page, site, "examples/scalar_tour.html")
    # nbconvert puts each SVG output in an <img> with the SVG as a data URL.
    drawings = page.locator('.jp-RenderedSVG img[src^="data:image/svg+xml"]')
    assert drawings.count() >= 6, drawings.count()
    for i in range(drawings.count()):
        decoded = drawings.nth(i).evaluate("img => img.complete && img.naturalWidth > 0")
        assert decoded, f"drawing {i} did not load as an image"
    first = drawings.first
    first.scroll_into_view_if_needed()
    box = first.bounding_box()
    assert box is not None and box["width"] > 200 and box["height"] > 50, box
    # The first drawing is the graph of e = (d - c).relu() + (c / d).tanh(), its Values
    # named in the picture.
    source = first.get_attribute("src")
    svg = base64.b64decode(source.split(",", 1)[1]).decode()
    assert "<svg" in svg and all(f">{name}<" in svg for name in "abcde"), svg[:400]
    screenshot(page, "notebook-scalar-tour-drawing")
    screenshot(page, "notebook-scalar-tour", full_page=True)


def test_a_walkthrough_table_shows_its_formulas_typeset(page, site):
    open_page(page, site, "examples/scalar_tour.html")
    # MathJax, served from the site, typesets the local derivatives' LaTeX.
    page.wait_for_function("() => window.MathJax && MathJax.startup && MathJax.startup.promise")
    page.evaluate("() => MathJax.startup.promise")
    table = page.locator(".jp-RenderedHTML table", has_text="local derivative").first
    formulas = table.locator("mjx-container")
    assert formulas.count() >= 10, formulas.count()
    assert "\\frac" not in table.inner_text()
    table.scroll_into_view_if_needed()
    screenshot(page, "notebook-scalar-tour-walkthrough")


def test_the_api_page_of_tensor_backward_exists(page, site):
    open_page(page, site, "reference/tensor.html", "twingrad.Tensor.backward")
    entry = page.locator('[id="twingrad.Tensor.backward"]')
    assert entry.count() == 1
    assert entry.is_visible()
    assert entry.inner_text().strip().startswith("backward")
    signature = entry.locator("xpath=following-sibling::*[1]").inner_text()
    for argument in ["gradient", "retain_graph", "create_graph"]:
        assert argument in signature, signature
    screenshot(page, "api-tensor-backward")


def test_the_benchmarks_page_shows_the_results_tables(page, site):
    open_page(page, site, "benchmarks.html")
    text = page.locator("article").inner_text()
    assert "python -m benchmarks.run scalar" in text
    assert page.locator("article table").count() >= 6
    screenshot(page, "benchmarks", full_page=True)
