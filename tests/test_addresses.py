"""The public-address rule (syndicate.addresses), shared by the fetcher and the feed sink."""

from __future__ import annotations

import pytest

from syndicate.addresses import acceptable, is_local_name, is_public


@pytest.mark.parametrize("address", ["127.0.0.1", "10.1.2.3", "172.16.0.1", "192.168.1.1",
                                     "169.254.169.254", "224.0.0.1", "240.0.0.1", "0.0.0.0",
                                     "100.64.0.1", "::1", "fe80::1", "fe80::1%eth0", "fc00::1",
                                     "::ffff:127.0.0.1", "ff02::1", "::ffff:10.0.0.1",
                                     "2002:7f00:1::", "2002:a9fe:a9fe::1", "::"])
def test_non_global_addresses_are_not_public(address: str) -> None:
    assert not is_public(address)


@pytest.mark.parametrize("address", ["93.184.216.34", "2606:2800:220:1:248:1893:25c8:1946",
                                     "::ffff:93.184.216.34"])
def test_global_addresses_are_public(address: str) -> None:
    assert is_public(address)


def test_a_name_is_not_an_address() -> None:
    with pytest.raises(ValueError):
        is_public("intranet.example")


@pytest.mark.parametrize("address", ["127.0.0.1", "10.1.2.3", "::1", "fc00::1",
                                     "::ffff:192.168.1.1"])
def test_allow_private_admits_private_and_loopback(address: str) -> None:
    assert not acceptable(address, allow_private=False)
    assert acceptable(address, allow_private=True)


@pytest.mark.parametrize("address", ["169.254.169.254", "fe80::1", "fd00:ec2::254",
                                     "100.100.100.200", "224.0.0.1", "0.0.0.0", "::",
                                     "2002:a9fe:a9fe::1"])
def test_metadata_link_local_and_unspecified_are_never_acceptable(address: str) -> None:
    assert not acceptable(address, allow_private=True)


@pytest.mark.parametrize(("host", "local"), [("localhost", True), ("LOCALHOST.", True),
                                             ("intranet.localhost", True),
                                             ("localhost.example", False),
                                             ("example.gov.uk", False)])
def test_local_names(host: str, local: bool) -> None:
    assert is_local_name(host) is local
