"""What counting articles costs a search: each benchmark query run with and without the distinct-article count
(Results.articles, from the article-id facet column), alternated in one run, on an index made by `searchkit index`.

    python benchmarks/article_count.py benchmarks/work/reuters-x1 benchmarks/work/ix-x1
"""
from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from queries import make_queries  # noqa: E402

from searchkit import Index  # noqa: E402
from searchkit.backends.whoosh.engine import PassageSearcher  # noqa: E402


def main(corpus: str, index: str) -> None:
    queries = [q.text for q in make_queries(Path(corpus))]
    with Index(index) as ix:
        ps = ix.backend._passages()
        counting = PassageSearcher.count_articles
        for q in queries[:20]:  # warm the caches
            ps.search(q, any_term=True)
        totals = {"with": 0.0, "without": 0.0}
        counted = 0.0
        for round_ in range(2):
            for label in ("with", "without") if round_ == 0 else ("without", "with"):
                PassageSearcher.count_articles = counting if label == "with" else (lambda self, matched: 0)
                started = time.perf_counter()
                for q in queries:
                    ps.search(q, any_term=True)
                totals[label] += time.perf_counter() - started
        PassageSearcher.count_articles = counting
        for q in queries:
            matched = ps.docsets.docs(ps.parser.plan(q, any_term=True).matching)
            started = time.perf_counter()
            ps.count_articles(matched)
            counted += time.perf_counter() - started
    n = 2 * len(queries)
    print(f"{len(queries)} queries x2 (OR): with the article count {1000 * totals['with'] / n:.1f} ms a query, "
          f"without {1000 * totals['without'] / n:.1f} ms (ratio {totals['with'] / totals['without']:.3f}); "
          f"the count alone {1000 * counted / len(queries):.2f} ms a query")


if __name__ == "__main__":
    main(*sys.argv[1:3])
