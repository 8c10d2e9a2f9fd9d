"""The stages composed: files through worker processes to articles, in order, with the next stage's preparation."""
from pathlib import Path

from searchkit.read import pipeline
from searchkit.backends.whoosh.index import analyse_articles

SEEDS = Path(__file__).resolve().parent.parent / "seeds"


def test_worker_processes_read_and_prepare_what_one_process_does():
    files = sorted(SEEDS.glob("*.txt"))
    alone = list(pipeline.read_all(files, workers=1, prepare=analyse_articles))
    pooled = list(pipeline.read_all(files, workers=2, prepare=analyse_articles))
    assert [r.path for r in pooled] == files  # in the order given, whichever worker finished first
    assert [r.articles for r in pooled] == [r.articles for r in alone]
    assert [r.prepared for r in pooled] == [r.prepared for r in alone]
    assert all(len(r.prepared) == len(r.articles) == 1 for r in pooled)
    assert all(len(r.prepared[0].passages) == len(r.articles[0].passages) for r in pooled)


def test_without_prepare_nothing_is_prepared():
    assert [r.prepared for r in pipeline.read_all(sorted(SEEDS.glob("*.txt"))[:2])] == [None, None]
