"""The HTTP API of `searchkit serve`, through an HTTP client against a server on a free loopback port: it answers
what the command line prints, refuses bad input with the CLI's one-line message, and never writes."""
import json
import subprocess
import sys
import threading
from collections import Counter

import pytest
from click.testing import CliRunner

from conftest import local_api as api, local_get as get
from searchkit.cli import main
from searchkit.web.params import MAX_PAGE_SIZE, MAX_QUERY_CHARS


def cli_json(*args):
    """(exit code, the JSON on stdout) of a command with --json."""
    result = CliRunner().invoke(main, [*args, "--json"])
    return result.exit_code, json.loads(result.stdout)


def without_timing(results: dict) -> dict:
    return {k: v for k, v in results.items() if k != "took_ms"}


@pytest.mark.parametrize("http, cli", [
    ({"q": "Iran talks"}, ["Iran talks"]),
    ({"q": "iran iraq security talks -Kerry", "match": "any", "limit": 5, "page": 2},
     ["iran iraq security talks -Kerry", "--or", "--limit", "5", "--page", "2"]),
    ({"q": "talks", "from": "2007", "to": "2007-06", "outlet": "Financial Times", "sort": "date"},
     ["talks", "--from", "2007", "--to", "2007-06", "--outlet", "Financial Times", "--sort", "date"]),
    ({"q": "security", "actor": ["Mr. Maliki"], "facet": ["actor:person", "month"], "per_article": 1},
     ["security", "--actor", "Mr. Maliki", "--facet", "actor:person", "--facet", "month", "--per-article", "1"]),
    ({"q": "Crocker talks", "explain": "true", "no_facets": "true"}, ["Crocker talks", "--explain", "--no-facets"]),
    ({"q": "Iarn"}, ["Iarn"]),
])
def test_search_answers_what_the_cli_prints(seed_server, seed_index, http, cli):
    status, _, answer = api(seed_server, "/api/search", **http)
    _, printed = cli_json("search", *cli, "--index", str(seed_index.path))
    assert status == 200
    assert without_timing(answer) == without_timing(printed)


def test_the_misspelt_query_gets_a_suggestion(seed_server):
    assert api(seed_server, "/api/search", q="Iarn")[2]["suggestion"] == "iran"


def test_article_is_what_show_prints(seed_server, seed_index):
    status, _, answer = get(f"{seed_server}/api/articles/004_c8c20d7b2611d4db")
    assert status == 200
    assert answer == cli_json("show", "004_c8c20d7b2611d4db", "--index", str(seed_index.path))[1]
    assert answer["passages"] and "captions" in answer


def test_actors_stats_and_articles_are_what_the_cli_prints(seed_server, seed_index):
    index = ["--index", str(seed_index.path)]
    assert api(seed_server, "/api/actors", kind="person", limit=3)[2] == \
        cli_json("actors", "--kind", "person", "--limit", "3", *index)[1]
    assert api(seed_server, "/api/stats")[2] == cli_json("stats", *index)[1]
    articles = cli_json("articles", *index)[1]
    assert api(seed_server, "/api/articles", limit=2, page=2)[2] == articles[2:4]


@pytest.mark.parametrize("args", [["("], ["talks", "--from", "last tuesday"], ["talks", "--facet", "colour"]])
def test_a_bad_query_is_a_400_with_the_cli_message(seed_server, seed_index, args):
    result = CliRunner().invoke(main, ["search", *args, "--index", str(seed_index.path)])
    message = result.output.strip().removeprefix("searchkit: error: ")
    http = {"q": args[0], **dict(zip([a.lstrip("-") for a in args[1::2]], args[2::2]))}
    status, _, answer = api(seed_server, "/api/search", **http)
    assert result.exit_code == 2 and (status, answer) == (400, {"error": message})


