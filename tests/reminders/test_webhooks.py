"""The rule for where a group-robot webhook may point, as pure functions."""

from __future__ import annotations

import pytest

from advisor.reminders.webhooks import (
    PUBLIC_HOSTS,
    WebhookRefused,
    allowed_endpoints,
    check_addresses,
    check_webhook_url,
)

WECOM = "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=693a91f6-7xxx"
DINGTALK = "https://oapi.dingtalk.com/robot/send?access_token=abc"


@pytest.mark.parametrize(
    "url",
    [WECOM, DINGTALK, "HTTPS://QYAPI.Weixin.qq.com:443/cgi-bin/webhook/send?key=k"],
)
def test_the_public_robot_hosts_are_accepted(url: str) -> None:
    assert check_webhook_url(url, PUBLIC_HOSTS) == url


@pytest.mark.parametrize(
    ("url", "why"),
    [
        ("http://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k", "only https"),
        ("ftp://qyapi.weixin.qq.com/x", "only https"),
        ("//qyapi.weixin.qq.com/x", "only https"),
        ("https://127.0.0.1:8080/send", "'127.0.0.1' is not in"),
        ("https://127.0.0.1/send", "'127.0.0.1' is not in"),
        ("https://10.1.2.3/cgi-bin/webhook/send?key=k", "'10.1.2.3' is not in"),
        ("https://[::1]/send", "'::1' is not in"),
        ("https://2130706433/send", "'2130706433' is not in"),
        ("https://localhost/send", "'localhost' is not in"),
        ("https://evil.example.com/cgi-bin/webhook/send?key=k", "'evil.example.com' is not"),
        ("https://qyapi.weixin.qq.com.evil.com/cgi-bin/webhook/send?key=k", "not in"),
        ("https://evilqyapi.weixin.qq.com/x", "not in"),
        ("https://weixin.qq.com/x", "not in"),
        ("https://qyapi.weixin.qq.com./x", "not in"),
        ("https://evil.com/qyapi.weixin.qq.com/x", "not in"),
        ("https://user:pass@qyapi.weixin.qq.com/x", "user name or password"),
        ("https://qyapi.weixin.qq.com@evil.com/x", "user name or password"),
        ("https://qyapi.weixin.qq.com\\@evil.com/x", "user name or password"),
        ("https://qyapi.weixin.qq.com:8080/x", "port 8080 is not allowed"),
        ("https://qyapi.weixin.qq.com:99999/x", "not a URL"),
        ("https://qyapi.weixin.qq.com:443x/x", "not a URL"),
        ("https://[qyapi.weixin.qq.com/x", "not a URL"),
        ("https://qyapi.weixin.qq.com\n.evil.com/x", "control"),
        ("https://qyapi.weixin.qq.com /x", "spaces"),
        ("https://qyapi。weixin.qq.com/x", "non-ASCII"),
        ("https:///x", "no host"),
        ("", "only https"),
    ],
)
def test_other_urls_are_refused(url: str, why: str) -> None:
    with pytest.raises(WebhookRefused, match=why.replace("?", r"\?")):
        check_webhook_url(url, PUBLIC_HOSTS)


def test_the_operator_allow_list_replaces_the_public_hosts() -> None:
    hosts = ["robot.bureau.local", "GATEWAY.bureau.local:8443", "10.20.0.5"]

    assert check_webhook_url("https://robot.bureau.local/send?key=k", hosts)
    assert check_webhook_url("https://gateway.bureau.local:8443/send?key=k", hosts)
    assert check_webhook_url("https://10.20.0.5/send?key=k", hosts)
    for refused in (
        WECOM,  # not listed any more
        "https://gateway.bureau.local/send",  # listed with 8443 only
        "https://robot.bureau.local:8443/send",  # listed with 443 only
        "https://10.20.0.6/send",
    ):
        with pytest.raises(WebhookRefused):
            check_webhook_url(refused, hosts)


def test_an_empty_allow_list_refuses_everything() -> None:
    with pytest.raises(WebhookRefused, match=r"\(none\)"):
        check_webhook_url(WECOM, [])


def test_allow_list_entries_are_read_as_host_and_port() -> None:
    assert allowed_endpoints(
        [" Robot.Local ", "gw.local:8443", "[fd00::1]:9443", "bad:port", "a@b", "x/y", ""]
    ) == {("robot.local", 443), ("gw.local", 8443), ("fd00::1", 9443)}


@pytest.mark.parametrize(
    "address",
    [
        *("127.0.0.1", "10.0.0.8", "172.16.3.4", "192.168.1.1", "169.254.169.254", "100.64.0.1"),
        *("0.0.0.0", "240.0.0.1", "224.0.0.1", "::1", "fe80::1%eth0", "fd00::1", "::ffff:10.0.0.1"),
    ],
)
def test_a_public_robot_host_resolving_inside_is_refused(address: str) -> None:
    with pytest.raises(WebhookRefused, match="internal address"):
        check_addresses("qyapi.weixin.qq.com", ["101.91.22.57", address])


def test_public_addresses_and_operator_hosts_pass_the_address_check() -> None:
    check_addresses("oapi.dingtalk.com", ["106.11.43.158", "2408:4000::1"])
    check_addresses("QYAPI.weixin.qq.com", ["101.91.22.57"])
    # An on-premise gateway the operator listed is internal by design.
    check_addresses("robot.bureau.local", ["10.20.0.5", "127.0.0.1"])
