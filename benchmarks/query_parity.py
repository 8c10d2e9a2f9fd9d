"""Does the query language parsed once match the same passages as the code it replaced?

    python benchmarks/query_parity.py              # Reuters-21578 x1 (benchmarks/reuters.py --copies 1 first)
    python benchmarks/query_parity.py --latency 2  # then: both sides' query times, alternated twice
    python benchmarks/query_parity.py --latency 2 --before main --index DIR --per-article 1
                                                   # another commit's code on one index (same schema), grouped

The code before (commit e99d29e, read from git into a temporary folder, never pasted) and the code of this checkout
each index the corpus and run the benchmark query list (benchmarks/queries.py: 200 whole titles with OR, 50 pairs
of title words with AND), each in its own process. For every query the sets of matching passages (by passage id,
before paging) are compared; each passage found by one side only is given its reason, from the passage's words as
each side's analysis indexes them. Deliberate changes: compounds are indexed whole and as parts (a query word that
is a part of "1st", "MH17" or "u.s.-based" now finds it), and an AND query that matches nothing is relaxed (shown
apart: the strict sets are what is compared).
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

from reuters import WORK

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
BEFORE = "e99d29e"
ROUNDS = 3


# -- one side, in its own process --------------------------------------------------------------------------------
def run_side(corpus: Path, index: Path, out: Path) -> None:
    """Index (unless done) and write {query number: sorted passage ids} for the strict match sets, and for the
    new code the relaxed totals."""
    from searchkit import Index

    from queries import make_queries

    if not (index / "searchkit.json").exists():
        with Index(index) as ix:
            ix.add([corpus], rebuild=True)
    queries = make_queries(corpus)
    found, relaxed, actors = {}, {}, {}
    with Index(index, create=False) as ix:
        ps = getattr(ix, "backend", ix)._passages()  # the code before had no backends: Index held the searcher
        reader = ps.searcher.reader()
        passage_of = {d: ps.searcher.stored_fields(d)["passage_id"] for d in reader.all_doc_ids()}
        for number, query in enumerate(queries):
            parsed = ps.parser.parse(query.text, any_term=query.match == "any")
            found[number] = sorted(passage_of[int(d)] for d in ps._matched_docs(parsed, None))
            actors[number] = sorted({str(t) for f, t in parsed.iter_all_terms() if f == "actor"})
            if not found[number] and query.match == "all":
                results = ix.search(query.text, match="all", facets=(), limit=1)
                relaxed[number] = {"total": results.total, "dropped": getattr(results, "dropped", [])}
    out.write_text(json.dumps({"found": found, "relaxed": relaxed, "actors": actors}))


def time_side(index: Path, corpus: Path, out: Path, per_article: int | None = None) -> None:
    """CPU and wall milliseconds of each benchmark query through the public API (top 10 with snippets and the
    outlet, actor and year facets; grouped by article with `per_article`), the median of ROUNDS rounds after one
    round of warming up."""
    import statistics
    import time

    from searchkit import Index

    from queries import FACETS, make_queries

    queries = make_queries(corpus)
    cpu: dict[int, list[float]] = {i: [] for i in range(len(queries))}
    wall: dict[int, list[float]] = {i: [] for i in range(len(queries))}
    with Index(index, create=False) as ix:
        for round_ in range(ROUNDS + 1):
            for number, query in enumerate(queries):
                started, started_cpu = time.perf_counter(), time.process_time()
                ix.search(query.text, match=query.match, facets=FACETS, limit=10, per_article=per_article)
                if round_:
                    cpu[number].append((time.process_time() - started_cpu) * 1000)
                    wall[number].append((time.perf_counter() - started) * 1000)
    out.write_text(json.dumps({"cpu": {n: statistics.median(v) for n, v in cpu.items()},
                               "wall": {n: statistics.median(v) for n, v in wall.items()}}))


def latency(corpus: Path, runs: int, before: str = BEFORE, index: Path | None = None,
            per_article: int | None = None) -> None:
    """Each side's query times, the sides alternated `runs` times; printed as p50 and p95 by query kind. Each side
    searches its parity index, or both the one `index` (when the two commits share its schema)."""
    import statistics

    from queries import make_queries

    queries = make_queries(corpus)
    code = {"before": old_code(before), "after": ROOT}
    found: dict[str, list[dict]] = {"before": [], "after": []}
    for _ in range(runs):
        for name in ("before", "after"):
            out = WORK / f"latency-{name}.json"
            env = {"PYTHONPATH": f"{code[name]}:{HERE}", "PATH": "/usr/bin:/bin"}
            grouped = ["--per-article", str(per_article)] if per_article else []
            subprocess.run([sys.executable, str(Path(__file__).resolve()), "--time-side",
                            str(index or WORK / f"parity-{name}-ix"), str(corpus), str(out)] + grouped,
                           check=True, env=env)
            found[name].append(json.loads(out.read_text()))
    grouped = f", grouped --per-article {per_article}" if per_article else ""
    print(f"Query ms, median of {ROUNDS} rounds a query{grouped}, sides alternated {runs} times (each run's figures):")
    for match, label in (("any", "OR"), ("all", "AND"), (None, "all")):
        numbers = [str(i) for i, q in enumerate(queries) if match in (None, q.match)]
        for measure in ("cpu", "wall"):
            cells = []
            for name in ("before", "after"):
                runs_ = [sorted(r[measure][n] for n in numbers) for r in found[name]]
                cells.append(", ".join(f"{statistics.median(v):.1f}/{v[int(len(v) * 0.95) - 1]:.1f}" for v in runs_))
            print(f"  {label:3} {measure:4} p50/p95  {before}: {cells[0]}   this code: {cells[1]}")


def old_code(commit: str = BEFORE) -> Path:
    """The searchkit package of `commit`, extracted from git into a temporary folder."""
    folder = Path(tempfile.mkdtemp(prefix="searchkit-before-"))
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", commit, "searchkit"], check=True,
                             capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", str(folder)], input=archive, check=True)
    return folder


def side(name: str, code: Path, corpus: Path, again: bool) -> dict:
    """One side's match sets, from its own process (or from its last run's file, unless `again`)."""
    out = WORK / f"parity-{name}.json"
    if out.exists() and not again:
        return json.loads(out.read_text())
    env = {"PYTHONPATH": f"{code}:{HERE}", "PATH": "/usr/bin:/bin"}
    subprocess.run([sys.executable, str(Path(__file__).resolve()), "--side", str(corpus), str(WORK / f"parity-{name}-ix"),
                    str(out)], check=True, env=env)
    return json.loads(out.read_text())


# -- reasons -----------------------------------------------------------------------------------------------------
class Reasons:
    """Why a passage is matched by one side only, from its words as each side's analysis indexes them."""

    def __init__(self, index: Path):
        from whoosh.analysis import LanguageAnalyzer

        from searchkit import Index
        from searchkit.backends.whoosh.analysis import stem, stemmed_analyzer

        self.old, self.new, self.stem = LanguageAnalyzer("en"), stemmed_analyzer(), stem
        self.ix = Index(index, create=False)
        ps = self.ix.backend._passages()
        self.texts = {}
        for d in ps.searcher.reader().all_doc_ids():
            stored = ps.searcher.stored_fields(d)
            self.texts[stored["passage_id"]] = f"{stored.get('title') or ''}\n{stored.get('text', '')}"

    def why(self, typed: list[str], passage: str, gained: bool) -> tuple[str, str]:
        text = self.texts.get(passage, "")
        old = {t.text for t in self.old(text)}
        new_tokens = {t.text for t in self.new(text)}
        for word in typed:
            stems = [t.text for t in self.new(word)]
            if not stems:
                continue
            stem = stems[0]
            if gained and stem not in old and stem in new_tokens:
                compound = next((text[w.whole.start:w.whole.end] for w in words(text)
                                 if w.whole and stem in {self.stem(p.text) for p in w.parts}), None)
                if compound:
                    return "compound part", f"'{word}' is now also found as a part of {compound!r}"
                written = next((c for c in text.split() if stem in {t.text for t in self.new(c)}), "?")
                if "*" in written:  # Whoosh's default tokenizer took '*' for a letter
                    return "asterisk", f"'{word}' is now a word of its own in {written!r} ('*' ends a word)"
            if not gained and stem in old and stem not in new_tokens:
                return "no longer a word", f"'{word}' is no longer a word of its own here"
        if not gained and not {t.text for w in typed for t in self.old(w)} & old:
            # None of the words is in the passage: the code before matched it through the actor field only.
            return "actor names", "none of the words is in the passage: matched before through an actor it was " \
                                  "tagged with, which actor extraction on main since e99d29e no longer gives it"
        return "unexplained", ""


