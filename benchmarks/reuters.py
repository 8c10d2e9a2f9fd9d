"""Reuters-21578 (SGML) to searchkit's JSON Lines input, replicated for scaling runs.

One article a line: `{"id", "title", "text", "date", "outlet", "url", "codes"}`. `text` is the dateline and the
body, its paragraphs separated by blank lines; `codes` holds the record's <PEOPLE>, <ORGS> and <PLACES> codes for
the plain-Whoosh baseline's actor facet (searchkit ignores keys it does not know). Each source file becomes one
JSONL file per copy, so a corpus is a folder of 22 x copies files:

    python benchmarks/reuters.py --copies 1 4      # -> benchmarks/work/reuters-x1/, benchmarks/work/reuters-x4/
"""
from __future__ import annotations

import argparse
import gzip
import html
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

DATA = Path("/work/shared/data/reuters21578")
WORK = Path(__file__).resolve().parent / "work"
PARAGRAPH_SEPARATOR = "\n\n"

_RECORD = re.compile(r"<REUTERS\b([^>]*)>(.*?)</REUTERS>", re.S)
_NEWID = re.compile(r'NEWID="(\d+)"')
_MONTHS = {m: i for i, m in enumerate("JAN FEB MAR APR MAY JUN JUL AUG SEP OCT NOV DEC".split(), start=1)}
# `26-FEB-1987 15:01:01.79`; a few records have two spaces, or a broken hour ("605:12:19.12"): the day still counts.
_DATE = re.compile(r"(\d{1,2})-([A-Z]{3})-(\d{4})(?:\s+(\d{1,2}):(\d\d):(\d\d))?")
# A body paragraph starts on a new line indented by two or more spaces (or after a blank line); the lines within
# a paragraph are hard-wrapped at ~70 characters.
_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n|\n(?=[ \t]{2,})")
# Control characters arrive as numeric references (`&#3;` ends every body, `&#2;` opens <TEXT>).
_CONTROL_REF = re.compile(r"&#(\d+);")
# The wire's sign-off, " Reuter" on the body's last line: a signature, not article text.
_SIGN_OFF = re.compile(r"\s*\bReuter\s*$", re.I)


@dataclass
class ReutersArticle:
    """One <REUTERS> record that has a body."""

    newid: str
    title: str | None
    date: str | None  # ISO 8601
    paragraphs: list[str]
    topics: list[str] = field(default_factory=list)  # the record's <TOPICS>, <PEOPLE>, <ORGS>, <PLACES> codes
    people: list[str] = field(default_factory=list)
    orgs: list[str] = field(default_factory=list)
    places: list[str] = field(default_factory=list)

    @property
    def codes(self) -> list[str]:
        """<PEOPLE>, <ORGS> and <PLACES> codes, in that order: the baseline's actor facet."""
        return self.people + self.orgs + self.places

    @property
    def text(self) -> str:
        return PARAGRAPH_SEPARATOR.join(self.paragraphs)

    def record(self, copy: int = 0) -> dict:
        """The JSONL record of this article; copies after the first get new ids (`r12345-x3`)."""
        return {
            "id": f"r{self.newid}" + (f"-x{copy}" if copy else ""),
            "title": self.title,
            "text": self.text,
            "date": self.date,
            "outlet": "Reuters",
            "url": None,
            "codes": self.codes,
        }


def read_all(data: Path = DATA) -> Iterator[ReutersArticle]:
    """Every article with a body, in file order."""
    for path in sorted(data.glob("reut2-*.sgm.gz")):
        yield from read_sgml(path)


