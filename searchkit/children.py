"""What every worker process of an indexing run does first: leave Ctrl-C to its parent, and end when the parent ends.

A run killed outright (SIGKILL, out of memory) cannot stop its children. Readers and writers wait on queues whose
other ends they themselves inherited, so they would wait forever; each instead watches its parent and exits when it
is gone.
"""
from __future__ import annotations

import os
import signal
import threading
import time

WATCH_SECONDS = 1.0


def follow_parent(parent: int) -> None:
    """`parent`: the parent's process id, as the parent gave it (by the time a child asks, it may have ended)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the whole process group: the parent decides

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(WATCH_SECONDS)
        os._exit(1)  # nothing of this process's work can be committed without the parent

    threading.Thread(target=watch, name="searchkit-watch-parent", daemon=True).start()
