"""Incremental indexing, file by file and line by line: what is not read, binary files, ids across files, and JSON
Lines files whose lines are the unit of change."""
import json

import pytest

from searchkit import Index, IndexInterrupted
from searchkit.backends.whoosh.index import IndexStore
from searchkit.errors import BadInputError, IndexLockedError
from searchkit.indexing import in_part, parse_part
from test_sniff import PDF

PARAGRAPH = "Iraqi Prime Minister Nouri al-Maliki met US ambassador Ryan Crocker in Baghdad for talks on security. "


def article(title: str, body: str = PARAGRAPH) -> str:
    return f"{title}\n\nBy Jane Doe\n\nPublished: May 28 2007\n\n{body * 3}\n\n{body * 2}\n"


def record(n: int, **fields) -> str:
    """A JSON Lines record: story n, of two paragraphs."""
    body = f"Story {n} from Baghdad. {PARAGRAPH}\n\nOil prices rose {n} cents in London trading on Monday."
    return json.dumps({"id": f"s{n}", "title": f"Story {n}", "text": body, **fields})


def jsonl(write, name: str, numbers, **fields):
    return write(name, "".join(record(n, **fields) + "\n" for n in numbers))


def test_files_not_read_in_a_folder_are_counted_by_suffix_and_named(tmp_path, write):
    write("in/story.txt", article("Talks"))
    for name in ["a.pdf", "b.pdf", "c.PDF", "scan.png", "README", ".git/objects/ab/cdef", ".DS_Store"]:
        write(f"in/{name}", b"%PDF-1.4 whatever")
    with Index(tmp_path / "ix") as ix:
        report = ix.add([tmp_path / "in"])
    assert report.indexed == 1
    assert sorted(p.rsplit("/", 1)[-1] for p in report.not_read) == ["README", "a.pdf", "b.pdf", "c.PDF", "scan.png"]
    assert report.not_read_by_suffix() == {".pdf": 3, "(no suffix)": 1, ".png": 1}


def test_a_pdf_named_txt_in_a_folder_is_skipped_as_a_pdf_never_indexed_as_text(tmp_path, write):
    write("in/story.txt", article("Talks"))
    write("in/report.txt", PDF)
    with Index(tmp_path / "ix") as ix:
        report = ix.add([tmp_path / "in"])
        assert (report.indexed, report.skipped) == (1, 1)
        assert [str(p) for p in report.problems] == [
            f"{tmp_path / 'in' / 'report.txt'}: binary file (a PDF document), not text; "
            "searchkit reads .txt, .html, .htm, .jsonl"]
        assert "EOF" not in {a.name for a in ix.actors()}
        assert [a.article_id for a in ix.articles()] == ["story"]


def test_a_binary_file_named_explicitly_is_refused_with_one_line(tmp_path, write):
    pdf, png = write("report.pdf", PDF), write("photo.txt", b"\x89PNG\r\n\x1a\n" + b"IHDR" * 40)
    with Index(tmp_path / "ix") as ix:
        report = ix.add([pdf, png])
        assert (report.indexed, report.skipped) == (0, 2)
        reasons = [p.reason for p in report.problems]
        assert reasons[0].startswith("binary file (a PDF document)") and reasons[1].startswith("binary file (a PNG image)")
        assert ix.stats().articles == 0


def test_an_id_given_in_two_jsonl_files_is_a_conflict_the_first_keeps_it(tmp_path, write):
    first = jsonl(write, "in/a.jsonl", [1, 2], url="http://a.example/")
    second = jsonl(write, "in/b.jsonl", [2, 3], url="http://b.example/")
    with Index(tmp_path / "ix") as ix:
        report = ix.add([tmp_path / "in"])
        assert sorted(a.article_id for a in ix.articles()) == ["s1", "s2", "s3"]  # no "s2-3f2a1b" twin
        assert ix.article("s2").url == "http://a.example/"
        [conflict] = report.problems
        assert (conflict.source, conflict.line) == (str(second), 1)
        assert "'s2'" in conflict.reason and str(first.resolve()) in conflict.reason
        # The clash is reported again while it lasts, and the first file keeps the id in later runs too.
        jsonl(write, "in/b.jsonl", [2, 3, 4], url="http://b.example/")
        report = ix.add([tmp_path / "in"])
        assert report.articles == 1 and [p.line for p in report.problems] == [1]
        assert ix.article("s2").url == "http://a.example/"
        # When the first file no longer has the article, the other file's takes its id.
        jsonl(write, "in/a.jsonl", [1], url="http://a.example/")
        report = ix.add([tmp_path / "in"])
        assert report.problems == [] and ix.article("s2").url == "http://b.example/"


