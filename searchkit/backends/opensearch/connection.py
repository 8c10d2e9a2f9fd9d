"""Where an OpenSearch index is, and a client for it: an `http(s)://host:port/name` location names the cluster and
the index; credentials and TLS come from the environment, never from the location, and never appear in a message.

Environment variables:
    SEARCHKIT_OPENSEARCH_USER, SEARCHKIT_OPENSEARCH_PASSWORD   HTTP basic authentication (both or neither)
    SEARCHKIT_OPENSEARCH_API_KEY                               an API key (sent as `Authorization: ApiKey ...`)
    SEARCHKIT_OPENSEARCH_CA_FILE                               a PEM file of the CA that signed the cluster's cert
"""
from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from ...errors import SearchkitError

USER_VAR = "SEARCHKIT_OPENSEARCH_USER"
PASSWORD_VAR = "SEARCHKIT_OPENSEARCH_PASSWORD"
API_KEY_VAR = "SEARCHKIT_OPENSEARCH_API_KEY"
CA_FILE_VAR = "SEARCHKIT_OPENSEARCH_CA_FILE"

# OpenSearch's own rules for index names (MetadataCreateIndexService.validateIndexOrAliasName).
_FORBIDDEN_IN_NAME = set('\\/*?"<>| ,#:')
_MAX_NAME_BYTES = 255


class ConnectionConfigError(SearchkitError):
    """A bad index location or connection setting, said in one line without any secret."""


@dataclass(frozen=True)
class IndexLocation:
    """An index on a cluster: the cluster's base URL (scheme, host, port and any proxy path) and the index name."""

    base_url: str
    index: str

    @property
    def uses_tls(self) -> bool:
        return self.base_url.startswith("https://")

    def __str__(self) -> str:
        return f"{self.base_url}/{self.index}"


def is_cluster_location(location: str | os.PathLike) -> bool:
    """True when `location` names a cluster (an http or https URL) rather than a folder."""
    return isinstance(location, str) and re.match(r"(?i)https?://", location) is not None


def parse_location(location: str) -> IndexLocation:
    """`http(s)://host:port/name` (a proxy path before the name is kept) -> base URL and index name."""
    parts = urlsplit(location.strip())
    shown = _without_userinfo(location)
    if parts.scheme.lower() not in ("http", "https"):
        raise ConnectionConfigError(f"index location {shown!r} is not an http(s) URL: try http://localhost:9200/news")
    if "@" in parts.netloc:
        raise ConnectionConfigError(
            f"index location {shown!r} carries credentials: put them in {USER_VAR} and {PASSWORD_VAR} instead")
    try:
        port = parts.port
    except ValueError:
        raise ConnectionConfigError(f"index location {shown!r} has a port that is not a number from 1 to 65535")
    if not parts.hostname:
        raise ConnectionConfigError(f"index location {shown!r} names no host: try http://localhost:9200/news")
    if parts.query or parts.fragment:
        raise ConnectionConfigError(f"index location {shown!r} has a query or fragment: give only host, port and index")
    segments = [s for s in parts.path.split("/") if s]
    if not segments:
        raise ConnectionConfigError(f"index location {shown!r} names no index: add one, as in {shown.rstrip('/')}/news")
    index = segments[-1]
    _check_index_name(index, shown)
    host = f"[{parts.hostname}]" if ":" in parts.hostname else parts.hostname
    prefix = "".join(f"/{s}" for s in segments[:-1])
    netloc = host if port is None else f"{host}:{port}"
    return IndexLocation(base_url=f"{parts.scheme.lower()}://{netloc}{prefix}", index=index)


def _check_index_name(name: str, shown: str) -> None:
    closest = "".join(c for c in name.lower() if c not in _FORBIDDEN_IN_NAME).lstrip("-_+") or "news"
    problem = None
    if name != name.lower():
        problem = "must be lowercase"
    elif set(name) & _FORBIDDEN_IN_NAME:
        problem = f"may not contain {' '.join(sorted(set(name) & _FORBIDDEN_IN_NAME))!r}"
    elif name.startswith(("-", "_", "+")):
        problem = "may not start with '-', '_' or '+'"
    elif name in (".", ".."):
        problem = "may not be '.' or '..'"
    elif len(name.encode()) > _MAX_NAME_BYTES:
        problem = f"is longer than {_MAX_NAME_BYTES} bytes"
        closest = closest.encode()[:_MAX_NAME_BYTES].decode(errors="ignore")
    if problem:
        raise ConnectionConfigError(f"index name {name!r} in {shown!r} {problem}: try {closest!r}")


def _without_userinfo(location: str) -> str:
    """The location as it may be shown: any user:password@ replaced, so an error never repeats a secret."""
    return re.sub(r"(?i)^(\s*https?://)[^/@]*@", r"\1***@", location.strip())


@dataclass(frozen=True)
class Credentials:
    """How to authenticate and verify TLS; the secrets are left out of repr and of every message."""

    user: str | None = None
    password: str | None = field(default=None, repr=False)
    api_key: str | None = field(default=None, repr=False)
    ca_file: Path | None = None

    @classmethod
    def from_environment(cls, environ: Mapping[str, str] | None = None) -> "Credentials":
        env = os.environ if environ is None else environ
        user, password = env.get(USER_VAR) or None, env.get(PASSWORD_VAR) or None
        api_key, ca_file = env.get(API_KEY_VAR) or None, env.get(CA_FILE_VAR) or None
        if (user is None) != (password is None):
            have, missing = (USER_VAR, PASSWORD_VAR) if password is None else (PASSWORD_VAR, USER_VAR)
            raise ConnectionConfigError(f"{have} is set but {missing} is not: set both for basic authentication")
        if user is not None and api_key is not None:
            raise ConnectionConfigError(
                f"both {USER_VAR}/{PASSWORD_VAR} and {API_KEY_VAR} are set: keep only one way to authenticate")
        if ca_file is not None and not Path(ca_file).is_file():
            raise ConnectionConfigError(f"{CA_FILE_VAR} names {ca_file!r}, which is not a file: give a PEM file")
        return cls(user=user, password=password, api_key=api_key, ca_file=Path(ca_file) if ca_file else None)

    @property
    def any_secret(self) -> bool:
        return self.password is not None or self.api_key is not None


def make_client(location: IndexLocation, credentials: Credentials | None = None, **options):
    """An `opensearchpy.OpenSearch` client for the cluster of `location`; `options` go to the client (timeouts...)."""
    from opensearchpy import OpenSearch  # only the OpenSearch backend needs the client library

    creds = Credentials.from_environment() if credentials is None else credentials
    if creds.any_secret and not location.uses_tls and not _is_loopback(location):
        # Basic auth and API keys travel in clear over http: refuse rather than leak them on the network.
        raise ConnectionConfigError(f"credentials are set but {location.base_url} is not https: use an https URL")
    kwargs: dict = {"hosts": [location.base_url], **options}
    if creds.user is not None:
        kwargs["http_auth"] = (creds.user, creds.password)
    if creds.api_key is not None:
        kwargs["headers"] = {**kwargs.get("headers", {}), "Authorization": f"ApiKey {creds.api_key}"}
    if location.uses_tls:
        kwargs.update(use_ssl=True, verify_certs=True)
        if creds.ca_file is not None:
            kwargs["ca_certs"] = str(creds.ca_file)
    return OpenSearch(**kwargs)


def _is_loopback(location: IndexLocation) -> bool:
    host = urlsplit(location.base_url).hostname or ""
    return host in ("localhost", "::1") or host.startswith("127.")
