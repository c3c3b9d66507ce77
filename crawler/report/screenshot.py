"""A picture of the report page, taken in the project's Chromium (Debian's, as the browser
path uses it) with every request but the page itself refused: what the README shows."""

from __future__ import annotations

from pathlib import Path

from crawler.settings import PLAYWRIGHT_LAUNCH_OPTIONS

WIDTH = 1000  # CSS pixels: the page's widest layout (60rem) with its margins


def screenshot(page_file: Path, png: Path, *, width: int = WIDTH, full_page: bool = True) -> None:
    """Open `page_file` (file://) and save a PNG of it to `png`."""
    from playwright.sync_api import Route, sync_playwright

    url = page_file.resolve().as_uri()

    def only_the_page(route: Route) -> None:
        if route.request.url == url:
            route.continue_()
        else:
            route.abort()

    png.parent.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(**PLAYWRIGHT_LAUNCH_OPTIONS)
        try:
            page = browser.new_page(viewport={"width": width, "height": 900})
            page.route("**/*", only_the_page)
            page.goto(url)
            page.screenshot(path=str(png), full_page=full_page)
        finally:
            browser.close()
