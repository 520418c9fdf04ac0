"""Check our statutory returns with the DfE rules (docs/returns-validation.md).

The rules are Data to Insight's `csc-validator-be-cin` and `csc-validator-be-903`, which pin
pandas < 2: they live in their own Python 3.11 environment (`.venv-validators/`, made by
`make setup`), and `validators/run.py` runs them there as a subprocess and prints JSON, which this
module reads into typed results and formats.
"""

from __future__ import annotations

import json
import subprocess
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Literal

from joinedup.core.errors import JoinedUpError, ValidationFailed

FIRST_YEAR, LAST_YEAR = 2023, 2027  # the validators' rulesets: 2022-23 … 2026-27
DEFAULT_TIMEOUT_SECONDS = 1800.0
RUNNER = Path(__file__).resolve().parent / "validators" / "run.py"
PROJECT_ROOT = Path(__file__).resolve().parents[3]
VENV_PYTHON = Path(".venv-validators") / "bin" / "python"
Level = Literal["error", "query"]


class ReturnInputInvalid(ValidationFailed):
    """A return file or directory the validators cannot use (missing, not XML, unknown CSV)."""


class ValidatorsUnavailable(JoinedUpError):
    """The validators' environment is missing, or the validators broke or ran out of time."""


@dataclass(frozen=True)
class Failure:
    """One place where one rule failed: `table`/`fields`/`row` locate it in the return."""

    return_name: str  # "cin" or "ssda903"
    rule: str
    level: Level
    message: str
    child: str | None = None  # None for a rule about the whole return
    table: str | None = None
    fields: tuple[str, ...] = ()
    row: int | str | None = None
    upstream_bug: str | None = None  # a known validator bug: listed, never counted
    synthetic_la: str | None = None  # only a made-up LA code on no DfE list: listed, not counted

    @property
    def counted(self) -> bool:
        return self.upstream_bug is None and self.synthetic_la is None

    @property
    def where(self) -> str:
        if self.table is None:
            return "the whole return"
        names = ", ".join(self.fields) or "?"
        return f"{self.table} row {self.row}: {names}"


@dataclass(frozen=True)
class Crash:
    rule: str
    error: str
    known_upstream: str | None = None


@dataclass(frozen=True)
class ReturnSummary:
    """What ran on one return: the ruleset and the codes that ran, crashed, were skipped (the
    tables they need were not given) or were ignored on request."""

    return_name: str
    ruleset: str
    ran: tuple[str, ...]
    crashed: tuple[Crash, ...]
    skipped: tuple[str, ...]
    ignored: tuple[str, ...]
    notes: tuple[str, ...]


@dataclass(frozen=True)
class ValidationReport:
    year: int
    versions: dict[str, str]
    returns: tuple[ReturnSummary, ...]
    failures: tuple[Failure, ...]
    seconds: float = 0.0

    @property
    def errors(self) -> list[Failure]:
        return [f for f in self.failures if f.level == "error" and f.counted]

    @property
    def queries(self) -> list[Failure]:
        return [f for f in self.failures if f.level == "query" and f.counted]

    @property
    def known_bugs(self) -> list[Failure]:
        return [f for f in self.failures if f.upstream_bug is not None]

    @property
    def synthetic(self) -> list[Failure]:
        return [f for f in self.failures if f.synthetic_la is not None and f.upstream_bug is None]

    @property
    def passed(self) -> bool:
        return not self.errors

    def rules_failed(self, level: Level | None = None) -> set[str]:
        return {f.rule for f in self.failures if level is None or f.level == level}

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "errors": len(self.errors), "queries": len(self.queries)}


def validators_python(configured: Path | None = None) -> Path:
    """The validators' interpreter: the one configured, or `.venv-validators/bin/python` in the
    project (or the current directory)."""
    candidates = [configured] if configured is not None else [PROJECT_ROOT / VENV_PYTHON,
                                                              Path.cwd() / VENV_PYTHON]  # fmt: skip
    for candidate in candidates:
        if candidate.is_file():
            return candidate
    where = " or ".join(str(c) for c in candidates)
    raise ValidatorsUnavailable(
        f"the DfE validators' Python is missing ({where}): run `make setup` to create "
        ".venv-validators/, or set JOINEDUP_VALIDATORS_PYTHON"
    )


