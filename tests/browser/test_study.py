"""A candidate drills flashcards with the keyboard, sees a flagged exam question bring its cards back, and opens
the cheat sheet from the review of that question; at phone width nothing scrolls sideways."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.test_sitting import assert_accessible, start_exam
from tests.conftest import TEST_BANK

pytestmark = pytest.mark.browser


def turn_and_grade(page: Page, front: str, key: str) -> None:
    expect(page.locator("#card-front")).to_contain_text(front)
    expect(page.locator(".answer-text")).to_be_hidden()
    page.keyboard.press("Space")
    expect(page.locator(".answer-text")).to_be_visible()
    with page.expect_navigation():
        page.keyboard.press(key)


def assert_no_sideways_scroll(page: Page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"], page.url


def test_drill_cards_by_keyboard_then_a_flagged_question_brings_them_back_and_its_review_opens_the_sheet(
    page: Page, server_factory
):
    server = server_factory(mockexam_bank_dir=TEST_BANK)
    page.goto(server.url + "/")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Study").click()
    expect(page.get_by_role("heading", name="Study: TST-01")).to_be_visible()
    expect(page.locator("#due-today strong")).to_have_text("0")
    assert_accessible(page)

    page.get_by_role("link", name="Drill flashcards").click()
    expect(page.locator("#drill-progress")).to_contain_text("4 to go: 0 due, 4 new")
    assert_accessible(page)
    turn_and_grade(page, "What is the first concept?", "4")
    assert_accessible(page)
    turn_and_grade(page, "What is the second concept?", "4")
    turn_and_grade(page, "What is the fourth concept?", "4")
    turn_and_grade(page, "What is the third concept?", "4")
    expect(page.locator("#drill-done")).to_contain_text("You graded 4 cards in this drill")

    # Every card now waits days; flagging an exam question brings the cards on its concept forward.
    start_exam(page, server, exam="TST-01")
    page.get_by_role("button", name="Flag for review").click()
    expect(page.get_by_role("button", name="Flag for review")).to_have_attribute("aria-pressed", "true")
    page.get_by_role("button", name="End exam").click()
    page.get_by_role("button", name="End exam").click()
    page.get_by_role("link", name=re.compile(r"Review incorrect answers")).click()
    expect(page.get_by_text("Study this concept")).to_have_count(8)
    page.locator("#q1").get_by_role("link", name="First choice vs second choice").click()
    expect(page.get_by_role("heading", name="TST-01 cheat sheet: First domain")).to_be_visible()
    assert page.url.endswith("/study/sheets/TST-01/D1#first-comparison")
    expect(page.locator("#first-comparison table")).to_be_visible()
    assert_accessible(page)

    page.goto(server.url + "/study?exam=TST-01")
    expect(page.locator("#due-today strong")).to_have_text("2")
    page.get_by_role("link", name="Drill flashcards").click()
    expect(page.locator("#drill-progress")).to_contain_text("2 to go: 2 due, 0 new")

    page.set_viewport_size({"width": 390, "height": 844})
    for path in ("/study?exam=TST-01", "/study/cards?exam=TST-01", "/study/sheets/TST-01/D1"):
        page.goto(server.url + path)
        assert_no_sideways_scroll(page)


def test_without_script_a_card_turns_with_its_button_and_grades_with_buttons(browser, server_factory):
    server = server_factory(mockexam_bank_dir=TEST_BANK)
    context = browser.new_context(java_script_enabled=False, viewport={"width": 390, "height": 844})
    try:
        page = context.new_page()
        page.goto(server.url + "/study/cards?exam=TST-01")
        page.get_by_text("Show answer").click()
        expect(page.locator(".answer-text")).to_be_visible()
        page.get_by_role("button", name=re.compile("^Good")).click()
        expect(page.locator("#card-front")).to_contain_text("What is the second concept?")
        assert_no_sideways_scroll(page)
    finally:
        context.close()
