"""Where a group-robot webhook may point: the one rule for robot URLs, applied when the
bureau enters one and again before each message is posted.

The rule
    A webhook URL is plain printable ASCII, ``https``, with no user name or password,
    and its host is one of the allow-list (the ``WEBHOOK_HOSTS`` setting; by default the
    public robot hosts :data:`PUBLIC_HOSTS`), compared case-insensitively and exactly:
    ``qyapi.weixin.qq.com.evil.com`` and ``evil.com/qyapi.weixin.qq.com`` are other hosts,
    and an IP address is accepted only when the operator listed that very address. The
    port is 443, written or not; an allow-list entry ``host:port`` (an on-premise gateway
    on 8443) allows that one other port for that host.

Addresses
    Before posting, the sender resolves the host and connects only to the addresses it
    checked (no second lookup an attacker could answer differently). A host of
    :data:`PUBLIC_HOSTS` must resolve to public addresses only: a loopback, private,
    link-local, shared, reserved or multicast address means a poisoned or hijacked
    resolver, and the message is not sent. A host the operator added to the allow-list
    is trusted to be internal, since an on-premise gateway inside the bureau's network
    is what the setting is for.

    Is the check worth it? With https, an exact host and certificate verification, a
    resolver pointing a public robot host inside would at most get a TLS handshake
    refused by an internal server that holds no certificate for that name, so the
    check adds little. It costs one lookup the connection needs anyway and a few lines,
    and it turns that handshake into a refusal that names the cause, so it stays.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from urllib.parse import SplitResult, urlsplit

PUBLIC_HOSTS = ("qyapi.weixin.qq.com", "oapi.dingtalk.com")
HTTPS_PORT = 443


class WebhookRefused(ValueError):
    """A webhook URL or address the rule refuses; the message says why, in English,
    for the log and the reminder's recorded error."""


def check_webhook_url(url: str, allowed_hosts: Iterable[str]) -> str:
    """``url`` itself when the rule above accepts it; raises WebhookRefused otherwise."""
    allowed = allowed_endpoints(allowed_hosts)
    if not (url.isascii() and url.isprintable()) or " " in url:
        raise WebhookRefused("the URL holds spaces, control or non-ASCII characters")
    try:
        parts = urlsplit(url)
        port = parts.port or HTTPS_PORT
    except ValueError as exc:  # a bad port or a malformed IPv6 literal
        raise WebhookRefused(f"not a URL: {exc}") from exc
    if parts.scheme.lower() != "https":
        raise WebhookRefused(f"scheme {parts.scheme or 'none'!r}, only https is allowed")
    if "@" in parts.netloc:
        raise WebhookRefused("a user name or password in the URL is not allowed")
    host = _host(parts)
    if not host:
        raise WebhookRefused("no host")
    if (host, port) not in allowed:
        listed = ", ".join(sorted({h for h, _ in allowed})) or "none"
        if any(h == host for h, _ in allowed):
            raise WebhookRefused(f"port {port} is not allowed for {host}")
        raise WebhookRefused(f"host {host!r} is not in the allowed webhook hosts ({listed})")
    return url


def allowed_endpoints(allowed_hosts: Iterable[str]) -> frozenset[tuple[str, int]]:
    """The allow-list as (host, port) pairs: ``host`` means port 443, ``host:port`` that
    port; hosts in lower case, IPv6 addresses without brackets; unreadable entries drop."""
    endpoints = set()
    for entry in allowed_hosts:
        try:
            parts = urlsplit(f"//{entry.strip()}")
            port = parts.port or HTTPS_PORT
        except ValueError:
            continue
        host = _host(parts)
        if host and "@" not in parts.netloc and not parts.path:
            endpoints.add((host, port))
    return frozenset(endpoints)


def allowed_host_names(allowed_hosts: Iterable[str]) -> list[str]:
    """The allow-list's entries as people should read them, in the operator's order."""
    return list(dict.fromkeys(entry.strip() for entry in allowed_hosts if entry.strip()))


def check_addresses(host: str, addresses: Iterable[str]) -> None:
    """Refuse the addresses ``host`` resolved to when a public robot host points inside.

    Hosts in :data:`PUBLIC_HOSTS` must resolve to public addresses only; any other host
    passed the URL check because the operator put it in the allow-list, and may be
    internal. Raises WebhookRefused naming the first address refused.
    """
    name = host.lower().strip("[]")
    if name not in PUBLIC_HOSTS:
        return
    for address in addresses:
        ip = ipaddress.ip_address(address.partition("%")[0])
        if not ip.is_global or ip.is_multicast:
            raise WebhookRefused(
                f"{name} resolves to the internal address {address}; a public robot host"
                " must resolve to public addresses"
            )


def _host(parts: SplitResult) -> str:
    # hostname is lower-cased and without IPv6 brackets; a trailing dot names the same
    # host in DNS but not in the allow-list, so it is left and refused there.
    return parts.hostname or ""
