"""The command line, driven through click's CliRunner: output shapes, exit codes, one-line errors."""
import json

import pytest
from click.testing import CliRunner

from searchkit.cli import main


@pytest.fixture(scope="module")
def indexed(seeds_dir, tmp_path_factory):
    path = tmp_path_factory.mktemp("cli") / "ix"
    result = CliRunner().invoke(main, ["index", str(seeds_dir), "--index", str(path)])
    assert result.exit_code == 0, result.output
    return str(path)


def run(*args, env=None):
    return CliRunner().invoke(main, [str(a) for a in args], env=env)


def test_index_prints_a_summary_of_files(seeds_dir, tmp_path):
    result = run("index", seeds_dir, "--index", tmp_path / "ix")
    assert result.exit_code == 0
    assert "5 new, 0 updated, 0 unchanged, 0 removed, 0 skipped files" in result.output


def test_search_json_has_the_documented_shape(indexed):
    result = run("search", "Iran talks", "--index", indexed, "--json")
    assert result.exit_code == 0
    data = json.loads(result.output)
    assert {"query", "total", "hits", "facets", "suggestion", "took_ms"} <= set(data)
    hit = data["hits"][0]
    assert {"article_id", "passage_id", "source", "position", "title", "date", "outlet", "authors", "actors",
            "score", "snippet", "text"} <= set(hit)
    assert "<mark>" in hit["snippet"]
    assert all(set(a) == {"name", "kind"} for h in data["hits"] for a in h["actors"])
    assert all(set(v) >= {"value", "count"} for values in data["facets"].values() for v in values)


def test_search_text_output_is_plain_when_piped(indexed):
    result = run("search", "Crocker", "--index", indexed)
    assert result.exit_code == 0
    assert "\x1b[" not in result.output and "Crocker" in result.output


def test_no_results_exit_with_1(indexed):
    assert run("search", "zanzibar", "--index", indexed).exit_code == 1


def test_bad_query_is_one_line_on_stderr_with_exit_2(indexed):
    result = run("search", '"iran talks', "--index", indexed)
    assert result.exit_code == 2
    assert result.output.strip().count("\n") == 0
    assert "unbalanced quote" in result.output and "Traceback" not in result.output


def test_missing_index_is_a_clear_error(tmp_path):
    result = run("search", "iran", "--index", tmp_path / "none")
    assert result.exit_code == 2 and "no index at" in result.output


def test_index_folder_comes_from_the_environment(indexed):
    result = run("articles", "--json", env={"SEARCHKIT_INDEX": indexed})
    assert result.exit_code == 0 and len(json.loads(result.output)) == 5


def test_articles_json_lists_each_article(indexed):
    articles = json.loads(run("articles", "--index", indexed, "--json").output)
    ft = next(a for a in articles if a["article_id"].startswith("003"))
    assert ft["outlet"] == "Financial Times" and ft["date"] == "2007-05-28" and ft["passages"] > 5
    assert {"article_id", "source", "title", "date", "outlet", "authors", "actors", "passages"} <= set(ft)


def test_show_json_gives_passages_and_captions(indexed):
    data = json.loads(run("show", "004_c8c20d7b2611d4db", "--index", indexed, "--json").output)
    assert data["title"] == "IRAQ: U.S. and Iran's talk about talks continues"
    assert [p["position"] for p in data["passages"]] == list(range(len(data["passages"])))
    assert any("Fars News Agency" in c for c in data["captions"])


def test_show_unknown_article_exits_2(indexed):
    result = run("show", "nope", "--index", indexed)
    assert result.exit_code == 2 and "no article 'nope'" in result.output


def test_stats_json(indexed):
    data = json.loads(run("stats", "--index", indexed, "--json").output)
    assert (data["articles"], data["first_date"], data["last_date"]) == (5, "2007-03-12", "2008-04-07")
    assert data["actors"] and data["outlets"]


def test_filters_and_facets_from_the_command_line(indexed):
    data = json.loads(run("search", "iran", "--index", indexed, "--json", "--from", "2007-05", "--to", "2007-12",
                          "--facet", "year", "--facet", "outlet").output)
    assert {v["value"] for v in data["facets"]["year"]} == {"2007"}
    assert all(h["date"].startswith("2007") for h in data["hits"])


