"""A new candidate signs up, drills a domain with feedback, and finds it on the dashboard."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.test_sitting import assert_accessible
from tests.conftest import TEST_BANK

pytestmark = pytest.mark.browser


def test_sign_up_take_a_short_drill_and_see_it_on_the_dashboard(page: Page, server_factory):
    server = server_factory(mockexam_bank_dir=TEST_BANK)
    page.goto(server.url + "/")
    page.get_by_role("link", name="Create account").click()
    page.get_by_label("Email").fill("grace@example.com")
    page.locator("#password").fill("a long passphrase")
    page.locator("#confirmation").fill("a long passphrase")
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_role("link", name="grace@example.com")).to_be_visible()

    page.get_by_role("link", name=re.compile("Practice by domain")).click()
    assert_accessible(page)
    page.locator("input[name=domain][value=D2]").check()
    page.locator("#drill-count").fill("2")
    page.get_by_role("button", name="Start drill").click()
    expect(page.get_by_role("heading", name="Question 1 of 2")).to_be_visible()
    expect(page.get_by_role("timer")).to_have_count(0)

    page.locator("label[for=choice-A]").click()
    page.get_by_role("button", name="Check answer").click()
    expect(page.locator("#feedback")).to_contain_text("The answer is")
    expect(page.locator("#choice-A")).to_be_disabled()
    assert_accessible(page)
    page.get_by_role("button", name="Next", exact=True).click()
    expect(page.get_by_role("heading", name="Question 2 of 2")).to_be_visible()
    page.get_by_role("button", name="End practice").click()
    page.get_by_role("button", name="End practice").click()
    expect(page.get_by_role("heading", name=re.compile(r"of 2 correct"))).to_be_visible()

    page.goto(server.url + "/dashboard")
    expect(page.get_by_role("heading", name="All attempts")).to_be_visible()
    expect(page.locator("td", has_text="drill")).to_have_count(1)
    assert_accessible(page)
