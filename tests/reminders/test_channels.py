"""Reminder delivery channels against a real local SMTP server and a local HTTPS robot
(a certificate for ``localhost`` from a throw-away authority the test trusts)."""

from __future__ import annotations

import base64
import email
import email.policy
import hashlib
import hmac
import json
import logging
import socket
import ssl
import subprocess
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from email.message import EmailMessage
from functools import partial
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, Envelope, LoginPassword, Session

from advisor.reminders.channels import (
    WECOM_CONTENT_LIMIT,
    DeliveryError,
    Message,
    SmtpSettings,
    dingtalk_signed_url,
    send_dingtalk,
    send_email,
    send_wecom,
)

SUBJECT = "【提醒】合同审查明天到期：第一中学食堂采购合同"
TEXT = "王律师，您好：\n合同“第一中学食堂采购合同”的审查将于 2025年3月3日 到期。"
HTML = "<p>王律师，您好：</p><p>合同<b>第一中学食堂采购合同</b>的审查将于明天到期。</p>"
SENDER = "教育局法律顾问系统 <advisor@bureau.gov.cn>"
RECIPIENT = "wang.lawyer@lawfirm.cn"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def crlf(text: str) -> str:
    return text.replace("\n", "\r\n") + "\r\n"


@pytest.fixture
def silent_port() -> Iterator[int]:
    """A port that accepts connections and never says a word."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        yield sock.getsockname()[1]


# --- e-mail ----------------------------------------------------------------------------


@dataclass
class Mailbox:
    """An aiosmtpd handler keeping what arrives; ``rcpt_reply`` / ``data_reply`` refuse."""

    rcpt_reply: str = ""
    data_reply: str = ""
    envelopes: list[Envelope] = field(default_factory=list)
    logins: list[bytes] = field(default_factory=list)

    async def handle_RCPT(
        self, server: Any, session: Session, envelope: Envelope, address: str, options: list[str]
    ) -> str:
        if self.rcpt_reply:
            return self.rcpt_reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Session, envelope: Envelope) -> str:
        if self.data_reply:
            return self.data_reply
        if isinstance(session.auth_data, LoginPassword):
            self.logins.append(session.auth_data.login)
        self.envelopes.append(envelope)
        return "250 Message accepted for delivery"

    def received(self) -> EmailMessage:
        """The one message received, parsed; its text parts keep MIME's canonical CRLF."""
        (envelope,) = self.envelopes
        assert isinstance(envelope.original_content, bytes)
        parsed = email.message_from_bytes(envelope.original_content, policy=email.policy.default)
        assert isinstance(parsed, EmailMessage)
        return parsed


def authenticate(
    server: Any, session: Session, envelope: Envelope, mechanism: str, auth_data: Any
) -> AuthResult:
    ok = isinstance(auth_data, LoginPassword) and auth_data == (b"advisor", b"s3cret")
    return AuthResult(success=ok, handled=False, auth_data=auth_data)


@pytest.fixture
def smtp_server() -> Iterator[Callable[..., tuple[Mailbox, SmtpSettings]]]:
    """Start a real SMTP server on 127.0.0.1; give its mailbox and settings to reach it."""
    controllers: list[Controller] = []

    def start(mailbox: Mailbox | None = None, **settings: Any) -> tuple[Mailbox, SmtpSettings]:
        mailbox = mailbox or Mailbox()
        port = free_port()
        controller = Controller(
            mailbox,
            hostname="127.0.0.1",
            port=port,
            authenticator=authenticate,
            auth_require_tls=False,
        )
        controller.start()
        controllers.append(controller)
        return mailbox, SmtpSettings(host="127.0.0.1", port=port, sender=SENDER, **settings)

    yield start
    for controller in controllers:
        controller.stop()


def test_email_arrives_with_chinese_subject_and_both_parts(smtp_server: Callable[..., Any]) -> None:
    mailbox, settings = smtp_server()

    send_email(settings, RECIPIENT, Message(SUBJECT, TEXT, HTML))

    (envelope,) = mailbox.envelopes
    assert envelope.mail_from == "advisor@bureau.gov.cn"
    assert envelope.rcpt_tos == [RECIPIENT]
    raw = envelope.original_content
    assert isinstance(raw, bytes)
    raw.decode("ascii")  # every header and body line was encoded for transport
    assert b"=?utf-8?" in raw.split(b"\r\n\r\n")[0].lower()
    received = mailbox.received()
    assert received["Subject"] == SUBJECT
    assert received["To"] == RECIPIENT
    assert received["From"].addresses[0].display_name == "教育局法律顾问系统"
    assert received["From"].addresses[0].addr_spec == "advisor@bureau.gov.cn"
    assert received["Date"].datetime.tzinfo is not None
    assert received["Message-ID"].endswith("@bureau.gov.cn>")
    assert received.get_content_type() == "multipart/alternative"
    plain = received.get_body(("plain",))
    html = received.get_body(("html",))
    assert plain is not None and html is not None
    assert plain.get_content() == crlf(TEXT)
    assert html.get_content() == crlf(HTML)


