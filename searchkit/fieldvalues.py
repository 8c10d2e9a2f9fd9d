"""How article values are written as index values, by every backend: actor tokens and comma-joined lists."""
from __future__ import annotations

from .models import ActorRef

# Values of multi-valued fields are joined with commas; names never keep a comma of their own.
LIST_SEPARATOR = ","


def actor_token(ref: ActorRef) -> str:
    return f"{ref.kind}:{ref.name.replace(LIST_SEPARATOR, ' ')}"


def parse_actor_token(token: str) -> ActorRef:
    kind, _, name = token.partition(":")
    return ActorRef(name=name, kind=kind)


def split_list(value: str | None) -> list[str]:
    return [v for v in (value or "").split(LIST_SEPARATOR) if v]
