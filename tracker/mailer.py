"""Delivering one email: building the MIME message, and the two backends (.eml files in a folder, the
embedded default; SMTP). A failure says whether trying again later can help."""
from __future__ import annotations

import smtplib
import ssl
from dataclasses import dataclass
from email import policy
from email.message import EmailMessage
from email.utils import formatdate
from pathlib import Path
from typing import Protocol

from .models import OutboxMessage


# Python's header folding drops the space between two encoded words ("chế: 1" arrives as "chế:1");
# lines up to RFC 5322's 998 characters keep a Vietnamese subject in one piece.
_POLICY = policy.default.clone(max_line_length=998)


class DeliveryError(Exception):
    """The message was not delivered. `permanent` (a 5xx reply) means retrying will not help."""

    def __init__(self, reply: str, *, permanent: bool):
        self.reply, self.permanent = reply, permanent
        super().__init__(reply)


def build_email(message: OutboxMessage, *, sender: str, domain: str = "plan-tracker.local") -> EmailMessage:
    """The MIME message: UTF-8 plain text with an HTML alternative, and a Message-ID stable per outbox row."""
    email = EmailMessage(policy=_POLICY)
    email["From"] = sender
    email["To"] = ", ".join(message.recipients)
    if message.cc:
        email["Cc"] = ", ".join(message.cc)
    email["Subject"] = message.subject
    email["Date"] = formatdate(localtime=False)
    # The same row always carries the same Message-ID, so a receiving system can tell a resend.
    email["Message-ID"] = f"<outbox-{message.id}-{message.reference_on:%Y%m%d}@{domain}>"
    email.set_content(message.body_text)
    email.add_alternative(message.body_html, subtype="html")
    return email


class Backend(Protocol):
    def send(self, email: EmailMessage) -> str: ...


@dataclass
class FileBackend:
    """Writes each message as an .eml file (open it with any mail program)."""

    folder: Path

    def send(self, email: EmailMessage) -> str:
        self.folder.mkdir(parents=True, exist_ok=True)
        name = email["Message-ID"].strip("<>").split("@")[0] + ".eml"
        (self.folder / name).write_bytes(email.as_bytes())
        return f"written to {self.folder / name}"


@dataclass
class SmtpBackend:
    """Sends through an SMTP server; connection errors and 4xx replies are worth retrying, 5xx are final."""

    host: str
    port: int
    security: str = "none"  # none, starttls, tls
    username: str = ""
    password: str = ""
    timeout: float = 15.0

    def send(self, email: EmailMessage) -> str:
        try:
            if self.security == "tls":
                client: smtplib.SMTP = smtplib.SMTP_SSL(self.host, self.port, timeout=self.timeout,
                                                        context=ssl.create_default_context())
            else:
                client = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
            with client:
                if self.security == "starttls":
                    client.starttls(context=ssl.create_default_context())
                if self.username:
                    client.login(self.username, self.password)
                refused = client.send_message(email)
        except smtplib.SMTPResponseException as exc:
            reply = f"{exc.smtp_code} {exc.smtp_error.decode(errors='replace') if isinstance(exc.smtp_error, bytes) else exc.smtp_error}"
            raise DeliveryError(reply, permanent=500 <= exc.smtp_code < 600) from exc
        except smtplib.SMTPRecipientsRefused as exc:
            codes = [code for code, _ in exc.recipients.values()]
            reply = "; ".join(f"{who}: {code} {text!r}" for who, (code, text) in exc.recipients.items())
            raise DeliveryError(reply, permanent=all(500 <= c < 600 for c in codes)) from exc
        except (OSError, smtplib.SMTPException) as exc:
            raise DeliveryError(f"{type(exc).__name__}: {exc}", permanent=False) from exc
        if refused:
            return "accepted, but refused for: " + ", ".join(refused)
        return "250 accepted"


def backend_from_config(config: dict) -> Backend:
    """The backend the configuration names (MAIL_BACKEND)."""
    if config["MAIL_BACKEND"] == "smtp":
        return SmtpBackend(config["SMTP_HOST"], config["SMTP_PORT"], config["SMTP_SECURITY"],
                           config["SMTP_USERNAME"], config["SMTP_PASSWORD"], config["SMTP_TIMEOUT"])
    return FileBackend(Path(config["OUTBOX_DIR"]))

