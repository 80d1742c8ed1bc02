"""Accessibility: axe-core in Debian's headless chromium against every public page; zero serious or critical
violations (the others are printed).

Needs /usr/bin/chromium and /usr/bin/chromedriver (``apt-get install chromium chromium-driver``). Without them the
tests skip, unless PLEK_REQUIRE_BROWSER=1 (CI), where they fail. No browser is ever downloaded.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import warnings
from pathlib import Path

import pytest

from .test_i18n import PUBLIC_PAGES, localise
from .test_isolation import all_cases, build_world

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
BLOCKING = {"serious", "critical"}

pytestmark = [pytest.mark.browser]


class AccessibilityNotice(UserWarning):
    """A moderate or minor axe finding: reported in pytest's warnings summary, does not fail the test."""


def axe_source() -> str:
    import axe_selenium_python

    path = Path(axe_selenium_python.__file__).parent / "node_modules" / "axe-core" / "axe.min.js"
    return path.read_text(encoding="utf-8")


def _unavailable(reason: str):
    if os.environ.get("PLEK_REQUIRE_BROWSER") == "1":
        pytest.fail(f"PLEK_REQUIRE_BROWSER=1 but {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def browser():
    """One headless chromium for the whole session (per xdist worker)."""
    missing = [p for p in (CHROMIUM, CHROMEDRIVER) if not os.path.exists(p)]
    if missing:
        _unavailable(f"{' and '.join(missing)} not installed (apt-get install chromium chromium-driver)")
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ImportError:  # pragma: no cover
        _unavailable("selenium is not installed")

    profile = tempfile.mkdtemp(prefix="plek-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for arg in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-extensions",
        "--no-first-run",
        "--window-size=1280,1000",
        f"--user-data-dir={profile}",
    ):
        options.add_argument(arg)
    driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(30)
    driver.set_script_timeout(60)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


@pytest.fixture(scope="session")
def axe_js():
    return axe_source()


def run_axe(driver, axe_js: str) -> list[dict]:
    driver.execute_script(axe_js)
    result = driver.execute_async_script(
        """
        const done = arguments[arguments.length - 1];
        axe.run(document, {resultTypes: ["violations"]})
          .then(r => done(r.violations))
          .catch(e => done([{id: "axe-error", impact: "critical", help: String(e), nodes: []}]));
        """
    )
    return result or []


def check_page(driver, axe_js: str, url: str) -> None:
    driver.get(url)
    assert driver.execute_script("return document.readyState") == "complete"
    violations = run_axe(driver, axe_js)
    blocking = [v for v in violations if v.get("impact") in BLOCKING]
    for v in violations:
        if v.get("impact") not in BLOCKING:
            note = f"axe ({v.get('impact')}) {url}: {v['id']}: {v.get('help')} ({len(v.get('nodes', []))} nodes)"
            print(note)
            warnings.warn(AccessibilityNotice(note), stacklevel=2)
    details = [
        f"{v['id']} ({v['impact']}): {v.get('help')} at "
        + ", ".join(
            " ".join(n.get("target", [])) if isinstance(n.get("target"), list) else str(n.get("target"))
            for n in v.get("nodes", [])[:5]
        )
        for v in blocking
    ]
    assert blocking == [], f"{url}: serious or critical accessibility violations:\n  " + "\n  ".join(details)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(("name", "index"), PUBLIC_PAGES, ids=[f"{n}[{i}]" for n, i in PUBLIC_PAGES])
def test_public_page_has_no_serious_accessibility_violations(name, index, browser, axe_js, live_server):
    case = all_cases()[name][index]
    world = build_world()
    if case.is_api(world):
        pytest.skip("an API route")

    check_page(browser, axe_js, live_server.url + localise(case.path(world), "en"))


def signed_in_pages(prefixes: tuple[str, ...] = ("bookings:", "allocation:")) -> list[tuple[str, int]]:
    """(route name, case index) of the UI GET pages of these apps that need signing in and that the space's
    coordinator opens with 200 (the public ones are checked above). Fragments that a page loads into itself are
    checked as part of that page."""
    fragments = {"allocation:progress"}
    out = []
    for name, cases in sorted(all_cases().items()):
        if not name.startswith(prefixes) or name in fragments:
            continue
        for i, case in enumerate(cases):
            if (
                case.method.lower() == "get"
                and case.expect.get("anonymous") != 200
                and case.expect["coordinator"] == 200
            ):
                out.append((name, i))
    return out


SIGNED_IN_PAGES = signed_in_pages()


def sign_in(driver, base_url: str, person) -> None:
    """Give the browser a session of ``person`` (made by the test client; no password typed)."""
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(person)
    driver.get(base_url + "/en/accounts/login/")  # the cookie's site must be open first
    driver.delete_all_cookies()
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    driver.add_cookie({"name": settings.SESSION_COOKIE_NAME, "value": cookie, "path": "/"})


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(("name", "index"), SIGNED_IN_PAGES, ids=[f"{n}[{i}]" for n, i in SIGNED_IN_PAGES])
def test_signed_in_page_has_no_serious_accessibility_violations(name, index, browser, axe_js, live_server):
    case = all_cases()[name][index]
    world = build_world()
    sign_in(browser, live_server.url, world.coordinator)
    try:
        check_page(browser, axe_js, live_server.url + localise(case.path(world), "en"))
    finally:
        browser.delete_all_cookies()


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("path", ["/en/accounts/login/", "/en/accounts/password/reset/"])
def test_account_page_has_no_serious_accessibility_violations(path, browser, axe_js, live_server):
    browser.delete_all_cookies()

    check_page(browser, axe_js, live_server.url + path)


def test_axe_finds_a_serious_violation(browser, axe_js):
    browser.get("data:text/html,<!DOCTYPE html><html lang=en><title>t</title><main><input type=text></main></html>")

    ids = {v["id"]: v["impact"] for v in run_axe(browser, axe_js)}

    assert ids.get("label") == "critical"


def test_axe_is_taken_from_the_installed_package_not_the_repository():
    root = Path(__file__).resolve().parent.parent
    skip = {".venv", ".git", "staticfiles", "media", "node_modules"}

    copies = [p for d in root.iterdir() if d.is_dir() and d.name not in skip for p in d.rglob("axe.min.js")]

    assert "axe" in axe_source()[:2000]
    assert copies == []
