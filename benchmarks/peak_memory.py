"""Peak memory of a run's worker processes, read from ``/proc`` while the run goes (Linux).

A watcher thread walks the process tree under a command every 0.2 s and keeps, for each process
it has seen, its ``VmHWM`` (peak resident set size, kB): the run itself (depth 0), its workers
(depth 1: the pool's processes, or a Dask cluster's nanny and workers) and what they start
(depth 2 and below: a forked child per notebook, or a kernel).  Resident memory counts the pages a
forked child shares with its worker in both, so the figures are upper bounds of what they add."""

from __future__ import annotations

import threading
from pathlib import Path


def _children(pid: int) -> list[int]:
    found: list[int] = []
    try:
        for task in Path(f"/proc/{pid}/task").iterdir():
            found += [int(p) for p in (task / "children").read_text().split()]
    except OSError:
        pass
    return found


def _hwm_mb(pid: int) -> float | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except (OSError, ValueError):
        return None
    return None


class PeakMemory:
    """Watch the tree under ``pid`` until :meth:`stop`; then :meth:`peaks` gives MB by depth."""

    def __init__(self, pid: int, interval_s: float = 0.2):
        self.pid, self.interval_s = pid, interval_s
        self.seen: dict[int, tuple[int, float]] = {}  # pid -> (depth, peak MB)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True)
        self._thread.start()

    def _watch(self) -> None:
        while not self._stop.is_set():
            stack = [(self.pid, 0)]
            while stack:
                pid, depth = stack.pop()
                mb = _hwm_mb(pid)
                if mb is not None:
                    self.seen[pid] = (depth, max(mb, self.seen.get(pid, (depth, 0.0))[1]))
                stack += [(c, depth + 1) for c in _children(pid)]
            self._stop.wait(self.interval_s)

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()

    def peaks(self) -> dict[str, float]:
        """The largest peak (MB) of the run itself, of a worker, and of a process a worker started."""
        out = {"run": 0.0, "worker": 0.0, "child": 0.0}
        for depth, mb in self.seen.values():
            key = "run" if depth == 0 else "worker" if depth == 1 else "child"
            out[key] = max(out[key], mb)
        return out
