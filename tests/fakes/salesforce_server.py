"""A local HTTP server speaking the part of the Salesforce REST API the hand-off uses, for the real simple-salesforce.

- `POST /services/oauth2/token`: OAuth client credentials or username-password; a new access token each time.
- `PATCH /services/data/vXX.X/sobjects/Case/<external field>/<value>`: upsert, 201 `{"id", "success", "errors",
  "created": true}` when it creates the Case, 200 with `"created": false` when it updates it (API v46+).
- `GET .../sobjects/Case/<Id>` and `GET .../sobjects/Case/<external field>/<value>`: the record.
- `GET .../query/?q=SELECT ... FROM Case`: every Case, `page_size` records a page with `nextRecordsUrl` to the rest.
- Faults, switched by the test: `fault = "unavailable"` (503), `"limit"` (403 REQUEST_LIMIT_EXCEEDED);
  `expire_tokens()` makes every issued token answer 401 INVALID_SESSION_ID. The error bodies are Salesforce's
  (a JSON list of `{"message", "errorCode"}`), which simple-salesforce's exception handler reads.

simple-salesforce always builds https:// URLs: `plain_http_session()` gives it a requests session that sends them to
this http server instead; or `tls_folder` serves https with a self-signed certificate for 127.0.0.1 (`ca_file`), for
processes the test cannot hand a session to (a Serve replica), which then set `salesforce.ca_bundle` to it.
"""

from __future__ import annotations

import datetime
import ipaddress
import json
import re
import ssl
import threading
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Literal
from urllib.parse import parse_qs, urlsplit

import requests
from requests.adapters import HTTPAdapter

Fault = Literal["unavailable", "limit"] | None
_DATA = re.compile(r"^/services/data/v(?P<version>\d+\.\d)/(?P<rest>.*)$")


class _PlainHttp(HTTPAdapter):
    def send(self, request: requests.PreparedRequest, *args: Any, **kwargs: Any) -> requests.Response:
        assert request.url is not None
        request.url = "http://" + request.url.removeprefix("https://")
        return super().send(request, *args, **kwargs)


def plain_http_session() -> requests.Session:
    """A session that sends simple-salesforce's https:// calls as http:// (to the local server)."""
    session = requests.Session()
    session.trust_env = False  # this machine sets REQUESTS_CA_BUNDLE and maybe proxies: not for loopback
    session.mount("https://", _PlainHttp())
    return session


def self_signed_certificate(folder: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 and its key, written to `folder` (the certificate is its own CA)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    # Valid from 2000 to 2100, whatever the clock: tests run with the process clock shifted a year ahead
    # (make test-clock-ahead) while OpenSSL checks the certificate against the real one.
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC))
        .not_valid_after(datetime.datetime(2100, 1, 1, tzinfo=datetime.UTC))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), False
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), True)
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file = folder / "salesforce-cert.pem", folder / "salesforce-key.pem"
    cert_file.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    return cert_file, key_file