def test_explain_shows_the_matched_clauses(indexed):
    data = json.loads(run("search", "Crocker talks", "--index", indexed, "--json", "--explain").output)
    explanation = data["hits"][0]["explanation"]
    assert explanation["model"].startswith("BM25F")
    assert {t["term"] for t in explanation["terms"]} >= {"crocker", "talk"}
    text = run("search", "Crocker talks", "--index", indexed, "--explain").output
    assert "why: " in text and "text:crocker" in text


# --- Properties: any query ---------------------------------------------------------------------------------------

from hypothesis import example, given, strategies as st  # noqa: E402

# As in test_api.py: Whoosh syntax in any order, unicode, and the seeds' words.
QUERY_TOKENS = st.one_of(
    st.sampled_from(["iran", "talks", "Maliki", "Nouri al-Maliki", "Crocker", "AND", "OR", "NOT", "ANDNOT", "TO"]),
    st.sampled_from(['"', "(", ")", "[", "]", "{", "}", "*", "?", "^2", "~", "~2", ":", "\\", "'", "-", "+", "!"]),
    st.sampled_from(["title:", "text:", "actor:", "outlet:", "date:", "year:", "month:", "nofield:", "[a to b]",
                     "date:[2007 to 2008-06]", "date:2007-13", "[2008 to 2007]", "{a TO}"]),
    st.text(max_size=8),
)
QUERIES = st.text() | st.lists(st.tuples(QUERY_TOKENS, st.sampled_from(["", " ", " "])), max_size=12).map(
    lambda pieces: "".join(token + space for token, space in pieces))
OPTIONS = st.lists(st.sampled_from([
    ("--or",), ("--json",), ("--explain",), ("--sort", "date"), ("--per-article", "1"), ("--no-facets",),
    ("--from", "2007"), ("--to", "2007-13"), ("--from", "nonsense"), ("--actor", "Mr. Maliki"), ("--outlet", "FT"),
    ("--facet", "actor:person"), ("--facet", "nofacet"), ("--limit", "0"), ("--page", "99"),
    ("--facet-order", "value"), ("--to", "March 2007"), ("--from", "12/03/2007"), ("--outlet", "Finacial Times"),
]), max_size=3).map(lambda options: [part for option in options for part in option])


def assert_clean_exit(result) -> None:
    """Exit 0, 1 or 2, never a traceback; with 2, one line on stderr saying what is wrong."""
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert result.exit_code in (0, 1, 2) and "Traceback" not in result.output
    if result.exit_code == 2:
        assert result.output.startswith("searchkit: error:") and result.output.count("\n") == 1, result.output


@given(QUERIES)
def test_any_query_exits_0_1_or_2_with_one_line_errors(indexed, query):
    # After "--": a query that starts with "-" is a query, not an option (bad options: the test below).
    assert_clean_exit(run("search", "--index", indexed, "--", query))


@example(query="iran", options=["--limit", "0"])
@given(QUERIES, OPTIONS)
def test_any_query_with_any_options_exits_0_1_or_2_with_one_line_errors(indexed, query, options):
    assert_clean_exit(run("search", "--index", indexed, *options, "--", query))


@pytest.mark.parametrize("args", [["iran", "--limit", "-1"], ["iran", "--sort", "size"], ["-iran"],
                                  ["iran", "--facet-order", "size"], ["iran", "--color", "sometimes"]])
def test_bad_option_is_one_line_on_stderr_with_exit_2(indexed, args):
    result = run("search", *args, "--index", indexed)
    assert result.exit_code == 2 and result.output.startswith("searchkit: error:")
    assert result.output.count("\n") == 1


