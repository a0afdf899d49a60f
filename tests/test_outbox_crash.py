"""What the outbox promises across a crash: a dispatcher killed in the middle of an SMTP exchange leaves its
message "sending"; 30 minutes later it is queued again and sent, so the mail server may get it twice, and
both copies carry the same Message-ID (at least once across a crash, never twice otherwise)."""

from __future__ import annotations

import asyncio
import email
import multiprocessing
import threading
from datetime import timedelta
from email.policy import default as default_policy

import pytest
from sqlalchemy import select

from tracker.extensions import db
from tracker.models import OutboxMessage
from tracker.outbox import STALE_CLAIM

from .test_reminder_emails import _free_port, sweep_json


class _AcceptsThenHangs:
    """A mail server that keeps what it receives; while `hang` is set it never answers the end of DATA,
    as a server would while the sender's process dies."""

    def __init__(self):
        self.messages: list[bytes] = []
        self.received = threading.Event()
        self.hang = True

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(envelope.content)
        self.received.set()
        while self.hang:
            await asyncio.sleep(0.1)
        return "250 OK"


def _dispatch_in_a_process(database_url: str, port: int, only_id: int) -> None:
    """A dispatcher in its own process (as the scheduler runs it), sending one message by SMTP."""
    from tracker import create_app
    from tracker.clock import utcnow
    from tracker.mailer import backend_from_config
    from tracker.outbox import dispatch

    app = create_app(
        {
            "DATABASE_URL": database_url,
            "SECRET_KEY": "test",
            "MAIL_BACKEND": "smtp",
            "SMTP_HOST": "127.0.0.1",
            "SMTP_PORT": port,
            "SMTP_TIMEOUT": 600,
        }
    )
    with app.app_context():
        dispatch(backend_from_config(app.config), now=utcnow(), sender=app.config["MAIL_FROM"], only_ids=[only_id])


@pytest.mark.committed  # a second process reads the queued message and writes its claim
def test_a_dispatcher_killed_mid_send_gives_one_duplicate_with_the_same_message_id(seeded, runner):
    from aiosmtpd.controller import Controller

    sweep_json(runner, "2023-09-05")
    with seeded.app_context():
        message_id = db.session.scalars(select(OutboxMessage.id).order_by(OutboxMessage.id)).first()
    port = _free_port()
    handler = _AcceptsThenHangs()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        process = multiprocessing.get_context("spawn").Process(
            target=_dispatch_in_a_process, args=(seeded.config["DATABASE_URL"], port, message_id)
        )
        process.start()
        assert handler.received.wait(timeout=120), "the dispatcher never sent the message"
        process.kill()  # dies before the server's "250 OK" reaches it
        process.join(timeout=30)
        handler.hang = False
        with seeded.app_context():
            row = db.session.get(OutboxMessage, message_id)
            assert row.status == "sending" and row.attempts == 1
            claimed_at = row.claimed_at

        # Before STALE_CLAIM has passed, nobody sends it again …
        seeded.config.update(MAIL_BACKEND="smtp", SMTP_HOST="127.0.0.1", SMTP_PORT=port, SMTP_TIMEOUT=5)
        from tracker.mailer import backend_from_config
        from tracker.outbox import dispatch

        with seeded.app_context():
            early = dispatch(
                backend_from_config(seeded.config),
                now=claimed_at + STALE_CLAIM - timedelta(minutes=1),
                sender=seeded.config["MAIL_FROM"],
                only_ids=[message_id],
            )
            db.session.commit()
            assert early.sent == []
            # … after it, the message goes back to the queue and is sent once more.
            late = dispatch(
                backend_from_config(seeded.config),
                now=claimed_at + STALE_CLAIM + timedelta(minutes=1),
                sender=seeded.config["MAIL_FROM"],
                only_ids=[message_id],
            )
            db.session.commit()
            assert late.sent == [message_id]
            row = db.session.get(OutboxMessage, message_id)
            assert row.status == "sent" and row.attempts == 2
    finally:
        controller.stop()
    copies = [email.message_from_bytes(raw, policy=default_policy) for raw in handler.messages]
    assert len(copies) == 2
    assert copies[0]["Message-ID"] == copies[1]["Message-ID"]
    assert copies[0]["Message-ID"].startswith(f"<outbox-{message_id}-")
