"""The README's picture of `searchkit serve`: the seeds indexed into a temporary folder, served, and the page of a
search shot in Debian's headless chromium.

    python docs/screenshot.py          # -> docs/serve.png
"""
from __future__ import annotations

import tempfile
import threading
from pathlib import Path

from playwright.sync_api import sync_playwright

from searchkit import Index
from searchkit.web import make_server

HERE = Path(__file__).resolve().parent
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        with Index(Path(folder) / "index") as ix:
            ix.add([HERE.parent / "seeds"])
        server = make_server(str(Path(folder) / "index"), port=0, quiet=True)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
                page = browser.new_page(viewport={"width": 1200, "height": 1000})
                page.goto(server.url + "?q=Iran+talks")
                page.locator("#hits > li").first.wait_for()
                page.locator("#timeline svg").wait_for()
                page.screenshot(path=str(HERE / "serve.png"))
                browser.close()
        finally:
            server.shutdown()
            server.server_close()


if __name__ == "__main__":
    main()