@pytest.mark.parametrize("params, words", [
    ({"q": "iran", "lmit": 5}, "unknown parameter 'lmit' (did you mean 'limit'?)"),
    ({"q": "iran", "limit": MAX_PAGE_SIZE + 1}, f"{MAX_PAGE_SIZE + 1} is not in the range 1<=x<={MAX_PAGE_SIZE}"),
    ({"q": "iran", "limit": "ten"}, "'ten' is not a valid integer"),
    ({"q": "iran", "sort": "size"}, "'size' is not one of 'relevance', 'date'"),
    ({"q": "x" * (MAX_QUERY_CHARS + 1)}, f"too long (at most {MAX_QUERY_CHARS})"),
    ({"q": "iran", "limit": 100, "page": 101}, "goes past hit 10,000"),
    ({"q": ["iran", "iraq"]}, "parameter 'q' is given 2 times"),
])
def test_bad_parameters_are_a_400_naming_the_parameter(seed_server, params, words):
    status, _, answer = api(seed_server, "/api/search", **params)
    assert status == 400 and words in answer["error"]


def test_a_missing_article_is_a_404(seed_server):
    status, _, answer = get(f"{seed_server}/api/articles/no-such-article")
    assert status == 404 and answer["error"].startswith("no article 'no-such-article' in ")


@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE", "PATCH", "BREW"])
def test_the_api_is_read_only(seed_server, method):
    status, head, answer = get(f"{seed_server}/api/search?q=iran", method=method)
    assert status == 405 and head["Allow"] == "GET, HEAD" and "read-only" in answer["error"]


@pytest.mark.parametrize("path", ["/", "/?q=iran&outlet=x", "/api", "/static/app.js", "/api/search?q=iran",
                                  "/api/nothing", "/api/search?limit=0"])
def test_every_answer_forbids_inline_scripts_and_other_origins(seed_server, path):
    _, head, _ = get(seed_server + path)
    policy = dict(part.strip().split(" ", 1) for part in head["Content-Security-Policy"].split(";"))
    assert policy["default-src"] == "'none'" and policy["script-src"] == "'self'" and policy["style-src"] == "'self'"
    assert head["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize("path", ["/static/../server.py", "/static/%2e%2e/server.py", "/static/nothing.js",
                                  "/static/", "/favicon.ico"])
def test_only_the_page_files_are_served(seed_server, path):
    assert get(seed_server + path)[0] == 404


def test_requests_for_another_host_name_are_refused(seed_server):
    """A loopback server answers only to loopback names (a DNS rebinding page would send its own)."""
    status, _, answer = get(f"{seed_server}/api/stats", headers={"Host": "evil.example:80"})
    assert status == 421 and "127.0.0.1" in answer["error"]


def test_twenty_concurrent_clients_get_the_same_answers_as_one(seed_server):
    queries = [{"q": q, "facet": ["outlet", "actor:person", "month"]} for q in ("iran", "talks", "Maliki", "security")]
    expected = [without_timing(api(seed_server, "/api/search", **q)[2]) for q in queries]
    outcomes: Counter = Counter()

    def client(n: int) -> None:
        for i in range(8):
            status, _, answer = api(seed_server, "/api/search", **queries[(n + i) % len(queries)])
            outcomes["same" if status == 200 and without_timing(answer) == expected[(n + i) % len(queries)]
                     else f"{status}"] += 1

    threads = [threading.Thread(target=client, args=(n,)) for n in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert outcomes == {"same": 160}


def test_serve_without_an_index_says_so_in_one_line(tmp_path):
    result = CliRunner().invoke(main, ["serve", "--index", str(tmp_path / "none"), "--port", "0"])
    assert result.exit_code == 2
    assert result.output.strip().startswith("searchkit: error: no index at ")


def test_serve_warns_when_it_binds_beyond_loopback(seed_index):
    process = subprocess.Popen(
        [sys.executable, "-m", "searchkit.cli", "serve", "--index", str(seed_index.path), "--host", "0.0.0.0",
         "--port", "0"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        warning = process.stderr.readline()
        serving = process.stdout.readline()
    finally:
        process.terminate()
        process.wait(10)
    assert warning.startswith("searchkit: warning: serving on 0.0.0.0, not loopback")
    assert "serving" in serving and "/api" in serving


def test_a_url_over_the_limit_is_refused_before_it_is_read(seed_server):
    status, _, answer = api(seed_server, "/api/search", q="iran", actor=["x" * 200] * 50)
    assert status == 414 and answer == {"error": "the URL is longer than 8192 characters"}


def test_an_empty_value_is_an_empty_form_field_not_given(seed_server):
    assert api(seed_server, "/api/actors", kind="", limit="")[2] == api(seed_server, "/api/actors")[2]
