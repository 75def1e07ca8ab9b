"""Which X-Forwarded-For to believe: none by default; only hops a trusted proxy vouches for."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from serve.client_address import client_address, parse_networks
from serve.settings import Settings

PROXIES = parse_networks(["10.0.0.0/8", "192.0.2.7", "2001:db8::/32"])


def test_without_trusted_proxies_the_header_is_ignored() -> None:
    assert client_address("203.0.113.9", ["198.51.100.1"], ()) == "203.0.113.9"


def test_a_peer_that_is_not_a_trusted_proxy_cannot_choose_its_address() -> None:
    assert client_address("203.0.113.9", ["198.51.100.1"], PROXIES) == "203.0.113.9"


def test_behind_a_trusted_proxy_the_hop_it_appended_is_the_client() -> None:
    # The client wrote "1.2.3.4" itself; the proxy appended the address it saw.
    assert client_address("10.1.1.1", ["1.2.3.4, 198.51.100.20"], PROXIES) == "198.51.100.20"


def test_trusted_hops_are_skipped_from_the_right() -> None:
    assert client_address("10.1.1.1", ["1.2.3.4", "198.51.100.20, 192.0.2.7, 10.2.2.2"], PROXIES) == (
        "198.51.100.20"
    )


def test_ipv6_proxies_and_clients() -> None:
    assert client_address("2001:db8::1", ["2001:db9::5"], PROXIES) == "2001:db9::5"


def test_no_header_or_only_trusted_hops() -> None:
    assert client_address("10.1.1.1", [], PROXIES) == "10.1.1.1"
    assert client_address("10.1.1.1", ["10.3.3.3"], PROXIES) == "10.3.3.3"


def test_garbage_from_a_trusted_proxy_is_a_bounded_key_and_stops_the_walk() -> None:
    assert client_address("10.1.1.1", ["1.2.3.4, " + "x" * 500], PROXIES) == "x" * 64
    assert client_address(None, ["1.2.3.4"], PROXIES) == "unknown"


def test_trusted_proxies_setting_names_a_bad_entry() -> None:
    assert Settings(trusted_proxies=["127.0.0.1", "10.0.0.0/8", "::1"]).trusted_proxies[1] == "10.0.0.0/8"
    with pytest.raises(ValidationError, match="'proxy.example.com' is not an IP address or network"):
        Settings(trusted_proxies=["proxy.example.com"])
