"""Searching under load, small: search processes ask random queries, filters and facets while `searchkit index`
runs (benchmarks/load.py, in seconds rather than minutes). No search fails, and every answer comes from a commit."""
from __future__ import annotations

import json
import random
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_searches_under_indexing_never_fail_and_answer_from_commits_only(tmp_path):
    paragraphs = [p.strip() for f in sorted((ROOT / "seeds").glob("*.txt")) for p in f.read_text().split("\n")
                  if len(p) > 200]
    rng = random.Random(5)
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for n in range(40):
        body = "\n\n".join(rng.sample(paragraphs, rng.randint(3, 4)))
        (corpus / f"story{n:02}.txt").write_text(f"Story {n}\n\nBy Jane Doe\n\nPublished: May 28 2007\n\n{body}\n")
    command = [sys.executable, "load.py", "--corpus", str(corpus), "--index", str(tmp_path / "ix"), "--searchers", "4",
               "--commit-every", "40", "--workers", "1", "--idle-seconds", "1", "--actors", "Maliki", "--json"]
    figures = json.loads(subprocess.run(command, cwd=ROOT / "benchmarks", capture_output=True, text=True,
                                        check=True, timeout=300).stdout)
    assert figures["indexer_exit_code"] == 0 and figures["commits_seen"] >= 3
    load = figures["load"]
    assert load["queries"] > 20 and load["probes"] > 0
    assert load["errors"] == 0, load["first_errors"]
    assert load["probes"] - load["probes_unverified"] > 0
    assert load["probes_off_commits"] == 0  # every `*` total is the passages of the commit it was answered from
    assert figures["idle"]["errors"] == 0
