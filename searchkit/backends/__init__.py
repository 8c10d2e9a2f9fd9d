"""The search engines searchkit indexes into and searches: one package each (`whoosh`, the embedded default)."""
