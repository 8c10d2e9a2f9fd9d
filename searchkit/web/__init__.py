"""`searchkit serve`: a search page and a JSON HTTP API over `searchkit.Index`, read-only."""
from .server import make_server, serve

__all__ = ["make_server", "serve"]
