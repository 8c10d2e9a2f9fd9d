"""Index locations and the connection settings of the OpenSearch backend (no cluster needed)."""
from __future__ import annotations

import pytest

from searchkit.backends.opensearch.connection import (
    API_KEY_VAR,
    CA_FILE_VAR,
    PASSWORD_VAR,
    USER_VAR,
    ConnectionConfigError,
    Credentials,
    IndexLocation,
    is_cluster_location,
    make_client,
    parse_location,
)

SECRET = "s3cr3t-Pa55"


def test_a_location_splits_into_the_cluster_url_and_the_index_name():
    assert parse_location("http://localhost:9200/news") == IndexLocation("http://localhost:9200", "news")
    assert parse_location("HTTPS://search.example.org/news/") == IndexLocation("https://search.example.org", "news")


def test_a_proxy_path_before_the_index_name_stays_in_the_cluster_url():
    assert parse_location("https://proxy.example.org:8443/os/news") == IndexLocation(
        "https://proxy.example.org:8443/os", "news")


def test_an_ipv6_host_keeps_its_brackets():
    assert parse_location("http://[::1]:9200/news").base_url == "http://[::1]:9200"


def test_only_urls_are_cluster_locations():
    assert is_cluster_location("http://localhost:9200/news")
    assert not is_cluster_location("index/news")
    assert not is_cluster_location("httpfolder")


@pytest.mark.parametrize(
    "location, says",
    [
        ("ftp://host:21/news", "not an http(s) URL"),
        ("http://localhost:9200", "names no index"),
        ("http://localhost:9200/", "names no index"),
        ("http://localhost:port/news", "port that is not a number"),
        ("http://:9200/news", "names no host"),
        ("http://localhost:9200/News", "must be lowercase: try 'news'"),
        ("http://localhost:9200/_news", "may not start with"),
        ("http://localhost:9200/a*b", "may not contain '*'"),
        ("http://localhost:9200/news?pretty", "query or fragment"),
    ],
)
def test_a_bad_location_is_one_line_naming_it_and_what_is_wrong(location, says):
    with pytest.raises(ConnectionConfigError) as raised:
        parse_location(location)
    message = str(raised.value)
    assert says in message and "\n" not in message


def test_credentials_in_the_url_are_refused_without_repeating_them():
    with pytest.raises(ConnectionConfigError) as raised:
        parse_location(f"https://admin:{SECRET}@localhost:9200/news")
    assert SECRET not in str(raised.value) and "admin" not in str(raised.value)
    assert USER_VAR in str(raised.value)


def test_credentials_come_from_the_environment():
    creds = Credentials.from_environment({USER_VAR: "reader", PASSWORD_VAR: SECRET})
    assert (creds.user, creds.password, creds.api_key) == ("reader", SECRET, None)
    assert Credentials.from_environment({API_KEY_VAR: SECRET}).api_key == SECRET
    assert Credentials.from_environment({}) == Credentials()


@pytest.mark.parametrize(
    "environ, says",
    [
        ({USER_VAR: "reader"}, f"{USER_VAR} is set but {PASSWORD_VAR} is not"),
        ({PASSWORD_VAR: SECRET}, f"{PASSWORD_VAR} is set but {USER_VAR} is not"),
        ({USER_VAR: "reader", PASSWORD_VAR: SECRET, API_KEY_VAR: SECRET}, "keep only one way"),
        ({CA_FILE_VAR: "/nonexistent/ca.pem"}, "which is not a file"),
    ],
)
def test_bad_settings_are_named_and_their_secrets_never_shown(environ, says):
    with pytest.raises(ConnectionConfigError) as raised:
        Credentials.from_environment(environ)
    assert says in str(raised.value)
    assert SECRET not in str(raised.value)


def test_secrets_are_not_in_the_repr_of_credentials_or_client():
    creds = Credentials(user="reader", password=SECRET)
    client = make_client(parse_location("https://localhost:9200/news"), creds)
    keyed = make_client(parse_location("https://localhost:9200/news"), Credentials(api_key=SECRET))
    for shown in (repr(creds), repr(Credentials(api_key=SECRET)), repr(client), repr(keyed), str(client)):
        assert SECRET not in shown


def test_the_client_sends_basic_auth_or_the_api_key():
    basic = make_client(parse_location("https://localhost:9200/news"), Credentials(user="reader", password=SECRET))
    keyed = make_client(parse_location("https://localhost:9200/news"), Credentials(api_key=SECRET))
    (basic_connection,) = basic.transport.connection_pool.connections
    (keyed_connection,) = keyed.transport.connection_pool.connections
    assert basic_connection.headers["authorization"].startswith("Basic ")
    assert keyed_connection.headers["authorization"] == f"ApiKey {SECRET}"
    assert basic_connection.use_ssl


def test_the_ca_file_verifies_the_cluster_certificate(tmp_path):
    ca = tmp_path / "ca.pem"
    ca.write_text("-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n")
    creds = Credentials.from_environment({CA_FILE_VAR: str(ca)})
    client = make_client(parse_location("https://localhost:9200/news"), creds)
    (connection,) = client.transport.connection_pool.connections
    assert connection.pool.ca_certs == str(ca) and connection.pool.cert_reqs == "CERT_REQUIRED"


def test_secrets_are_never_sent_over_plain_http_to_another_machine():
    with pytest.raises(ConnectionConfigError) as raised:
        make_client(parse_location("http://search.example.org:9200/news"), Credentials(api_key=SECRET))
    assert "https" in str(raised.value) and SECRET not in str(raised.value)
    make_client(parse_location("http://127.0.0.1:9200/news"), Credentials(api_key=SECRET))  # loopback: allowed
