"""Actor extraction measured: typed mention-level precision, recall and F1 on hand-annotated news paragraphs,
find_actors's speed, article-level recall of Reuters-21578's <PEOPLE> and <ORGS> labels, and what the corpus alias merge
makes of Reuters' actors (person actors, surname-only ones left unmerged).

    python benchmarks/actors.py                 # everything (~2 min: find_actors 3 times over Reuters)
    python benchmarks/actors.py --quick         # scores on the annotated sets only
    python benchmarks/actors.py --errors dev    # and every error on the dev set, by class
    python benchmarks/actors.py --json          # the figures as JSON
    python benchmarks/actors.py sample          # the Reuters paragraphs the annotated sets were drawn from

The annotated sets and their guidelines are in benchmarks/data/actors/ (README.md there).
"""
from __future__ import annotations

import argparse
import bisect
import itertools
import json
import math
import platform
import random
import re
import time
import unicodedata
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from reuters import ReutersArticle, read_all

HERE = Path(__file__).resolve().parent
GOLD = HERE / "data" / "actors"
REUTERS = Path("/work/shared/data/reuters21578")
KINDS = ("person", "organization", "place")

# -- Reuters-21578, read by benchmarks/reuters.py: paragraphs unwrapped, the dateline before the first ------------
Story = ReutersArticle


def read_reuters(data: Path = REUTERS) -> Iterator[Story]:
    return read_all(data)


# -- the paragraphs annotated -------------------------------------------------------------------------------------
SAMPLE_SEED = 21578
PER_STRATUM = 70
HELD_OUT_SHARE = 0.3
# Economic stories: the topics of markets, trade and companies' results.
ECONOMIC = frozenset("earn acq money-fx crude trade interest grain ship dlr gnp money-supply cpi bop".split())


def _stratum(story: Story) -> str | None:
    """ "policy": the story names people Reuters labelled (ministers, central bankers, leaders); "general": no
    topic at all (politics, diplomacy, wars, company news); "economic": a market, trade or results topic."""
    if story.people:
        return "policy"
    if not story.topics:
        return "general"
    if ECONOMIC & set(story.topics):
        return "economic"
    return None


def _prose(paragraph: str) -> bool:
    """A paragraph of sentences, not a table of figures: 15+ words, most of them words."""
    words = paragraph.split()
    return len(words) >= 15 and sum(w[0].isalpha() for w in words) >= 0.7 * len(words)


def sample_paragraphs(data: Path = REUTERS) -> list[dict]:
    """The Reuters paragraphs drawn for annotation: PER_STRATUM stories of each stratum and one prose paragraph
    of each, by a fixed seed; HELD_OUT_SHARE of them, drawn by the same seed, form the held-out split."""
    strata: dict[str, list[Story]] = {"policy": [], "general": [], "economic": []}
    for story in read_reuters(data):
        name = _stratum(story)
        if name is not None and any(_prose(p) for p in story.paragraphs):
            strata[name].append(story)
    rng = random.Random(SAMPLE_SEED)
    out = []
    for name, stories in strata.items():
        for story in rng.sample(stories, PER_STRATUM):
            number = rng.choice([i for i, p in enumerate(story.paragraphs) if _prose(p)])
            out.append({"id": f"reuters-{story.newid}-p{number}", "stratum": name, "text": story.paragraphs[number]})
    held_out = set(rng.sample(range(len(out)), round(HELD_OUT_SHARE * len(out))))
    for i, record in enumerate(out):
        record["split"] = "test" if i in held_out else "dev"
    return out


# -- scoring against the annotated sets ---------------------------------------------------------------------------
Span = tuple[int, int, str]  # start, end, kind


def load_gold(split: str, folder: Path = GOLD) -> list[dict]:
    """The paragraphs of `split` ("dev" or "test"): {"id", "source", "text", "mentions": [{"start","end","kind"}]}."""
    with (folder / f"{split}.jsonl").open(encoding="utf-8") as lines:
        return [json.loads(line) for line in lines if line.strip()]


def gold_spans(record: dict) -> set[Span]:
    return {(m["start"], m["end"], m["kind"]) for m in record["mentions"]}


def predicted_spans(mentions) -> set[Span]:
    """What find_actors found, less the derived mentions (demonyms: "Iranian" -> Iran), which the sets do not mark."""
    return {(m.start, m.end, m.kind) for m in mentions if not m.derived}


@dataclass
class Errors:
    """Each gold mention not found exactly, and each found mention not in the gold set, by why."""

    wrong_kind: list[tuple[str, Span, Span]] = field(default_factory=list)  # right span, wrong kind
    boundary: list[tuple[str, Span, Span]] = field(default_factory=list)  # overlapping spans, not the same
    missed: list[tuple[str, Span]] = field(default_factory=list)  # nothing found there
    spurious: list[tuple[str, Span]] = field(default_factory=list)  # found where nothing is

    def counts(self) -> dict[str, int]:
        return {name: len(getattr(self, name)) for name in ("wrong_kind", "boundary", "missed", "spurious")}


