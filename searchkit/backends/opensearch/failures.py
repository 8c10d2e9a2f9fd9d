"""Failures of the cluster as one line for the user: where (the location, never credentials) and what went wrong."""
from __future__ import annotations

import functools
from contextlib import contextmanager
from typing import Callable, Iterator, TypeVar

from opensearchpy import exceptions

from ...errors import SearchkitError
from .connection import API_KEY_VAR, USER_VAR

F = TypeVar("F", bound=Callable)


class ClusterError(SearchkitError):
    """The cluster could not be reached or refused a request."""


def describe(exc: Exception) -> str:
    """What a client exception means, in words, without the request (which may carry credentials)."""
    if isinstance(exc, exceptions.ConnectionTimeout):
        return "the cluster did not answer in time"
    if isinstance(exc, exceptions.SSLError):
        return "the TLS handshake failed (check the https URL and SEARCHKIT_OPENSEARCH_CA_FILE)"
    if isinstance(exc, exceptions.ConnectionError):
        return "cannot reach the cluster (is it running, and is the host and port right?)"
    if isinstance(exc, exceptions.AuthenticationException):
        return f"the cluster refused the credentials (set {USER_VAR} and its password, or {API_KEY_VAR})"
    if isinstance(exc, exceptions.AuthorizationException):
        return "the credentials given may not do this on the cluster (403)"
    if isinstance(exc, exceptions.TransportError):
        return f"the cluster answered {exc.status_code} {_reason(exc)}"
    return str(exc)


def _reason(exc: exceptions.TransportError) -> str:
    info = exc.info if isinstance(exc.info, dict) else {}
    error = info.get("error")
    if isinstance(error, dict):
        cause = (error.get("root_cause") or [error])[0]
        return f"({cause.get('type', '?')}: {cause.get('reason', '')})"
    return f"({exc.error})"


@contextmanager
def cluster_errors(location: str) -> Iterator[None]:
    """Turn the client's exceptions into one ClusterError line naming `location`."""
    try:
        yield
    except exceptions.OpenSearchException as exc:
        raise ClusterError(f"{location}: {describe(exc)}") from exc


def reported(method: F) -> F:
    """A method of an object with a `location` whose client failures become ClusterErrors naming it."""

    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        with cluster_errors(self.location):
            return method(self, *args, **kwargs)

    return wrapper  # type: ignore[return-value]
