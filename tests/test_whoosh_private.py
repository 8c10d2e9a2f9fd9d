"""The Whoosh internals the Whoosh backend relies on (names with a leading underscore, and arguments or attributes
Whoosh does not document) still exist with the shape it uses. An upgrade of whoosh-reloaded that renames or drops one
fails here, naming it, rather than somewhere deep in writing or searching.

The list is what `grep -n '\\._' searchkit/backends/whoosh/*.py` finds on Whoosh's objects, plus the Whoosh methods
the backend overrides (an override of a method Whoosh no longer calls would be dead code, silently)."""
from __future__ import annotations

import inspect

import pytest
from whoosh import fields, index as whoosh_index, query, writing
from whoosh.analysis import StemFilter
from whoosh.codec.whoosh3 import W3Codec, W3PerDocReader, W3Segment
from whoosh.filedb.filestore import FileStorage
from whoosh.filedb.structfile import StructFile
from whoosh.reading import SegmentReader
from whoosh.util.filelock import FcntlLock

from searchkit.backends.whoosh.analysis import stemmer
from searchkit.backends.whoosh.index import INDEX_NAME, IndexStore
from searchkit.backends.whoosh.writing import segment_writer

# (owner, name): callables of Whoosh's classes and modules, used or overridden by backends/whoosh
CALLABLES = [
    (whoosh_index.TOC, "_latest_generation"),  # index.IndexStore.exists
    (whoosh_index.TOC, "write"),  # writing.write_toc
    (whoosh_index.FileIndex, "_read_toc"),  # index.remove_uncommitted
    (whoosh_index, "clean_files"),  # index.remove_uncommitted, writing.DurableSegmentWriter._commit_toc
    (writing.SegmentWriter, "_commit_toc"),  # overridden: writing.DurableSegmentWriter
    (writing.SegmentWriter, "_merge_segments"),  # writing.ParallelWriter.commit
    (writing.SegmentWriter, "_finalize_segment"),
    (writing.SegmentWriter, "_close_segment"),
    (writing.SegmentWriter, "_finish"),
    (W3PerDocReader, "_cached_reader"),  # overridden: writing._LengthsReader
    (W3Codec, "per_document_reader"),  # overridden: writing._WritingCodec
    (W3Codec, "new_segment"),
    (FileStorage, "_fpath"),  # storage.MappedFileStorage.open_file
    (StructFile, "subset"),  # overridden: storage._MappableFile, storage._MappedPart
    (query.NumericRange, "_compile_query"),  # overridden: index.DayRange
    (fields.NUMERIC, "prepare_number"),  # index.DayRange
    (fields.NUMERIC, "sortable_to_bytes"),
    (fields.NUMERIC, "parse_query"),  # overridden: index.DayField
    (fields.NUMERIC, "parse_range"),
    (fields.TEXT, "index"),  # overridden: index.AnalysedText
]


@pytest.mark.parametrize("owner, name", CALLABLES, ids=[f"{getattr(o, '__name__', o)}.{n}" for o, n in CALLABLES])
def test_whoosh_private_callable_exists(owner, name):
    assert callable(getattr(owner, name, None)), f"{owner!r} has no callable {name}: whoosh changed under the backend"


def test_private_constants_and_signatures():
    assert whoosh_index._DEF_INDEX_NAME == INDEX_NAME == "MAIN"
    assert "_lk" in inspect.signature(writing.SegmentWriter.__init__).parameters  # writing.segment_writer
    assert list(inspect.signature(W3Segment.__init__).parameters)[1:3] == ["codec", "indexname"]
    assert list(inspect.signature(whoosh_index.TOC.__init__).parameters)[1:4] == ["schema", "segments", "generation"]
    assert "onclose" in inspect.signature(StructFile.__init__).parameters  # writing._SyncedRenames
    # The writer stores a value given as `_stored_<field>` instead of the field's value (index.passage_documents
    # gives the analysed postings to the field and the text to store this way).
    assert "_stored_" in inspect.getsource(writing.SegmentWriter.add_document)
    assert callable(FcntlLock(__file__).acquire)  # index.IndexStore.run_lock
    # docsets._live_documents reads it as an attribute (a cached property), not a method
    assert hasattr(SegmentReader.__dict__.get("deleted_docs_set"), "__get__")
    assert not callable(SegmentReader.__dict__.get("deleted_docs_set"))


def test_private_instance_attributes(tmp_path):
    """The attributes Whoosh sets on its instances, on a real index: a writer's, a per-document reader's, a file's."""
    ix = IndexStore(tmp_path / "ix").create()
    writer = segment_writer(ix, limitmb=4)
    try:
        assert writer._added is False  # writing.ParallelWriter.commit
        assert writer.writelock is not None and hasattr(writer.writelock, "locked")  # DurableSegmentWriter.__init__
        assert isinstance(writer.segments, list)
        perdoc = writer.codec.per_document_reader(writer.storage, writer.get_segment())
        assert isinstance(perdoc._readers, dict)  # writing._LengthsReader
    finally:
        writer.cancel()
    storage = FileStorage(str(tmp_path))
    with storage.create_file("probe") as file:
        file.write(b"x")
    opened = storage.open_file("probe")
    assert opened._name == "probe" and opened.file is not None  # storage._MappableFile
    opened.close()
    assert callable(stemmer()._stem) and isinstance(stemmer(), StemFilter)  # analysis.stem
