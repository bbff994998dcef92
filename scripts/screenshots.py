"""Screenshot pages as a given user, to look at what people see.

Usage: .venv/bin/python scripts/screenshots.py BASE_URL USERNAME PATH [PATH ...]
Writes var/screenshots/<username><path>.png. Needs a running server (make run).
"""

import os
import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

ARGS = [
    "--no-sandbox",
    "--headless",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def main(base, username, *paths):
    out = Path(__file__).resolve().parent.parent / "var" / "screenshots"
    out.mkdir(parents=True, exist_ok=True)
    password = os.environ.get("DEMO_PASSWORD", "Cizhou-demo-2026")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        page = browser.new_page(viewport={"width": 1360, "height": 860}, locale="zh-CN")
        page.goto(f"{base}/login/")
        page.fill("#id_username", username)
        page.fill("#id_password", password)
        page.click("button[type=submit].w-100")
        page.wait_for_load_state()
        for path in paths:
            page.goto(f"{base}{path}")
            name = out / f"{username}{path.replace('/', '_').rstrip('_') or '_home'}.png"
            page.screenshot(path=str(name), full_page=True)
            print(name)
        browser.close()


if __name__ == "__main__":
    main(*sys.argv[1:])