def compare(before: dict, after: dict, queries, reasons: Reasons) -> None:
    same = [n for n in before["found"] if before["found"][n] == after["found"][n]]
    print(f"Queries with identical match sets: {len(same)} of {len(queries)} ({len(same) / len(queries):.1%})")
    for match, name in (("any", "OR"), ("all", "AND")):
        numbers = [str(i) for i, q in enumerate(queries) if q.match == match]
        alike = sum(1 for n in numbers if before["found"][n] == after["found"][n])
        print(f"  {name}: {alike} of {len(numbers)}")
    print()
    tally: Counter = Counter()
    for n, old in before["found"].items():
        new = after["found"][n]
        if old == new:
            continue
        query = queries[int(n)]
        typed = query.text.split()
        actors_before, actors_after = before["actors"][n], after["actors"][n]
        gained, lost = sorted(set(new) - set(old)), sorted(set(old) - set(new))
        print(f"- {query.text!r} ({'OR' if query.match == 'any' else 'AND'}): {len(old)} -> {len(new)} passages")
        for passages, is_gain, sign in ((gained, True, "+"), (lost, False, "-")):
            why = Counter(reasons.why(typed, p, is_gain) for p in passages)
            if actors_before != actors_after and ("unexplained", "") in why:
                # The words name other indexed actors: what the reading side calls an actor changed since BEFORE.
                changed = len(set(actors_before) ^ set(actors_after))
                why[("actor names", f"the words name other actors ({changed} actor names differ; actor extraction "
                                    "changed on main since e99d29e)")] = why.pop(("unexplained", ""))
            for (kind, detail), count in why.most_common():
                tally[kind] += count
                print(f"    {sign}{count}: {detail or 'unexplained'}")
    relaxed = after.get("relaxed", {})
    if relaxed:
        print(f"\nAND queries matching nothing, now relaxed (a deliberate change): {len(relaxed)}")
        for n, info in relaxed.items():
            print(f"- {queries[int(n)].text!r}: {info['total']} passages without {', '.join(info['dropped'])}")
    print(f"\nPassages gained or lost, by reason: {dict(tally)}")