def read_sgml(path: Path) -> Iterator[ReutersArticle]:
    """The articles with a body in one `reut2-NNN.sgm.gz` file (latin-1)."""
    text = gzip.decompress(path.read_bytes()).decode("latin-1")
    for match in _RECORD.finditer(text):
        attributes, content = match.groups()
        body = _element(content, "BODY")
        if body is None:
            continue
        dateline = _element(content, "DATELINE")
        paragraphs = split_paragraphs(_unescape(body))
        if dateline and paragraphs:
            paragraphs[0] = f"{' '.join(_unescape(dateline).split())} {paragraphs[0]}"
        if not paragraphs:
            continue
        title = _element(content, "TITLE")
        yield ReutersArticle(
            newid=_NEWID.search(attributes).group(1),
            title=" ".join(_unescape(title).split()) if title else None,
            date=iso_date(_element(content, "DATE") or ""),
            paragraphs=paragraphs,
            topics=_codes(content, "TOPICS"),
            people=_codes(content, "PEOPLE"),
            orgs=_codes(content, "ORGS"),
            places=_codes(content, "PLACES"),
        )


def split_paragraphs(body: str) -> list[str]:
    """The body's paragraphs, each unwrapped to one line, without the " Reuter" sign-off."""
    body = _SIGN_OFF.sub("", body)
    paragraphs = (" ".join(part.split()) for part in _PARAGRAPH_BREAK.split(body))
    return [p for p in paragraphs if p]


def iso_date(value: str) -> str | None:
    """`26-FEB-1987 15:01:01.79` -> `1987-02-26T15:01:01` (the day alone when the time is broken)."""
    match = _DATE.search(value)
    if not match or match[2] not in _MONTHS:
        return None
    day = f"{match[3]}-{_MONTHS[match[2]]:02d}-{int(match[1]):02d}"
    if match[4] is None or int(match[4]) > 23:
        return day
    return f"{day}T{int(match[4]):02d}:{match[5]}:{match[6]}"


def _element(content: str, tag: str) -> str | None:
    match = re.search(rf"<{tag}>(.*?)</{tag}>", content, re.S)
    return match.group(1) if match else None


def _codes(content: str, tag: str) -> list[str]:
    return re.findall(r"<D>(.*?)</D>", _element(content, tag) or "")


def _unescape(text: str) -> str:
    """Drop control-character references, then resolve the entities (`&lt;`, `&amp;`)."""
    text = _CONTROL_REF.sub(lambda m: "" if int(m[1]) < 32 else m[0], text)
    return html.unescape(text)


def write_corpus(copies: int, out: Path | None = None, data: Path = DATA) -> Path:
    """Write the corpus replicated `copies` times into `out` (default benchmarks/work/reuters-x{copies}/): one
    JSONL file per source file and copy. Returns the folder; an existing complete corpus is kept as it is."""
    out = out or WORK / f"reuters-x{copies}"
    done = out / "COMPLETE"
    if done.exists():
        return out
    out.mkdir(parents=True, exist_ok=True)
    for source in sorted(data.glob("reut2-*.sgm.gz")):
        articles = list(read_sgml(source))
        stem = source.name.split(".")[0]
        for copy in range(copies):
            lines = (json.dumps(a.record(copy), ensure_ascii=False) + "\n" for a in articles)
            (out / f"{stem}-x{copy}.jsonl").write_text("".join(lines), encoding="utf-8")
    done.write_text("")
    return out


def read_corpus(folder: Path) -> Iterator[dict]:
    """Every article record of a corpus folder, in file order."""
    for path in sorted(folder.glob("*.jsonl")):
        with path.open(encoding="utf-8") as lines:
            yield from (json.loads(line) for line in lines if line.strip())


def corpus_paragraphs(record: dict) -> list[str]:
    """A record's paragraphs, as searchkit's paragraph splitting sees them."""
    return [p for p in record["text"].split(PARAGRAPH_SEPARATOR) if p.strip()]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--copies", type=int, nargs="+", default=[1], help="replication factors (default: 1)")
    args = parser.parse_args()
    for copies in args.copies:
        folder = write_corpus(copies)
        articles = paragraphs = chars = 0
        for record in read_corpus(folder):
            articles += 1
            paragraphs += len(corpus_paragraphs(record))
            chars += len(record["text"])
        print(f"{folder}: {articles:,} articles, {paragraphs:,} paragraphs, {chars / 1e6:.1f} M characters")


if __name__ == "__main__":
    main()
