"""Whether a process still runs: the one check shared by the crawl's temporary archives and
the store's run rows (part of the contract, so both sides may import it)."""

from __future__ import annotations

import os
from pathlib import Path


def process_start(pid: int) -> int | None:
    """When process `pid` started (clock ticks since boot, from /proc); None when there is
    no such process (or no /proc)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return int(stat.rsplit(")", 1)[1].split()[19])


def pid_alive(pid: int) -> bool:
    """True while a process `pid` exists (one we may not signal counts as alive)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def run_alive(pid: int | None, started: int | None) -> bool:
    """True while the process recorded as (`pid`, start time `started`) still runs: with
    /proc the start time must match, so a reused pid is not taken for the old process."""
    if not pid:
        return False
    if Path("/proc/self/stat").exists():
        return started is not None and process_start(pid) == started
    return pid_alive(pid)
