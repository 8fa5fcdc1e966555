"""experiments.py's worker processes: a pool of our own, which every way out ends.

    with Workers(count) as pool:     `count` processes, killed and reaped on leaving the block
        pool.map(function, tasks)    function(task) for each task, in the order of the tasks
    WorkerDied                       raised when a worker ends before it sent its result
    most_workers()                   the most worth starting: four per core

Plain processes, not multiprocessing.Pool: each worker has a pipe of its own, and the parent
sends it one task at a time and waits on the pipes and on the processes themselves. No lock or
queue is shared, so nothing a dying worker holds can block the parent; and on the way out,
however it comes (the end, an error, Ctrl-C, SIGTERM, SIGHUP), every worker is killed and
reaped. (Pool.terminate() could deadlock on its task queue's lock when a signal came while a
task was being fed.) tests/test_hang.py sends every such signal to runs on busy cores.
"""

import contextlib
import multiprocessing
import multiprocessing.connection
import os
import signal
import sys

from companion import cli


class WorkerDied(Exception):
    """A worker process ended before it sent its result: killed by a signal or by the OS."""


class Workers:
    """`count` worker processes; map(function, tasks) yields function(task) for each task, in
    the order of tasks. A task's exception is raised in the parent, as it would be in one
    process. Use it in a with block: leaving it kills the workers."""

    def __init__(self, count):
        spawn = multiprocessing.get_context("spawn")  # fresh workers, the same on every system
        self.processes, self.pipes = [], []
        try:
            with one_blas_thread(), workers_starting():
                for _ in range(count):
                    mine, theirs = spawn.Pipe()
                    process = spawn.Process(target=serve, args=(theirs,), daemon=True)
                    self.processes.append(process)
                    self.pipes.append(mine)
                    process.start()
                    theirs.close()
        except BaseException:
            self.close()
            raise

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def map(self, function, tasks):
        tasks = list(tasks)
        results, waiting, given, busy = {}, 0, 0, {}  # busy: worker -> index of its task
        idle = list(range(len(self.processes)))
        while waiting < len(tasks):
            while idle and given < len(tasks):
                worker = idle.pop(0)
                self.send(worker, (function, tasks[given]))
                busy[worker] = given
                given += 1
            pipes = {self.pipes[w]: w for w in busy}
            ends = {self.processes[w].sentinel: w for w in busy}
            for ready in multiprocessing.connection.wait(list(pipes) + list(ends)):
                worker = pipes.get(ready, ends.get(ready))
                if worker not in busy:
                    continue  # both its pipe and its end were ready: its result is in
                results[busy.pop(worker)] = self.receive(worker)
                idle.append(worker)
            while waiting in results:
                yield results.pop(waiting)
                waiting += 1

    def send(self, worker, message):
        try:
            self.pipes[worker].send(message)
        except OSError:  # a broken pipe: the worker is gone
            raise self.died(worker) from None

    def receive(self, worker):
        """The result of the worker's task, or its exception raised here."""
        try:
            ok, value = self.pipes[worker].recv()
        except (EOFError, OSError):  # it ended without a word
            raise self.died(worker) from None
        if not ok:
            raise value
        return value

    def died(self, worker):
        process = self.processes[worker]
        process.join(1)
        code = process.exitcode
        how = (f"killed by signal {-code}" if code is not None and code < 0
               else f"exit status {code}")
        return WorkerDied(f"a worker process ended before it sent its result ({how})")

    def close(self):
        """Kill every worker and reap it: a kill can't be ignored, and no lock is waited on."""
        for process in self.processes:
            if process.pid is not None and process.exitcode is None:
                process.kill()
        for process in self.processes:
            if process.pid is not None:
                process.join()
        for pipe in self.pipes:
            pipe.close()
        self.processes, self.pipes = [], []


