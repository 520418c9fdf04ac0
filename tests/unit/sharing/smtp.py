"""A real SMTP server on loopback (aiosmtpd) that keeps what it receives, and can be stopped,
started again on the same port, or told to refuse the next messages with a 451."""

from __future__ import annotations

import email
import socket
from email.message import Message
from typing import Any

from aiosmtpd.controller import Controller


class Receiver:
    def __init__(self) -> None:
        self.raw: list[bytes] = []
        self.refuse = 0

    async def handle_DATA(self, _server: Any, _session: Any, envelope: Any) -> str:
        if self.refuse:
            self.refuse -= 1
            return "451 4.3.0 Try again later"
        self.raw.append(bytes(envelope.content))
        return "250 OK"

    @property
    def messages(self) -> list[Message]:
        return [email.message_from_bytes(r) for r in self.raw]

    def unique(self) -> list[Message]:
        """What a receiver that drops a repeated Message-ID keeps."""
        seen: dict[str, Message] = {}
        for m in self.messages:
            seen.setdefault(str(m["Message-ID"]), m)
        return list(seen.values())


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


class SmtpServer:
    def __init__(self) -> None:
        self.port = free_port()
        self.receiver = Receiver()
        self._controller: Controller | None = None

    def start(self) -> None:
        self._controller = Controller(
            self.receiver, hostname="127.0.0.1", port=self.port, ready_timeout=5
        )
        self._controller.start()

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None
