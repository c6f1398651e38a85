"""Send one plain-text e-mail over SMTP (smtplib: blocking, run it off the event loop)."""

from __future__ import annotations

import smtplib
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from bot.service.settings import Settings


def send_email(settings: Settings, to: str, subject: str, body: str) -> None:
    message = EmailMessage()
    message["From"] = settings.smtp_from
    message["To"] = to
    message["Subject"] = subject
    # Mail servers score messages without these as spam.
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain="mentorwijzer.local")
    message.set_content(body)  # UTF-8 text/plain
    with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=settings.notify_timeout_seconds) as smtp:
        if settings.smtp_starttls:
            smtp.starttls()
        if settings.smtp_username and settings.smtp_password:
            smtp.login(settings.smtp_username, settings.smtp_password.get_secret_value())
        smtp.send_message(message)
