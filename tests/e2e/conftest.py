"""Browser tests: Playwright driving Debian's Chromium against pytest-django's live server."""

import os
import shutil
import time

import pytest
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect, sync_playwright

# Playwright's sync API runs an event loop in this thread; the ORM calls the tests make are safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

PASSWORD = "Un-mot-de-passe-solide-1"
expect.set_options(timeout=15_000)
CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"


def pytest_collection_modifyitems(items):
    for item in items:
        if "/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def browser():
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(
        base_url=live_server.url, locale="fr-FR", viewport={"width": 1280, "height": 900}
    )
    context.set_default_timeout(20_000)  # CI machines are shared and slow at times
    page = context.new_page()
    yield page
    context.close()


def totp_code(secret: str, offset: int = 0) -> str:
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30 + offset))


def fresh_totp_code(secret: str) -> str:
    """The code a person would type now. A code is valid for its 30-second window only (no
    tolerance): near the window's end, wait for the next one, or a slow machine submits a code that
    has just expired (« Code incorrect », seen once in CI)."""
    left = 30 - time.time() % 30
    if left < 6:
        time.sleep(left + 0.2)
    return totp_code(secret)


def login(page, user, password=PASSWORD):
    """Log in with password then the authenticator code, as a person would."""
    page.goto("/comptes/login/")
    page.get_by_label("Courriel").fill(user.email)
    page.get_by_label("Mot de passe").fill(password)
    page.get_by_role("button", name="Se connecter").click()
    secret = getattr(user, "totp_secret_for_tests", None)
    if secret:
        page.get_by_label("Code").fill(fresh_totp_code(secret))
        page.get_by_role("button", name="Valider").click()


AXE = Axe()


def assert_accessible(page):
    """No serious or critical axe violation on the current page.

    A click on a link returns before the next page has loaded: wait for it, and run axe again if the
    page was swapped while it ran (on a loaded machine that happens)."""
    page.wait_for_load_state("load")
    try:
        results = AXE.run(page)
    except PlaywrightError:
        page.wait_for_load_state("load")
        results = AXE.run(page)
    bad = [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert bad == [], f"{page.url}: {bad}"
