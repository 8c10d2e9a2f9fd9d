"""Errors that reach the user: each carries a one-line message saying what is wrong and where."""


class SearchkitError(Exception):
    """Base of every error searchkit raises on purpose; the CLI prints its message in one line."""


class BadInputError(SearchkitError):
    """A file that cannot be read as an article."""


class QueryError(SearchkitError):
    """A query (or filter) that cannot be understood."""


class IndexLockedError(SearchkitError):
    """Another process is writing to the index."""


class NoIndexError(SearchkitError):
    """No index exists at the given path."""


class IndexWriteError(SearchkitError):
    """A batch could not be written (a writer process failed or died); nothing of it was committed."""


class IndexDiskError(IndexWriteError):
    """The index folder could not be written (a full disk, an I/O error, a read-only folder); the index keeps its
    last commit, and running `index` again finishes the job once the disk is writable."""


class IndexInterrupted(SearchkitError):
    """An indexing run was interrupted; every batch committed before the interrupt is kept."""

    def __init__(self, report):
        self.report = report
        super().__init__(
            f"interrupted: {report.indexed + report.updated} files committed before the interrupt are kept; "
            "run `searchkit index` again to finish"
        )
