"""Binary files told from text by their first bytes, whatever their name: a PDF, an image, an archive.

Only signatures that no news text begins with are used. The libraries of the field (filetype 1.2, puremagic 2.2)
match two- and three-letter ASCII signatures too: both took an article beginning "BMW said on Monday" for a BMP
image, and filetype took "MZ Wallace reported" for a Windows program. Those formats (BMP, EXE, MP4, HEIC, TIFF)
carry NUL bytes in their headers, which the NUL rule catches.
"""
from __future__ import annotations

import re

HEAD_BYTES = 8192  # how much of a file is looked at

# (signature, offset, what the file is)
_SIGNATURES: tuple[tuple[bytes, int, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", 0, "a PNG image"),
    (b"\xff\xd8\xff", 0, "a JPEG image"),
    (b"GIF87a", 0, "a GIF image"),
    (b"GIF89a", 0, "a GIF image"),
    (b"WEBP", 8, "a WebP image"),
    (b"\x1f\x8b", 0, "gzip-compressed"),
    (b"PK\x03\x04", 0, "a zip archive (or a .docx, .xlsx, .odt, .epub)"),
    (b"PK\x05\x06", 0, "an empty zip archive"),
    (b"BZh", 0, "bzip2-compressed"),
    (b"\xfd7zXZ\x00", 0, "xz-compressed"),
    (b"(\xb5/\xfd", 0, "zstd-compressed"),
    (b"7z\xbc\xaf\x27\x1c", 0, "a 7-Zip archive"),
    (b"Rar!\x1a\x07", 0, "a RAR archive"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", 0, "an old Microsoft Office document (.doc, .xls, .ppt)"),
    (b"\x7fELF", 0, "a program"),
)
# A PDF may have up to 1,024 bytes of anything before its header (the PDF 1.7 specification, annex H); the header
# starts a line, where no JSON Lines record and hardly any article text does.
_PDF_HEADER = re.compile(rb"(?:^|[\r\n])%PDF-")
_PDF_WINDOW = 1024


def binary_kind(head: bytes) -> str | None:
    """What a file whose first bytes are `head` is, if it is not text (None: it may be text)."""
    if _PDF_HEADER.search(head[:_PDF_WINDOW]):
        return "a PDF document"
    for signature, offset, kind in _SIGNATURES:
        if head[offset:offset + len(signature)] == signature:
            if signature == b"BZh" and head[4:10] != b"1AY&SY":  # "BZh" alone could begin a word
                continue
            if signature == b"WEBP" and head[:4] != b"RIFF":
                continue
            return kind
    if b"\x00" in head[:HEAD_BYTES]:
        return "contains NUL bytes; UTF-16 text must be saved as UTF-8"
    return None

