"""Sending the hub's mail (password reset, email verification, invitations) over SMTP.

One path for every message: `send(settings, to, subject, text)`.  With no RULEHUB_SMTP_HOST
the message is logged instead (a development hub), never silently dropped.  A server that
refuses or cannot be reached raises MailNotSent (a 502 with a sentence, never a trace);
`send_later` sends after the response (a background task) and logs a failure: used where the
answer must not depend on whether mail was sent (password reset: no timing oracle).
"""

from __future__ import annotations

import logging
import smtplib
from email.message import EmailMessage

from starlette.background import BackgroundTask
from starlette.responses import Response

from rulehub.server.errors import ApiError
from rulehub.server.settings import Settings

log = logging.getLogger("rulehub.mail")


class MailNotSent(ApiError):
    status = 502
    code = "mail_not_sent"


def send(settings: Settings, to: str, subject: str, text: str) -> None:
    message = EmailMessage()
    message["From"] = settings.mail_from
    message["To"] = to
    message["Subject"] = subject
    message.set_content(text)
    if not settings.smtp_host:
        log.warning("RULEHUB_SMTP_HOST is not set; mail to %s not sent: %s", to, subject)
        return
    try:
        with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=30) as smtp:
            smtp.send_message(message)
    except (OSError, smtplib.SMTPException) as exc:
        log.error("mail to %s not sent (%s: %s)", to, type(exc).__name__, exc)
        raise MailNotSent("The mail could not be sent; try again in a few minutes.") from exc


def _send_logged(settings: Settings, to: str, subject: str, text: str) -> None:
    try:
        send(settings, to, subject, text)
    except MailNotSent:
        pass  # logged by send


def send_later(response: Response, settings: Settings, to: str, subject: str, text: str) -> Response:
    """Send once `response` has gone out (failures are logged)."""
    response.background = BackgroundTask(_send_logged, settings, to, subject, text)
    return response
