"""How batch identity linkage grows with size: our pipeline beside plain Splink 5, in one run.

    .venv/bin/python bench/linkage_scale.py [--sizes 100000,300000,1000000] [--children 25000]
        [--tools ours,splink] [--timeout 1800] [--json results.json] [--no-doc]
    .venv/bin/python bench/linkage_scale.py --render results.json   # report a saved run again

The input is one synthetic authority from the project's generator (cached under var/bench/),
read as `joinedup.demo.linkage_training.identities` reads it: one identity for every child and
adult subject of every record. Each size is a prefix of that file (its first N identities, in
file order), so each is a real authority's first records, not a sample. Ours is
`joinedup.people.linkage.batch.link(..., threshold=Settings().link_upper, engine="duckdb")`,
trained unsupervised on the identities themselves; the peer is plain Splink 5 configured as
bench/linkage/linkage_splink.py configures it, on the same identities written to a link-file CSV.

Every run has its own subprocess, so peak memory (the child's ru_maxrss) is per run. "Linkage s"
is the work timed inside the child: `link()` for ours (the identities already in memory), the
runner less reading its CSV for plain Splink. "Process s" is the child's whole life, imports and
input included. Results are printed and written into docs/performance.md between the
linkage-scale markers; inputs, results and logs stay in var/bench/linkage_scale/.
"""

from __future__ import annotations

import argparse
import csv
import functools
import json
import math
import os
import platform
import subprocess
import sys
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version
from itertools import islice, pairwise
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().with_name("linkage")))

import linkage_data
import orjson

from joinedup.demo.linkage_training import identities
from joinedup.people.linkage.types import Identity
from joinedup.people.relink import named_together

ROOT = Path(__file__).resolve().parents[1]
WORK = ROOT / "var" / "bench"
FOLDER = WORK / "linkage_scale"
DOC = ROOT / "docs" / "performance.md"
BEGIN, END = "<!-- bench/linkage_scale.py:begin -->", "<!-- bench/linkage_scale.py:end -->"
TOOLS = ("ours", "splink")
NAMES = {"ours": "Joined Up", "splink": "plain Splink"}
TARGET_SECONDS, TARGET_SIZE = 15 * 60, 1_000_000
YEARS, SEED = 5, 2026
Result = dict[str, Any]


# Timing stages inside a child ----------------------------------------------------------------


class Stopwatch:
    """Seconds spent in wrapped functions, by stage, and the last value each returned."""

    def __init__(self) -> None:
        self.seconds: defaultdict[str, float] = defaultdict(float)
        self.last: dict[str, Any] = {}

    def wrap(self, owner: Any, name: str, stage: str) -> None:
        original = getattr(owner, name)

        @functools.wraps(original)
        def timed(*args: Any, **kwargs: Any) -> Any:
            started = time.perf_counter()
            try:
                value = original(*args, **kwargs)
            finally:
                self.seconds[stage] += time.perf_counter() - started
            self.last[stage] = value
            return value

        setattr(owner, name, timed)


