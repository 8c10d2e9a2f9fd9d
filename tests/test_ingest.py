import json

import pytest

from searchkit.errors import BadInputError
from searchkit.ingest import (
    MAX_ARTICLE_BYTES, article_id_for, find_files, iter_jsonl, jsonl_document, read_article_file,
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
    monkeypatch.setattr("searchkit.ingest.MAX_ARTICLE_BYTES", 1000)
    path = write("feed.jsonl", json.dumps({"text": "x" * 5000}) + "\n" + json.dumps({"text": BODY}) + "\n")
    assert [(number, why) for number, _, why in iter_jsonl(path)] == [(1, "article over 0 MB"), (2, None)]


def test_empty_or_binary_jsonl_file_is_refused(write):
    with pytest.raises(BadInputError, match="empty file"):
        list(iter_jsonl(write("empty.jsonl", "\n\n")))
    with pytest.raises(BadInputError, match="binary"):
        list(iter_jsonl(write("bin.jsonl", b"\x00\x01{}")))


def test_text_file_over_the_article_limit_is_refused_before_reading(write, monkeypatch):
    monkeypatch.setattr("searchkit.ingest.MAX_ARTICLE_BYTES", 100)
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
    for name in ["b/2.txt", "a.html", "b/1.jsonl", ".git/x.txt", "notes.md", "b/.hidden.txt"]:
        write(name, BODY)
    assert [p.relative_to(tmp_path).as_posix() for p in find_files([tmp_path])] == ["a.html", "b/1.jsonl", "b/2.txt"]


def test_missing_path_is_an_error_naming_it(tmp_path):
    with pytest.raises(BadInputError, match="no such file"):
        list(find_files([tmp_path / "nowhere"]))


def test_article_id_comes_from_the_file_name(tmp_path):
    assert article_id_for(tmp_path / "000_0e28c95f4f7a8130.txt") == "000_0e28c95f4f7a8130"
    assert article_id_for(tmp_path / "my feed.jsonl", line=3) == "my-feed-3"
