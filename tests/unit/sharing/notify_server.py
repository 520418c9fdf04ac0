"""A GOV.UK Notify API on loopback, as far as the outbox uses it: it checks each request's JWT
with Notify's own rules (HS256, the service id as issuer, issued within 30 seconds), keeps the
e-mail it accepts, answers a search by reference, and can be down or fail the next requests."""

from __future__ import annotations

import json
import threading
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from notifications_python_client.authentication import decode_jwt_token, get_token_issuer
from notifications_python_client.errors import TokenError

from tests.unit.sharing.smtp import free_port

SERVICE_ID = "7f3c5a2e-1b4d-4c6e-9a8b-0d1e2f3a4b5c"
SECRET = "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d"
API_KEY = f"joinedup_test-{SERVICE_ID}-{SECRET}"
TEMPLATE_ID = "5e6f7a8b-9c0d-4e1f-8a2b-3c4d5e6f7a8b"


class NotifyServer:
    def __init__(self) -> None:
        self.port = free_port()
        self.accepted: list[dict[str, Any]] = []
        self.fail_next = 0  # answer 500 to this many requests
        self._server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *_: Any) -> None:  # quiet
                return

            def do_GET(self) -> None:
                if not self._allowed():
                    return
                parts = urlsplit(self.path)
                if parts.path != "/v2/notifications":
                    self._answer(404, {"status_code": 404, "errors": [{"error": "NotFound"}]})
                    return
                wanted = parse_qs(parts.query).get("reference", [None])[0]
                found = [n for n in owner.accepted if n["reference"] == wanted]
                self._answer(200, {"notifications": found, "links": {"current": self.path}})

            def do_POST(self) -> None:
                if not self._allowed():
                    return
                if self.path != "/v2/notifications/email":
                    self._answer(404, {"status_code": 404, "errors": [{"error": "NotFound"}]})
                    return
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                if body.get("template_id") != TEMPLATE_ID or "@" not in body.get(
                    "email_address", ""
                ):
                    wrong = {"error": "BadRequestError", "message": "template or address"}
                    self._answer(400, {"status_code": 400, "errors": [wrong]})
                    return
                made = {"id": str(uuid.uuid4()), "reference": body.get("reference"),
                        "email_address": body["email_address"],
                        "personalisation": body.get("personalisation", {}),
                        "type": "email", "status": "created"}  # fmt: skip
                owner.accepted.append(made)
                self._answer(201, {"id": made["id"], "reference": made["reference"],
                                   "content": {}, "template": {"id": TEMPLATE_ID}})  # fmt: skip

            def _allowed(self) -> bool:
                if owner.fail_next:
                    owner.fail_next -= 1
                    self._answer(500, {"status_code": 500, "errors": [{"error": "Exception"}]})
                    return False
                token = self.headers.get("Authorization", "").removeprefix("Bearer ")
                try:
                    if get_token_issuer(token) != SERVICE_ID:
                        raise TokenError("Invalid token: issuer")
                    decode_jwt_token(token, SECRET)
                except TokenError:
                    self._answer(403, {"status_code": 403, "errors": [
                        {"error": "AuthError", "message": "Invalid token"}]})  # fmt: skip
                    return False
                return True

            def _answer(self, status: int, payload: dict[str, Any]) -> None:
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