def test_email_without_html_is_plain_text(smtp_server: Callable[..., Any]) -> None:
    mailbox, settings = smtp_server()

    send_email(settings, RECIPIENT, Message(SUBJECT, TEXT))

    received = mailbox.received()
    assert received.get_content_type() == "text/plain"
    assert received.get_content_charset() == "utf-8"
    assert received.get_content() == crlf(TEXT)


def test_email_logs_in_when_a_username_is_set(smtp_server: Callable[..., Any]) -> None:
    mailbox, settings = smtp_server(username="advisor", password="s3cret")

    send_email(settings, RECIPIENT, Message(SUBJECT, TEXT))

    assert mailbox.logins == [b"advisor"]


def test_email_with_a_wrong_password_is_a_temporary_failure(
    smtp_server: Callable[..., Any],
) -> None:
    mailbox, settings = smtp_server(username="advisor", password="wrong")

    with pytest.raises(DeliveryError) as caught:
        send_email(settings, RECIPIENT, Message(SUBJECT, TEXT))

    assert not caught.value.permanent
    assert "535" in str(caught.value)
    assert mailbox.envelopes == []


@pytest.mark.parametrize(
    ("mailbox", "permanent", "reply"),
    [
        (Mailbox(rcpt_reply="550 no such user"), True, "550 no such user"),
        (Mailbox(rcpt_reply="451 greylisted, try later"), False, "451 greylisted"),
        (Mailbox(data_reply="554 rejected as spam"), True, "554 rejected as spam"),
        (Mailbox(data_reply="451 try later"), False, "451 try later"),
    ],
    ids=["rcpt-5xx", "rcpt-4xx", "data-5xx", "data-4xx"],
)
def test_email_refused_by_the_server(
    smtp_server: Callable[..., Any], mailbox: Mailbox, permanent: bool, reply: str
) -> None:
    _, settings = smtp_server(mailbox)

    with pytest.raises(DeliveryError) as caught:
        send_email(settings, RECIPIENT, Message(SUBJECT, TEXT))

    assert caught.value.permanent is permanent
    assert reply in str(caught.value)


def test_email_with_a_password_smtplib_cannot_send_is_a_temporary_failure(
    smtp_server: Callable[..., Any],
) -> None:
    _, settings = smtp_server(username="advisor", password="密码")

    with pytest.raises(DeliveryError) as caught:
        send_email(settings, RECIPIENT, Message(SUBJECT, TEXT))

    assert not caught.value.permanent


def test_email_needs_a_sender(smtp_server: Callable[..., Any]) -> None:
    mailbox, settings = smtp_server()

    with pytest.raises(DeliveryError, match="no sender"):
        send_email(replace(settings, sender=""), RECIPIENT, Message(SUBJECT, TEXT))

    assert mailbox.envelopes == []


def test_email_to_a_closed_port_is_a_temporary_failure() -> None:
    settings = SmtpSettings(host="127.0.0.1", port=free_port(), sender=SENDER)

    with pytest.raises(DeliveryError) as caught:
        send_email(settings, RECIPIENT, Message(SUBJECT, TEXT))

    assert not caught.value.permanent
    assert "ConnectionRefusedError" in str(caught.value)


def test_email_to_a_silent_server_times_out_as_a_temporary_failure(silent_port: int) -> None:
    settings = SmtpSettings(host="127.0.0.1", port=silent_port, sender=SENDER, timeout=0.2)

    with pytest.raises(DeliveryError) as caught:
        send_email(settings, RECIPIENT, Message(SUBJECT, TEXT))

    assert not caught.value.permanent
    assert "timed out" in str(caught.value)


def test_email_refuses_a_recipient_smuggling_headers(smtp_server: Callable[..., Any]) -> None:
    mailbox, settings = smtp_server()

    with pytest.raises(DeliveryError) as caught:
        send_email(settings, "a@school.cn\r\nBcc: everyone@bureau.gov.cn", Message(SUBJECT, TEXT))

    assert caught.value.permanent
    assert mailbox.envelopes == []


# --- robots ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Authority:
    """A throw-away certificate authority and the ``localhost`` certificate it issued."""

    ca: Path
    cert: Path
    key: Path


