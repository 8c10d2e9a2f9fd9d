"""Files to documents: find article files, decode them and read each format into `Document`s.

Formats: plain-text scrapes (.txt) and HTML (.html, .htm), one article a file, and JSON Lines (.jsonl), one article
a line, streamed so that a large export never sits in memory whole. A file that cannot be read raises
`BadInputError` naming it and why; a bad line of a JSONL file is reported with its line number, and the other lines
are kept.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Iterator

from ..errors import BadInputError
from ..models import Document
from .html_page import read_html
from .sniff import HEAD_BYTES, binary_kind

TEXT_SUFFIXES = {".txt"}
HTML_SUFFIXES = {".html", ".htm"}
JSONL_SUFFIXES = {".jsonl"}
SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES | JSONL_SUFFIXES
READS = ".txt, .html, .htm, .jsonl"  # SUFFIXES as messages name them
# No news article is this large; a bigger .txt or .html file is a dump of many, which we cannot split reliably.
MAX_ARTICLE_BYTES = 10 * 2**20

_ID_UNSAFE = re.compile(r"[^\w.\-]+")
_SURROGATE = re.compile("[\ud800-\udfff]")


@dataclass
class FoundFiles:
    """The files an `index` run was given: those to read, and those of its folders that searchkit does not read."""

    files: list[Path] = field(default_factory=list)
    not_read: list[Path] = field(default_factory=list)


def find_files(paths: Iterable[str | os.PathLike]) -> FoundFiles:
    """Article files under `paths`: files as given, folders recursively and sorted. A folder's files of other
    suffixes are listed as not read. Hidden entries (.git, .DS_Store, macOS's binary "._story.txt" twins) are
    neither read nor listed: they are tools' files, not the user's articles, and a .git folder alone holds
    thousands."""
    found = FoundFiles()
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            inside = sorted(
                p for p in path.rglob("*")
                if p.is_file() and not any(part.startswith(".") for part in p.relative_to(path).parts)
            )
            found.files.extend(p for p in inside if p.suffix.lower() in SUFFIXES)
            found.not_read.extend(p for p in inside if p.suffix.lower() not in SUFFIXES)
        elif path.is_file():
            found.files.append(path)
        else:
            raise BadInputError(f"{path}: no such file or folder")
    return found


def file_digest(path: Path) -> str:
    """A hash of the file's bytes, read in blocks: what tells a changed file from an unchanged one."""
    digest = hashlib.blake2b(digest_size=16)
    try:
        with path.open("rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
    except OSError as exc:
        raise BadInputError(f"{path}: cannot read ({exc.strerror or exc})") from exc
    return digest.hexdigest()


def read_article_file(path: Path) -> Document:
    """A .txt or .html file as one article. Raises BadInputError when it cannot be one."""
    try:
        size = path.stat().st_size
        if size > MAX_ARTICLE_BYTES:
            raise BadInputError(
                f"{path}: too large for one article ({size / 2**20:.1f} MB, the limit is "
                f"{MAX_ARTICLE_BYTES // 2**20} MB); split it into articles or write it as JSON Lines"
            )
        data = path.read_bytes()
    except OSError as exc:
        raise BadInputError(f"{path}: cannot read ({exc.strerror or exc})") from exc
    refuse_binary(data[:HEAD_BYTES], path)
    text = decode(data, path)
    if path.suffix.lower() in HTML_SUFFIXES:
        return read_html(text, str(path))
    return Document(source=str(path), text=text, format="text")


def decode(data: bytes, path: Path | str) -> str:
    """UTF-8 (a BOM is dropped), else cp1252; empty content, or content with NUL or mostly control characters, is
    refused. (A file's signature is `refuse_binary`'s: a line of JSON may well quote "%PDF-".)"""
    if not data.strip():
        raise BadInputError(f"{path}: empty file")
    if b"\x00" in data[:HEAD_BYTES]:
        raise BadInputError(f"{path}: binary file (contains NUL bytes)")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        # cp1252 leaves five bytes undefined; a file that uses them is not a legacy text file.
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError as exc:
            raise BadInputError(f"{path}: neither UTF-8 nor cp1252 text (byte {exc.start})") from exc
    if _looks_binary(text):
        raise BadInputError(f"{path}: binary file (mostly control characters)")
    return text.replace("\r\n", "\n").replace("\r", "\n")


def refuse_binary(head: bytes, path: Path | str) -> None:
    """Raise BadInputError naming `path` and what it is, when its first bytes are a binary format's."""
    kind = binary_kind(head)
    if kind is not None:
        raise BadInputError(f"{path}: binary file ({kind}), not text; searchkit reads {READS}")


def _looks_binary(text: str) -> bool:
    sample = text[:8192]
    controls = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\n\r\t\f")
    return controls > len(sample) * 0.05


def iter_jsonl(path: Path) -> Iterator[tuple[int, str | None, str | None]]:
    """The lines of a JSON Lines file, streamed: (line number, text, None), or (line number, None, why) for a line
    that cannot be text. Blank lines are skipped. Raises BadInputError when the file as a whole is unreadable."""
    for number, raw, why in iter_raw_lines(path):
        if raw is None:
            yield number, None, why
            continue
        try:
            yield number, decode(raw, path).strip(), None
        except BadInputError as exc:
            yield number, None, str(exc).split(": ", 1)[-1]


def iter_raw_lines(path: Path) -> Iterator[tuple[int, bytes | None, str | None]]:
    """The non-blank lines of a JSON Lines file as bytes, undecoded: (line number, bytes, None), or (line number,
    None, why) for a line over the article limit. Raises BadInputError when the file as a whole is unreadable."""
    try:
        handle = path.open("rb")
    except OSError as exc:
        raise BadInputError(f"{path}: cannot read ({exc.strerror or exc})") from exc
    with handle:
        refuse_binary(handle.read(HEAD_BYTES), path)
        handle.seek(0)
        number, any_text = 0, False
        while raw := handle.readline(MAX_ARTICLE_BYTES + 1):
            number += 1
            if len(raw) > MAX_ARTICLE_BYTES and not raw.endswith(b"\n"):
                while (rest := handle.readline(1 << 20)) and not rest.endswith(b"\n"):
                    pass  # skip the rest of the over-long line, a block at a time
                any_text = True
                yield number, None, f"article over {MAX_ARTICLE_BYTES // 2**20} MB"
                continue
            if not raw.strip():
                continue
            any_text = True
            yield number, raw, None
        if not any_text:
            raise BadInputError(f"{path}: empty file")


def jsonl_document(line: str, source: str) -> Document:
    """One JSON Lines record: `text` required; `id`, `title`, `date`, `outlet`, `authors`, `url` optional.
    Raises BadInputError saying what is wrong with it."""
    try:
        record = json.loads(line)
    except json.JSONDecodeError as exc:
        raise BadInputError(f"malformed JSON ({exc.msg} at column {exc.colno})") from exc
    except RecursionError as exc:
        raise BadInputError("JSON nested too deeply") from exc
    except ValueError as exc:  # Python refuses to read an integer of over 4,300 digits
        raise BadInputError("malformed JSON (a number too long to read)") from exc
    return _jsonl_document(record, source)


def _jsonl_document(record: object, source: str) -> Document:
    if not isinstance(record, dict):
        raise BadInputError("not a JSON object")
    body = record.get("text")
    if not isinstance(body, str) or not body.strip():
        raise BadInputError('no "text" string')
    authors = record.get("authors") or []
    if isinstance(authors, str):
        authors = [authors]
    authors = [_without_surrogates(str(a).strip()) for a in authors] if isinstance(authors, list) else []
    return Document(
        source=source,
        text=_without_surrogates(body.replace("\r\n", "\n")),
        doc_id=_optional_str(record.get("id")),
        format="jsonl",
        title=_optional_str(record.get("title")),
        date=_optional_str(record.get("date")),
        outlet=_optional_str(record.get("outlet")),
        authors=[a for a in authors if a],
        url=_optional_str(record.get("url")),
    )


def _optional_str(value: object) -> str | None:
    """A scalar field's value as text; absent, empty or not a scalar (a list, an object) is None."""
    if value is None or isinstance(value, bool) or not isinstance(value, (str, int, float)):
        return None
    text = _without_surrogates(str(value).strip())
    return text or None


def _without_surrogates(text: str) -> str:
    """JSON can escape a lone UTF-16 surrogate ("\\ud800"), which no output encoding can write: make it U+FFFD."""
    return _SURROGATE.sub("\ufffd", text)


def article_id_for(path: Path, line: int | None = None) -> str:
    """An id from the file name: `000_0e28c95f4f7a8130`, or `feed-3` for the article on line 3 of feed.jsonl."""
    stem = _ID_UNSAFE.sub("-", path.stem).strip("-") or "article"
    return f"{stem}-{line}" if line is not None else stem
