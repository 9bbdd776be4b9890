"""The worker pool on its own (workers without kernels, so these are quick): results and errors
come back by job, a killed worker fails only its own job and is replaced, stopping it leaves no
process.  (That workers die with a killed run: test_report_faults.py.)"""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import pytest

from analysis.report.pool import PoolStopped, WorkerDied, WorkerPool


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0]
    except OSError:
        return False
    return state != "Z"


def _gone(pids, timeout: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout
    while any(_alive(p) for p in pids) and time.monotonic() < deadline:
        time.sleep(0.05)
    return not any(_alive(p) for p in pids)


def _wait_for(path: Path, timeout: float = 60.0) -> str:
    deadline = time.monotonic() + timeout
    while not path.exists():
        assert time.monotonic() < deadline, f"{path} never appeared"
        time.sleep(0.05)
    return path.read_text()


def test_results_and_errors_come_back_by_job():
    with WorkerPool(2, warm=False) as pool:
        futures = [pool.submit(pow, n, 2) for n in range(6)]
        failing = pool.submit(int, "not a number")
        assert [f.result(timeout=60) for f in futures] == [0, 1, 4, 9, 16, 25]
        with pytest.raises(ValueError, match="not a number"):
            failing.result(timeout=60)
        pids = pool.pids()
    assert len(pids) == 2 and _gone(pids)


def test_a_killed_worker_fails_only_its_job_and_is_replaced(tmp_path):
    marker = tmp_path / "busy"
    with WorkerPool(2, warm=False) as pool:
        doomed = pool.submit(_write_pid_and_sleep, str(marker), 60)
        pid = int(_wait_for(marker))
        others = [pool.submit(pow, n, 3) for n in range(4)]
        os.kill(pid, signal.SIGKILL)
        with pytest.raises(WorkerDied) as died:
            doomed.result(timeout=60)
        assert died.value.pid == pid and f"pid {pid}) was killed by SIGKILL" in str(died.value)
        assert [f.result(timeout=60) for f in others] == [0, 1, 8, 27]
        later = [pool.submit(_sleep_then_pid, 0.5) for _ in range(4)]  # work waiting: a new worker joins
        served = {f.result(timeout=60) for f in later}
        assert pid not in served and len(served) == 2
        pids = pool.pids()
    assert _gone(pids)


def test_terminate_stops_running_jobs_and_leaves_no_process(tmp_path):
    marker = tmp_path / "busy"
    pool = WorkerPool(2, warm=False)
    running = pool.submit(_write_pid_and_sleep, str(marker), 60)
    queued = [pool.submit(time.sleep, 60) for _ in range(3)]
    _wait_for(marker)
    pids = pool.pids()
    started = time.monotonic()
    pool.terminate(grace=5)
    assert time.monotonic() - started < 10
    with pytest.raises(PoolStopped):
        running.result(timeout=1)
    assert all(f.cancelled() or isinstance(f.exception(timeout=1), PoolStopped) for f in queued)
    assert _gone(pids)


def _write_pid_and_sleep(path: str, seconds: float) -> None:
    Path(path + ".tmp").write_text(str(os.getpid()))
    os.replace(path + ".tmp", path)
    time.sleep(seconds)


def _sleep_then_pid(seconds: float) -> int:
    time.sleep(seconds)
    return os.getpid()


WEAKREF_CALLBACK_GETS_SIGTERM = """
import os, signal, sys, time, weakref
from analysis.report import pool
signal.signal(signal.SIGTERM, pool._on_sigterm)  # as a worker sets itself up
sys.unraisablehook = pool._redeliver_sigterm
class Key:
    pass
key = Key()
ref = weakref.ref(key, lambda r: os.kill(os.getpid(), signal.SIGTERM))  # SIGTERM arrives inside the callback
del key
time.sleep(5)
print("still running")
"""


def test_a_worker_stops_on_sigterm_even_inside_a_weakref_callback():
    """SIGTERM raised inside a callback Python cannot pass exceptions out of (matplotlib keeps its
    text measurements in a WeakKeyDictionary) was printed as "Exception ignored" and lost; the
    worker stops as it would have, silently."""
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-c", WEAKREF_CALLBACK_GETS_SIGTERM], capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 128 + 15, (done.returncode, done.stdout, done.stderr)
    assert "still running" not in done.stdout
    assert "Exception ignored" not in done.stderr and "Traceback" not in done.stderr, done.stderr


def test_the_default_number_of_workers_is_the_cores_the_run_may_use():
    """``report`` without ``--jobs`` starts one worker per core its CPU affinity allows (taskset, a
    container's cpuset), not one per core of the machine."""
    import subprocess
    import sys

    if not hasattr(os, "sched_setaffinity"):
        pytest.skip("no CPU affinity on this system")
    code = "from analysis.report.pool import cores; print(cores())"
    one = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         preexec_fn=lambda: os.sched_setaffinity(0, {min(os.sched_getaffinity(0))}))
    assert one.stdout.strip() == "1"
    every = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert every.stdout.strip() == str(len(os.sched_getaffinity(0)))
