"""The relay over STARTTLS with AUTH, against aiosmtpd on loopback with a throwaway certificate."""

from __future__ import annotations

import shutil
import ssl
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from sqlalchemy import Engine

from joinedup.sharing import outbox
from joinedup.sharing.outbox import SmtpMailer
from joinedup.testing import FrozenClock
from tests.unit.sharing.smtp import Receiver, free_port
from tests.unit.sharing.test_outbox import FROM, write

USER, PASSWORD = "relay", "synthetic-secret"


def _authenticate(_server: Any, _session: Any, _envelope: Any, _mechanism: str,
                  data: Any) -> AuthResult:  # fmt: skip
    ok = isinstance(data, LoginPassword) and (data.login, data.password) == (
        USER.encode(), PASSWORD.encode())  # fmt: skip
    return AuthResult(success=ok)


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    if shutil.which("openssl") is None:
        pytest.skip("openssl is needed to make a throwaway certificate")
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
         "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True, timeout=30,
    )  # fmt: skip
    return cert, key


@pytest.fixture
def tls_server(certificate: tuple[Path, Path]) -> Iterator[tuple[int, Receiver, Path]]:
    cert, key = certificate
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    receiver, port = Receiver(), free_port()
    controller = Controller(receiver, hostname="127.0.0.1", port=port, tls_context=context,
                            require_starttls=True, authenticator=_authenticate,
                            auth_require_tls=True, ready_timeout=5)  # fmt: skip
    controller.start()
    yield port, receiver, cert
    controller.stop()


def mailer(port: int, cert: Path, **changes: Any) -> SmtpMailer:
    fields: dict[str, Any] = {"starttls": True, "ca_file": str(cert), "username": USER,
                              "password": PASSWORD}  # fmt: skip
    fields.update(changes)
    return SmtpMailer("127.0.0.1", port, 1, **fields)  # a refused login waits out the timeout


def test_starttls_with_auth_delivers(
    clean_engine: Engine, clock: FrozenClock, tls_server: tuple[int, Receiver, Path]
) -> None:
    port, receiver, cert = tls_server
    write(clean_engine, clock)
    report = outbox.relay_once(engine=clean_engine, mailer=mailer(port, cert), clock=clock,
                               mail_from=FROM)  # fmt: skip
    assert report.sent == 1 and len(receiver.messages) == 1


@pytest.mark.parametrize("changes", [{"starttls": False}, {"password": "wrong"}, {"ca_file": None}])
def test_no_tls_a_wrong_password_or_an_untrusted_certificate_is_not_delivered(
    clean_engine: Engine,
    clock: FrozenClock,
    tls_server: tuple[int, Receiver, Path],
    changes: dict[str, Any],
) -> None:
    port, receiver, cert = tls_server
    write(clean_engine, clock)
    report = outbox.relay_once(engine=clean_engine, mailer=mailer(port, cert, **changes),
                               clock=clock, mail_from=FROM)  # fmt: skip
    assert report.retrying == 1 and receiver.raw == []
