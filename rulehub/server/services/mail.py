"""Sending the hub's mail (password reset, email verification, invitations) over SMTP.

One path for every message: `send(settings, to, subject, text)`.  With no RULEHUB_SMTP_HOST
the message is logged instead (a development hub), never silently dropped.
"""

from __future__ import annotations

import logging
import smtplib
from email.message import EmailMessage

from rulehub.server.settings import Settings

log = logging.getLogger("rulehub.mail")


def send(settings: Settings, to: str, subject: str, text: str) -> None:
    message = EmailMessage()
    message["From"] = settings.mail_from
    message["To"] = to
    message["Subject"] = subject
    message.set_content(text)
    if not settings.smtp_host:
        log.warning("RULEHUB_SMTP_HOST is not set; mail to %s not sent: %s", to, subject)
        return
    with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=30) as smtp:
        smtp.send_message(message)
