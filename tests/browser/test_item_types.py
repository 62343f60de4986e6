"""A paper of every item type, sat in a real browser with the keyboard, at laptop and phone width, and with
JavaScript off."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.test_sitting import assert_accessible, start_exam
from tests.web.test_item_types import ITEM_TYPES_BANK

pytestmark = pytest.mark.browser
TOTAL = 5


def heading(page: Page, position: int):
    return page.get_by_role("heading", name=f"Question {position} of {TOTAL}")


def saved_by(page: Page, action) -> None:
    with page.expect_response(lambda r: r.url.endswith("/answer") and r.status == 200):
        action()


def tab_to(page: Page, element_id: str) -> None:
    for _ in range(20):
        if page.evaluate("document.activeElement && document.activeElement.id") == element_id:
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached #{element_id}")


def answer_with_keyboard(page: Page) -> str:
    """Answers the question on screen with keys only; returns its kind."""
    selects = page.locator('select[name="choice"]')
    if selects.count():
        for index in range(selects.count()):
            selects.nth(index).focus()
            saved_by(page, lambda index=index: page.keyboard.press("ArrowDown" if index == 0 else "End"))
        return "paired"
    if page.locator('input[type="checkbox"][name="choice"]').count():
        saved_by(page, lambda: page.keyboard.press("1"))
        expect(page.locator("#progress")).to_contain_text("1 of them incomplete")  # it asks for two
        saved_by(page, lambda: page.keyboard.press("2"))
        expect(page.locator("#progress")).not_to_contain_text("incomplete")
        return "multiple"
    saved_by(page, lambda: page.keyboard.press("1"))
    return "single"


def test_a_paper_of_every_type_is_sat_with_the_keyboard_through_a_reload_to_its_review(page: Page, server_factory):
    server = server_factory(mockexam_bank_dir=ITEM_TYPES_BANK)
    errors = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    attempt = start_exam(page, server, "TST-02")
    kinds, chosen = [], {}
    for position in range(1, TOTAL + 1):
        expect(heading(page, position)).to_be_visible()
        kinds.append(answer_with_keyboard(page))
        if kinds[-1] == "paired":
            assert_accessible(page)
            expect(page.locator(".case-study")).to_contain_text("A shop sells 400 products")
            chosen[position] = page.locator('select[name="choice"]').evaluate_all("all => all.map(s => s.value)")
        if position == 3:  # the candidate reloads midway: every answer so far is still there
            page.reload()
            expect(heading(page, 3)).to_be_visible()
            if 3 in chosen:
                values = page.locator('select[name="choice"]').evaluate_all("all => all.map(s => s.value)")
                assert values == chosen[3]
        if position < TOTAL:
            tab_to(page, "btn-next")  # shortcuts do not act while a list has focus: its keys choose entries
            page.keyboard.press("Enter")
    assert sorted(kinds) == ["multiple", "paired", "paired", "single", "single"]
    paired = sorted(chosen)
    assert paired[1] == paired[0] + 1, "the case study's questions sit together"

    page.goto(f"{server.url}/attempts/{attempt}/questions/{paired[0]}")
    expect(page.locator("#choice-count")).to_contain_text(re.compile(r"of \d (steps placed|prompts matched)"))
    page.get_by_role("button", name="End exam").click()
    page.get_by_role("button", name=re.compile("End exam")).last.click()
    expect(page.get_by_role("heading", name=re.compile("Estimated scaled score"))).to_be_visible()
    for domain in ("D1", "D2"):
        page.goto(f"{server.url}/attempts/{attempt}/domains/{domain}")
        expect(page.locator("table.pairs.reviewed").first).to_be_visible()
        expect(page.get_by_role("columnheader", name="Correct answer").first).to_be_visible()
    assert not errors, errors


def test_a_paired_question_fits_a_phone_and_works_without_javascript(browser, server_factory):
    server = server_factory(mockexam_bank_dir=ITEM_TYPES_BANK)
    context = browser.new_context(viewport={"width": 390, "height": 844}, java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto(server.url + "/")
        page.get_by_role("link", name="Start TST-02 exam").click()
        page.get_by_role("button", name="Start the exam").click()
        for position in range(1, TOTAL + 1):
            expect(heading(page, position)).to_be_visible()
            assert page.evaluate("document.documentElement.scrollWidth") <= 390, f"question {position} overflows"
            selects = page.locator('select[name="choice"]')
            if selects.count() and position < TOTAL:
                here = page.url
                value = selects.first.locator("option").nth(1).get_attribute("value")
                selects.first.select_option(value)
                page.get_by_role("button", name="Next", exact=True).click()  # a plain form post saves it
                expect(heading(page, position + 1)).to_be_visible()
                page.goto(here)
                expect(page.locator('select[name="choice"]').first).to_have_value(value)
                break
            page.get_by_role("button", name="Next", exact=True).click()
        else:
            raise AssertionError("no paired question before the last one")
    finally:
        context.close()


@pytest.mark.parametrize("exam", ["MLA-C02", "MLA-C01"])
def test_a_whole_mla_paper_from_the_shipped_bank_is_sat_and_reviewed(page: Page, shipped_server, exam):
    errors = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    attempt = start_exam(page, shipped_server, exam)
    kinds = []
    for position in range(1, 66):
        expect(page.get_by_role("heading", name=f"Question {position} of 65")).to_be_visible()
        # As a person would, choose only once htmx has wired up the question it swapped in.
        expect(page.locator(".htmx-settling, .htmx-swapping, .htmx-added")).to_have_count(0)
        selects = page.locator('select[name="choice"]')
        if selects.count():
            kinds.append("paired")
            saved_by(page, lambda selects=selects: selects.first.select_option(index=1))
        elif page.locator('input[type="checkbox"][name="choice"]').count():
            kinds.append("multiple")
            saved_by(page, lambda: page.keyboard.press("1"))
        else:
            kinds.append("single")
            saved_by(page, lambda: page.keyboard.press("2"))
        if position < 65:
            page.get_by_role("button", name="Next", exact=True).click()
    assert "paired" in kinds and "multiple" in kinds, "a paper of the MLA bank holds the newer item types"
    page.goto(f"{shipped_server.url}/attempts/{attempt}/end")
    page.get_by_role("button", name="End exam").click()
    expect(page.get_by_role("heading", name=re.compile("Estimated scaled score"))).to_be_visible()
    for domain in ("D1", "D2", "D3", "D4"):
        page.goto(f"{shipped_server.url}/attempts/{attempt}/domains/{domain}")
        expect(page.locator("article.answer").first).to_be_visible()
    assert not errors, errors
