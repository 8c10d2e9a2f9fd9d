"""The Index API: incremental indexing, bad files, ids, locking, interrupts, and the seeds end to end."""
import json
import threading

import pytest

from searchkit import Index, IndexInterrupted, IndexLockedError, NoIndexError
from searchkit.backends.whoosh.index import IndexStore

PARAGRAPH = "Iraqi Prime Minister Nouri al-Maliki met US ambassador Ryan Crocker in Baghdad for talks on security. "


def article(title: str, body: str) -> str:
    return f"{title}\n\nBy Jane Doe\n\nPublished: May 28 2007\n\n{body * 3}\n\n{body * 2}\n"


def test_incremental_index_adds_updates_removes_and_skips_unchanged(tmp_path, write):
    first = write("news/first.txt", article("Talks begin", PARAGRAPH))
    write("news/second.txt", article("Talks go on", PARAGRAPH))
    with Index(tmp_path / "ix") as ix:
        report = ix.add([tmp_path / "news"])
        assert (report.indexed, report.updated, report.unchanged, report.removed) == (2, 0, 0, 0)

        write("news/third.txt", article("Talks end", "Oil prices fell sharply in London trading on Monday. "))
        first.write_text(article("Talks begin again", "Kurdish leaders rejected the proposal in Erbil today. "))
        (tmp_path / "news" / "second.txt").unlink()
        report = ix.add([tmp_path / "news"])
        assert (report.indexed, report.updated, report.unchanged, report.removed) == (1, 1, 0, 1)

        titles = sorted(a.title for a in ix.articles())
        assert titles == ["Talks begin again", "Talks end"]
        assert ix.search("Kurdish").total == 2 and ix.search("Crocker").total == 0

        report = ix.add([tmp_path / "news"])
        assert (report.indexed, report.updated, report.unchanged, report.removed) == (0, 0, 2, 0)


def test_rebuild_starts_from_an_empty_index(tmp_path, write):
    write("a/one.txt", article("One", PARAGRAPH))
    write("b/two.txt", article("Two", PARAGRAPH))
    with Index(tmp_path / "ix") as ix:
        ix.add([tmp_path / "a"])
        ix.add([tmp_path / "b"], rebuild=True)
        assert [a.title for a in ix.articles()] == ["Two"]


def test_bad_files_are_skipped_and_reported_and_the_good_ones_indexed(tmp_path, write):
    write("in/good.txt", article("Good", PARAGRAPH))
    write("in/empty.txt", b"")
    write("in/binary.txt", b"\x00\x01\x02PNG" * 50)
    write("in/feed.jsonl", json.dumps({"id": "j1", "text": PARAGRAPH * 3}) + "\n{broken\n")
    with Index(tmp_path / "ix") as ix:
        report = ix.add([tmp_path / "in"])
        assert (report.indexed, report.skipped) == (2, 2)
        reasons = sorted(str(p) for p in report.problems)
        assert any("binary.txt" in r and "binary" in r for r in reasons)
        assert any("empty.txt" in r and "empty" in r for r in reasons)
        assert any("feed.jsonl:2" in r and "malformed JSON" in r for r in reasons)
        assert sorted(a.article_id for a in ix.articles()) == ["good", "j1"]


def test_same_file_name_in_two_folders_gets_two_ids(tmp_path, write):
    write("a/story.txt", article("A", PARAGRAPH))
    write("b/story.txt", article("B", PARAGRAPH))
    with Index(tmp_path / "ix") as ix:
        ix.add([tmp_path])
        ids = [a.article_id for a in ix.articles()]
    assert len(set(ids)) == 2 and "story" in ids


def test_article_reads_back_as_cleaned_with_exact_offsets(seed_index):
    article = seed_index.article("003_e023b29d6142646f")
    assert article.title == "US tells Iran to stop backing Iraq militias"
    assert all(article.text[p.start:p.end] == p.text for p in article.passages)
    assert "Back to Top" not in article.text and "Currency News" not in article.text


def test_seed_metadata_is_right_where_the_text_says_and_unknown_where_not(seed_index):
    found = {a.article_id[:3]: a for a in seed_index.articles()}
    assert str(found["000"].date) == "2007-03-12" and found["000"].outlet is None
    assert str(found["001"].date) == "2007-08-09" and found["001"].outlet is None
    assert found["002"].date is None and found["002"].outlet == "The New York Times"
    assert str(found["003"].date) == "2007-05-28" and found["003"].outlet == "Financial Times"
    assert str(found["004"].date) == "2008-04-07" and found["004"].outlet == "Los Angeles Times"


def test_seed_captions_and_boilerplate_are_not_passages(seed_index):
    passages = [h.text for h in seed_index.search("*", limit=500).hits]
    unwanted = ["Credit Nabil Al-Jurani", "PrintPrint", "Back to Top", "Previous Post", "More on This Topic",
                "Photo: Mohammed Ali Hosseini", "Iranian President Hassan Rouhani |", "Check out our new"]
    assert not [u for u in unwanted for p in passages if u in p]
    captions = seed_index.article("002_b1305464c07eaa19").captions
    assert any("Credit Nabil Al-Jurani/Associated Press" in c for c in captions)


def test_second_writer_waits_then_fails_clearly(tmp_path, write):
    write("in/one.txt", article("One", PARAGRAPH))
    store = IndexStore(tmp_path / "ix")
    held, release = threading.Event(), threading.Event()

    def hold():
        with store.run_lock():
            held.set()
            release.wait(5)

    holder = threading.Thread(target=hold)
    holder.start()
    held.wait(5)
    try:
        with pytest.raises(IndexLockedError, match="locked by another process"):
            Index(tmp_path / "ix").add([tmp_path / "in"], lock_timeout=0.3)
    finally:
        release.set()
        holder.join()
    assert Index(tmp_path / "ix").add([tmp_path / "in"]).indexed == 1


