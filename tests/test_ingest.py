import json

import pytest

from searchkit.errors import BadInputError
from searchkit.read.ingest import (
    MAX_ARTICLE_BYTES, article_id_for, find_files, iter_jsonl, jsonl_document, read_article_file, read_html,
)

BODY = "Ryan Crocker, US ambassador to Baghdad, called the atmosphere of the talks businesslike."


def test_utf8_byte_order_mark_is_dropped(write):
    path = write("bom.txt", "\ufeff" + BODY)
    assert read_article_file(path).text == BODY


def test_cp1252_file_is_decoded(write):
    path = write("legacy.txt", "\x93Businesslike,\x94 said Mr Crocker \x96 in Baghdad.".encode("latin-1"))
    assert read_article_file(path).text == "\u201cBusinesslike,\u201d said Mr Crocker \u2013 in Baghdad."


def test_windows_line_endings_become_newlines(write):
    path = write("crlf.txt", b"First line.\r\nSecond line.\r\n")
    assert read_article_file(path).text == "First line.\nSecond line.\n"


@pytest.mark.parametrize(
    "content, reason",
    [(b"", "empty file"), (b"   \n\n", "empty file"), (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary file")],
)
def test_unreadable_file_is_refused_with_its_name_and_why(write, content, reason):
    path = write("bad.txt", content)
    with pytest.raises(BadInputError) as error:
        read_article_file(path)
    assert str(path) in str(error.value) and reason in str(error.value)


def test_jsonl_line_becomes_an_article_with_its_own_id_and_metadata():
    record = {"id": "r-1", "title": "Talks", "text": BODY, "date": "2007-05-28", "outlet": "FT",
              "authors": ["Steve Negus"], "url": "http://example.com/a"}
    document = jsonl_document(json.dumps(record), "feed.jsonl")
    assert (document.doc_id, document.title, document.date, document.outlet, document.authors, document.url) == (
        "r-1", "Talks", "2007-05-28", "FT", ["Steve Negus"], "http://example.com/a")
    assert document.format == "jsonl"


@pytest.mark.parametrize("line, reason", [
    ('{"text": "unterminated', "malformed JSON"),
    (json.dumps({"title": "no text"}), 'no "text" string'),
    (json.dumps(["a", "list"]), "not a JSON object"),
    ("[" * 100000 + "]" * 100000, "nested"),
])
def test_bad_jsonl_line_says_what_is_wrong(line, reason):
    with pytest.raises(BadInputError, match=reason):
        jsonl_document(line, "feed.jsonl")


def test_jsonl_lines_stream_with_their_numbers_and_blank_lines_skipped(write):
    path = write("feed.jsonl", json.dumps({"text": BODY}) + "\n\n" + json.dumps({"text": BODY}) + "\n")
    assert [(number, why) for number, _, why in iter_jsonl(path)] == [(1, None), (3, None)]


def test_jsonl_line_in_cp1252_is_decoded_on_its_own(write):
    path = write("feed.jsonl", json.dumps({"text": "caf\u00e9"}).encode() + b"\n" + b'{"text": "\x93quoted\x94"}\n')
    assert [json.loads(line)["text"] for _, line, _ in iter_jsonl(path)] == ["caf\u00e9", "\u201cquoted\u201d"]


def test_over_long_jsonl_line_is_reported_and_the_next_one_read(write, monkeypatch):
    monkeypatch.setattr("searchkit.read.ingest.MAX_ARTICLE_BYTES", 1000)
    path = write("feed.jsonl", json.dumps({"text": "x" * 5000}) + "\n" + json.dumps({"text": BODY}) + "\n")
    assert [(number, why) for number, _, why in iter_jsonl(path)] == [(1, "article over 0 MB"), (2, None)]


def test_empty_or_binary_jsonl_file_is_refused(write):
    with pytest.raises(BadInputError, match="empty file"):
        list(iter_jsonl(write("empty.jsonl", "\n\n")))
    with pytest.raises(BadInputError, match="binary"):
        list(iter_jsonl(write("bin.jsonl", b"\x00\x01{}")))


def test_text_file_over_the_article_limit_is_refused_before_reading(write, monkeypatch):
    monkeypatch.setattr("searchkit.read.ingest.MAX_ARTICLE_BYTES", 100)
    with pytest.raises(BadInputError, match="too large for one article"):
        read_article_file(write("dump.txt", BODY * 5))
    assert MAX_ARTICLE_BYTES == 10 * 2**20


def test_html_article_text_meta_tags_and_captions(write):
    page = """<html><head><title>Page title | Site</title>
    <meta property="og:title" content="US tells Iran to stop backing Iraq militias">
    <meta property="og:site_name" content="Financial Times">
    <meta property="article:published_time" content="2007-05-28T14:46:00Z">
    <meta name="author" content="Steve Negus"></head>
    <body><nav><a>Home</a> | <a>World</a></nav>
    <article><h1>US tells Iran to stop backing Iraq militias</h1>
    <p>The US and Iran on Monday held their first talks.</p>
    <figure><img src="x.jpg"><figcaption>Ryan Crocker in Baghdad. Photo: AP</figcaption></figure>
    <p>Ryan Crocker called the talks <b>businesslike</b>.</p><script>var x = 1;</script></article>
    <footer>Back to Top</footer></body></html>"""
    document = read_article_file(write("page.html", page))
    assert document.title == "US tells Iran to stop backing Iraq militias"
    assert (document.outlet, document.date, document.authors) == ("Financial Times", "2007-05-28T14:46:00Z", ["Steve Negus"])
    assert document.captions == ["Ryan Crocker in Baghdad. Photo: AP"]
    assert "Ryan Crocker called the talks businesslike." in document.text
    assert "Home" not in document.text and "var x" not in document.text and "Back to Top" not in document.text


def test_find_files_recurses_sorted_and_skips_hidden_and_other_suffixes(write, tmp_path):
    for name in ["b/2.txt", "a.html", "b/1.jsonl", ".git/x.txt", "notes.md", "b/.hidden.txt", "b/scan.PDF", "README"]:
        write(name, BODY)
    found = find_files([tmp_path])
    assert [p.relative_to(tmp_path).as_posix() for p in found.files] == ["a.html", "b/1.jsonl", "b/2.txt"]
    # Files of other suffixes are listed as not read; hidden ones (.git's thousands) are not even listed.
    assert [p.relative_to(tmp_path).as_posix() for p in found.not_read] == ["README", "b/scan.PDF", "notes.md"]


def test_a_file_named_explicitly_is_read_whatever_its_suffix(write):
    path = write("notes.md", BODY)
    assert find_files([path]).files == [path]


def test_missing_path_is_an_error_naming_it(tmp_path):
    with pytest.raises(BadInputError, match="no such file"):
        find_files([tmp_path / "nowhere"])


def test_article_id_comes_from_the_file_name(tmp_path):
    assert article_id_for(tmp_path / "000_0e28c95f4f7a8130.txt") == "000_0e28c95f4f7a8130"
    assert article_id_for(tmp_path / "my feed.jsonl", line=3) == "my-feed-3"


# --- Properties: any file beside a good one ----------------------------------------------------------------------

import html as html_lib  # noqa: E402
import tempfile  # noqa: E402
from pathlib import Path  # noqa: E402

from hypothesis import example, given, strategies as st  # noqa: E402

from searchkit import Index  # noqa: E402

GOOD = ("Ryan Crocker, US ambassador to Baghdad, called the zanzibarite talks with Iran businesslike. " * 3).strip()
WORD = st.sampled_from(["Iran", "talks", "Mr.", "Maliki", "Baghdad", "said", "businesslike", "伊朗", "Ça", "—", "2007"])
PROSE = st.lists(WORD | st.text(max_size=15), max_size=40).map(" ".join)
ODD_DATES = st.sampled_from([
    "0000-00-00", "9999-99-99", "2007-02-30", "10000-01-01", "99999999999999999999", "2007-05-28T14:46:00+99:00",
    "May 32 2007", "1e400", "2007", "−2007-01-01", "20070528", "0001-01-01", "2007-13-01", "Monday 12:00",
])

# HTML: nested tags with text, entities and attributes, the tags whose text is never article text, captions,
# unclosed and stray tags, and pages nested deeper than Python's recursion limit (1,000).
TAGS = st.sampled_from([
    "div", "p", "span", "article", "main", "section", "script", "style", "nav", "header", "footer", "aside",
    "figure", "figcaption", "h1", "li", "ul", "blockquote", "table", "tr", "td", "dd", "a", "b", "time", "pre",
    "form", "button", "iframe", "svg", "template", "noscript", "title", "textarea", "math", "select", "body",
])
ENTITIES = st.sampled_from(["&amp;", "&lt;script&gt;", "&#0;", "&#xD800;", "&#99999999;", "&nbsp;", "&bogus;", "&",
                            "&#x1F600;", "&#128512", "&lt;", "&#x0D;", "&#10;"])
BROKEN = st.sampled_from(["<", "</", "<p", "<!--", "-->", "<![CDATA[", "<!DOCTYPE html>", "</div></div>",
                          "<p <b>", "</p>", "<br/>", "<img src=x", "<html><head><title>", "</body></html>", "\x00"])
ATTRIBUTES = st.lists(
    st.tuples(st.sampled_from(["class", "id", "href", "property", "name", "content", "datetime", "style"]),
              st.text(max_size=20) | ODD_DATES),
    max_size=3,
).map(lambda pairs: "".join(f' {name}="{html_lib.escape(value)}"' for name, value in pairs))
HTML_TEXT = st.one_of(PROSE.map(html_lib.escape), PROSE, ENTITIES, BROKEN)


def _element(tag: str, attributes: str, children: list[str], closing: str) -> str:
    end = {"close": f"</{tag}>", "open": "", "wrong": "</span>"}[closing]
    return f"<{tag}{attributes}>{''.join(children)}{end}"


HTML_FRAGMENTS = st.recursive(
    HTML_TEXT,
    lambda children: st.builds(_element, TAGS, ATTRIBUTES, st.lists(children, max_size=5),
                               st.sampled_from(["close", "close", "open", "wrong"])),
    max_leaves=40,
)
META = st.builds(
    lambda prop, value: f'<meta property="{prop}" content="{html_lib.escape(value)}">',
    st.sampled_from(["og:title", "og:site_name", "article:published_time", "author", "og:url", "date"]),
    st.text(max_size=30) | ODD_DATES,
)
DEEP = st.builds(
    lambda tag, depth, text, closed: f"<{tag}>" * depth + text + (f"</{tag}>" * depth if closed else ""),
    st.sampled_from(["div", "blockquote", "b", "li", "table", "span"]), st.integers(1, 1500), PROSE, st.booleans(),
)
HTML_PAGES = st.builds(
    lambda head, body: f"<html><head>{''.join(head)}</head><body>{''.join(body)}</body></html>",
    st.lists(META, max_size=4), st.lists(HTML_FRAGMENTS | DEEP, max_size=6),
) | HTML_FRAGMENTS | DEEP

# JSON Lines: valid records, values of the wrong type, broken lines, huge ids, unicode (lone surrogates too).
ANY_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=5), children, max_size=3),
    max_leaves=10,
)
IDS = st.one_of(st.text(max_size=30), st.integers(min_value=-10**40, max_value=10**40), st.just(10**400),
                st.floats(), st.sampled_from(["", "a#1", "a b", "../x", "\n", "good"]), ANY_JSON)
