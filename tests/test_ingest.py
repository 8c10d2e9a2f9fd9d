import json

import pytest

from searchkit.errors import BadInputError
from searchkit.ingest import article_id_for, find_files, read_file

BODY = "Ryan Crocker, US ambassador to Baghdad, called the atmosphere of the talks businesslike."


def test_utf8_byte_order_mark_is_dropped(write):
    path = write("bom.txt", "\ufeff" + BODY)
    assert read_file(path).documents[0].text == BODY


def test_cp1252_file_is_decoded(write):
    path = write("legacy.txt", "\x93Businesslike,\x94 said Mr Crocker \x96 in Baghdad.".encode("latin-1"))
    assert read_file(path).documents[0].text == "\u201cBusinesslike,\u201d said Mr Crocker \u2013 in Baghdad."


def test_windows_line_endings_become_newlines(write):
    path = write("crlf.txt", b"First line.\r\nSecond line.\r\n")
    assert read_file(path).documents[0].text == "First line.\nSecond line.\n"


@pytest.mark.parametrize(
    "content, reason",
    [(b"", "empty file"), (b"   \n\n", "empty file"), (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary file")],
)
def test_unreadable_file_is_refused_with_its_name_and_why(write, content, reason):
    path = write("bad.txt", content)
    with pytest.raises(BadInputError) as error:
        read_file(path)
    assert str(path) in str(error.value) and reason in str(error.value)


def test_jsonl_line_becomes_an_article_with_its_own_id_and_metadata(write):
    record = {"id": "r-1", "title": "Talks", "text": BODY, "date": "2007-05-28", "outlet": "FT",
              "authors": ["Steve Negus"], "url": "http://example.com/a"}
    document = read_file(write("feed.jsonl", json.dumps(record) + "\n")).documents[0]
    assert (document.doc_id, document.title, document.date, document.outlet, document.authors, document.url) == (
        "r-1", "Talks", "2007-05-28", "FT", ["Steve Negus"], "http://example.com/a")
    assert document.format == "jsonl"


def test_malformed_jsonl_line_is_reported_and_the_others_kept(write):
    lines = [json.dumps({"text": BODY}), '{"text": "unterminated', json.dumps({"title": "no text"})]
    source = read_file(write("feed.jsonl", "\n".join(lines)))
    assert len(source.documents) == 1
    assert [(p.line, p.reason.split(" (")[0]) for p in source.problems] == [(2, "malformed JSON"), (3, 'no "text" string')]


def test_jsonl_file_with_no_good_line_is_refused(write):
    with pytest.raises(BadInputError, match="no readable article"):
        read_file(write("feed.jsonl", "not json\n"))


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
    document = read_file(write("page.html", page)).documents[0]
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
    assert article_id_for(tmp_path / "my feed.jsonl", 2, 5) == "my-feed-3"
