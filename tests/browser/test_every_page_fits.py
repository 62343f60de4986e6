"""At phone width (390 px) no page scrolls sideways: every page a candidate or an administrator opens, with
data on it, is measured in a real browser."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.browser.test_sitting import answer_with_key, assert_accessible, start_exam
from tests.conftest import TEST_BANK

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}


def make_admin(server, email: str, password: str) -> None:
    env = {**os.environ, "MOCKEXAM_DATA_DIR": str(server.data_dir), "MOCKEXAM_ADMIN_PASSWORD": password}
    env.pop("DATABASE_URL", None)
    mockexam = Path(sys.executable).parent / "mockexam"
    subprocess.run([str(mockexam), "admin", "create", email], env=env, check=True, capture_output=True)


def overflow(page: Page) -> int:
    return page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")


def test_pages_in_dark_mode_keep_their_contrast(browser, server_factory):
    """The system's dark setting gives a dark palette; axe checks contrast and the rest in it."""
    server = server_factory(mockexam_bank_dir=TEST_BANK)
    context = browser.new_context(color_scheme="dark", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    page = context.new_page()
    try:
        page.goto(server.url + "/")
        assert page.evaluate("getComputedStyle(document.body).backgroundColor") == "rgb(18, 22, 27)"
        assert_accessible(page)
        attempt = start_exam(page, server, "TST-01")
        answer_with_key(page, "1")
        page.get_by_role("button", name="Flag for review").click()
        expect(page.get_by_role("button", name="Flag for review")).to_have_attribute("aria-pressed", "true")
        assert_accessible(page)
        for path in (f"/attempts/{attempt}/review", "/exams/TST-01/start"):
            page.goto(server.url + path)
            assert_accessible(page)
        page.goto(f"{server.url}/attempts/{attempt}/end")
        page.get_by_role("button", name="End exam").click()
        expect(page.get_by_role("heading", name=re.compile("Score report"))).to_be_visible()
        assert_accessible(page)
        for path in (
            f"/attempts/{attempt}/answers?filter=incorrect",
            "/practice?exam=TST-01",
            "/study?exam=TST-01",
            "/study/sheets/TST-01/D1",
            "/dashboard?exam=TST-01",
        ):
            page.goto(server.url + path)
            assert_accessible(page)
        page.goto(server.url + "/study/cards?exam=TST-01")
        page.keyboard.press("Space")
        assert_accessible(page)
    finally:
        context.close()


def test_no_page_scrolls_sideways_at_phone_width(browser, server_factory):
    server = server_factory(mockexam_bank_dir=TEST_BANK)
    make_admin(server, "root@example.com", "a long admin passphrase")
    context = browser.new_context(viewport=PHONE)
    context.set_default_timeout(15_000)
    page = context.new_page()
    try:
        page.goto(server.url + "/signin")
        page.get_by_label("Email").fill("root@example.com")
        page.get_by_label("Password").fill("a long admin passphrase")
        page.get_by_role("button", name="Sign in").click()
        expect(page.get_by_role("link", name="root@example.com")).to_be_visible()

        wide: dict[str, int] = {}

        def measure(path: str | None = None) -> None:
            if path is not None:
                page.goto(server.url + path)
            page.wait_for_load_state("networkidle")
            excess = overflow(page)
            if excess > 0:
                wide[page.url.removeprefix(server.url)] = excess

        attempt = start_exam(page, server, "TST-01")
        answer_with_key(page, "1")
        page.get_by_role("button", name="Flag for review").click()
        measure()
        for path in ("/", "/exams/TST-01/start", f"/attempts/{attempt}/review", f"/attempts/{attempt}/end"):
            measure(path)
        page.goto(f"{server.url}/attempts/{attempt}/end")
        page.get_by_role("button", name="End exam").click()
        expect(page.get_by_role("heading", name=re.compile("Score report"))).to_be_visible()
        for path in (
            f"/attempts/{attempt}/report",
            f"/attempts/{attempt}/domains/D1",
            f"/attempts/{attempt}/answers?filter=incorrect",
            "/practice?exam=TST-01",
            "/practice/missed?exam=TST-01",
            "/study?exam=TST-01",
            "/study/cards?exam=TST-01",
            "/study/sheets/TST-01/D1",
            "/dashboard?exam=TST-01",
            "/account",
            "/admin/questions?exam=TST-01",
            "/admin/questions/TST-01/d1-1-1-q1",
            "/admin/coverage",
            "/admin/statistics?exam=TST-01",
            "/admin/import",
            "/admin/reports",
            "/admin/tokens",
            "/admin/password-resets",
            "/signup",
            "/password/forgot",
        ):
            measure(path)
        page.goto(server.url + "/admin/import")  # with an upload checked: its report, and the uploads table
        page.set_input_files("#files", str(Path(__file__).parents[1] / "data" / "imports" / "sheet.csv"))
        page.get_by_role("button", name="Check the files").click()
        expect(page.get_by_role("heading", name=re.compile("Check"))).to_be_visible()
        measure()
        measure("/admin/import")
        assert wide == {}, f"pages wider than {PHONE['width']} px, by how many pixels: {wide}"
    finally:
        context.close()


def test_times_show_in_the_readers_time_zone(browser, server_factory):
    server = server_factory(mockexam_bank_dir=TEST_BANK)
    context = browser.new_context(timezone_id="Asia/Tokyo", locale="en-US")
    context.set_default_timeout(15_000)
    page = context.new_page()
    try:
        start_exam(page, server, "TST-01")
        answer_with_key(page, "1")
        expect(page.locator("#save-status time")).to_have_text(re.compile(r"^\d\d:\d\d:\d\d GMT\+9$"))
        page.goto(server.url + "/")
        started = page.locator("#resume-heading + ul time")
        expect(started).to_have_text(re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d GMT\+9$"))
        utc = started.get_attribute("datetime")
        shown = started.inner_text()
        assert int(shown[11:13]) == (int(utc[11:13]) + 9) % 24
    finally:
        context.close()


def test_the_report_and_the_answers_print_without_the_controls(page: Page, server_factory):
    server = server_factory(mockexam_bank_dir=TEST_BANK)
    attempt = start_exam(page, server, "TST-01")
    page.goto(f"{server.url}/attempts/{attempt}/end")
    page.get_by_role("button", name="End exam").click()
    expect(page.locator("#report-date time")).to_be_visible()
    page.emulate_media(media="print", color_scheme="dark")
    expect(page.locator(".site-header")).to_be_hidden()
    assert page.evaluate("getComputedStyle(document.body).backgroundColor") == "rgb(255, 255, 255)"
    page.goto(f"{server.url}/attempts/{attempt}/answers")
    expect(page.locator("article.answer")).to_have_count(8)
    expect(page.locator(".report-problem").first).to_be_hidden()
    expect(page.locator(".filters")).to_be_hidden()
