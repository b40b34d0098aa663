"""Delivery channels for reminders: e-mail over SMTP, WeCom and DingTalk group robots.

Each ``send_*`` function delivers one :class:`Message` or raises :class:`DeliveryError`;
nothing here reads the database or the application config, so the scheduler decides what
to send and what to do with a failure.

Formats
    E-mail: a UTF-8 ``EmailMessage`` (policy SMTP: CRLF, RFC 2047 encoded Chinese headers)
    with From, To, Subject, Date and Message-ID; ``text/plain``, plus a ``text/html``
    alternative when the message has HTML.
    WeCom (企业微信群机器人) and DingTalk (钉钉自定义机器人): an HTTP POST of UTF-8 JSON
    ``{"msgtype": "text", "text": {"content": subject + "\\n" + text}}`` to the robot's
    webhook URL, over https only, to the hosts the caller allows (the ``WEBHOOK_HOSTS``
    setting); the robot answers HTTP 200 with ``{"errcode": 0, "errmsg": "ok"}``.

Error mapping
    ``DeliveryError.permanent`` means this message to this recipient can never go out, so
    retrying is pointless. A fault of the server, the network or our own settings (a wrong
    SMTP password, a refused sender, an unsupported STARTTLS) is temporary: once someone
    fixes it, the waiting reminders should go out.

    SMTP: a recipient refused with 5xx, or the message refused with 5xx after DATA, is
    permanent; the same with 4xx (greylisting, a full mailbox) is temporary. Connection
    refused, timeouts, a dropped connection, TLS and authentication failures, a refused
    sender and any other SMTP reply are temporary. A recipient that cannot be put in a
    header at all is permanent.

    Robots: a webhook URL or address that :mod:`advisor.reminders.webhooks` refuses is
    permanent and logged, and nothing is sent; so is a redirect, which is never followed
    (the message would not reach another host, and a POST redirected loses its body
    anyway). Connection errors, timeouts, a failed name lookup, HTTP 5xx, 408 and 429,
    and a 200 answer that is not the robot's JSON are temporary; any other HTTP 4xx is
    permanent. A non-zero
    ``errcode`` is permanent when the code says the webhook or the message itself is bad
    (see ``WECOM_PERMANENT_ERRCODES`` and ``DINGTALK_PERMANENT_ERRCODES``) and temporary
    otherwise, rate limits (WeCom 45009, DingTalk 130101 / 410100) and "system busy" (-1)
    included: an unknown code is retried rather than losing a reminder.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
import smtplib
import socket
import ssl
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime, make_msgid, parseaddr
from http.client import HTTPException, HTTPSConnection
from typing import Any, Literal
from urllib.parse import quote, urlsplit

from advisor.reminders.webhooks import WebhookRefused, check_addresses, check_webhook_url

log = logging.getLogger(__name__)

# WeCom: 93000 invalid webhook URL (wrong key, robot removed), 40008 invalid message
# type, 44004 empty content.
WECOM_PERMANENT_ERRCODES = frozenset({93000, 40008, 44004})

# DingTalk: 300001 / 400101 access_token does not exist, 310000 a security setting
# refused the message (keyword missing, signature mismatch, IP not allowed), 400102 robot
# disabled, 400105 unsupported message type, 400106 robot does not exist, 430101-430104
# content refused as unsafe.
DINGTALK_PERMANENT_ERRCODES = frozenset(
    {300001, 310000, 400101, 400102, 400105, 400106, 430101, 430102, 430103, 430104}
)

# WeCom refuses text content longer than 2048 bytes of UTF-8.
WECOM_CONTENT_LIMIT = 2048

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_TEMPORARY_HTTP = frozenset({408, 429})


@dataclass(frozen=True, slots=True)
class Message:
    subject: str
    text: str
    html: str | None = None
    # The left part of a fixed Message-ID (the sender's domain is added); None: a new one.
    message_id: str | None = None


class DeliveryError(Exception):
    """A message that did not go out; ``permanent`` when retrying cannot help
    (e.g. the recipient address refused, a webhook answering errcode for a bad key)."""

    def __init__(self, message: str, *, permanent: bool = False) -> None:
        super().__init__(message)
        self.permanent = permanent


@dataclass(frozen=True, slots=True)
class SmtpSettings:
    host: str
    port: int = 25
    username: str = ""
    password: str = ""
    sender: str = ""
    security: Literal["none", "starttls", "ssl"] = "none"
    timeout: float = 10.0


def send_email(settings: SmtpSettings, to: str, message: Message) -> None:
    """Send ``message`` to the address ``to``, logging in first when a username is set.

    The From address is ``settings.sender``, or the username when no sender is set.
    Raises DeliveryError as the module docstring maps SMTP failures.
    """
    email = _build_email(settings, to, message)
    try:
        with _connect(settings) as smtp:
            if settings.username:
                smtp.login(settings.username, settings.password)
            smtp.send_message(email)
    except smtplib.SMTPRecipientsRefused as exc:
        replies = "; ".join(
            f"{address}: {code} {_text(reply)}" for address, (code, reply) in exc.recipients.items()
        )
        permanent = all(code >= 500 for code, _ in exc.recipients.values())
        raise DeliveryError(f"recipient refused: {replies}", permanent=permanent) from exc
    except smtplib.SMTPDataError as exc:
        raise DeliveryError(
            f"message refused: {exc.smtp_code} {_text(exc.smtp_error)}",
            permanent=exc.smtp_code >= 500,
        ) from exc
    except smtplib.SMTPResponseException as exc:
        raise DeliveryError(
            f"SMTP server answered {exc.smtp_code} {_text(exc.smtp_error)}"
        ) from exc
    except (OSError, smtplib.SMTPException, UnicodeError) as exc:
        # SMTPException is an OSError; both cover refused connections, timeouts, dropped
        # connections, TLS failures and a server without STARTTLS or AUTH. smtplib sends
        # the login as ASCII and refuses anything else.
        raise DeliveryError(f"SMTP {settings.host}:{settings.port}: {exc!r}") from exc


def send_wecom(
    url: str, message: Message, *, allowed_hosts: Collection[str], timeout: float = 10.0
) -> None:
    """Post ``message`` as a text message to a WeCom group robot's webhook ``url``, which
    must point to one of ``allowed_hosts`` (see :mod:`advisor.reminders.webhooks`).

    Content longer than WeCom's limit is cut at the limit, ending in "…".
    Raises DeliveryError as the module docstring maps HTTP answers and errcodes.
    """
    content = _clip(f"{message.subject}\n{message.text}", WECOM_CONTENT_LIMIT)
    _post_robot("WeCom", url, content, WECOM_PERMANENT_ERRCODES, allowed_hosts, timeout)


def send_dingtalk(
    url: str,
    message: Message,
    *,
    allowed_hosts: Collection[str],
    secret: str = "",
    now: datetime | None = None,
    timeout: float = 10.0,
) -> None:
    """Post ``message`` as a text message to a DingTalk custom robot's webhook ``url``,
    which must point to one of ``allowed_hosts`` (see :mod:`advisor.reminders.webhooks`).

    With a ``secret`` (the robot's 加签 security setting) the URL is signed for ``now``
    (an aware datetime, the current time by default); DingTalk refuses a timestamp more
    than an hour away from its clock. Raises DeliveryError as the module docstring maps
    HTTP answers and errcodes.
    """
    if secret:
        url = dingtalk_signed_url(url, secret, now or datetime.now(UTC))
    content = f"{message.subject}\n{message.text}"
    _post_robot("DingTalk", url, content, DINGTALK_PERMANENT_ERRCODES, allowed_hosts, timeout)


def dingtalk_signed_url(url: str, secret: str, now: datetime) -> str:
    """``url`` with DingTalk's 加签 parameters ``timestamp`` and ``sign`` appended.

    DingTalk's documented algorithm: ``timestamp`` is ``now`` in milliseconds since the
    Unix epoch; the string to sign is ``f"{timestamp}\\n{secret}"``; ``sign`` is the
    Base64 of its HMAC-SHA256 keyed with the secret (both UTF-8), URL-encoded so that
    ``+``, ``/`` and ``=`` survive the query string. ``now`` must be timezone-aware.
    """
    timestamp = str((now - _EPOCH) // timedelta(milliseconds=1))
    digest = hmac.new(
        secret.encode("utf-8"), f"{timestamp}\n{secret}".encode(), hashlib.sha256
    ).digest()
    sign = quote(base64.b64encode(digest).decode("ascii"), safe="")
    separator = "&" if urlsplit(url).query else "?"
    return f"{url}{separator}timestamp={timestamp}&sign={sign}"


def _build_email(settings: SmtpSettings, to: str, message: Message) -> EmailMessage:
    sender = settings.sender or settings.username
    if not sender:
        raise DeliveryError("no sender address: set the SMTP sender or username")
    domain = parseaddr(sender)[1].rpartition("@")[2] or "localhost"
    email = EmailMessage(policy=SMTP)
    try:
        email["From"] = sender
        email["To"] = to
    except (ValueError, IndexError) as exc:
        # The header parser refuses line breaks (header injection) and unparsable input.
        raise DeliveryError(f"bad address {to!r}: {exc}", permanent=True) from exc
    email["Subject"] = message.subject
    email["Date"] = format_datetime(datetime.now(UTC))
    if message.message_id:
        email["Message-ID"] = f"<{message.message_id}@{domain}>"
    else:
        # An explicit domain: make_msgid's default asks DNS for this host's name.
        email["Message-ID"] = make_msgid(domain=domain)
    email.set_content(message.text, charset="utf-8")
    if message.html is not None:
        email.add_alternative(message.html, subtype="html", charset="utf-8")
    return email


def _connect(settings: SmtpSettings) -> smtplib.SMTP:
    if settings.security == "ssl":
        return smtplib.SMTP_SSL(
            settings.host,
            settings.port,
            timeout=settings.timeout,
            context=ssl.create_default_context(),
        )
    smtp = smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout)
    if settings.security == "starttls":
        try:
            smtp.starttls(context=ssl.create_default_context())
        except BaseException:
            smtp.close()
            raise
    return smtp


def _post_robot(
    channel: str,
    url: str,
    content: str,
    permanent_errcodes: frozenset[int],
    allowed_hosts: Collection[str],
    timeout: float,
) -> None:
    try:
        check_webhook_url(url, allowed_hosts)
        parts = urlsplit(url)
        host, port = parts.hostname or "", parts.port or 443
        try:
            addresses = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except OSError as exc:  # the resolver failed or does not know the name (yet)
            raise DeliveryError(f"{channel}: looking up {host}: {exc!r}") from exc
        check_addresses(host, [str(sockaddr[0]) for *_, sockaddr in addresses])
    except WebhookRefused as exc:
        log.warning("%s webhook refused, nothing sent: %s", channel, exc)
        raise DeliveryError(f"{channel}: webhook refused: {exc}", permanent=True) from exc
    payload = {"msgtype": "text", "text": {"content": content}}
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    connection = _VettedHTTPSConnection(host, port, addresses, timeout=timeout)
    try:
        connection.request(
            "POST",
            target,
            body=json.dumps(payload, ensure_ascii=False).encode("utf-8"),
            headers={"Content-Type": "application/json; charset=utf-8"},
        )
        response = connection.getresponse()
        status, reason, location = response.status, response.reason, response.getheader("Location")
        body = response.read()
    except (OSError, HTTPException) as exc:
        # Refused connections, timeouts and TLS failures are OSErrors; a malformed answer
        # raises an HTTPException.
        raise DeliveryError(f"{channel}: {exc!r}") from exc
    finally:
        connection.close()
    if 300 <= status < 400:
        # The Location may carry another robot's key: only its host goes to the log.
        elsewhere = urlsplit(location or "").hostname or host
        log.warning("%s webhook redirected to %s, not followed", channel, elsewhere)
        raise DeliveryError(
            f"{channel}: HTTP {status} redirect to {elsewhere} not followed", permanent=True
        )
    if not 200 <= status < 300:
        permanent = 400 <= status < 500 and status not in _TEMPORARY_HTTP
        raise DeliveryError(f"{channel}: HTTP {status} {reason}", permanent=permanent)
    try:
        answer = json.loads(body)
        errcode = int(answer["errcode"])
    except (ValueError, TypeError, KeyError) as exc:
        raise DeliveryError(f"{channel}: unexpected answer {body[:200]!r}") from exc
    if errcode != 0:
        raise DeliveryError(
            f"{channel}: errcode {errcode} {answer.get('errmsg', '')}",
            permanent=errcode in permanent_errcodes,
        )


class _VettedHTTPSConnection(HTTPSConnection):
    """An HTTPS connection to ``host`` made only to the addresses already looked up and
    checked, so the name is not resolved a second time (to another address) on connect.
    The certificate is verified for ``host`` against the system's trusted authorities
    (``SSL_CERT_FILE`` may name another bundle, e.g. with an on-premise gateway's CA)."""

    def __init__(
        self, host: str, port: int, addresses: Sequence[tuple[Any, ...]], *, timeout: float
    ) -> None:
        self._tls = ssl.create_default_context()
        super().__init__(host, port, timeout=timeout, context=self._tls)
        self._addresses = addresses
        self._connect_timeout = timeout

    def connect(self) -> None:
        error: OSError = OSError(f"no address for {self.host}")
        for family, kind, proto, _, sockaddr in self._addresses:
            sock = socket.socket(family, kind, proto)
            try:
                sock.settimeout(self._connect_timeout)
                sock.connect(sockaddr)
                self.sock = self._tls.wrap_socket(sock, server_hostname=self.host)
            except OSError as exc:
                sock.close()
                error = exc
                continue
            return
        raise error


def _clip(content: str, limit: int) -> str:
    encoded = content.encode("utf-8")
    if len(encoded) <= limit:
        return content
    ellipsis = "…"
    room = limit - len(ellipsis.encode("utf-8"))
    return encoded[:room].decode("utf-8", errors="ignore") + ellipsis


def _text(reply: bytes | str) -> str:
    return reply.decode("utf-8", errors="replace") if isinstance(reply, bytes) else reply