@pytest.fixture(scope="session")
def authority(tmp_path_factory: pytest.TempPathFactory) -> Authority:
    """Made once per run with the openssl command (the standard library cannot issue)."""
    folder = tmp_path_factory.mktemp("tls")
    ca, ca_key = folder / "ca.pem", folder / "ca.key"
    cert, key, request = folder / "localhost.pem", folder / "localhost.key", folder / "req.pem"
    extensions = folder / "ext.cnf"
    extensions.write_text(
        "subjectAltName = DNS:localhost\n"
        "basicConstraints = critical, CA:FALSE\n"
        "keyUsage = critical, digitalSignature\n"
        "extendedKeyUsage = serverAuth\n"
        "subjectKeyIdentifier = hash\n"
        "authorityKeyIdentifier = keyid:always\n"
    )
    ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes"]
    days = ["-days", "36500"]
    make_ca = ["req", "-x509", *ec, *days, "-keyout", ca_key, "-out", ca, "-subj", "/CN=CA"]
    make_ca += ["-addext", "basicConstraints=critical,CA:TRUE"]
    make_ca += ["-addext", "keyUsage=critical,keyCertSign"]
    issuer = ["-CA", ca, "-CAkey", ca_key, "-CAcreateserial"]
    for command in (
        make_ca,
        ["req", *ec, "-keyout", key, "-out", request, "-subj", "/CN=localhost"],
        ["x509", "-req", "-in", request, *issuer, *days, "-out", cert, "-extfile", extensions],
    ):
        subprocess.run(["openssl", *map(str, command)], check=True, capture_output=True)
    return Authority(ca=ca, cert=cert, key=key)


@dataclass
class Robot:
    """A local stand-in for a robot webhook: records requests, answers ``status`` / ``body``
    (and ``location``, for a redirect). ``hosts`` is the allow-list that reaches it."""

    url: str
    hosts: tuple[str, ...]
    requests: list[tuple[str, dict[str, str], bytes]] = field(default_factory=list)
    status: int = 200
    body: bytes = b'{"errcode": 0, "errmsg": "ok"}'
    location: str = ""

    def answer(self, status: int = 200, **body: Any) -> None:
        self.status = status
        self.body = json.dumps(body).encode()

    def payload(self) -> Any:
        (_, _, body) = self.requests[-1]
        return json.loads(body.decode("utf-8"))

    def query(self) -> dict[str, list[str]]:
        (path, _, _) = self.requests[-1]
        return parse_qs(urlsplit(path).query, strict_parsing=True)


@pytest.fixture
def robots(authority: Authority, monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[], Robot]]:
    """Start HTTPS servers on 127.0.0.1 in threads, reached as https://localhost:<port>;
    the client trusts the test authority through ``SSL_CERT_FILE``, as an operator would
    trust an on-premise gateway's own authority."""
    monkeypatch.setenv("SSL_CERT_FILE", str(authority.ca))
    tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    tls.load_cert_chain(authority.cert, authority.key)
    running: list[tuple[ThreadingHTTPServer, threading.Thread]] = []

    def start() -> Robot:
        robot: Robot

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                self.reply(body)

            def do_GET(self) -> None:  # what a client following a 302 would send
                self.reply(b"")

            def reply(self, body: bytes) -> None:
                robot.requests.append((self.path, dict(self.headers), body))
                self.send_response(robot.status)
                if robot.location:
                    self.send_header("Location", robot.location)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(robot.body)))
                self.end_headers()
                self.wfile.write(robot.body)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        server.socket = tls.wrap_socket(server.socket, server_side=True)
        thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.01})
        thread.start()
        running.append((server, thread))
        port = server.server_address[1]
        robot = Robot(
            url=f"https://localhost:{port}/send?access_token=abc123", hosts=(f"localhost:{port}",)
        )
        return robot

    yield start
    for server, thread in running:
        server.shutdown()
        server.server_close()
        thread.join()


@pytest.fixture
def robot(robots: Callable[[], Robot]) -> Robot:
    """One local HTTPS robot."""
    return robots()


def test_wecom_posts_the_text_message_as_utf8_json(robot: Robot) -> None:
    send_wecom(robot.url, Message(SUBJECT, TEXT, HTML), allowed_hosts=robot.hosts)

    (path, headers, body) = robot.requests[0]
    assert path == "/send?access_token=abc123"
    assert headers["Content-Type"].startswith("application/json")
    assert "第一中学".encode() in body  # UTF-8, not \\u escapes
    assert robot.payload() == {"msgtype": "text", "text": {"content": f"{SUBJECT}\n{TEXT}"}}


