"""Which addresses count as public, and how the allow-list opens exceptions."""

from __future__ import annotations

import ipaddress

import pytest

from vision.netguard import AddressPolicy, Refusal, is_public


@pytest.mark.parametrize("address", [
    "127.0.0.1", "127.8.9.10", "10.1.2.3", "172.16.0.1", "192.168.1.1", "169.254.169.254",
    "100.64.0.1", "0.0.0.0", "224.0.0.1", "255.255.255.255", "198.18.0.1",
    "::1", "::", "fe80::1", "fc00::1", "ff02::1",
    "::ffff:127.0.0.1", "::ffff:10.0.0.1", "2002:7f00:1::1", "64:ff9b::a9fe:a9fe",
])
def test_not_public(address: str):
    assert not is_public(ipaddress.ip_address(address))


@pytest.mark.parametrize("address", ["93.184.216.34", "8.8.8.8", "2606:4700::1111",
                                     "::ffff:8.8.8.8", "2002:808:808::1"])
def test_public(address: str):
    assert is_public(ipaddress.ip_address(address))


def test_the_allow_list_takes_networks_and_names():
    policy = AddressPolicy(["10.0.0.0/8", "::1", " Sample.Local. "])
    assert policy.permits(ipaddress.ip_address("10.20.30.40"))
    assert policy.permits(ipaddress.ip_address("::1"))
    assert not policy.permits(ipaddress.ip_address("192.168.0.1"))
    assert policy.allowed_names == {"sample.local"}


def test_every_address_of_a_name_must_be_permitted():
    """localhost resolves to 127.0.0.1 (and ::1 on some hosts): permitting only a network
    that misses one of them refuses the name."""
    assert AddressPolicy(["127.0.0.0/8", "::1"]).resolve("localhost", 80)
    with pytest.raises(Refusal) as refusal:
        AddressPolicy(["192.168.0.0/16"]).resolve("localhost", 80)
    assert refusal.value.reason == "private-address"
