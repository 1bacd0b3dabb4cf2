"""A real SMTP server on loopback (aiosmtpd) that keeps every message the hub sends."""

from __future__ import annotations

import email
import email.policy
import re
import threading
import time
from email.message import EmailMessage
from typing import Self

from aiosmtpd.controller import Controller


class _Keep:
    def __init__(self, box: Mailbox) -> None:
        self.box = box

    async def handle_DATA(self, server, session, envelope) -> str:  # type: ignore[no-untyped-def]
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self.box.lock:
            for rcpt in envelope.rcpt_tos:
                self.box.messages.append((rcpt.lower(), message))  # type: ignore[arg-type]
        return "250 OK"


class Mailbox:
    def __init__(self, port: int) -> None:
        self.port = port
        self.messages: list[tuple[str, EmailMessage]] = []
        self.lock = threading.Lock()
        self.controller = Controller(_Keep(self), hostname="127.0.0.1", port=port)

    def __enter__(self) -> Self:
        self.controller.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.controller.stop()

    def to(self, address: str) -> list[EmailMessage]:
        with self.lock:
            return [m for rcpt, m in self.messages if rcpt == address.lower()]

    def wait_for(self, address: str, subject: str, timeout: float = 30) -> EmailMessage:
        """The latest message to `address` whose subject contains `subject`."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = [m for m in self.to(address) if subject in str(m["Subject"])]
            if found:
                return found[-1]
            time.sleep(0.05)
        raise AssertionError(f"no mail to {address} with {subject!r}; got {[str(m['Subject']) for m in self.to(address)]}")

    @staticmethod
    def link(message: EmailMessage) -> str:
        """The one http(s) link in the message's text."""
        body = message.get_body(preferencelist=("plain",))
        assert body is not None
        links = re.findall(r"https?://\S+", body.get_content())
        assert len(links) == 1, links
        return str(links[0])

    def settings(self) -> dict[str, str]:
        return {"RULEHUB_SMTP_HOST": "127.0.0.1", "RULEHUB_SMTP_PORT": str(self.port)}