def test_wecom_clips_content_to_its_byte_limit(robot: Robot) -> None:
    send_wecom(robot.url, Message(SUBJECT, "逾期合同" * 1000), allowed_hosts=robot.hosts)

    content = robot.payload()["text"]["content"]
    assert len(content.encode("utf-8")) <= WECOM_CONTENT_LIMIT
    assert len(content.encode("utf-8")) > WECOM_CONTENT_LIMIT - 4
    assert content.startswith(f"{SUBJECT}\n逾期合同")
    assert content.endswith("…")


def test_dingtalk_without_secret_posts_to_the_url_as_given(robot: Robot) -> None:
    send_dingtalk(robot.url, Message(SUBJECT, TEXT), allowed_hosts=robot.hosts)

    assert robot.requests[0][0] == "/send?access_token=abc123"
    assert robot.payload() == {"msgtype": "text", "text": {"content": f"{SUBJECT}\n{TEXT}"}}


def test_dingtalk_with_secret_signs_the_url(robot: Robot) -> None:
    secret = "SEC1a2b3c4d5e6f"
    now = datetime(2025, 3, 3, 1, 30, 0, 123456, tzinfo=UTC)

    send_dingtalk(
        robot.url, Message(SUBJECT, TEXT), allowed_hosts=robot.hosts, secret=secret, now=now
    )

    query = robot.query()
    assert query["access_token"] == ["abc123"]
    assert query["timestamp"] == ["1740965400123"]
    expected = base64.b64encode(
        hmac.new(secret.encode(), f"1740965400123\n{secret}".encode(), hashlib.sha256).digest()
    ).decode()
    assert query["sign"] == [expected]
    assert robot.payload()["text"]["content"] == f"{SUBJECT}\n{TEXT}"


def test_dingtalk_signature_escapes_base64_for_the_query() -> None:
    now = datetime(2025, 3, 3, 1, 30, tzinfo=UTC)
    # Find a secret whose signature holds "+" or "/", which must not reach the query raw.
    for n in range(100):
        secret = f"SEC{n}"
        message = f"1740965400000\n{secret}".encode()
        sign = base64.b64encode(hmac.new(secret.encode(), message, hashlib.sha256).digest())
        if b"+" in sign and b"/" in sign:
            break

    url = dingtalk_signed_url("https://oapi.dingtalk.com/robot/send", secret, now)

    signed = url.split("?", 1)[1]
    assert signed.startswith("timestamp=1740965400000&sign=")
    assert "+" not in signed and "/" not in signed and "%2B" in signed and "%2F" in signed
    assert parse_qs(signed)["sign"] == [sign.decode()]


SENDERS: dict[str, Callable[..., None]] = {
    "wecom": send_wecom,
    "dingtalk": partial(send_dingtalk, secret="SECx"),
}


@pytest.mark.parametrize(
    ("channel", "errcode", "permanent"),
    [
        ("wecom", 93000, True),
        ("wecom", 45009, False),
        ("wecom", -1, False),
        ("dingtalk", 310000, True),
        ("dingtalk", 300001, True),
        ("dingtalk", 410100, False),
    ],
)
def test_robot_errcode_is_a_failure(
    robot: Robot, channel: str, errcode: int, permanent: bool
) -> None:
    robot.answer(errcode=errcode, errmsg="失败")

    with pytest.raises(DeliveryError) as caught:
        SENDERS[channel](robot.url, Message(SUBJECT, TEXT), allowed_hosts=robot.hosts)

    assert caught.value.permanent is permanent
    assert f"errcode {errcode} 失败" in str(caught.value)


@pytest.mark.parametrize("channel", SENDERS)
@pytest.mark.parametrize(
    ("status", "permanent"), [(500, False), (502, False), (429, False), (404, True), (400, True)]
)
def test_robot_http_error_status(robot: Robot, channel: str, status: int, permanent: bool) -> None:
    robot.answer(status, errcode=0)

    with pytest.raises(DeliveryError) as caught:
        SENDERS[channel](robot.url, Message(SUBJECT, TEXT), allowed_hosts=robot.hosts)

    assert caught.value.permanent is permanent
    assert f"HTTP {status}" in str(caught.value)


@pytest.mark.parametrize("channel", SENDERS)
def test_robot_answer_that_is_not_its_json_is_temporary(robot: Robot, channel: str) -> None:
    robot.body = b"<html>portal login</html>"

    with pytest.raises(DeliveryError) as caught:
        SENDERS[channel](robot.url, Message(SUBJECT, TEXT), allowed_hosts=robot.hosts)

    assert not caught.value.permanent


