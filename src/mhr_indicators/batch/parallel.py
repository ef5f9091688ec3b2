"""Run a batch's inputs one after the other, or in parallel worker processes.

With ``jobs=1`` every input is computed in the job's own process, one after the other. With
``jobs=N`` (N > 1) at most N inputs are computed at once, each in a worker process of its own
(a :class:`concurrent.futures.ProcessPoolExecutor` of one worker, shut down after the input):

- a worker that dies — killed by the system when memory runs out, or crashing in a native
  library — fails its own input only, which is reported (``input_failed``) while the others
  complete;
- each input's peak memory is that of its own process, and its memory is returned to the
  system when it ends.

Workers start from a fork server that has imported the library and warmed it up once
(:mod:`.warm`: the schemas built, the compiled loops loaded; ``spawn`` where there is no fork
server, as on Windows), never by forking the job's process, which may hold threads. Outcomes are
given in the order inputs finish; the job puts them back in the config's order. A progress bar
(tqdm, on standard error) appears when the run lasts more than a few seconds and standard error
is a terminal.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
from collections.abc import Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool

from ..errors import ConfigurationError
from .worker import InputOutcome, InputTask, failure, run_input

__all__ = ["START_METHOD", "run_tasks"]

#: How worker processes start: ``None`` chooses ``forkserver`` where the system has it, else
#: ``spawn``. (Tests set ``"fork"`` so that a worker inherits what they patched.)
START_METHOD: str | None = None
#: Seconds a run lasts before its progress bar appears.
PROGRESS_DELAY = 2.0


def _context() -> multiprocessing.context.BaseContext:
    method = START_METHOD
    if method is None:
        methods = multiprocessing.get_all_start_methods()
        method = "forkserver" if "forkserver" in methods else "spawn"
    ctx = multiprocessing.get_context(method)
    if method == "forkserver":
        ctx.set_forkserver_preload(["mhr_indicators.batch.warm"])
    return ctx


def _share_cores(threads: int) -> None:
    """In a worker: use at most ``threads`` threads (the cores left to each of the job's
    workers), so that N workers do not run N times the engine's threads on the same cores."""
    from ..engine import column_checks, compute, survey_indicators, survey_run

    compute.INDICATOR_THREADS = min(compute.INDICATOR_THREADS, threads)
    survey_indicators.BREAKDOWN_THREADS = min(survey_indicators.BREAKDOWN_THREADS, threads)
    column_checks.CHECK_THREADS = min(column_checks.CHECK_THREADS, threads)
    if threads < 2:  # the thread reading ahead is a second one
        survey_run.READ_AHEAD_THREADS = 0


def _died(task: InputTask, exc: BaseException) -> InputOutcome:
    """The outcome of an input whose worker process ended without a result."""
    name = task.input.name
    if isinstance(exc, BrokenProcessPool):
        exc = RuntimeError(
            "the worker process computing this input died without a result (killed by the "
            "system, e.g. when memory ran out, or a crash in a native library)"
        )
    outcome = InputOutcome(name, "failed", issues=failure(name, exc))
    outcome.detail = f"{type(exc).__name__}: {exc}"
    return outcome


def _in_workers(tasks: Sequence[InputTask], jobs: int) -> Iterator[tuple[int, InputOutcome]]:
    ctx = _context()
    threads = max(1, (os.cpu_count() or 1) // jobs)
    waiting = list(enumerate(tasks))
    running: dict[Future, tuple[int, ProcessPoolExecutor]] = {}
    try:
        while waiting or running:
            while waiting and len(running) < jobs:
                index, task = waiting.pop(0)
                pool = ProcessPoolExecutor(
                    max_workers=1, mp_context=ctx, initializer=_share_cores, initargs=(threads,)
                )
                running[pool.submit(run_input, task)] = (index, pool)
            done, _ = wait(running, return_when=FIRST_COMPLETED)
            for future in done:
                index, pool = running.pop(future)
                try:
                    outcome = future.result()
                except Exception as exc:  # the worker died, or its result did not pickle
                    outcome = _died(tasks[index], exc)
                pool.shutdown(wait=True)
                yield index, outcome
    finally:
        for _, pool in running.values():
            pool.shutdown(wait=False, cancel_futures=True)


def _in_process(tasks: Sequence[InputTask]) -> Iterator[tuple[int, InputOutcome]]:
    for index, task in enumerate(tasks):
        yield index, run_input(task)


def run_tasks(
    tasks: Sequence[InputTask], jobs: int = 1, progress: bool | None = None
) -> list[InputOutcome]:
    """Compute every task; the outcomes in the order of ``tasks``.

    Parameters
    ----------
    tasks : list of InputTask
        The inputs to compute.
    jobs : int, default 1
        How many inputs to compute at once: 1 in this process, more in worker processes.
    progress : bool, optional
        Show a progress bar; default: when standard error is a terminal.

    Returns
    -------
    list of InputOutcome
    """
    if not isinstance(jobs, int) or jobs < 1:
        raise ConfigurationError(f"jobs must be a whole number of at least 1, got {jobs!r}")
    from tqdm import tqdm

    show = sys.stderr.isatty() if progress is None else progress
    outcomes: list[InputOutcome | None] = [None] * len(tasks)
    runner = _in_process(tasks) if jobs == 1 else _in_workers(tasks, jobs)
    with tqdm(
        total=len(tasks),
        unit="input",
        desc="inputs",
        disable=not show or not tasks,
        delay=PROGRESS_DELAY,
        file=sys.stderr,
    ) as bar:
        for index, outcome in runner:
            outcomes[index] = outcome
            bar.set_postfix_str(f"{outcome.name}: {outcome.status}", refresh=False)
            bar.update(1)
    return [o for o in outcomes if o is not None]