def validate(
    *,
    year: int,
    cin: Path | None = None,
    ssda903: Path | None = None,
    ssda903_previous: Path | None = None,
    ssda903_earlier: Sequence[Path] = (),
    la_code: str = "",
    ignore: Sequence[str] = (),
    patch_la_lookup: Sequence[str] = (),
    patch_postcodes: Path | None = None,
    synthetic_la: Sequence[str] = (),
    python: Path | None = None,
    timeout: float = DEFAULT_TIMEOUT_SECONDS,
) -> ValidationReport:
    """Run the DfE rules on a CIN census XML file and/or a directory of SSDA903 CSVs.

    `ssda903_earlier`: the 903 CSVs of years before the previous one, whose episodes let rules
    1001 and 1002 see a care leaver's earlier care (docs/returns-validation.md)."""
    _check_inputs(year, cin, ssda903, ssda903_previous, patch_postcodes)
    if ssda903_earlier and ssda903_previous is None:
        raise ReturnInputInvalid(
            "--ssda903-earlier needs --ssda903-previous: the rules read the earlier years' "
            "episodes beside last year's"
        )
    for directory in ssda903_earlier:
        if not directory.is_dir():
            raise ReturnInputInvalid(f"{directory}: no such directory")
    command = [str(validators_python(python)), "-E", "-s", str(RUNNER), "--year", str(year)]
    command += _option("--cin", cin) + _option("--ssda903", ssda903)
    command += _option("--ssda903-previous", ssda903_previous)
    for directory in ssda903_earlier:
        command += _option("--ssda903-earlier", directory)
    command += _option("--patch-postcodes", patch_postcodes)
    command += ["--la-code", la_code] if la_code else []
    for code in ignore:
        command += ["--ignore", code]
    for patch in patch_la_lookup:
        command += ["--patch-la-lookup", patch]
    for made_up in synthetic_la:
        command += ["--synthetic-la", made_up]
    started = time.monotonic()
    document = _run(command, timeout)
    return parse(document, seconds=time.monotonic() - started)


def _check_inputs(year: int, cin: Path | None, ssda903: Path | None,
                  previous: Path | None, postcodes: Path | None) -> None:  # fmt: skip
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise ReturnInputInvalid(
            f"--year {year}: the validators have rules for the collection years ending "
            f"{FIRST_YEAR}–{LAST_YEAR} (2026 = April 2025 to March 2026)"
        )
    if cin is None and ssda903 is None:
        raise ReturnInputInvalid("nothing to validate: give a CIN census file, 903 files or both")
    for path in (cin, postcodes):
        if path is not None and not path.is_file():
            raise ReturnInputInvalid(f"{path}: no such file")
    for directory in (ssda903, previous):
        if directory is not None and not directory.is_dir():
            raise ReturnInputInvalid(f"{directory}: no such directory")


def _option(name: str, path: Path | None) -> list[str]:
    return [] if path is None else [name, str(path.resolve())]


def _run(command: list[str], timeout: float) -> dict[str, Any]:
    try:
        done = subprocess.run(  # noqa: S603 - our interpreter and runner, arguments as a list
            command, capture_output=True, text=True, timeout=timeout, check=False
        )
    except subprocess.TimeoutExpired as error:
        raise ValidatorsUnavailable(
            f"the DfE validators did not finish in {timeout:.0f} s"
        ) from error
    except OSError as error:
        raise ValidatorsUnavailable(f"the DfE validators could not start: {error}") from error
    try:
        document: dict[str, Any] = json.loads(done.stdout)
    except json.JSONDecodeError:
        last = (done.stderr.strip().splitlines() or ["no output"])[-1]
        raise ValidatorsUnavailable(
            f"the DfE validators stopped without a report (exit {done.returncode}): {last}"
        ) from None
    problem = document.get("error")
    if problem is not None:
        message = str(problem.get("message", "unknown"))
        if problem.get("kind") == "input":
            raise ReturnInputInvalid(message)
        raise ValidatorsUnavailable(f"a DfE validator failed: {message}")
    return document


def parse(document: dict[str, Any], *, seconds: float = 0.0) -> ValidationReport:
    """Read the runner's JSON into a ValidationReport."""
    returns = tuple(_summary(item) for item in document.get("returns", []))
    failures = tuple(_failure(item) for item in document.get("failures", []))
    return ValidationReport(
        year=int(document["year"]),
        versions={str(k): str(v) for k, v in document.get("versions", {}).items()},
        returns=returns,
        failures=failures,
        seconds=seconds,
    )