@pytest.mark.parametrize("channel", SENDERS)
def test_robot_unreachable_is_temporary(channel: str) -> None:
    port = free_port()

    with pytest.raises(DeliveryError) as caught:
        SENDERS[channel](
            f"https://localhost:{port}/send?key=k",
            Message(SUBJECT, TEXT),
            allowed_hosts=[f"localhost:{port}"],
        )

    assert not caught.value.permanent
    assert "ConnectionRefusedError" in str(caught.value)


@pytest.mark.parametrize("channel", SENDERS)
def test_robot_silent_is_a_temporary_timeout(silent_port: int, channel: str) -> None:
    with pytest.raises(DeliveryError) as caught:
        SENDERS[channel](
            f"https://localhost:{silent_port}/send?key=k",
            Message(SUBJECT, TEXT),
            allowed_hosts=[f"localhost:{silent_port}"],
            timeout=0.2,
        )

    assert not caught.value.permanent
    assert "timed out" in str(caught.value)


@pytest.mark.parametrize("channel", SENDERS)
def test_robot_with_a_certificate_for_another_name_is_not_trusted(
    robot: Robot, channel: str
) -> None:
    port = robot.hosts[0].rpartition(":")[2]  # the same server, reached by its address

    with pytest.raises(DeliveryError) as caught:
        SENDERS[channel](
            f"https://127.0.0.1:{port}/send?key=k",
            Message(SUBJECT, TEXT),
            allowed_hosts=[f"127.0.0.1:{port}"],
        )

    assert "CERTIFICATE_VERIFY_FAILED" in str(caught.value)
    assert robot.requests == []


# --- where a robot may be --------------------------------------------------------------


@pytest.mark.parametrize("channel", SENDERS)
@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "http://localhost:{port}/send?key=k",
        "https://127.0.0.1:{port}/send?key=k",
        "https://user:pass@localhost:{port}/send?key=k",
        "https://localhost/send?key=k",
    ],
    ids=["file", "http", "ip-not-listed", "userinfo", "other-port"],
)
def test_robot_refuses_a_url_off_the_allow_list_without_a_request(
    robot: Robot, channel: str, url: str, caplog: pytest.LogCaptureFixture
) -> None:
    port = robot.hosts[0].rpartition(":")[2]

    with (
        caplog.at_level(logging.WARNING, "advisor.reminders.channels"),
        pytest.raises(DeliveryError) as caught,
    ):
        SENDERS[channel](url.format(port=port), Message(SUBJECT, TEXT), allowed_hosts=robot.hosts)

    assert caught.value.permanent
    assert "webhook refused" in str(caught.value)
    assert robot.requests == []
    assert [r.getMessage() for r in caplog.records if "nothing sent" in r.getMessage()]


@pytest.mark.parametrize("channel", SENDERS)
@pytest.mark.parametrize("status", [302, 307])
def test_robot_redirect_to_another_host_is_not_followed(
    robots: Callable[[], Robot], channel: str, status: int
) -> None:
    robot, elsewhere = robots(), robots()
    robot.status, robot.location = status, elsewhere.url
    both = robot.hosts + elsewhere.hosts  # even a host that is allowed is not followed to

    with pytest.raises(DeliveryError) as caught:
        SENDERS[channel](robot.url, Message(SUBJECT, TEXT), allowed_hosts=both)

    assert caught.value.permanent
    assert f"HTTP {status} redirect to localhost not followed" in str(caught.value)
    assert "access_token" not in str(caught.value)  # the other robot's key stays out
    assert len(robot.requests) == 1 and elsewhere.requests == []


@pytest.mark.parametrize("channel", SENDERS)
def test_a_public_robot_host_resolving_inside_is_refused(
    robot: Robot, channel: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A poisoned resolver sends qyapi.weixin.qq.com to this machine: nothing is posted."""
    port = int(robot.hosts[0].rpartition(":")[2])
    lookups: list[str] = []

    def poisoned(host: str, *args: Any, **kwargs: Any) -> list[Any]:
        lookups.append(host)
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("127.0.0.1", port))]

    monkeypatch.setattr(socket, "getaddrinfo", poisoned)

    with pytest.raises(DeliveryError) as caught:
        SENDERS[channel](
            "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k",
            Message(SUBJECT, TEXT),
            allowed_hosts=["qyapi.weixin.qq.com"],
        )

    assert caught.value.permanent
    assert "internal address 127.0.0.1" in str(caught.value)
    assert lookups == ["qyapi.weixin.qq.com"] and robot.requests == []