SURROGATE_TEXT = st.lists(PROSE | st.sampled_from(["\ud800", "\udfff", "\ud83d\ude00"]), min_size=1).map("".join)
RECORDS = st.fixed_dictionaries(
    {"text": st.one_of(PROSE, SURROGATE_TEXT, st.just(GOOD), ANY_JSON)},
    optional={"id": IDS, "title": st.text(max_size=30) | ANY_JSON, "date": ODD_DATES | ANY_JSON,
              "outlet": st.text(max_size=30) | ANY_JSON, "authors": ANY_JSON | st.lists(st.text(max_size=10)),
              "url": ANY_JSON},
)
JSONL_LINES = st.one_of(
    RECORDS.map(json.dumps),
    RECORDS.map(lambda record: json.dumps(record, ensure_ascii=False)),
    ANY_JSON.map(json.dumps),
    RECORDS.map(json.dumps).flatmap(lambda line: st.integers(0, len(line)).map(lambda cut: line[:cut])),
    st.text(max_size=50),
    st.sampled_from(["", "   ", "[" * 5000, '{"text": "a\\ud800"}', '{"text": NaN}', '{"id": 1e999, "text": "x y z"}']),
    st.integers(4000, 20000).map(lambda digits: '{"id": 1' + "0" * digits + f', "text": "{GOOD}"}}'),
)
JSONL_FILES = st.lists(JSONL_LINES, max_size=20).map(lambda lines: "\n".join(lines).encode("utf-8", "surrogatepass"))

