"""Account emails, sent through the SMTP server the settings name, with the standard library's smtplib."""

from __future__ import annotations

import smtplib
import ssl
from email.message import EmailMessage

from app.config import Settings


class MailNotSent(Exception):
    """The SMTP server could not be reached or refused the message."""


def send(settings: Settings, *, to: str, subject: str, body: str) -> None:
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = settings.mail_from, to, subject
    message.set_content(body)
    try:
        with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=15) as smtp:
            if settings.smtp_starttls:
                smtp.starttls(context=ssl.create_default_context())
            if settings.smtp_username:
                smtp.login(settings.smtp_username, settings.smtp_password)
            smtp.send_message(message)
    except (OSError, smtplib.SMTPException) as error:
        raise MailNotSent(f"{type(error).__name__}: {error}") from error
