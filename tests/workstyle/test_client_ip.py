from django.test import RequestFactory

from workstyle.http import client_ip


def test_without_trusted_proxies_a_forwarded_header_is_ignored(settings):
    settings.WORKSTYLE_NUM_PROXIES = 0
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR="1.2.3.4")
    assert client_ip(request) == "10.0.0.5"


def test_behind_one_proxy_the_address_it_saw_counts_not_the_clients_claims(settings):
    settings.WORKSTYLE_NUM_PROXIES = 1
    # The client claims 6.6.6.6; the proxy appended the address it really saw.
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.7")
    assert client_ip(request) == "203.0.113.7"


def test_behind_a_proxy_a_missing_header_falls_back_to_the_socket_address(settings):
    settings.WORKSTYLE_NUM_PROXIES = 2
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.7")
    assert client_ip(request) == "10.0.0.1"
