"""What the benchmarks share: percentiles, per-statement SQL times, and a profile report."""

from __future__ import annotations

import cProfile
import pstats
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, event


def pct(values: list[float], q: float) -> float:
    """The q-th percentile (nearest rank) of durations in seconds, in milliseconds."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    rank = max(1, min(len(ordered), int(-(-q * len(ordered) // 100))))
    return ordered[rank - 1] * 1000


class SqlTimes:
    """Time spent in each SQL statement (by its first words) while `on`."""

    def __init__(self, engine: Engine) -> None:
        self.on = False
        self.times: Counter[str] = Counter()
        self.calls: Counter[str] = Counter()

        @event.listens_for(engine, "before_cursor_execute")
        def _before(conn: Any, cursor: Any, statement: str, *_: Any) -> None:
            conn.info["bench_started"] = time.perf_counter()

        @event.listens_for(engine, "after_cursor_execute")
        def _after(conn: Any, cursor: Any, statement: str, *_: Any) -> None:
            if self.on:
                label = " ".join(statement.split())[:110]
                self.times[label] += time.perf_counter() - conn.info.pop("bench_started")
                self.calls[label] += 1


def report_profile(
    profiler: cProfile.Profile,
    sql: SqlTimes | None,
    *,
    out: Path,
    title: str,
    say: Callable[[str], None] = print,
    rows: tuple[int, int, int] = (40, 25, 20),
) -> None:
    """Save the profile to `out` and print its top functions and the slowest statements."""
    profiler.dump_stats(out)
    say(f"\n{title} in {out}")
    stats = pstats.Stats(profiler)
    stats.sort_stats("cumulative").print_stats(rows[0])
    stats.sort_stats("tottime").print_stats(rows[1])
    if sql is not None:
        say(f"SQL statements, {sum(sql.times.values()):.2f} s in all")
        for label, seconds in sql.times.most_common(rows[2]):
            say(f"  {seconds:7.3f} s  {sql.calls[label]:6,} calls  {label}")