def words(text: str):
    from searchkit.query.tokens import words as written_words

    return written_words(text)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=WORK / "reuters-x1")
    parser.add_argument("--again", action="store_true", help="query both indexes again, not the last run's sets")
    parser.add_argument("--latency", type=int, metavar="RUNS",
                        help="time both sides' queries instead, alternating RUNS times (after a parity run)")
    parser.add_argument("--before", default=BEFORE, help=f"the commit --latency compares with (default {BEFORE})")
    parser.add_argument("--index", type=Path, help="--latency: the one index both sides search (same schema)")
    parser.add_argument("--per-article", type=int, help="--latency: time grouped searches (per_article=N)")
    parser.add_argument("--side", nargs=3, help=argparse.SUPPRESS)
    parser.add_argument("--time-side", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.side:
        return run_side(*map(Path, args.side))
    if args.time_side:
        return time_side(*map(Path, args.time_side), per_article=args.per_article)
    if args.latency:
        return latency(args.corpus, args.latency, args.before, args.index, args.per_article)
    from queries import make_queries

    before = side("before", old_code(), args.corpus, args.again)
    after = side("after", ROOT, args.corpus, args.again)
    compare(before, after, make_queries(args.corpus), Reasons(WORK / "parity-after-ix"))


if __name__ == "__main__":
    main()
