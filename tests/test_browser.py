"""A real-browser walk through the app (Debian's Chromium driven by pytest-playwright).

Starts ``streamlit run app.py`` on a free local port, uploads the PwC call-centre export, confirms
the mapping, opens the dashboard, applies a sidebar filter, switches pages through the sidebar
links (a direct URL would open a new session and lose the import) and saves a full-page
screenshot under tests/artifacts/. Every wait is on expected content.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"
PWC = SHARED_DATA / "pwc_call_center" / "Call-Center-Dataset.csv"
CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = ROOT / "tests" / "artifacts"
TIMEOUT_MS = 60_000

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists(),
        reason="/usr/bin/chromium is absent (.ci/run installs it with apt-get install chromium)",
    ),
]
needs_pwc = pytest.mark.skipif(not PWC.exists(), reason=f"shared data absent: {PWC}")


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Debian's Chromium (Playwright cannot download its own browser here)."""
    return {
        **browser_type_launch_args,
        "executable_path": str(CHROMIUM),
        "headless": True,
        "args": ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
    }


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def app_url():
    port = _free_port()
    cmd = [
        sys.executable, "-m", "streamlit", "run", "app.py",
        "--server.headless", "true",
        "--server.port", str(port),
        "--server.address", "127.0.0.1",
        "--browser.gatherUsageStats", "false",
    ]  # fmt: skip
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    ARTIFACTS.mkdir(exist_ok=True)
    log = (ARTIFACTS / "streamlit.log").open("w")
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, env=env)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            if proc.poll() is not None:
                pytest.fail(f"streamlit exited with code {proc.returncode}; see {log.name}")
            try:
                with urllib.request.urlopen(url + "/_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail("streamlit did not answer on /_stcore/health within 90 s")
            time.sleep(0.5)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)
        log.close()


LOCAL = ("http://127.0.0.1:", "ws://127.0.0.1:", "data:", "blob:", "about:")


@pytest.fixture(autouse=True)
def nothing_leaves_the_machine(page):
    """Every request the page makes goes to the local server (no font, icon or script from an
    outside host): recorded for the whole test, asserted at its end."""
    outside: list[str] = []
    page.on("request", lambda r: None if r.url.startswith(LOCAL) else outside.append(r.url))
    yield
    assert not outside, f"requests left the machine: {sorted(set(outside))[:10]}"


def _nav(page, label: str):
    page.get_by_test_id("stSidebar").get_by_role("link", name=label, exact=True).click()


def _full_page_screenshot(page, path: Path) -> None:
    """Streamlit scrolls inside its main container, so grow the viewport to the content first."""
    height = page.evaluate(
        "() => Math.max(...[...document.querySelectorAll('[data-testid=stMain], "
        "[data-testid=stAppViewContainer], section')].map(e => e.scrollHeight), 1000)"
    )
    page.set_viewport_size({"width": 1400, "height": min(int(height) + 100, 12_000)})
    page.wait_for_timeout(800)  # let the charts re-layout to the new size
    page.screenshot(path=str(path), full_page=True)


def _metric_value(page, label: str):
    card = page.get_by_test_id("stMetric").filter(has_text=label).first
    return card.get_by_test_id("stMetricValue")


@needs_pwc
def test_upload_map_dashboard_filter_and_pages(page, app_url):
    try:
        _walk(page, app_url)
    except Exception:
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "failure.png"), full_page=True)
        raise


def _walk(page, app_url):
    from playwright.sync_api import expect

    page.set_default_timeout(TIMEOUT_MS)
    page.set_viewport_size({"width": 1400, "height": 1000})
    page.goto(app_url)
    expect(page.get_by_text("Pilote — indicateurs de la relation client")).to_be_visible()
    expect(page.get_by_text("Données d'exemple", exact=False).first).to_be_visible()

    # Import: upload, see the detected format and the report, confirm the mapping
    _nav(page, "Import")
    expect(page.get_by_role("heading", name="Import des exports")).to_be_visible()
    page.locator("input[type=file]").first.set_input_files(str(PWC))
    expect(page.get_by_text("Format détecté", exact=False)).to_be_visible()
    expect(page.get_by_text("Rapport de validation")).to_be_visible()
    expect(_metric_value(page, "Lignes retenues")).to_have_text("5\u202f000")
    page.get_by_role("button", name="Utiliser ces données").click()
    expect(page.get_by_text("Données chargées", exact=False)).to_be_visible()
    expect(page.get_by_text("Call-Center-Dataset.csv").first).to_be_visible()

    # Dashboard on the imported data
    _nav(page, "Tableau de bord")
    expect(page.get_by_role("heading", name="Tableau de bord")).to_be_visible()
    answer = _metric_value(page, "Taux de décroché")
    expect(answer).to_be_visible()
    before = answer.inner_text()

    # A sidebar filter changes the numbers
    motif = (
        page.get_by_test_id("stSidebar").get_by_test_id("stMultiSelect").filter(has_text="Motif")
    )
    motif.locator("input").click()
    page.keyboard.type("Technical Support")
    page.keyboard.press("Enter")
    page.keyboard.press("Escape")
    expect(answer).not_to_have_text(before)
    after = answer.inner_text()
    assert after != before

    # Other pages through the sidebar links: the import and the filter are kept
    _nav(page, "Explorer")
    expect(page.get_by_role("heading", name="Explorer un indicateur")).to_be_visible()
    _nav(page, "Glossaire")
    expect(page.get_by_role("heading", name="Glossaire des indicateurs")).to_be_visible()
    _nav(page, "Tableau de bord")
    expect(_metric_value(page, "Taux de décroché")).to_have_text(after)
    expect(page.get_by_test_id("stSidebar").get_by_text("Technical Support")).to_be_visible()

    ARTIFACTS.mkdir(exist_ok=True)
    shot = ARTIFACTS / "dashboard_filtered.png"
    _full_page_screenshot(page, shot)
    assert shot.stat().st_size > 10_000


def test_every_cross_analysis_renders_without_exception(page, app_url):
    """Page 8 on the sample data: each option of the analysis selector, clicked in turn, draws
    its own analysis (its title, then the run ends) and no Streamlit exception block."""
    try:
        _cross_analyses(page, app_url)
    except Exception:
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "failure_cross.png"), full_page=True)
        raise


def _cross_analyses(page, app_url):
    from playwright.sync_api import expect

    from kpis.views import REGISTRY

    page.set_default_timeout(TIMEOUT_MS)
    page.set_viewport_size({"width": 1400, "height": 1000})
    page.goto(app_url)
    expect(page.get_by_text("Pilote — indicateurs de la relation client")).to_be_visible()
    _nav(page, "Analyses croisées")
    expect(page.get_by_role("heading", name="Analyses croisées", exact=True)).to_be_visible()
    radio = page.get_by_test_id("stRadio").filter(has_text="Analyse")
    views = [v for k, v in REGISTRY.items() if k.startswith("cross.")]
    assert len(views) == 10
    errors = page.get_by_test_id("stException")
    for view in views:
        option = view.id.split(".", 1)[1]
        radio.get_by_text(view.title_fr, exact=True).click()
        expect(page.get_by_role("heading", name=view.full_title(None, "fr"))).to_be_visible()
        # the analysis' data table comes after its chart: it is there, or the run stopped
        table = page.locator(f".st-key-cross_data_{option}")
        table.or_(errors).first.wait_for(state="attached")
        assert errors.count() == 0, (view.id, errors.first.inner_text())
        expect(table).to_have_count(1)
