"""Credentials: email addresses checked by email-validator, new passwords judged by zxcvbn, passwords
hashed with Argon2id by argon2-cffi. Each is the maintained library for its job; this module is the only
place that knows them, for the web and the command line alike."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from email_validator import EmailNotValidError, validate_email
from zxcvbn import zxcvbn

from app.domain.accounts import AccountError

MIN_PASSWORD = 10
MAX_PASSWORD = 1024
STRONG_ENOUGH = 3  # zxcvbn's "safely unguessable": out of reach of an offline attack on a slow hash
JUDGED_CHARACTERS = 72  # the most zxcvbn judges (its time grows with the length); a longer password by its start

_hasher = PasswordHasher()
# Verifying against this when no account matches keeps a wrong email as slow as a wrong password.
_DUMMY_HASH = _hasher.hash("no account has this password")


def normalize_email(raw: str) -> str:
    """The address in the form accounts are kept under (lowercase), or AccountError saying what is wrong.
    Deliverability is not checked: that needs the network, and sign-up must work without it."""
    typed = raw.strip()
    try:
        checked = validate_email(typed, check_deliverability=False)
    except EmailNotValidError as error:
        shown = typed if typed.isprintable() and len(typed) <= 100 else "That"
        raise AccountError(f"{shown!r} is not an email address: {error}") from None
    return checked.normalized.lower()


def check_new_password(password: str, confirmation: str, *, email: str = "") -> None:
    """Refuse a new password that differs from its confirmation, has an unreasonable length, or is easy to
    guess (a common password, a keyboard walk, a repeat, the email address), saying why."""
    if password != confirmation:
        raise AccountError("The two passwords differ; type the same password in both fields.")
    if len(password) < MIN_PASSWORD:
        raise AccountError(f"Choose a password of at least {MIN_PASSWORD} characters.")
    if len(password) > MAX_PASSWORD:
        raise AccountError(f"Choose a password of at most {MAX_PASSWORD} characters.")
    judged = zxcvbn(password[:JUDGED_CHARACTERS], user_inputs=[email, *email.split("@")] if email else [])
    if judged["score"] < STRONG_ENOUGH:
        feedback = judged["feedback"]
        why = feedback["warning"] or "It would be guessed quickly."
        hint = " ".join(feedback["suggestions"]) or "A few uncommon words together make a strong password."
        raise AccountError(f"Choose a harder password. {why} {hint}")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher.check_needs_rehash(password_hash)