def _overlaps(a: Span, b: Span) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def classify(pid: str, gold: set[Span], found: set[Span], errors: Errors) -> None:
    for g in sorted(gold - found):
        near = [f for f in found if _overlaps(f, g)]
        same = [f for f in near if f[:2] == g[:2]]
        if same:
            errors.wrong_kind.append((pid, g, same[0]))
        elif near:
            errors.boundary.append((pid, g, near[0]))
        else:
            errors.missed.append((pid, g))
    for f in sorted(found - gold):
        if not any(_overlaps(f, g) for g in gold):
            errors.spurious.append((pid, f))


def prf(tp: int, fp: int, fn: int) -> dict[str, float]:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return {"P": p, "R": r, "F1": 2 * p * r / (p + r) if p + r else 0.0, "gold": tp + fn, "found": tp + fp}


def score(records: list[dict], outputs: list[set[Span]]) -> tuple[dict[str, dict], Errors]:
    """Typed mention-level P/R/F1 (exact span and kind) per kind and overall (micro-averaged), and the errors."""
    tp, fp, fn = Counter(), Counter(), Counter()
    errors = Errors()
    for record, found in zip(records, outputs):
        gold = gold_spans(record)
        for kind in KINDS:
            g, f = {s for s in gold if s[2] == kind}, {s for s in found if s[2] == kind}
            tp[kind] += len(g & f)
            fp[kind] += len(f - g)
            fn[kind] += len(g - f)
        classify(record["id"], gold, found, errors)
    table = {kind: prf(tp[kind], fp[kind], fn[kind]) for kind in KINDS}
    table["overall"] = prf(sum(tp.values()), sum(fp.values()), sum(fn.values()))
    untyped = Counter()
    for record, found in zip(records, outputs):
        g, f = {s[:2] for s in gold_spans(record)}, {s[:2] for s in found}
        untyped["tp"] += len(g & f)
        untyped["fp"] += len(f - g)
        untyped["fn"] += len(g - f)
    table["spans only"] = prf(untyped["tp"], untyped["fp"], untyped["fn"])
    return table, errors


_REUTERS_ID = re.compile(r"reuters-(\d+)-p(\d+)$")
_SEED_ID = re.compile(r"(seed-\d+)-l(\d+)$")


def article_contexts(records: list[dict], stories: dict[str, Story]) -> list[str]:
    """What comes before each paragraph in its article: the Reuters story's earlier paragraphs, or the seed's
    earlier body paragraphs (those of the set), each followed by a blank line. The indexer reads whole articles,
    so a surname ("Volcker said") can lean on the full name given earlier."""
    seeds: dict[str, list[tuple[int, str]]] = {}
    for r in records:
        if m := _SEED_ID.match(r["id"]):
            seeds.setdefault(m[1], []).append((int(m[2]), r["text"]))
    out = []
    for r in records:
        if m := _REUTERS_ID.match(r["id"]):
            before = stories[m[1]].paragraphs[: int(m[2])]
        elif m := _SEED_ID.match(r["id"]):
            before = [text for line, text in sorted(seeds[m[1]]) if line < int(m[2])]
        else:
            before = []
        out.append("".join(p + "\n\n" for p in before))
    return out


def spans_in_article(find, context: str, text: str) -> set[Span]:
    """The mentions find_actors gives `text` when it reads it after `context`, with offsets into `text`."""
    mentions = find(context + text)
    return {(s - len(context), e - len(context), k) for s, e, k in predicted_spans(mentions) if s >= len(context)}


# -- speed ----------------------------------------------------------------------------------------------------------
def timed_run(texts: list[str], find, rounds: int = 3, least: float = 1.0) -> tuple[float, list[list]]:
    """Words per second of `find` over all `texts` in this one process (one core), best of `rounds`, and the
    mentions of the last round. Words are whitespace-separated tokens. A round reads the whole set as many times
    as it takes to last `least` seconds, so that a small set is not timed by the machine's noise."""
    words = sum(len(text.split()) for text in texts)
    find("Warm-up: Paul Volcker of the Federal Reserve met officials in Tokyo.")  # tables load on first use
    start = time.perf_counter()
    outputs = [find(text) for text in texts]
    passes = max(1, math.ceil(least / max(time.perf_counter() - start, 1e-6)))
    best = float("inf")
    for _ in range(rounds):
        start = time.perf_counter()
        for _ in range(passes):
            outputs = [find(text) for text in texts]
        best = min(best, (time.perf_counter() - start) / passes)
    return words / best, outputs


