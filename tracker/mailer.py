"""Delivering one email: building the MIME message, and the two backends (.eml files in a folder, the
embedded default; SMTP). A failure says whether trying again later can help."""

from __future__ import annotations

import logging
import smtplib
import ssl
from dataclasses import dataclass
from email import policy
from email.message import EmailMessage
from email.utils import formatdate
from pathlib import Path
from typing import Protocol

from .models import OutboxMessage

log = logging.getLogger(__name__)

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
        # The email log shows this reply: the file's name, not the server's folders.
        return f"Đã ghi tệp {name} vào thư mục thư."


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
                client: smtplib.SMTP = smtplib.SMTP_SSL(
                    self.host, self.port, timeout=self.timeout, context=ssl.create_default_context()
                )
            else:
                client = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
            with client:
                if self.security == "starttls":
                    client.starttls(context=ssl.create_default_context())
                if self.username:
                    client.login(self.username, self.password)
                refused = client.send_message(email)
        except smtplib.SMTPResponseException as exc:
            text = exc.smtp_error.decode(errors="replace") if isinstance(exc.smtp_error, bytes) else exc.smtp_error
            reply = f"Máy chủ thư từ chối, mã {exc.smtp_code} ({text})"
            raise DeliveryError(reply, permanent=500 <= exc.smtp_code < 600) from exc
        except smtplib.SMTPRecipientsRefused as exc:
            codes = [code for code, _ in exc.recipients.values()]
            reply = "Máy chủ thư từ chối người nhận: " + "; ".join(
                f"{who} (mã {code})" for who, (code, _text) in exc.recipients.items()
            )
            raise DeliveryError(reply, permanent=all(500 <= c < 600 for c in codes)) from exc
        except (OSError, smtplib.SMTPException) as exc:
            log.warning("SMTP server %s:%s not reached: %s: %s", self.host, self.port, type(exc).__name__, exc)
            raise DeliveryError(
                f"Không kết nối được máy chủ thư {self.host}:{self.port}; sẽ thử lại.", permanent=False
            ) from exc
        if refused:
            return "Máy chủ thư đã nhận, nhưng từ chối các địa chỉ: " + ", ".join(refused)
        return "Máy chủ thư đã nhận thư (mã 250)."


def backend_from_config(config: dict) -> Backend:
    """The backend the configuration names (MAIL_BACKEND)."""
    if config["MAIL_BACKEND"] == "smtp":
        return SmtpBackend(
            config["SMTP_HOST"],
            config["SMTP_PORT"],
            config["SMTP_SECURITY"],
            config["SMTP_USERNAME"],
            config["SMTP_PASSWORD"],
            config["SMTP_TIMEOUT"],
        )
    return FileBackend(Path(config["OUTBOX_DIR"]))
