"""GOV.UK Notify as the outbox's e-mail channel (optional; SMTP is the default).

The relay hands each due message to a `Mailer`; `NotifyMailer` sends it through one Notify
e-mail template whose personalisation carries the subject and the body (a template with
`((subject))` as its subject and `((body))` as its message), with a digest of the outbox row's
dedup key as Notify's `reference`. Notify does not refuse a second message with the same
reference, so before sending the mailer asks Notify for notifications with that reference: one
already accepted (the relay died between sending and marking it sent) is not sent again. The
key is the guard, as the Message-ID is for SMTP.

Failures are `OSError`s, so the relay retries them with back-off: Notify unreachable, a 5xx or a
429 (rate limit); a 4xx (a bad address, a wrong template or key) is `NotifyRefused` and keeps
its status code, which the relay records (never Notify's message text, which may quote the
address).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from email.message import EmailMessage
from typing import Any

from notifications_python_client.errors import APIError
from notifications_python_client.notifications import NotificationsAPIClient

NOTIFY_API = "https://api.notifications.service.gov.uk"


def reference_of(key: str) -> str:
    """Notify's reference for an outbox row: a digest of its key (the key names the recipient's
    address, which need not sit in Notify's reports); empty without a key."""
    return "ju-" + hashlib.sha256(key.encode()).hexdigest()[:40] if key else ""


class NotifyUnavailable(OSError):
    """Notify could not be reached, or answered 5xx or 429: try again later."""

    def __init__(self, status: int) -> None:
        super().__init__(f"GOV.UK Notify unavailable ({status})")
        self.status = status


class NotifyRefused(OSError):
    """Notify refused the message (4xx): a bad address, template or key."""

    def __init__(self, status: int) -> None:
        super().__init__(f"GOV.UK Notify refused the message ({status})")
        self.status = status


@dataclass(frozen=True)
class NotifyMailer:
    api_key: str = field(repr=False)
    template_id: str
    key_header: str
    base_url: str = NOTIFY_API
    timeout: float = 10.0

    def send(self, message: EmailMessage) -> None:
        key = reference_of(str(message[self.key_header] or ""))
        # The Notify client has no type hints: its three calls here are checked by the tests.
        client = NotificationsAPIClient(  # type: ignore[no-untyped-call]
            self.api_key, base_url=self.base_url, timeout=self.timeout
        )
        if key and self._already_accepted(client, key):
            return
        body = message.get_content() if not message.is_multipart() else ""
        self._call(lambda: client.send_email_notification(  # type: ignore[no-untyped-call]
            email_address=str(message["To"]), template_id=self.template_id,
            personalisation={"subject": str(message["Subject"]), "body": body},
            reference=key or None,
        ))  # fmt: skip

    def _already_accepted(self, client: NotificationsAPIClient, key: str) -> bool:
        found = self._call(
            lambda: client.get_all_notifications(reference=key)  # type: ignore[no-untyped-call]
        )
        return bool(isinstance(found, dict) and found.get("notifications"))

    @staticmethod
    def _call(request: Any) -> Any:
        try:
            return request()
        except APIError as error:  # no answer at all is reported as a 503 by the client
            status = int(error.status_code)
            if status >= 500 or status == 429:
                raise NotifyUnavailable(status) from None
            raise NotifyRefused(status) from None