ENCODED_TEXT = st.builds(
    lambda text, encoding: text.encode(encoding, "ignore"),
    st.text() | PROSE | HTML_PAGES,
    st.sampled_from(["utf-8", "utf-8-sig", "cp1252", "utf-16", "latin-1"]),
)
FILES = {
    "bytes": st.tuples(st.sampled_from([".txt", ".html", ".jsonl"]), st.binary(max_size=2000)),
    "text": st.tuples(st.sampled_from([".txt", ".html", ".jsonl"]), ENCODED_TEXT),
    "html": st.tuples(st.sampled_from([".html", ".htm"]), HTML_PAGES.map(str.encode)),
    "jsonl": st.tuples(st.just(".jsonl"), JSONL_FILES),
}


def index_beside_a_good_article(suffix: str, content: bytes):
    """Index a folder of one good article and one fuzzed file: the fuzzed file's path, the report, and the hits of
    a search for the good article. (A temporary folder per example: pytest's tmp_path is one per test.)"""
    with tempfile.TemporaryDirectory(prefix="searchkit-fuzz-") as work:
        folder = Path(work) / "in"
        folder.mkdir()
        (folder / "good.txt").write_text(f"Talks in Baghdad\n\n{GOOD}\n", encoding="utf-8")
        fuzzed = folder / f"fuzzed{suffix}"
        fuzzed.write_bytes(content)
        with Index(Path(work) / "ix") as ix:
            report = ix.add([folder], workers=1)
            good_hits = [h for h in ix.search("zanzibarite").hits if h.source == str(folder / "good.txt")]
    return fuzzed, report, good_hits


