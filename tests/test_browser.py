"""The HTML report as a reader sees it, in a real browser: headless Chromium driven by Playwright.

Needs Debian's ``chromium`` package (``.ci/run`` installs it, as it does Graphviz) and the
``browser`` extra (``pip install -e '.[browser]'``: Playwright, used with the system's Chromium,
so nothing is downloaded at test time). Skipped with the reason where either is missing.
``ADVISOR_SCREENSHOTS=DIR`` keeps the screenshots of the first screen.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
from pathlib import Path

import pytest
from conftest import EXAMPLES

CHROMIUM = next((shutil.which(n) for n in ("chromium", "chromium-browser", "google-chrome") if shutil.which(n)), None)
pytestmark = [
    pytest.mark.skipif(importlib.util.find_spec("playwright") is None,
                       reason="Playwright is not installed (pip install -e '.[browser]')"),
    pytest.mark.skipif(CHROMIUM is None, reason="no Chromium on the PATH (apt-get install chromium)"),
]
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--disable-extensions"]
PHONE = {"width": 390, "height": 844}

#: outermost elements that stick out past the page's right edge (the page may not scroll sideways)
OVERFLOW_JS = """() => {
  const vw = document.documentElement.clientWidth;
  const out = [...document.querySelectorAll('body *')].filter(e => {
      const r = e.getBoundingClientRect(); if (!(r.width > 0 && r.right > vw + 1)) return false;
      for (let p = e.parentElement; p; p = p.parentElement) {           // inside a box that scrolls: fine
        const o = getComputedStyle(p).overflowX; if (o === 'auto' || o === 'scroll' || o === 'hidden') return false; }
      return true; });
  return {page: document.documentElement.scrollWidth, view: vw, sticking_out: out.slice(0, 5).map(e => e.tagName)};
}"""
#: every picture box holds a drawn SVG (a box with size and text in it)
PICTURES_JS = """() => [...document.querySelectorAll('div.picture')].map(box => {
  const s = box.querySelector(':scope > svg'); if (!s) return 0;
  const b = s.getBBox(); return (b.width > 0 && b.height > 0 && s.querySelectorAll('text').length > 0) ? 1 : 0; })"""


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS)
        yield launched
        launched.close()


@pytest.fixture(scope="module")
def page_file(tmp_path_factory, run_cli_module):
    out = tmp_path_factory.mktemp("html") / "advice.html"
    result = run_cli_module(["advise", str(EXAMPLES / "tea-shop.json"), "-o", str(out)])
    assert result.exit_code == 0, result.stderr
    return out


def _open(browser, path: Path, viewport=PHONE):
    page = browser.new_page(viewport=viewport, is_mobile=viewport["width"] < 600, device_scale_factor=1)
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.goto(path.resolve().as_uri())
    return page, errors


def _keep(page, name: str) -> None:
    folder = os.environ.get("ADVISOR_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / name))


def test_the_page_loads_without_errors_and_draws_every_picture(browser, page_file, run_cli_module):
    report = run_cli_module(["advise", str(EXAMPLES / "tea-shop.json"), "-f", "json"]).json()
    page, errors = _open(browser, page_file)
    _keep(page, "first-screen-390.png")
    drawn = page.evaluate(PICTURES_JS)
    items = report["recommendations"] + report["warnings"] + report["not_advised"]
    assert len(drawn) == 1 + len(items)  # the overview and one per recommendation, warning, item not advised
    assert all(drawn), f"{drawn.count(0)} picture boxes hold no drawing"
    assert errors == []
    page.close()


def test_nothing_sticks_out_sideways_on_a_phone(browser, page_file):
    page, _ = _open(browser, page_file)
    closed = page.evaluate(OVERFLOW_JS)
    assert closed["page"] <= closed["view"] and closed["sticking_out"] == [], closed
    page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
    opened = page.evaluate(OVERFLOW_JS)
    assert opened["page"] <= opened["view"] and opened["sticking_out"] == [], opened
    page.close()


def test_a_folded_item_and_its_explanation_open_on_a_tap(browser, page_file):
    page, _ = _open(browser, page_file)
    item = page.locator("article.item > details").first
    assert item.evaluate("d => d.open") is False
    item.locator(":scope > summary").click()
    assert item.evaluate("d => d.open") is True
    inner = item.locator("details").first  # "How this was concluded", folded again inside
    assert inner.evaluate("d => d.open") is False
    inner.locator(":scope > summary").click()
    assert inner.locator("ul.tree").first.is_visible()  # the reasoning shows once open
    page.close()


def _lands(page, target: str) -> None:
    """The element a link points at is on the screen, and visible (its fold opened)."""
    box = page.evaluate("""id => { const t = document.getElementById(id); const d = t.closest('details');
        return {top: t.getBoundingClientRect().top, height: innerHeight, open: !d || d.open}; }""", target)
    assert box["open"] and -2 <= box["top"] < box["height"], (target, box)


def test_links_to_items_land_on_them_and_unfold_them(browser, page_file):
    page, _ = _open(browser, page_file, {"width": 1200, "height": 900})
    targets = page.evaluate("""() => [...document.querySelectorAll('a')].map(a => a.getAttribute('href')
        || a.getAttribute('xlink:href')).filter(h => h && h.startsWith('#'))""")
    assert len(targets) > 10
    missing = [t for t in set(targets) if not page.evaluate("id => !!document.getElementById(id)", t[1:])]
    assert missing == []
    nav = page.locator("nav a").nth(1)
    nav.click()
    _lands(page, nav.get_attribute("href")[1:])
    move = page.locator("ol.moves a").first  # the first move of the diagnosis, to its item in full
    target = move.get_attribute("href")[1:]
    move.click()
    _lands(page, target)
    drawn = next(t for t in targets if t.startswith("#item-") and t != f"#{target}")
    page.goto(page.url.split("#")[0] + drawn)  # as an advice box of a picture links it
    _lands(page, drawn[1:])
    page.close()


def test_the_page_prints(browser, page_file, tmp_path):
    """The print stylesheet: no navigation in print, and a PDF comes out."""
    page, _ = _open(browser, page_file, {"width": 1200, "height": 900})
    page.emulate_media(media="print")
    assert page.locator("nav").first.is_hidden()
    pdf = tmp_path / "advice.pdf"
    page.pdf(path=str(pdf), format="A4")
    assert pdf.read_bytes().startswith(b"%PDF-") and pdf.stat().st_size > 20_000
    page.close()
