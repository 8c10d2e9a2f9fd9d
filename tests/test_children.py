"""Worker processes and Ctrl-C: an interrupt while processes start is held, then raised, never lost."""
from __future__ import annotations

import multiprocessing
import os
import signal

import pytest

from searchkit.children import keep_interrupts


@pytest.fixture
def python_interrupts():
    """Python's own Ctrl-C handling, as in a terminal: a background job of a script (`pytest &`) starts with SIGINT
    ignored, and an ignored signal is no interrupt to hold."""
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    yield
    signal.signal(signal.SIGINT, previous)


def test_an_interrupt_while_processes_start_is_raised_when_they_have_started(python_interrupts):
    started = []
    with pytest.raises(KeyboardInterrupt):
        with keep_interrupts():
            os.kill(os.getpid(), signal.SIGINT)  # as Ctrl-C would, in the middle of starting a process
            child = multiprocessing.get_context().Process(target=os.getpid)
            child.start()
            child.join()
            started.append(child.exitcode)
    assert started == [0]
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler  # the handling before the block is back


def test_without_an_interrupt_the_block_runs_as_usual():
    with keep_interrupts():
        value = 1
    assert value == 1