def test_lone_surrogate_in_a_jsonl_text_prints_without_a_traceback(tmp_path, write):
    line = '{"id": "s1", "title": "\\udfff", "text": "The talks \\ud800 in Baghdad were businesslike."}\n'
    write("in/feed.jsonl", line)
    assert run("index", tmp_path / "in", "--index", tmp_path / "ix").exit_code == 0
    for command in (["search", "businesslike"], ["search", "businesslike", "--json"], ["show", "s1"]):
        result = run(*command, "--index", tmp_path / "ix")
        assert result.exit_code == 0, repr(result.exception)


def test_a_relaxed_search_says_which_words_it_left_out_and_exits_0(indexed):
    result = run("search", "militia support Sunni insurgents", "--index", indexed)
    assert result.exit_code == 0, result.output
    assert "No passage has every word: showing passages without support" in result.output
    data = json.loads(run("search", "militia support Sunni insurgents", "--index", indexed, "--json").output)
    assert data["dropped"] == ["support"] and data["total"] > 0


def test_index_names_the_files_it_does_not_read_and_json_carries_them(tmp_path, write):
    write("in/story.txt", "Talks in Baghdad\n\nIraqi leaders met in Baghdad on Monday for talks on security.\n")
    for name in ["a.pdf", "b.pdf", "photo.png"]:
        write(f"in/{name}", b"\x89PNG\r\n\x1a\n")
    result = run("index", tmp_path / "in", "--index", tmp_path / "ix", "--json")
    assert result.exit_code == 0, result.stderr
    assert result.stderr.strip() == "searchkit: skipped 3 files: 2 .pdf, 1 .png; searchkit reads .txt, .html, .htm, .jsonl"
    data = json.loads(result.stdout)
    assert (data["indexed"], data["not_read_by_suffix"]) == (1, {".pdf": 2, ".png": 1})
    assert sorted(f.rsplit("/", 1)[-1] for f in data["not_read"]) == ["a.pdf", "b.pdf", "photo.png"]


# --- Words, grouping, browsing, counts ---------------------------------------------------------------------------

def test_query_words_may_be_given_unquoted(indexed):
    unquoted = run("search", "iran", "talks", "--index", indexed, "--json")
    quoted = run("search", "iran talks", "--index", indexed, "--json")
    assert unquoted.exit_code == 0, unquoted.output
    assert json.loads(unquoted.output)["query"] == "iran talks"
    assert json.loads(unquoted.output)["hits"] == json.loads(quoted.output)["hits"]


def test_a_query_starting_with_minus_goes_after_two_dashes(indexed):
    result = run("search", "--index", indexed, "--json", "--", "-kerry", "iran")
    assert result.exit_code == 0 and json.loads(result.output)["total"] > 0


def test_grouped_results_count_and_page_articles(indexed):
    result = run("search", "iran", "--per-article", "1", "--index", indexed, "--no-facets")
    assert result.exit_code == 0
    assert result.output.startswith("1-5 of 5 articles (45 passages) for 'iran'")
    data = json.loads(run("search", "iran", "--per-article", "1", "--limit", "1000", "--index", indexed,
                          "--json").output)
    assert (data["total"], data["unit"], data["passages"], len(data["hits"])) == (5, "articles", 45, 5)


def test_a_page_past_the_end_says_so_and_exits_0(indexed):
    result = run("search", "iran", "--per-article", "1", "--limit", "20", "--page", "2", "--index", indexed)
    assert result.exit_code == 0
    assert "5 articles (45 passages) for 'iran'" in result.output
    assert "page 2 is past the end (1 page of 20)" in result.output


def test_limit_zero_prints_the_total_and_facets(indexed):
    result = run("search", "iran", "--limit", "0", "--index", indexed, "--json")
    data = json.loads(result.output)
    assert result.exit_code == 0 and data["hits"] == [] and data["total"] == 45 and data["facets"]["outlet"]
    assert run("search", "zanzibar", "--limit", "0", "--index", indexed).exit_code == 1


def test_filters_without_words_list_passages_newest_first_without_scores(indexed):
    result = run("search", "--outlet", "Financial Times", "--index", indexed, "--limit", "3")
    assert result.exit_code == 0, result.output
    assert result.output.startswith("1-3 of 19 passages, newest first")
    assert "Financial Times" in result.output and "score" not in result.output