def test_ids_from_file_names_still_get_a_suffix_on_a_clash(tmp_path, write):
    write("a/feed.jsonl", json.dumps({"text": PARAGRAPH}) + "\n")
    write("b/feed.jsonl", json.dumps({"text": PARAGRAPH}) + "\n")
    with Index(tmp_path / "ix") as ix:
        report = ix.add([tmp_path])
        ids = sorted(a.article_id for a in ix.articles())
    assert report.problems == [] and len(ids) == 2 and ids[0] == "feed-1" and ids[1].startswith("feed-1-")


def test_appended_jsonl_lines_are_the_only_articles_written(tmp_path, write):
    jsonl(write, "feed.jsonl", range(1, 21))
    with Index(tmp_path / "ix") as ix:
        assert ix.add([tmp_path / "feed.jsonl"]).articles == 20
        with open(tmp_path / "feed.jsonl", "a") as handle:
            handle.write("".join(record(n) + "\n" for n in range(21, 24)))
        report = ix.add([tmp_path / "feed.jsonl"])
        assert (report.updated, report.articles, report.articles_removed) == (1, 3, 0)
        assert ix.stats().articles == 23 and ix.check() == []
        report = ix.add([tmp_path / "feed.jsonl"])
        assert (report.unchanged, report.articles) == (1, 0)


def test_a_changed_jsonl_line_replaces_its_article_and_a_line_gone_deletes_its_own(tmp_path, write):
    path = jsonl(write, "feed.jsonl", range(1, 6))
    with Index(tmp_path / "ix") as ix:
        ix.add([path])
        lines = path.read_text().splitlines()
        lines[1] = json.dumps({"id": "s2", "title": "Story 2, corrected", "text": "Kurdish leaders met in Erbil."})
        del lines[3]  # s4
        path.write_text("\n".join(lines) + "\n")
        report = ix.add([path])
        assert (report.updated, report.articles, report.articles_removed) == (1, 1, 1)
        assert sorted(a.article_id for a in ix.articles()) == ["s1", "s2", "s3", "s5"]
        assert ix.article("s2").title == "Story 2, corrected" and ix.search("Erbil").total == 1
        assert ix.check() == []


def test_lines_without_ids_are_known_by_their_line_number(tmp_path, write):
    texts = [f"Story {n} from Baghdad. {PARAGRAPH}" for n in range(3)]
    path = write("feed.jsonl", "".join(json.dumps({"text": t}) + "\n" for t in texts[:3]))
    with Index(tmp_path / "ix") as ix:
        ix.add([path])
        path.write_text("".join(json.dumps({"text": t}) + "\n" for t in texts[1:3]))  # the first line removed
        report = ix.add([path])
        # Every line moved up one: feed-1 and feed-2 now hold other stories, and feed-3 is gone.
        assert (report.articles, report.articles_removed) == (2, 1)
        assert sorted(a.article_id for a in ix.articles()) == ["feed-1", "feed-2"]
        assert ix.article("feed-1").text.startswith("Story 1 ")


def test_jsonl_lines_that_move_keep_their_ids_and_are_not_rewritten(tmp_path, write):
    path = jsonl(write, "feed.jsonl", [1, 2, 3])
    with Index(tmp_path / "ix") as ix:
        ix.add([path])
        jsonl(write, "feed.jsonl", [3, 1, 2])
        report = ix.add([path])
        assert (report.unchanged, report.articles, report.articles_removed) == (1, 0, 0)


