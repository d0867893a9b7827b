"""The HTML cost report in a real headless Chromium: it renders its charts, gauges and unpriced
list, fetches nothing, and logs no console errors.

Needs Debian's `chromium` and `chromium-driver` (CI: `apt-get install -y chromium chromium-driver`);
without them the test is skipped and says so. The WebDriver protocol is spoken directly over HTTP
to chromedriver on the loopback interface.
"""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from enginetools import PROGRAMS, cli

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")
pytestmark = pytest.mark.skipif(
    CHROMIUM is None or CHROMEDRIVER is None,
    reason="headless Chromium not installed: apt-get install -y chromium chromium-driver",
)


class Browser:
    def __init__(self, port: int) -> None:
        self.base = f"http://127.0.0.1:{port}"
        self.session = ""

    def call(self, method: str, path: str, body: Any = None) -> Any:
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(
            self.base + path, method=method, data=data, headers={"Content-Type": "application/json"}
        )
        with urllib.request.urlopen(request, timeout=60) as response:
            return json.loads(response.read())["value"]

    def run(self, script: str) -> Any:
        return self.call("POST", f"/session/{self.session}/execute/sync", {"script": script, "args": []})


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    assert CHROMEDRIVER is not None
    driver = subprocess.Popen([CHROMEDRIVER, f"--port={port}"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        client = Browser(port)
        deadline = time.monotonic() + 30
        while True:
            try:
                client.call("GET", "/status")
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
        options = {"binary": CHROMIUM, "args": ["--headless=new", "--no-sandbox", "--disable-gpu"]}
        capabilities = {"browserName": "chrome", "goog:chromeOptions": options, "goog:loggingPrefs": {"browser": "ALL"}}
        client.session = client.call("POST", "/session", {"capabilities": {"alwaysMatch": capabilities}})["sessionId"]
        yield client
        client.call("DELETE", f"/session/{client.session}")
    finally:
        driver.terminate()
        driver.wait(timeout=30)


@pytest.mark.parametrize(
    ("program", "usage"),
    [
        (PROGRAMS / "cost_small", PROGRAMS / "cost_small" / "usage.yaml"),
        (PROGRAMS.parent.parent / "examples" / "violations", None),
    ],
)
def test_html_report_renders_offline_without_console_errors(
    browser: Browser, tmp_path: Path, program: Path, usage: Path | None
) -> None:
    out = tmp_path / "cost.html"
    args = ["cost", str(program), "--format", "html", "--output", str(out)]
    if usage is not None:
        args += ["--usage", str(usage)]
    done = cli(*args)
    assert done.returncode == 0, done.stderr
    browser.call("POST", f"/session/{browser.session}/url", {"url": out.as_uri()})
    assert browser.run("return document.readyState") == "complete"
    assert browser.run("return document.querySelector('h1').textContent").startswith("Cost estimate:")
    charts = browser.run("return Array.from(document.querySelectorAll('svg title')).map(t => t.textContent)")
    assert "monthly cost by service" in charts and "monthly cost by category" in charts
    bars = browser.run(
        "return Array.from(document.querySelectorAll('svg rect')).filter(r => r.getBBox().width > 0).length"
    )
    assert bars >= 2
    headings = browser.run("return Array.from(document.querySelectorAll('h2')).map(h => h.textContent)")
    assert any(h.startswith("Unpriced") for h in headings)
    # one self-contained file: nothing fetched, no scripts
    assert browser.run("return performance.getEntriesByType('resource').length") == 0
    assert browser.run("return document.scripts.length") == 0
    logs = browser.call("POST", f"/session/{browser.session}/se/log", {"type": "browser"})
    assert [entry for entry in logs if entry.get("level") in ("SEVERE", "WARNING")] == []


def test_budget_gauges_for_contracted_services(browser: Browser, tmp_path: Path) -> None:
    out = tmp_path / "ref.html"
    done = cli(
        "cost", str(PROGRAMS.parent.parent / "examples" / "reference-service"), "--format", "html", "--output", str(out)
    )
    assert done.returncode == 0, done.stderr
    browser.call("POST", f"/session/{browser.session}/url", {"url": out.as_uri()})
    gauges = browser.run("return Array.from(document.querySelectorAll('svg title')).map(t => t.textContent)")
    assert "budget of case-decision-service" in gauges