def serve(pipe):
    """A worker: run each task the parent sends and send back (True, result), or (False, the
    exception) if the task raised; end when the parent closes its pipe."""
    quiet_worker()
    while True:
        try:
            function, task = pipe.recv()
        except (EOFError, OSError, KeyboardInterrupt):
            return
        try:
            answer = (True, function(task))
        except Exception as err:  # noqa: BLE001 (the parent raises it)
            answer = (False, err)
        try:
            pipe.send(answer)
        except (OSError, KeyboardInterrupt):  # the parent is gone
            return
        except Exception:  # noqa: BLE001 (an exception that does not pickle)
            pipe.send((False, RuntimeError(f"{type(answer[1]).__name__}: {answer[1]}")))


@contextlib.contextmanager
def one_blas_thread():
    """Start processes whose BLAS runs one thread: each worker has a core of its own, and on
    matrices this small more threads only fight over the cores (the results are the same)."""
    names = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")
    saved = {name: os.environ.get(name) for name in names}
    os.environ.update({name: value or "1" for name, value in saved.items()})
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                del os.environ[name]


# The signals that end a run (companion/cli.py's: Ctrl-C, SIGTERM and, where the system has it,
# SIGHUP), and of them those that reach the whole process group, the workers too
ENDING_SIGNALS = tuple(cli.SIGNALS)
GROUP_SIGNALS = [getattr(signal, name) for name in ("SIGINT", "SIGHUP") if hasattr(signal, name)]


@contextlib.contextmanager
def workers_starting():
    """While worker processes start: whatever a worker might write before it is ready goes
    nowhere, and the parent is not stopped half-way through starting one.

    Ctrl-C and SIGHUP reach the whole process group, workers too, and only the parent
    answers them: it ends the workers itself (quiet_worker makes a running worker ignore
    them). But a worker still starting, importing NumPy, which takes seconds on a busy
    machine, answers Ctrl-C with a KeyboardInterrupt and its traceback. So the workers are
    started with the null device as their stderr: they inherit the parent's, which is
    pointed there meanwhile. (Neither a blocked signal nor SIG_IGN does it: spawn's new
    process does not keep the blocked set, and SIG_IGN in the parent would lose a Ctrl-C
    sent while the workers start.)

    And any of the signals that end a run is held meanwhile by a handler that only notes
    it, and answered as soon as the workers have started: stopped half-way, a worker would
    be left reading a half-sent start."""
    held = []
    saved = {signum: signal.getsignal(signum) for signum in ENDING_SIGNALS}
    for signum, handler in saved.items():
        if handler not in (signal.SIG_IGN, None):
            signal.signal(signum, lambda signum, frame: held.append(signum))
    sys.stderr.flush()
    stderr = os.dup(2)
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 2)
    os.close(devnull)
    try:
        yield
    finally:
        os.dup2(stderr, 2)
        os.close(stderr)
        for signum, handler in saved.items():
            if handler is not None:
                signal.signal(signum, handler)
        if held:  # now answer the first, as it would have been answered at once
            answer = saved[held[0]]
            if callable(answer):
                answer(held[0], None)
            elif answer == signal.SIG_DFL:
                signal.raise_signal(held[0])


def quiet_worker():
    """In a worker: never print (an error in a task reaches the parent, which reports it; a
    worker whose parent is gone would only print the broken pipe), and end with the parent."""
    for signum in GROUP_SIGNALS:  # the parent's to answer (see workers_starting)
        signal.signal(signum, signal.SIG_IGN)
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    os.dup2(devnull, 2)
    if sys.platform.startswith("linux"):  # SIGTERM when the parent dies, whatever killed it
        import ctypes
        try:
            ctypes.CDLL(None).prctl(1, signal.SIGTERM)  # 1: PR_SET_PDEATHSIG
        except (OSError, AttributeError):
            pass


def most_workers():
    """The most worker processes worth starting: four per core; more only fight for them."""
    return 4 * (os.cpu_count() or 1)