# -- article-level recall of Reuters' labels ---------------------------------------------------------------------
def _table(name: str) -> dict[str, list[str]]:
    rows = (line.rstrip("\n").split("\t") for line in (GOLD / name).read_text(encoding="utf-8").splitlines())
    return {row[0]: row[1].split("|") for row in rows if row[0] and not row[0].startswith("#")}


def _fold(name: str) -> str:
    """Names compared without accents, dots and hyphens: "U.N." ~ "UN", "Co-operation" ~ "Cooperation"."""
    name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return name.replace(".", "").replace("-", " ").replace("  ", " ")


def _name_pattern(names: list[str]) -> re.Pattern[str]:
    """Any of `names` as whole words; capitalised-word names ignore case, acronyms do not ("UN" is not "un")."""
    parts = []
    for name in names:
        folded = re.escape(_fold(name))
        parts.append(folded if name.replace(".", "").isupper() else f"(?i:{folded})")
    return re.compile(rf"\b(?:{'|'.join(parts)})\b")


def label_recall(stories: list[Story], outputs: list[list]) -> dict[str, dict]:
    """For each <PEOPLE> label of an article, whether find_actors gave the article a person whose name holds the
    surname; for each <ORGS> label, an organisation whose name is one of the label's names (reuters_orgs.tsv)."""
    surnames = {code: words[0] for code, words in _table("reuters_people.tsv").items()}
    org_names = {code: _name_pattern(names) for code, names in _table("reuters_orgs.tsv").items()}
    out = {"people": Counter(), "orgs": Counter()}
    missed: dict[str, Counter] = {"people": Counter(), "orgs": Counter()}
    for story, mentions in zip(stories, outputs):
        people = [_fold(m.name) for m in mentions if m.kind == "person"]
        orgs = [_fold(m.name) for m in mentions if m.kind == "organization"]
        for code in story.people:
            surname = surnames.get(code, code.split("-")[-1])
            pattern = re.compile(rf"\b{re.escape(surname)}\b", re.I)
            hit = any(pattern.search(name) for name in people)
            out["people"]["found" if hit else "missed"] += 1
            missed["people"][code] += not hit
        for code in story.orgs:
            hit = code in org_names and any(org_names[code].search(name) for name in orgs)
            out["orgs"]["found" if hit else "missed"] += 1
            missed["orgs"][code] += not hit
    return {
        kind: {
            "labels": c["found"] + c["missed"],
            "recall": c["found"] / (c["found"] + c["missed"]) if c["found"] + c["missed"] else 0.0,
            "most missed": [f"{code} {n}" for code, n in missed[kind].most_common(8) if n],
        }
        for kind, c in out.items()
    }


# -- the corpus's actors after the alias merge ---------------------------------------------------------------------
def corpus_actors(stories: list[Story], outputs: list[list]) -> dict[str, int]:
    """What the index's actor registry makes of Reuters: each paragraph (about a passage) counts the actor names
    find_actors gave it, merge_aliases joins them, and the person actors are counted, with those named by a surname
    alone: all of them, and those "left open", whose surname a person named in full also has (Reagan beside Ronald
    Reagan). Paragraph counts stand in for passages: the chunker joins short paragraphs."""
    from searchkit.read.actors import merge_aliases
    from searchkit.read.actors.names import name_keys
    from searchkit.models import ActorRef

    passages: Counter = Counter()
    for story, mentions in zip(stories, outputs):
        starts = list(itertools.accumulate([0] + [len(p) + 2 for p in story.paragraphs[:-1]]))
        named = {(bisect.bisect_right(starts, m.start), ActorRef(m.name, m.kind)) for m in mentions if not m.derived}
        passages.update(ref for _, ref in named)
    merged = merge_aliases(passages)
    actors: Counter = Counter()
    for ref, n in passages.items():
        actors[merged.get(ref, ref)] += n
    people = [a for a in actors if a.kind == "person"]
    surnames = {keys[-1] for a in people if len(keys := name_keys(a.name)) > 1}
    alone = [a for a in people if len(name_keys(a.name)) == 1]
    left_open = [a for a in alone if name_keys(a.name)[0] in surnames]
    return {
        "actor names": len(passages), "actors": len(actors), "person actors": len(people),
        "surname-only person actors": len(alone), "passages of surname-only actors": sum(actors[a] for a in alone),
        "surname-only actors left open (a full name has the surname)": len(left_open),
        "passages of those left open": sum(actors[a] for a in left_open),
    }


# -- report ------------------------------------------------------------------------------------------------------------
def _row(cells: list) -> str:
    return "| " + " | ".join(str(c) for c in cells) + " |"


