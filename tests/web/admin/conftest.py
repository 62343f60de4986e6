"""The administrators' pages change the bank, so each test here gets a database of its own."""

import pytest


@pytest.fixture
def database_url(fresh_database_url):
    return fresh_database_url