def blocked_pairs(groups: Iterator[Counter[Any]]) -> int:
    """Pairs the blocking rules bring together, rule by rule (before Splink drops a pair an
    earlier rule already brought): each rule's groups of equal non-null keys, n(n-1)/2 each."""
    return sum(n * (n - 1) // 2 for counts in groups for n in counts.values())


def run_ours(records: Path, size: int) -> Result:
    from splink.internals.linker_components.inference import LinkerInference

    from joinedup.config import Settings
    from joinedup.people.linkage import batch
    from joinedup.people.linkage.train import PREDICTION_RULES

    given = list(islice(identities(records), size))
    cannot = named_together(list(islice(subject_records(records), size)))
    watch = Stopwatch()
    watch.wrap(batch, "_candidates", "score")  # Splink's predict, then the guard in Python
    watch.wrap(LinkerInference, "predict", "splink_predict")
    watch.wrap(batch, "cluster", "cluster")
    watch.wrap(batch, "to_arrow", "rows")
    started = time.perf_counter()
    result = batch.link(given, threshold=Settings().link_upper, engine="duckdb", cannot=cannot)
    seconds = time.perf_counter() - started
    t = result.timings
    rows = watch.last["rows"]
    keys = (rows.column(k).drop_null().to_pylist() for k in PREDICTION_RULES)
    return {
        "identities": len(given),
        "distinct": result.distinct,
        "pairs_scored": result.pairs_scored,
        "blocked_pairs": blocked_pairs(Counter(values) for values in keys),
        "persons": len(set(result.labels)),
        "cannot_links": len(cannot),
        "links": result.links,
        "guarded": result.guarded,
        "refused": result.refused,
        "seconds": seconds,
        "stages": {
            "features": t["features"],
            "train": t.get("train", 0.0),
            "splink predict": watch.seconds["splink_predict"],
            "guard": watch.seconds["score"] - watch.seconds["splink_predict"],
            "cluster": watch.seconds["cluster"],
            "re-weigh": t["predict"] - watch.seconds["score"] - watch.seconds["cluster"],
        },
    }


def run_splink(input_csv: Path, out_csv: Path) -> Result:
    import linkage_splink
    from splink.internals.linker_components.clustering import LinkerClustering
    from splink.internals.linker_components.inference import LinkerInference
    from splink.internals.linker_components.training import LinkerTraining

    watch = Stopwatch()
    watch.wrap(linkage_splink, "load", "load")
    for method in ("estimate_probability_two_random_records_match",
                   "estimate_u_using_random_sampling",
                   "estimate_parameters_using_expectation_maximisation"):  # fmt: skip
        watch.wrap(LinkerTraining, method, "train")
    watch.wrap(LinkerInference, "predict", "predict")
    watch.wrap(LinkerClustering, "cluster_pairwise_predictions_at_threshold", "cluster")
    started = time.perf_counter()
    notes = linkage_splink.run(input_csv, out_csv)
    seconds = time.perf_counter() - started - watch.seconds["load"]
    pairs = watch.last["predict"].as_duckdbpyrelation().aggregate("count(*)").fetchall()[0][0]
    data = watch.last["load"]
    rules = [("given_names", "family_name"), ("date_of_birth",), ("postcode",), ("nhs_number",),
             ("upn",)]  # fmt: skip
    keys = (zip(*(data[c] for c in rule), strict=True) for rule in rules)
    with out_csv.open(newline="", encoding="utf-8") as handle:
        persons = len({row["person_id"] for row in csv.DictReader(handle)})
    return {
        "identities": len(data["record_id"]),
        "distinct": len(data["record_id"]),
        "pairs_scored": int(pairs),
        "blocked_pairs": blocked_pairs(Counter(k for k in ks if None not in k) for ks in keys),
        "persons": persons,
        "seconds": seconds,
        "stages": {s: watch.seconds[s] for s in ("train", "predict", "cluster")},
        "notes": notes,
    }


# Inputs ----------------------------------------------------------------------------------------


def subject_records(records: Path) -> Iterator[tuple[int, str]]:
    """Each identity's record (its line) and kind, in the order `identities` reads them: the
    subjects of one record of one kind are held apart, as `joinedup link --all` holds them."""
    with records.open("rb") as lines:
        for number, line in enumerate(lines):
            for subject in orjson.loads(line)["subjects"]:
                if subject["role"] != "unborn":
                    yield number, subject["role"]


def source(children: int) -> Path:
    folder = WORK / f"children-{children}-y{YEARS}-s{SEED}"
    return linkage_data.generated(folder, children=children, years=YEARS, seed=SEED)


def csv_row(index: int, identity: Identity) -> list[str]:
    fields = (identity.given_names, identity.family_name, "|".join(identity.other_names),
              identity.date_of_birth, identity.sex, identity.nhs_number, identity.upn,
              identity.postcode, identity.address, identity.school_urn,
              identity.source_agency)  # fmt: skip
    return [str(index), *(value or "" for value in fields)]


def write_inputs(records: Path, sizes: list[int]) -> dict[int, Path]:
    """One link-file CSV per size, each the first N identities of the file; all in one pass."""
    FOLDER.mkdir(parents=True, exist_ok=True)
    paths = {size: FOLDER / f"input-{size}.csv" for size in sizes}
    handles = {size: path.open("w", newline="", encoding="utf-8") for size, path in paths.items()}
    try:
        writers = {size: csv.writer(h, lineterminator="\n") for size, h in handles.items()}
        for writer in writers.values():
            writer.writerow(linkage_data.HEADER)
        count = 0
        for count, identity in enumerate(islice(identities(records), max(sizes)), start=1):
            row = csv_row(count - 1, identity)
            for size, writer in writers.items():
                if count <= size:
                    writer.writerow(row)
    finally:
        for handle in handles.values():
            handle.close()
    if count < max(sizes):
        sys.exit(f"{records} holds only {count:,} identities; raise --children")
    return paths


# Running one child -----------------------------------------------------------------------------


def measure(argv: list[str], log: Path, timeout: float) -> tuple[int, float, float]:
    """Run argv to completion: exit code, wall seconds, peak resident memory (MiB) of the child."""
    with log.open("wb") as out:
        started = time.perf_counter()
        process = subprocess.Popen(argv, stdout=out, stderr=subprocess.STDOUT, cwd=ROOT)
        timer = threading.Timer(timeout, process.kill)
        timer.start()
        _, status, usage = os.wait4(process.pid, 0)
        elapsed = time.perf_counter() - started
        timer.cancel()
    return os.waitstatus_to_exitcode(status), elapsed, usage.ru_maxrss / 1024  # KiB on Linux


def run_child(tool: str, size: int, records: Path, csv_path: Path, timeout: float) -> Result:
    out = FOLDER / f"{tool}-{size}.json"
    log = out.with_suffix(".log")
    out.unlink(missing_ok=True)
    load = round(os.getloadavg()[0], 2)  # other work on the machine skews wall time
    argv = [sys.executable, str(Path(__file__).resolve()), "--child", tool, "--size", str(size),
            "--records", str(records), "--input", str(csv_path), "--out", str(out)]  # fmt: skip
    code, wall, peak = measure(argv, log, timeout)
    result: Result = {
        "tool": tool,
        "size": size,
        "load_1min": load,
        "process_s": wall,
        "peak_mib": peak,
    }
    if code == 0 and out.exists():
        found: Result = json.loads(out.read_text(encoding="utf-8"))
        return result | found
    tail = " | ".join(log.read_text(encoding="utf-8", errors="replace").splitlines()[-3:])
    if code == -9 and wall >= timeout:
        result["error"] = f"stopped at the {timeout:.0f} s time limit"
    elif code == -9:
        result["error"] = "killed (out of memory?)"
    else:
        result["error"] = f"exit {code}: {tail or 'no output'} (log {log})"
    return result


def child_main(args: argparse.Namespace) -> None:
    if args.child == "ours":
        result = run_ours(args.records, args.size)
    else:
        out_csv = args.out.with_suffix(".clusters.csv")
        result = run_splink(args.input, out_csv)
    args.out.write_text(json.dumps(result), encoding="utf-8")


# Report ----------------------------------------------------------------------------------------


def _version(package: str) -> str:
    try:
        return version(package)
    except PackageNotFoundError:
        return "absent"


def commit() -> str:
    """The checkout's commit, marked "+changes" when the linkage code differs from it."""

    def git(*argv: str) -> str:
        done = subprocess.run(["git", *argv], cwd=ROOT, capture_output=True, text=True)
        return done.stdout.strip() if done.returncode == 0 else ""

    head = git("rev-parse", "--short", "HEAD") or "unknown"
    dirty = git("status", "--porcelain", "--", "src/joinedup/people/linkage")
    return head + (" +changes" if dirty else "")


def machine() -> dict[str, Any]:
    ram = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return {
        "date": f"{datetime.now(UTC):%Y-%m-%d}",
        "host": platform.node(),
        "arch": platform.machine(),
        "cores": os.cpu_count(),
        "ram_gib": round(ram, 1),
        "load_1min": round(os.getloadavg()[0], 2),  # other work on the machine skews wall time
        "python": platform.python_version(),
        "commit": commit(),
        **{p: _version(p) for p in ("splink", "duckdb")},
    }


def exponent(n1: float, t1: float | None, n2: float, t2: float | None) -> float | None:
    """The growth exponent k in t ∝ n^k between two sizes."""
    if not t1 or not t2 or t1 <= 0 or t2 <= 0:
        return None
    return math.log(t2 / t1) / math.log(n2 / n1)


def _n(value: Any, spec: str = ",.0f") -> str:
    return "–" if value is None else format(value, spec)


def _minutes(seconds: float | None) -> str:
    if seconds is None:
        return "–"
    return f"{seconds:,.0f} s" if seconds < 120 else f"{seconds:,.0f} s ({seconds / 60:.1f} min)"


def _split(r: Result) -> str:
    return " / ".join(f"{k} {_n(v, ',.0f' if v >= 10 else '.1f')}" for k, v in r["stages"].items())


def rows_table(results: list[Result]) -> list[str]:
    lines = [
        "| tool | identities | distinct | blocked pairs | pairs scored | cannot-links "
        "| persons | linkage s | split (s) | process s | peak MiB | load | ours ÷ Splink |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|---:|---:|",
    ]
    by_key = {(r["tool"], r["size"]): r for r in results}
    for r in results:
        if "error" in r:
            lines.append(
                f"| {NAMES[r['tool']]} | {r['size']:,} | | | | | | – | {r['error']} | "
                f"{_n(r['process_s'])} | {_n(r['peak_mib'])} | {_n(r.get('load_1min'), '.1f')} "
                "| |"
            )
            continue
        peer = by_key.get(("splink", r["size"]), {})
        ratio = ""
        if r["tool"] == "ours" and peer.get("seconds"):
            ratio = f"{r['seconds'] / peer['seconds']:.2f}"
        lines.append(
            f"| {NAMES[r['tool']]} | {r['identities']:,} | {r['distinct']:,} | "
            f"{r['blocked_pairs']:,} | {r['pairs_scored']:,} | {_n(r.get('cannot_links'))} | "
            f"{r['persons']:,} | "
            f"{r['seconds']:,.0f} | {_split(r)} | {r['process_s']:,.0f} | {r['peak_mib']:,.0f} "
            f"| {_n(r.get('load_1min'), '.1f')} | {ratio} |"
        )
    return lines


def growth_table(results: list[Result], sizes: list[int]) -> list[str]:
    """Growth exponents between consecutive sizes, and from the first to the last: linkage
    time, each stage, counts and memory."""
    spans = list(pairwise(sizes)) + ([(sizes[0], sizes[-1])] if len(sizes) > 2 else [])
    lines = [
        "| tool | measure | " + " | ".join(f"{a / 1e6:g} M → {b / 1e6:g} M" for a, b in spans)
        + " |",
        "|---|---|" + "---:|" * len(spans),
    ]  # fmt: skip
    for tool in TOOLS:
        runs = {r["size"]: r for r in results if r["tool"] == tool and "error" not in r}
        if len(runs) < 2:
            continue
        first = next(iter(runs.values()))
        measures: list[tuple[str, Callable[[Result], float | None]]] = [
            ("linkage s", lambda r: r["seconds"]),
            *[(f"{s} s", functools.partial(lambda r, s: r["stages"].get(s), s=s))
              for s in first["stages"]],
            *[(c.replace("_", " "), functools.partial(lambda r, c: r[c], c=c))
              for c in ("distinct", "persons", "blocked_pairs", "pairs_scored")],
            ("peak MiB", lambda r: r["peak_mib"]),
        ]  # fmt: skip
        for label, get in measures:
            cells = []
            for a, b in spans:
                if a in runs and b in runs:
                    ra, rb = runs[a], runs[b]
                    k = exponent(ra["identities"], get(ra), rb["identities"], get(rb))
                    cells.append(_n(k, ".2f"))
                else:
                    cells.append("–")
            lines.append(f"| {NAMES[tool]} | {label} | " + " | ".join(cells) + " |")
    return lines


def verdict(results: list[Result]) -> str:
    ours = [r for r in results if r["tool"] == "ours" and r["size"] >= TARGET_SIZE]
    if not ours:
        return "Target (1 M identities in ≤ 15 min on 2 cores): not assessed at these sizes."
    r = ours[-1]
    if "error" in r:
        return f"Target (1 M identities in ≤ 15 min on 2 cores): NOT met ({r['error']})."
    met = "met" if r["seconds"] <= TARGET_SECONDS else "NOT met"
    return (
        f"Target (1 M identities re-linked in ≤ 15 min on 2 cores, DuckDB): **{met}**: "
        f"{r['identities']:,} identities in {_minutes(r['seconds'])} of linkage "
        f"({_minutes(r['process_s'])} for the whole process, reading the exchange file included)."
    )


def report(results: list[Result], args: argparse.Namespace, m: dict[str, Any]) -> list[str]:
    sizes = sorted({r["size"] for r in results})
    return [
        "### Identity linkage: 0.1 M, 0.3 M and 1 M mentions",
        "",
        'Ours is `batch.link(identities, threshold=Settings().link_upper, engine="duckdb", '
        "cannot=...)`: features, unsupervised training with Splink 5, scoring the blocked "
        "pairs, the guards, re-weighing and constrained clustering, with the subjects of one "
        "record of one kind held apart as `joinedup link --all` holds them (*cannot-links*, the"
        " pairs held apart; absent from results of before 25 November 2026). The peer is plain "
        "Splink 5 configured as `bench/linkage/linkage_splink.py` configures it (the tutorial's"
        " settings), on the same identities written to a link-file CSV. *Distinct*: identities "
        "left after exact repeats are collapsed (ours scores one row per distinct identity; "
        "plain Splink scores every row). *Blocked pairs*: the pairs each blocking rule brings "
        "together, summed over the rules (a pair two rules share counts twice). *Pairs scored*:"
        " the pairs scoring returns (ours: within 6 bits of the threshold and not held apart by"
        " a guard; plain Splink: match probability ≥ 0.5). *Persons*: clusters, single "
        "identities included. *Linkage s*: the work timed inside the run's process (ours: "
        "`link()`; plain Splink: its runner less reading the CSV); *process s* adds start-up "
        "and reading the input. *Load*: the machine's 1-minute load average as the run started "
        "(other work shared the 2 cores).",
        "",
        f"Measured {m.get('date') or f'{datetime.now(UTC):%Y-%m-%d}'} on {m['host']} "
        f"({m['arch']}, {m['cores']} cores, "
        f"{m['ram_gib']} GiB, load {m['load_1min']} at the start; Python {m['python']}, "
        f"splink {m['splink']}, duckdb {m['duckdb']}; commit {m.get('commit', 'unrecorded')}). "
        "Input: one synthetic authority "
        f"({args.children:,} children × {YEARS} years, seed {SEED}); each size is the first N "
        "identities of its exchange file in file order (every child and adult subject), so each "
        "is a real authority's first records. One run each, in its own process.",
        "",
        f"Command: `.venv/bin/python bench/linkage_scale.py --sizes {args.sizes} "
        f"--children {args.children} --tools {args.tools} --timeout {args.timeout:.0f}`",
        "",
        *rows_table(results),
        "",
        "Growth exponent k (time or count ∝ identities^k) between sizes; 1 is linear:",
        "",
        *growth_table(results, sizes),
        "",
        verdict(results),
    ]


def write_doc(lines: list[str]) -> None:
    block = "\n".join([BEGIN, "", *lines, "", END])
    text = DOC.read_text(encoding="utf-8")
    if BEGIN in text and END in text:
        before, _, rest = text.partition(BEGIN)
        _, _, after = rest.partition(END)
        DOC.write_text(before + block + after, encoding="utf-8")
    else:
        DOC.write_text(text.rstrip("\n") + "\n\n" + block + "\n", encoding="utf-8")


def benchmark(args: argparse.Namespace) -> dict[str, Any]:
    sizes = sorted(int(s) for s in args.sizes.split(","))
    tools = [t for t in TOOLS if t in args.tools.split(",")]
    m = machine()
    print(f"machine: {m}", flush=True)
    records = source(args.children) / "records.jsonl"
    inputs = write_inputs(records, sizes)
    results = []
    for size in sizes:
        for tool in tools:
            print(f"{size:,} identities: running {NAMES[tool]} …", file=sys.stderr, flush=True)
            result = run_child(tool, size, records, inputs[size], args.timeout)
            print(f"  {json.dumps(result)}", file=sys.stderr, flush=True)
            results.append(result)
    lines = report(results, args, m)
    print("\n" + "\n".join(lines), flush=True)
    if not args.no_doc:
        write_doc(lines)
    return {"machine": m, "arguments": vars(args), "results": results}


def parse(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--sizes", default="100000,300000,1000000", help="comma-separated")
    parser.add_argument("--children", type=int, default=25000, help="generator: children")
    parser.add_argument("--tools", default=",".join(TOOLS), help="comma-separated: ours,splink")
    parser.add_argument("--timeout", type=float, default=1800, help="seconds per run")
    parser.add_argument("--json", type=Path, help="also write the results here")
    parser.add_argument("--no-doc", action="store_true", help="leave docs/performance.md alone")
    parser.add_argument("--render", type=Path, help="only report the results of an earlier --json")
    parser.add_argument("--child", choices=TOOLS, help=argparse.SUPPRESS)
    parser.add_argument("--size", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--records", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--input", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    unknown = set(args.tools.split(",")) - set(TOOLS)
    if unknown:
        parser.error(f"unknown tool: {', '.join(sorted(unknown))}")
    return args


def main() -> None:
    args = parse()
    if args.child:
        child_main(args)
        return
    if args.render:  # the report again from an earlier --json, without running anything
        saved = json.loads(args.render.read_text(encoding="utf-8"))
        lines = report(saved["results"], argparse.Namespace(**saved["arguments"]), saved["machine"])
        print("\n".join(lines))
        if not args.no_doc:
            write_doc(lines)
        return
    output = benchmark(args)
    if args.json:
        args.json.write_text(json.dumps(output, indent=2, default=str) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