def score_table(scores: dict[str, dict[str, dict]]) -> str:
    lines = [_row(["set", "kind", "P", "R", "F1", "gold", "found"]), _row(["---", "---"] + ["---:"] * 5)]
    for split, table in scores.items():
        for kind, s in table.items():
            lines.append(_row([split, kind, f"{s['P']:.3f}", f"{s['R']:.3f}", f"{s['F1']:.3f}", s["gold"], s["found"]]))
    return "\n".join(lines)


def show_errors(split: str, records: list[dict], errors: Errors) -> None:
    texts = {r["id"]: r["text"] for r in records}

    def at(pid: str, span: Span) -> str:
        return f"{texts[pid][span[0]:span[1]]!r}/{span[2]}"

    for name, items in vars(errors).items():
        print(f"\n### {split}: {name} ({len(items)})")
        for item in items:
            pid, g = item[0], item[1]
            around = texts[pid][max(0, g[0] - 40) : g[1] + 40].replace("\n", " ")
            other = f" -> {at(pid, item[2])}" if len(item) > 2 else ""
            print(f"- {pid}: {at(pid, g)}{other}   …{around}…")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("command", nargs="?", choices=["measure", "sample"], default="measure")
    parser.add_argument("--quick", action="store_true", help="the annotated sets only: no Reuters-wide runs")
    parser.add_argument("--errors", choices=["dev", "test"], help="list every error on this set")
    parser.add_argument("--rounds", type=int, default=3, help="timed rounds, the best is kept (default 3)")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()
    if args.command == "sample":
        for record in sample_paragraphs():
            print(json.dumps(record, ensure_ascii=False))
        return

    from searchkit import find_actors

    figures: dict = {"python": platform.python_version(), "machine": platform.machine(), "scores": {}, "speed": {}}
    for split in ("dev", "test"):
        records = load_gold(split)
        outputs = [predicted_spans(find_actors(r["text"])) for r in records]
        figures["scores"][split], errors = score(records, outputs)
        sources = sorted({r["source"] == "seed" for r in records})
        for seed in sources if len(sources) > 1 else ():
            part = [(r, o) for r, o in zip(records, outputs) if (r["source"] == "seed") == seed]
            name = "overall (seeds)" if seed else "overall (Reuters)"
            figures["scores"][split][name] = score([r for r, _ in part], [o for _, o in part])[0]["overall"]
        figures.setdefault("errors", {})[split] = errors.counts()
        if args.errors == split:
            show_errors(split, records, errors)
    stories = {s.newid: s for s in read_reuters()}
    for split in ("dev", "test"):
        records = load_gold(split)
        contexts = article_contexts(records, stories)
        outputs = [spans_in_article(find_actors, c, r["text"]) for c, r in zip(contexts, records)]
        figures["scores"][f"{split}, in article"] = {"overall": score(records, outputs)[0]["overall"]}
    dev_texts = [r["text"] for r in load_gold("dev")]
    words = sum(len(t.split()) for t in dev_texts)
    figures["speed"]["dev"] = {"words": words, "words/s": timed_run(dev_texts, find_actors, args.rounds)[0]}
    if not args.quick:
        texts = [s.text for s in stories.values()]
        rate, outputs = timed_run(texts, find_actors, args.rounds)
        figures["speed"]["reuters"] = {"words": sum(len(t.split()) for t in texts), "words/s": rate}
        figures["labels"] = label_recall(list(stories.values()), outputs)
        figures["corpus"] = corpus_actors(list(stories.values()), outputs)
    if args.json:
        print(json.dumps(figures, indent=1))
        return
    print("## Typed mention scores (exact span and kind; derived mentions left out)\n")
    print(score_table(figures["scores"]))
    print("\nErrors: " + "; ".join(f"{s} {c}" for s, c in figures["errors"].items()))
    print("\n## find_actors speed (one core, best of %d)\n" % args.rounds)
    print(_row(["text", "words", "words/s"]) + "\n" + _row(["---", "---:", "---:"]))
    for name, s in figures["speed"].items():
        print(_row([name, f"{s['words']:,}", f"{s['words/s']:,.0f}"]))
    if "labels" in figures:
        print("\n## Reuters-21578 labels: article-level recall\n")
        print(_row(["labels", "article labels", "recall", "most missed"]) + "\n" + _row(["---", "---:", "---:", "---"]))
        for kind, s in figures["labels"].items():
            print(_row([kind, f"{s['labels']:,}", f"{s['recall']:.3f}", ", ".join(s["most missed"])]))
        print("\n## Reuters-21578 actors after the alias merge (paragraphs as passages)\n")
        print(_row(["figure", "count"]) + "\n" + _row(["---", "---:"]))
        for name, n in figures["corpus"].items():
            print(_row([name, f"{n:,}"]))


if __name__ == "__main__":
    main()
