"""Worker processes of an indexing run: each leaves Ctrl-C to its parent and ends when the parent ends; the parent
starts them without losing a Ctrl-C.

A run killed outright (SIGKILL, out of memory) cannot stop its children. Readers and writers wait on queues whose
other ends they themselves inherited, so they would wait forever; each instead watches its parent and exits when it
is gone.
"""
from __future__ import annotations

import os
import signal
import threading
import time
from contextlib import contextmanager

WATCH_SECONDS = 1.0


def follow_parent(parent: int) -> None:
    """`parent`: the parent's process id, as the parent gave it (by the time a child asks, it may have ended)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the whole process group: the parent decides

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(WATCH_SECONDS)
        os._exit(1)  # nothing of this process's work can be committed without the parent

    threading.Thread(target=watch, name="searchkit-watch-parent", daemon=True).start()


@contextmanager
def keep_interrupts():
    """Run a block that starts child processes without losing Ctrl-C. Python runs fork handlers (logging's among
    them) in which a KeyboardInterrupt is printed as "Exception ignored" and dropped, and the run would go on to the
    end: with four workers, 3 interrupts in 12 were lost so. Here an interrupt is noted, and raised after the
    block (which only starts processes, so it is short)."""
    if threading.current_thread() is not threading.main_thread():
        yield  # only the main thread handles signals
        return
    caught = []

    def note(signum, frame):
        caught.append(signum)  # not raised here, where a fork handler might be the one to drop it

    previous = signal.signal(signal.SIGINT, note)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous if previous is not None else signal.default_int_handler)
    if caught:
        raise KeyboardInterrupt