def test_an_interrupted_run_over_one_jsonl_file_keeps_its_committed_batches(tmp_path, write):
    path = jsonl(write, "feed.jsonl", range(1, 301))
    units = []

    def interrupt_at_third_unit(done, total, name):
        units.append(done)
        if len(units) == 3:
            raise KeyboardInterrupt

    with Index(tmp_path / "ix") as ix:
        with pytest.raises(IndexInterrupted):
            ix.add([path], progress=interrupt_at_third_unit, workers=1, commit_every=1)
        kept = ix.stats().articles
        assert 0 < kept < 300 and ix.check() == []
        report = ix.add([path], workers=1)
        assert (report.updated, report.articles) == (1, 300 - kept)
        assert ix.stats().articles == 300 and ix.check() == []


def test_jsonl_articles_indexed_before_lines_were_recorded_are_read_once_more_then_known(tmp_path, write):
    """An index written when a JSON Lines file was one unit (its heads carry the file's digest, no line): its
    articles are replaced once, not doubled, and later runs know each line."""
    from searchkit.backends.whoosh.index import BatchWriter, IndexStore
    from searchkit.read import pipeline
    from searchkit.read.ingest import file_digest

    path = jsonl(write, "feed.jsonl", range(1, 6))
    ix = IndexStore(tmp_path / "ix").create()
    writer = BatchWriter(ix)
    articles = [a for result in pipeline.read_all([path]) for a in result.articles]
    writer.add_articles(str(path.resolve()), articles, file_digest(path))
    writer.commit()
    with Index(tmp_path / "ix") as index:
        report = index.add([path])
        assert (report.updated, report.articles) == (1, 5)
        assert index.stats().articles == 5 and index.check() == []
        assert index.add([path]).unchanged == 1


def test_parts_share_files_by_path_each_file_in_exactly_one():
    keys = [f"/news/{year}/story{n}.txt" for year in (2006, 2007) for n in range(300)]
    shares = [[k for k in keys if in_part(k, (part, 3))] for part in (1, 2, 3)]
    assert sorted(sum(shares, [])) == sorted(keys)
    assert min(len(s) for s in shares) > len(keys) // 5  # a fair share each
    assert [k for k in reversed(keys) if in_part(k, (2, 3))] == shares[1][::-1]  # whatever the order of listing


@pytest.mark.parametrize("text, message", [("3/2", "try 2/2"), ("0/4", "try 1/4"), ("half", "try 1/2"),
                                           ("1/0", "try 1/2")])
def test_a_bad_part_is_refused_with_the_closest_valid_one(text, message):
    with pytest.raises(BadInputError, match=message):
        parse_part(text)


def test_a_part_indexes_its_share_and_removes_only_its_own_files_gone(tmp_path, write):
    paths = [write(f"in/story{n}.txt", article(f"Story {n}")) for n in range(12)]
    with Index(tmp_path / "ix") as ix:
        assert sum(ix.add([tmp_path / "in"], part=(k, 2)).indexed for k in (1, 2)) == 12
        for path in paths:
            path.unlink()
        first = ix.add([tmp_path / "in"], part=(1, 2))
        assert first.removed == sum(in_part(str(p.resolve()), (1, 2)) for p in paths)
        assert ix.stats().articles == 12 - first.removed


def test_two_parts_at_once_on_a_folder_are_refused_saying_why(tmp_path, write):
    write("in/one.txt", article("One"))
    with IndexStore(tmp_path / "ix").run_lock():
        with pytest.raises(IndexLockedError, match="one run at a time, whatever its --part"):
            Index(tmp_path / "ix").add([tmp_path / "in"], part=(2, 2), lock_timeout=0.2)


def test_a_rebuild_of_one_part_is_refused(tmp_path, write):
    write("in/one.txt", article("One"))
    with pytest.raises(BadInputError, match="--rebuild empties the whole index"):
        Index(tmp_path / "ix").add([tmp_path / "in"], rebuild=True, part=(1, 2))