class SalesforceServer:
    """Cases in memory, behind a real HTTP listener on 127.0.0.1; thread-safe."""

    def __init__(
        self,
        client_id: str = "csagent-app",
        client_secret: str = "s3cret",
        page_size: int = 2,
        tls_folder: Path | None = None,
    ) -> None:
        self.client_id = client_id
        self.client_secret = client_secret
        self.page_size = page_size
        self.fault: Fault = None
        self.cases: dict[str, dict[str, Any]] = {}
        self.upserts = 0
        self.logins = 0
        self.calls: list[tuple[str, str, int]] = []
        self._tokens: set[str] = set()
        self._cursors: dict[str, list[dict[str, Any]]] = {}
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.ca_file: Path | None = None
        if tls_folder is not None:
            self.ca_file, key_file = self_signed_certificate(tls_folder)
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(self.ca_file, key_file)
            self._server.socket = context.wrap_socket(self._server.socket, server_side=True)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        scheme = "https" if self.ca_file else "http"
        return f"{scheme}://127.0.0.1:{self._server.server_address[1]}"

    def __enter__(self) -> SalesforceServer:
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join()

    def expire_tokens(self) -> None:
        with self._lock:
            self._tokens.clear()

    def cases_for(self, field: str, value: str) -> list[dict[str, Any]]:
        with self._lock:
            return [case for case in self.cases.values() if case.get(field) == value]

    # -- request handling (runs on the server's threads) ------------------------------------------------------

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *_args: Any) -> None:  # quiet: pytest shows failures, not access logs
                return

            def _answer(self, status: int, body: Any = None) -> None:
                # Recorded before the answer goes out: a test reads `calls` as soon as its client has the answer.
                server.calls.append((self.command, self.path, status))
                payload = b"" if body is None else json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def _body(self) -> bytes:
                return self.rfile.read(int(self.headers.get("Content-Length") or 0))

            def do_POST(self) -> None:
                if self.path != "/services/oauth2/token":
                    self._answer(404, [{"message": "Not found", "errorCode": "NOT_FOUND"}])
                    return
                self._answer(*server._token(parse_qs(self._body().decode())))

            def do_GET(self) -> None:
                self._answer(*server._data("GET", self.path, self.headers.get("Authorization"), b""))

            def do_PATCH(self) -> None:
                self._answer(
                    *server._data("PATCH", self.path, self.headers.get("Authorization"), self._body())
                )

        return Handler

    def _token(self, form: dict[str, list[str]]) -> tuple[int, Any]:
        grant = form.get("grant_type", [""])[0]
        if grant not in ("client_credentials", "password") or form.get("client_id") != [self.client_id]:
            return 400, {"error": "invalid_client_id", "error_description": "client identifier invalid"}
        if form.get("client_secret") != [self.client_secret]:
            return 400, {"error": "invalid_client", "error_description": "invalid client credentials"}
        token = f"00D000000000001!{uuid.uuid4().hex}"
        with self._lock:
            self._tokens.add(token)
            self.logins += 1
        return 200, {
            "access_token": token,
            "instance_url": self.url,
            "id": f"{self.url}/id/00D000000000001/005000000000001",
            "token_type": "Bearer",
            "issued_at": "1733600000000",
            "signature": "local",
        }

    def _data(self, method: str, path: str, authorization: str | None, body: bytes) -> tuple[int, Any]:
        match = _DATA.match(urlsplit(path).path)
        if match is None:
            return 404, [{"message": "The requested resource does not exist", "errorCode": "NOT_FOUND"}]
        if authorization is None or authorization.removeprefix("Bearer ") not in self._tokens:
            return 401, [{"message": "Session expired or invalid", "errorCode": "INVALID_SESSION_ID"}]
        if self.fault == "unavailable":
            return 503, [{"message": "Service Unavailable", "errorCode": "SERVER_UNAVAILABLE"}]
        if self.fault == "limit":
            return 403, [{"message": "TotalRequests Limit exceeded.", "errorCode": "REQUEST_LIMIT_EXCEEDED"}]
        rest = match["rest"]
        if rest.startswith("query"):
            return self._query(path)
        parts = rest.rstrip("/").split("/")
        if parts[:2] != ["sobjects", "Case"] or len(parts) not in (3, 4):
            return 404, [{"message": "The requested resource does not exist", "errorCode": "NOT_FOUND"}]
        if method == "PATCH" and len(parts) == 4:
            return self._upsert(parts[2], parts[3], json.loads(body or b"{}"))
        if method == "GET":
            return self._get(parts[2:])
        return 405, [{"message": f"HTTP Method '{method}' not allowed", "errorCode": "METHOD_NOT_ALLOWED"}]

    def _upsert(self, field: str, value: str, fields: dict[str, Any]) -> tuple[int, Any]:
        with self._lock:
            self.upserts += 1
            found = [case for case in self.cases.values() if case.get(field) == value]
            if found:
                found[0].update(fields)
                return 200, {"id": found[0]["Id"], "success": True, "errors": [], "created": False}
            number = len(self.cases) + 1
            case_id = f"5000x{number:013d}"[:18]
            self.cases[case_id] = {
                "Id": case_id,
                "CaseNumber": f"{1000 + number:08d}",
                "Status": "New",
                "IsClosed": False,
                field: value,
                **fields,
            }
            return 201, {"id": case_id, "success": True, "errors": [], "created": True}

    def _get(self, key: list[str]) -> tuple[int, Any]:
        with self._lock:
            if len(key) == 1:
                record = self.cases.get(key[0])
            else:
                record = next((c for c in self.cases.values() if c.get(key[0]) == key[1]), None)
            if record is None:
                return 404, [{"message": "The requested resource does not exist", "errorCode": "NOT_FOUND"}]
            return 200, {"attributes": {"type": "Case", "url": f"/sobjects/Case/{record['Id']}"}, **record}

    def _query(self, path: str) -> tuple[int, Any]:
        parts = urlsplit(path)
        with self._lock:
            if parts.path.rstrip("/").endswith("query"):
                records = [
                    {"attributes": {"type": "Case"}, **case}
                    for case in sorted(self.cases.values(), key=lambda c: str(c["Id"]))
                ]
            else:
                records = self._cursors.pop(parts.path.rsplit("/", 1)[1], [])
            page, rest = records[: self.page_size], records[self.page_size :]
            answer: dict[str, Any] = {"totalSize": len(records), "done": not rest, "records": page}
            if rest:
                cursor = f"01g{uuid.uuid4().hex[:15]}-{self.page_size}"
                self._cursors[cursor] = rest
                version = _DATA.match(parts.path)
                assert version is not None
                answer["nextRecordsUrl"] = f"/services/data/v{version['version']}/query/{cursor}"
            return 200, answer