def test_sorted_by_date_shows_no_score(indexed):
    result = run("search", "iran", "--sort", "date", "--index", indexed)
    assert result.exit_code == 0 and "score" not in result.output
    assert "score" in run("search", "iran", "--index", indexed).output


def test_facet_order_value_lists_months_in_time_order(indexed):
    data = json.loads(run("search", "iran", "--facet", "month", "--facet-order", "value", "--index", indexed,
                          "--json").output)
    months = [v["value"] for v in data["facets"]["month"]]
    assert months == sorted(months) and len(months) > 2


# --- Notices and dates -------------------------------------------------------------------------------------------

def test_a_filter_value_naming_nothing_is_explained_on_stderr_and_in_json(indexed):
    result = run("search", "iran", "--outlet", "Finacial Times", "--index", indexed, "--json")
    notice = "no outlet 'Finacial Times' in the index; did you mean 'Financial Times'?"
    assert result.exit_code == 1
    assert f"searchkit: {notice}" in result.stderr and json.loads(result.stdout)["notices"] == [notice]
    result = run("search", "iran", "--actor", "Obma", "--index", indexed)
    assert "no actor 'Obma' in the index; did you mean 'Obama'?" in result.stderr


def test_to_a_month_includes_the_whole_month(indexed):
    data = json.loads(run("search", "Maliki", "--to", "March 2007", "--index", indexed, "--json").output)
    assert data["total"] > 0 and {h["date"] for h in data["hits"]} == {"2007-03-12"}


def test_an_ambiguous_numeric_date_is_refused_in_one_line(indexed):
    result = run("search", "iran", "--to", "12/03/2007", "--index", indexed)
    assert result.exit_code == 2 and result.output.count("\n") == 1
    assert "'12/03/2007'" in result.output and "day/month or month/day" in result.output


# --- Output of the other commands --------------------------------------------------------------------------------

def test_color_always_never_and_no_color(indexed):
    assert "\x1b[" in run("search", "Crocker", "--color", "always", "--index", indexed).output
    assert "\x1b[" not in run("search", "Crocker", "--color", "never", "--index", indexed).output
    assert "\x1b[" not in run("search", "Crocker", "--index", indexed, env={"NO_COLOR": "1"}).output
    assert "\x1b[" in run("articles", "--color", "always", "--index", indexed).output


def test_index_and_check_print_json(seeds_dir, tmp_path):
    result = run("index", seeds_dir, "--index", tmp_path / "ix", "--json")
    assert result.exit_code == 0
    report = json.loads(result.output)
    assert report["indexed"] == 5 and report["articles"] == 5 and report["problems"] == []  # serialize.index_json
    check = json.loads(run("check", "--index", tmp_path / "ix", "--json").output)
    assert check == {"index": str(tmp_path / "ix"), "healthy": True, "problems": []}


@pytest.mark.parametrize("command", ["index", "search", "show", "articles", "stats", "actors", "extract", "check"])
def test_every_command_takes_json_and_color(command):
    help_text = run(command, "--help").output
    assert "--json" in help_text and "--color" in help_text


def test_articles_have_column_headers_and_ids_in_natural_order(tmp_path, write):
    records = [{"id": f"reuters-{n}", "title": f"Story {n}", "text": "Grain shipments rose in the port."}
               for n in (10, 2, 1, 100)]
    write("in/feed.jsonl", "\n".join(json.dumps(r) for r in records) + "\n")
    assert run("index", tmp_path / "in", "--index", tmp_path / "ix").exit_code == 0
    lines = run("articles", "--index", tmp_path / "ix").output.splitlines()
    assert lines[0].split() == ["ID", "DATE", "OUTLET", "PASSAGES", "TITLE"]
    assert [line.split()[0] for line in lines[1:5]] == ["reuters-1", "reuters-2", "reuters-10", "reuters-100"]


def test_stats_names_its_units(indexed):
    output = run("stats", "--index", indexed).output
    assert "5 articles from 5 files, in 74 passages" in output
    assert "top outlets, by passages:" in output and "top actors, by passages naming them:" in output
