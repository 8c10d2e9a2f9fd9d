"""What a benchmark ran on, in one line: figures mean little without it, and the machines are shared."""
from __future__ import annotations

import os
import platform
from pathlib import Path


def describe() -> str:
    """"2 cores (Intel Xeon), 24 GB RAM, Python 3.11.7, Whoosh 2.7.5, Linux 6.18": what this process runs on."""
    import whoosh

    whoosh_version = ".".join(map(str, whoosh.__version__))
    return (f"{os.cpu_count()} cores ({_cpu()}), {_ram_gb():.0f} GB RAM, Python {platform.python_version()}, "
            f"Whoosh {whoosh_version}, {platform.system()} {platform.release()}")


def _cpu() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _ram_gb() -> float:
    try:
        return int(Path("/proc/meminfo").read_text().split()[1]) / 2**20  # the first line: MemTotal in KiB
    except (OSError, IndexError, ValueError):
        return 0.0


def markdown_table(header: list[str], rows: list[list[str]], align: str | None = None) -> str:
    """A Markdown table; `align` has an "l" or "r" a column (default: the first column left, figures right)."""
    align = align or "l" + "r" * (len(header) - 1)
    rules = ["---:" if side == "r" else "---" for side in align]
    lines = ["| " + " | ".join(header) + " |", "| " + " | ".join(rules) + " |"]
    return "\n".join(lines + ["| " + " | ".join(row) + " |" for row in rows])
