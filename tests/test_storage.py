import mmap
import os
import pickle

import pytest
from whoosh.filedb.filestore import FileStorage

from searchkit.backends.whoosh.storage import MappedFileStorage


def _everything(ix) -> tuple[list, list]:
    """Every posting (field, term, document, value) and every stored document of an index."""
    with ix.searcher() as searcher:
        reader = searcher.reader()
        postings = []
        for field, term in reader.all_terms():
            matcher = reader.postings(field, term)
            while matcher.is_active():
                postings.append((field, term, matcher.id(), matcher.value()))
                matcher.next()
        return postings, list(reader.all_stored_fields())


def test_mapped_reading_equals_whooshs_own(split_seed_index):
    index_folder = split_seed_index.path
    mapped = MappedFileStorage(str(index_folder)).open_index()
    assert len(mapped.reader().leaf_readers()) > 1
    postings, stored = _everything(mapped)
    for whoosh_storage in (FileStorage(str(index_folder)), FileStorage(str(index_folder), supports_mmap=False)):
        assert _everything(whoosh_storage.open_index()) == (postings, stored)
    assert len(postings) > 1_000 and len(stored) > 50


@pytest.mark.parametrize("offset", [0, 1, mmap.ALLOCATIONGRANULARITY - 3, mmap.ALLOCATIONGRANULARITY + 17])
def test_a_part_reads_as_the_file_it_stands_for(tmp_path, offset):
    payload = pickle.dumps({"postings": list(range(50))}) + b"line one\nline two\n" + os.urandom(300)
    (tmp_path / "whole").write_bytes(os.urandom(offset) + payload + b"next part")
    part = MappedFileStorage(str(tmp_path)).open_file("whole").subset(offset, len(payload))
    assert part.read_pickle() == {"postings": list(range(50))}
    assert part.readline() == b"line one\n"
    position = part.tell()
    assert position == payload.index(b"line two")
    assert part.get(0, 4) == payload[:4] and part.tell() == position  # get leaves the position alone
    part.seek(-5, os.SEEK_END)
    assert part.read(100) == payload[-5:]  # a read stops at the end of the part
    part.seek(2)
    assert part.read_int() == int.from_bytes(payload[2:6], "big", signed=True)
    assert part.subset(3, 10).read() == payload[3:13]
    part.close()
    assert part.is_closed
