"""Credentials: email addresses and new passwords are checked by maintained libraries, passwords hashed
with Argon2id."""

import pytest

from app.domain.accounts import AccountError
from app.services.credentials import check_new_password, hash_password, normalize_email, verify_password


def test_emails_are_trimmed_and_lowercased():
    assert normalize_email("  Ada@Example.COM ") == "ada@example.com"


@pytest.mark.parametrize(
    "raw",
    [
        "ada",
        "ada@",
        "@example.com",
        "ada@example",
        "a b@example.com",
        "",
        "ada\x00@example.com",
        "ada@exa mple.com",
        "ada..lovelace@example.com",
    ],
)
def test_malformed_emails_are_refused_by_name(raw):
    with pytest.raises(AccountError, match="is not an email address"):
        normalize_email(raw)


@pytest.mark.parametrize(
    "password, confirmation, words",
    [
        ("long enough pw", "long enough pX", "differ"),
        ("short", "short", "at least 10"),
        ("x" * 1025, "x" * 1025, "at most 1024"),
    ],
)
def test_new_passwords_must_match_and_have_a_sane_length(password, confirmation, words):
    with pytest.raises(AccountError, match=words):
        check_new_password(password, confirmation)


def test_a_nul_byte_in_an_address_is_refused_without_echoing_it():
    with pytest.raises(AccountError) as error:
        normalize_email("ada\x00@example.com")
    assert "\x00" not in str(error.value) and "is not an email address" in str(error.value)


@pytest.mark.parametrize("weak", ["aaaaaaaaaa", "password12", "1234567890", " " * 10, "qwertyuiop", "ada@example.com1"])
def test_easily_guessed_passwords_are_refused_saying_why(weak):
    with pytest.raises(AccountError, match="Choose a harder password") as error:
        check_new_password(weak, weak, email="ada@example.com")
    assert len(str(error.value)) > len("Choose a harder password. ")


@pytest.mark.parametrize("strong", ["a long passphrase", "correct horse battery staple", "x7#Kp!2vQz9@"])
def test_passwords_hard_to_guess_are_accepted(strong):
    check_new_password(strong, strong, email="ada@example.com")


def test_a_password_longer_than_zxcvbn_judges_is_judged_by_its_start():
    check_new_password("a long passphrase " * 50, "a long passphrase " * 50)


def test_argon2_hashes_verify_only_the_right_password():
    stored = hash_password("correct horse battery")
    assert stored.startswith("$argon2id$")
    assert verify_password(stored, "correct horse battery")
    assert not verify_password(stored, "wrong horse battery")
    assert not verify_password(None, "anything at all")
    assert not verify_password("not a hash", "anything at all")