def _summary(item: dict[str, Any]) -> ReturnSummary:
    crashes = tuple(
        Crash(rule=str(c["rule"]), error=str(c["error"]), known_upstream=c.get("known_upstream"))
        for c in item.get("crashed", [])
    )
    return ReturnSummary(
        return_name=str(item["return"]),
        ruleset=str(item["ruleset"]),
        ran=tuple(item.get("ran", [])),
        crashed=crashes,
        skipped=tuple(item.get("skipped", [])),
        ignored=tuple(item.get("ignored", [])),
        notes=tuple(item.get("notes", [])),
    )


def _failure(item: dict[str, Any]) -> Failure:
    level: Level = "query" if item.get("level") == "query" else "error"
    return Failure(
        return_name=str(item["return"]),
        rule=str(item["rule"]),
        level=level,
        message=str(item.get("message", "")),
        child=None if item.get("child") is None else str(item["child"]),
        table=item.get("table"),
        fields=tuple(str(f) for f in item.get("fields", [])),
        row=item.get("row"),
        upstream_bug=item.get("upstream_bug"),
        synthetic_la=item.get("synthetic_la"),
    )


RETURN_TITLES = {"cin": "CIN census", "ssda903": "SSDA903"}


def format_report(report: ValidationReport, *, limit: int = 20) -> str:
    """The report as plain text: what ran, then failures by level and rule (at most `limit`
    places per rule), crashed rules, and the verdict."""
    lines = [_ran_line(summary) for summary in report.returns]
    lines += [f"  note: {note}" for s in report.returns for note in s.notes]
    for title, failures in (("Errors", report.errors), ("Queries", report.queries),
                            ("Known validator bugs (not counted)", report.known_bugs),
                            ("Synthetic LA codes (not counted)", report.synthetic)):  # fmt: skip
        if failures:
            lines += ["", f"{title} ({len(failures)})", *_by_rule(failures, limit)]
    crashed = [(s.return_name, c) for s in report.returns for c in s.crashed]
    if crashed:
        lines += ["", f"Rules that crashed, so did not check anything ({len(crashed)})"]
        for name, crash in crashed:
            why = (f" - crashed upstream: {crash.known_upstream}" if crash.known_upstream
                   else " - not a known upstream crash: look at the data it reads")  # fmt: skip
            lines.append(f"  {RETURN_TITLES.get(name, name)} {crash.rule}: {crash.error}{why}")
    verdict = "passes" if report.passed else "fails"
    lines += ["", f"{len(report.errors)} errors, {len(report.queries)} queries: the return "
              f"{verdict} the DfE rules ({report.seconds:.1f} s)"]  # fmt: skip
    return "\n".join(lines)


def _ran_line(summary: ReturnSummary) -> str:
    title = RETURN_TITLES.get(summary.return_name, summary.return_name)
    parts = [f"{len(summary.ran)} rules ran"]
    if summary.crashed:
        parts.append(
            f"{len(summary.crashed)} crashed ({', '.join(c.rule for c in summary.crashed)})"
        )
    if summary.skipped:
        parts.append(f"{len(summary.skipped)} skipped for want of tables")
    if summary.ignored:
        parts.append(f"{len(summary.ignored)} ignored ({', '.join(summary.ignored)})")
    return f"{title} ({summary.ruleset}): " + ", ".join(parts)


def _by_rule(failures: list[Failure], limit: int) -> list[str]:
    lines: list[str] = []
    rules: dict[tuple[str, str], list[Failure]] = {}
    for failure in failures:
        rules.setdefault((failure.return_name, failure.rule), []).append(failure)
    for (name, rule), group in sorted(rules.items()):
        lines.append(f"  {RETURN_TITLES.get(name, name)} {rule} ({len(group)}): {group[0].message}")
        for failure in group[:limit]:
            child = f"child {failure.child}" if failure.child else "-"
            lines.append(f"    {child}  {failure.where}")
        if len(group) > limit:
            lines.append(f"    … and {len(group) - limit} more")
        for why in {group[0].upstream_bug, group[0].synthetic_la} - {None}:
            lines.append(f"    ({why})")
    return lines
