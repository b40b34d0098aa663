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
    webhook URL; the robot answers HTTP 200 with ``{"errcode": 0, "errmsg": "ok"}``.

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

    Robots: connection errors, timeouts, HTTP 5xx, 408 and 429, and a 200 answer that is
    not the robot's JSON are temporary; any other HTTP 4xx is permanent. A non-zero
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
import smtplib
import ssl
import urllib.error
import urllib.request
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime, make_msgid, parseaddr
from http.client import HTTPException
from typing import Literal
from urllib.parse import quote, urlsplit

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


def send_wecom(url: str, message: Message, *, timeout: float = 10.0) -> None:
    """Post ``message`` as a text message to a WeCom group robot's webhook ``url``.

    Content longer than WeCom's limit is cut at the limit, ending in "…".
    Raises DeliveryError as the module docstring maps HTTP answers and errcodes.
    """
    content = _clip(f"{message.subject}\n{message.text}", WECOM_CONTENT_LIMIT)
    _post_robot("WeCom", url, content, WECOM_PERMANENT_ERRCODES, timeout)


def send_dingtalk(
    url: str,
    message: Message,
    *,
    secret: str = "",
    now: datetime | None = None,
    timeout: float = 10.0,
) -> None:
    """Post ``message`` as a text message to a DingTalk custom robot's webhook ``url``.

    With a ``secret`` (the robot's 加签 security setting) the URL is signed for ``now``
    (an aware datetime, the current time by default); DingTalk refuses a timestamp more
    than an hour away from its clock. Raises DeliveryError as the module docstring maps
    HTTP answers and errcodes.
    """
    if secret:
        url = dingtalk_signed_url(url, secret, now or datetime.now(UTC))
    content = f"{message.subject}\n{message.text}"
    _post_robot("DingTalk", url, content, DINGTALK_PERMANENT_ERRCODES, timeout)


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
    channel: str, url: str, content: str, permanent_errcodes: frozenset[int], timeout: float
) -> None:
    if urlsplit(url).scheme not in ("http", "https"):
        raise DeliveryError(f"{channel}: not an HTTP webhook URL", permanent=True)
    payload = {"msgtype": "text", "text": {"content": content}}
    request = urllib.request.Request(
        url,
        data=json.dumps(payload, ensure_ascii=False).encode("utf-8"),
        headers={"Content-Type": "application/json; charset=utf-8"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            body = response.read()
    except urllib.error.HTTPError as exc:
        permanent = 400 <= exc.code < 500 and exc.code not in _TEMPORARY_HTTP
        raise DeliveryError(
            f"{channel}: HTTP {exc.code} {exc.reason}", permanent=permanent
        ) from exc
    except (OSError, HTTPException) as exc:
        # URLError, refused connections and timeouts are OSErrors; a malformed answer
        # raises an HTTPException.
        raise DeliveryError(f"{channel}: {exc!r}") from exc
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


def _clip(content: str, limit: int) -> str:
    encoded = content.encode("utf-8")
    if len(encoded) <= limit:
        return content
    ellipsis = "…"
    room = limit - len(ellipsis.encode("utf-8"))
    return encoded[:room].decode("utf-8", errors="ignore") + ellipsis


def _text(reply: bytes | str) -> str:
    return reply.decode("utf-8", errors="replace") if isinstance(reply, bytes) else reply
