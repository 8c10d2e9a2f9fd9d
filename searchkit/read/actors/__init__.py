"""Actors: the people, organisations and places an article names.

`find_actors(text)` reads one text; `merge_aliases(refs)` joins the names found across a corpus into one actor
each; `load_overrides(path)` reads a user's corrections to both.
"""
from .find import find_actors
from .merge import merge_aliases
from .overrides import AliasRule, Overrides, load_overrides

__all__ = ["AliasRule", "Overrides", "find_actors", "load_overrides", "merge_aliases"]