def test_interrupted_run_keeps_what_it_committed_and_a_rerun_finishes(tmp_path, write):
    for n in range(6):
        write(f"in/{n}.txt", article(f"Story {n}", PARAGRAPH))
    files_seen: list[str] = []

    def interrupt_at_fourth(done, total, path):
        if path not in files_seen:
            files_seen.append(path)
        if len(files_seen) == 4:
            raise KeyboardInterrupt

    with Index(tmp_path / "ix") as ix:
        with pytest.raises(IndexInterrupted) as stopped:
            ix.add([tmp_path / "in"], progress=interrupt_at_fourth, workers=1, commit_every=1)
        assert "run `searchkit index` again" in str(stopped.value)
        kept = ix.articles()
        assert len(kept) == 3 and all(a.passages == 2 for a in kept)
        report = ix.add([tmp_path / "in"], workers=1)
        assert (report.indexed, report.unchanged) == (3, 3)
        assert len(ix.articles()) == 6


def test_opening_a_missing_index_without_create_is_a_clear_error(tmp_path):
    with pytest.raises(NoIndexError, match="no index at"):
        Index(tmp_path / "nothing", create=False)


def test_searcher_sees_commits_made_after_it_opened(tmp_path, write):
    write("in/one.txt", article("One", PARAGRAPH))
    with Index(tmp_path / "ix") as reader, Index(tmp_path / "ix") as writer:
        writer.add([tmp_path / "in"])
        assert reader.search("Crocker").total == 2
        write("in/two.txt", article("Two", PARAGRAPH))
        writer.add([tmp_path / "in"])
        assert reader.search("Crocker").total == 4


def test_stats_count_articles_passages_and_date_span(seed_index):
    stats = seed_index.stats()
    assert (stats.articles, stats.files) == (5, 5)
    assert stats.passages == sum(a.passages for a in seed_index.articles())
    assert (str(stats.first_date), str(stats.last_date), stats.undated_articles) == ("2007-03-12", "2008-04-07", 1)


# --- Properties: any query ---------------------------------------------------------------------------------------

from hypothesis import given, strategies as st  # noqa: E402

from searchkit import QueryError, Results  # noqa: E402

# Queries in Whoosh's syntax and out of it: phrases, groups, fields (known and not), wildcards, boosts, fuzzy
# terms, ranges, operators in any place, unicode, and the words and names of the seeds.
QUERY_TOKENS = st.one_of(
    st.sampled_from(["iran", "talks", "Maliki", "Nouri al-Maliki", "Mr.", "Crocker", "security", "US", "2007"]),
    st.sampled_from(["AND", "OR", "NOT", "ANDNOT", "ANDMAYBE", "TO", "and", "-", "+", "!", "&&", "||"]),
    st.sampled_from(['"', "(", ")", "[", "]", "{", "}", "*", "?", "^2", "^", "~", "~2", ":", "\\", "'", "<", ">=", "/"]),
    st.sampled_from(["title:", "text:", "actor:", "outlet:", "author:", "place:", "date:", "year:", "month:",
                     "article_id:", "passage_id:", "nofield:", "ti*:"]),
    st.sampled_from(["[2007 to 2008]", "date:[2007 to 2008-06]", "date:2007-03", "year:2007", "date:[2008 to 2007]",
                     "date:[to 2007]", "date:2007-13", "year:0000", "date:[9999999 to]", "[a to b]", "{a TO}"]),
    st.text(max_size=8),
)
QUERIES = st.text() | st.lists(st.tuples(QUERY_TOKENS, st.sampled_from(["", " ", " ", "  "])), max_size=12).map(
    lambda pieces: "".join(token + space for token, space in pieces))


@given(QUERIES, st.sampled_from(["all", "any"]))
def test_any_query_gives_results_or_a_query_error(seed_index, query, match):
    try:
        results = seed_index.search(query, match=match)
    except QueryError as error:
        assert str(error) and "\n" not in str(error)
    else:
        # Every match is rankable: the page is full unless fewer passages match.
        assert isinstance(results, Results) and len(results.hits) == min(results.total, 10)


@given(QUERIES, st.one_of(st.none(), st.text(max_size=12), st.sampled_from(["2007", "2007-13", "0000", "March 2007"])),
       st.one_of(st.none(), st.text(max_size=12)), st.lists(st.text(max_size=12), max_size=2))
def test_any_filter_gives_results_or_a_query_error(seed_index, query, date_from, date_to, names):
    try:
        results = seed_index.search(query, date_from=date_from, date_to=date_to, actors=names, outlets=names,
                                    facets=["actor:person", "month", "author"], sort="date", per_article=1)
    except QueryError:
        pass
    else:
        assert isinstance(results, Results)


def test_actor_overrides_apply_at_index_time(seeds_dir, tmp_path):
    overrides = tmp_path / "overrides.txt"
    overrides.write_text("person: Ambassador Crocker = Ryan C. Crocker | Ryan Crocker\n! Basra\n")
    with Index(tmp_path / "ix", actor_overrides=overrides) as ix:
        ix.add([seeds_dir])
        names = {a.name for a in ix.actors()}
        assert "Ambassador Crocker" in names
        assert not {"Ryan C. Crocker", "Ryan Crocker", "Basra"} & names
        assert ix.search("*", actors=["Ryan Crocker"], facets=()).total == ix.search(
            "*", actors=["Ambassador Crocker"], facets=()).total > 0
    with Index(tmp_path / "ix") as later:  # a later search, not told of the overrides, still applies them
        assert "Ambassador Crocker" in {a.name for a in later.actors()}