def check_one_line_problems(fuzzed: Path, report) -> None:
    """The good file is indexed; the fuzzed one is indexed or skipped; every problem is one line naming it."""
    assert report.indexed + report.skipped == 2 and report.indexed >= 1
    for problem in report.problems:
        assert problem.source == str(fuzzed) and str(problem).startswith(str(fuzzed))
        assert "\n" not in str(problem) and "\r" not in str(problem) and problem.reason.strip()
    if report.skipped:
        assert any(p.line is None for p in report.problems), "a skipped file is named without a line number"


@given(FILES["bytes"])
def test_random_bytes_never_stop_the_good_file_from_being_indexed(file):
    fuzzed, report, good_hits = index_beside_a_good_article(*file)
    check_one_line_problems(fuzzed, report)
    assert good_hits


@given(FILES["text"])
def test_random_text_never_stops_the_good_file_from_being_indexed(file):
    fuzzed, report, good_hits = index_beside_a_good_article(*file)
    check_one_line_problems(fuzzed, report)
    assert good_hits


@given(FILES["html"])
def test_random_html_never_stops_the_good_file_from_being_indexed(file):
    fuzzed, report, good_hits = index_beside_a_good_article(*file)
    check_one_line_problems(fuzzed, report)
    assert good_hits


# The id's digits are over Python's limit for int <-> str (4,300): see test_number_too_long_for_python_is_a_bad_line.
@example((".jsonl", ('{"id": 1' + "0" * 5000 + f', "text": "{GOOD}"}}').encode()))
@given(FILES["jsonl"])
def test_random_jsonl_never_stops_the_good_file_from_being_indexed(file):
    fuzzed, report, good_hits = index_beside_a_good_article(*file)
    check_one_line_problems(fuzzed, report)
    assert good_hits


# Well-formed tag syntax (end tags may be missing): the text of dropped tags has nowhere to leak to. In a page's
# <head>, a <noscript>'s text belongs to the <body> (HTML5, scripting off): the pages have their body tags. A <form>
# is not among the dropped tags: ASP.NET pages wrap the whole article in one.
DROPPED = st.sampled_from(["script", "style", "nav", "header", "footer", "aside", "button", "noscript"])
MARKED = st.builds(lambda tag, prose: f"<{tag}>{html_lib.escape(prose)} dropmark</{tag}>", DROPPED, PROSE) | PROSE.map(
    lambda prose: f"<figure><img src=x><figcaption>{html_lib.escape(prose)} capmark</figcaption></figure>")
WELL_FORMED = st.recursive(
    PROSE.map(html_lib.escape) | ENTITIES.filter(lambda e: e not in ("&lt;script&gt;", "&")) | MARKED,
    lambda children: st.builds(
        _element, st.sampled_from(["div", "p", "span", "article", "main", "section", "li", "ul", "blockquote", "b",
                                   "a", "h1", "pre"]),
        st.just(""), st.lists(children, max_size=5), st.sampled_from(["close", "open", "wrong"])),
    max_leaves=30,
).map(lambda body: f"<html><head><title>Talks</title></head><body>{body}</body></html>")


@given(WELL_FORMED)
def test_text_of_scripts_menus_and_captions_never_reaches_the_article_text(page):
    document = read_html(page, "page.html")
    assert "dropmark" not in document.text and "capmark" not in document.text


def test_number_too_long_for_python_is_a_bad_line():
    with pytest.raises(BadInputError):
        jsonl_document('{"id": 1' + "0" * 5000 + ', "text": "Talks in Baghdad."}', "feed.jsonl")
