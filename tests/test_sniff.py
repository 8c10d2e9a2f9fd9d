"""Binary files told from text by their first bytes, and refused by name, whatever their suffix."""
import gzip
import io
import zipfile

import pytest

from searchkit.errors import BadInputError
from searchkit.read.ingest import iter_jsonl, read_article_file
from searchkit.read.sniff import binary_kind

# An uncompressed PDF: every byte ASCII, no NUL. Read as text it became passages, with an actor called "EOF".
PDF = b"""%PDF-1.4
1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj
2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj
3 0 obj << /Type /Page /Parent 2 0 R /Contents 4 0 R >> endobj
4 0 obj << /Length 90 >> stream
BT /F1 12 Tf 72 712 Td (Iraqi Prime Minister Nouri al-Maliki met US ambassador Ryan Crocker in Baghdad.) Tj ET
endstream endobj
trailer << /Root 1 0 R >>
%%EOF
"""


def _zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("story.txt", "Talks in Baghdad.")
    return buffer.getvalue()


@pytest.mark.parametrize("head, kind", [
    (PDF, "PDF"),
    (b"\xef\xbb\xbf\n%PDF-1.7\n", "PDF"),
    (b"\x89PNG\r\n\x1a\n", "PNG"),
    (b"\xff\xd8\xff\xe0\x00\x10JFIF", "JPEG"),
    (b"GIF89a\x01\x00", "GIF"),
    (gzip.compress(b"Talks in Baghdad."), "gzip"),
    (_zip(), "zip"),
    ("Talks in Baghdad.".encode("utf-16"), "NUL"),
])
def test_binary_formats_are_named(head, kind):
    assert kind in binary_kind(head)


@pytest.mark.parametrize("text", [
    "BMW said on Monday it would cut 8,100 jobs.",  # filetype and puremagic both call this a BMP image
    "MZ Wallace reported higher sales.",
    "BZh, the agency said, is a code name.",
    '{"id": "pdf-1", "text": "The file began %PDF-1.4 and ended %%EOF."}',
    "Iraqi Prime Minister Nouri al-Maliki met US ambassador Ryan Crocker in Baghdad.",
])
def test_text_is_not_taken_for_a_binary_format(text):
    assert binary_kind(text.encode()) is None


@pytest.mark.parametrize("name", ["report.txt", "report.pdf", "page.html"])
def test_a_pdf_is_refused_whatever_its_name(write, name):
    path = write(name, PDF)
    with pytest.raises(BadInputError) as error:
        read_article_file(path)
    message = str(error.value)
    assert message.startswith(f"{path}: binary file (a PDF document)") and "searchkit reads .txt" in message
    assert "\n" not in message


def test_a_gzipped_jsonl_file_is_refused(write):
    path = write("feed.jsonl", gzip.compress(b'{"text": "Talks in Baghdad."}\n'))
    with pytest.raises(BadInputError, match="gzip-compressed"):
        list(iter_jsonl(path))
