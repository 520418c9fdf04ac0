"""Run the DfE rules (csc-validator-be-cin 0.1.13, csc-validator-be-903 0.1.17) on our returns.

Executed INSIDE .venv-validators (Python 3.11, pandas < 2) by `joinedup.reports.validation`, never
imported by Joined Up: standard library plus the two validators only.

    python run.py --year 2026 [--cin FILE.xml] [--ssda903 DIR [--ssda903-previous DIR]]
                  [--ssda903-earlier DIR ...] [--la-code CODE] [--ignore RULE ...]
                  [--patch-la-lookup CODE[=UPPER] ...] [--patch-postcodes FILE.csv]

Prints one JSON document on stdout (docs/returns-validation.md has its shape) and exits 0, even
when rules fail or crash; 2 when an input cannot be used; 3 when a validator itself broke. Either
way stdout holds JSON with an "error" object, never a traceback (that goes to stderr).
"""

from __future__ import annotations

import argparse
import contextlib
import copy
import csv
import importlib
import json
import logging
import sys
import traceback
import warnings
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import cin_tables  # type: ignore[import-not-found]  # beside this script, on its sys.path

RUNNER_VERSION = 1
FIRST_YEAR, LAST_YEAR = 2023, 2027  # rulesets cin2022_23/lac2022_23 … cin2026_27/lac2026_27
# Councils created on 1 April 2023, which the 903 area lookup (2021 boundaries) lacks: postcodes
# there resolve to these codes and would otherwise have no local authority of placement.
UNITARIES_2023 = {
    "E06000063": "Cumberland",
    "E06000064": "Westmorland and Furness",
    "E06000065": "North Yorkshire",
    "E06000066": "Somerset",
}
# 903 rules that crash on every input in 0.1.17: they read columns ingress never makes.
CRASHES_UPSTREAM = {
    "231": "reads Header.UASC_STATUS, which the 903 ingress never creates (it makes UASC)",
    "233": "reads Episodes.DATE_EPISODE_CEASED, which the 903 ingress never creates (it is DEC)",
}
# 903 rules that write into the data they are given; each runs on its own deep copy, and last.
MUTATES_DATA = {"365": "fills blank DEC with the collection end in place"}
# Rules that check a local authority code against a fixed DfE list, which a synthetic authority's
# code (the demo's 990) can never be on: (return, rule, table, field, the code's place in it).
LA_CODE_RULES = {
    ("cin", "1530"): ("ChildIdentifiers", "UPN", slice(1, 4)),
    ("ssda903", "633"): ("PrevPerm", "LA_PERM", slice(0, None)),
}
K3_BUG = (
    "this ruleset's rule 146 lists the placement code as 'k3' in lower case, so it rejects the "
    "valid code K3 (a validator bug, not a fault in the return)"
)

SEX_RECODED_BUG = (
    "this ruleset's rule 202 compares this year's sex code with last year's as text, but the "
    "code changed from 1/2 to M/F in 2024-25, so a child recorded as the same sex in both years "
    "fails (a validator bug, not a fault in the return)"
)
# The same sex in the two codings: this year's M/F against last year's 1/2.
SEX_RECODED_YEAR = 2025
SAME_SEX_RECODED = frozenset({("M", "1"), ("F", "2")})

SW12_BUG = (
    "this ruleset's rule SW12STG2 fails an episode if any one of the child's social worker "
    "episodes fails its test, so a worker from before care (which the DfE asks for) fails the "
    "start of care, and it never passes an episode still open that did not start the period of "
    "care, so every child still in care after a move or a change of legal status fails it (a "
    "validator bug, not a fault in the return)"
)
SW12_LEFT_BUG = (
    "this ruleset's rule SW12STG2 ('If a child is looked after on 31 March then all social "
    "worker episodes ...') also fails the episodes of a child whose care ended in the year and "
    "who is not looked after on 31 March, whom the return rightly leaves out of SWEpisodes (a "
    "validator bug, not a fault in the return)"
)

# 903 rules that look for a care leaver's care in this year's and last year's episodes only
# (their own messages say they may then fail a young person whose care ended before last year;
# the DfE's system holds every year). With the earlier years' episodes given
# (--ssda903-earlier), each failure is judged again by the rule itself, reading them too: one it
# then passes is listed with this note, not counted; one it still fails counts.
TWO_YEARS = frozenset({"1001", "1002"})
TWO_YEARS_LIMIT = (
    "the rule looks for the care leaver's care in this year's and last year's episodes only (its "
    "own message says it may fail a young person whose care ended before last year); run again "
    "reading the earlier years' episodes too ({earlier}), the rule passes this young person (a "
    "limit of the validator, not a fault in the return)"
)

# Rule 1001 means to leave out a young person 20 or over at the collection end ("we would not
# expect to see sufficient episodes in the past 2 years of data") but drops them only from its
# reckoning of care, so it fails every one of them whatever their care.
OVER_20_BUG = (
    "this ruleset's rule 1001 means to leave out a care leaver who is 20 or over at the "
    "collection end (its comment: too little of their care is in two years' data), but drops "
    "them only from its count of care, so it fails every one of them; run again with the "
    "episodes given as at the day before their 20th birthday, the rule passes this young person "
    "(a validator bug, not a fault in the return)"
)

# The 2023-24 ruleset's SW10STG2 ("A new social worker episode has started before the end date of
# the previous social worker episode") and SW11aSTG2 ("... ended before 31 March and no subsequent
# social worker episode has been provided") fail a new referral's first social worker (SW_REASON
# FCONTA) who began after the child's earlier involvement ended, which neither message describes.
# The DfE's next ruleset accepts exactly that: 2024-25's SW10STG2 exempts FCONTA and drops
# SW11aSTG2; 2025-26's SW10bSTG2 asks only that an FCONTA episode begin after the previous one
# ended (ADR 0018).
NEW_REFERRAL = frozenset({"SW10STG2", "SW11aSTG2"})
NEW_REFERRAL_BUG = (
    "this ruleset's rule {rule} fails the first social worker of a new referral (SW_REASON "
    "FCONTA) who began after the child's earlier involvement had ended, a gap in which no one was "
    "the child's social worker; its message describes an overlap or a missing later episode, "
    "neither of which this is, and the DfE's own rules from 2024-25 accept it (SW10STG2 exempts "
    "FCONTA, SW11aSTG2 is withdrawn, 2025-26's SW10bSTG2 asks only that it begin after the "
    "previous episode ended): the authority's explanation, not a fault in the return (ADR 0018)"
)

# SW11bSTG2 ("Social worker episode has ended before 31 March and no subsequent social worker
# episode has been provided"): its reverse-sorted search fails any episode that ended in the last
# five days of the year and is not the child's first, even when the next episode follows it.
SW11B = "SW11bSTG2"
SW11B_BUG = (
    "this ruleset's rule SW11bSTG2 fails a social worker episode that ended in the last five "
    "days of the year whenever the child had an earlier episode, even though a subsequent "
    "episode was provided (it began the day this one ended, or later but by 31 March), which "
    "its message asks for (a validator bug, not a fault in the return)"
)

# Rule 210's message: "Children looked after for more than a week at 31 March should not have an
# unknown UPN code of UN4". Its code fails UN4 where an episode began on or after 24 March: the
# children newly looked after, for whom UN4 (UPN not yet obtained) is right.
UN4_BUG = (
    "this ruleset's rule 210 fails UN4 for a child whose period of care began on or after 24 "
    "March, the inverse of its own message (children looked after for more than a week at 31 "
    "March should not have UN4): this child had been looked after for a week or less at 31 "
    "March (a validator bug, not a fault in the return)"
)


class InputError(Exception):
    """An input the validators cannot use: reported with exit 2."""


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    real_stdout = sys.stdout
    warnings.simplefilter("ignore")
    logging.basicConfig(level=logging.WARNING)
    logging.getLogger().setLevel(logging.WARNING)
    try:
        with contextlib.redirect_stdout(sys.stderr):  # the validators print; stdout is for JSON
            report = run(args)
        code = 0
    except InputError as error:
        report, code = {"error": {"kind": "input", "message": str(error)}}, 2
    except Exception as error:  # a validator broke: say so in JSON, traceback on stderr
        traceback.print_exc()
        message = f"{type(error).__name__}: {error}"
        report, code = {"error": {"kind": "validator", "message": message}}, 3
    report = {"runner_version": RUNNER_VERSION, **report}
    json.dump(report, real_stdout, indent=1, default=str)
    real_stdout.write("\n")
    return code


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description="Run the DfE CIN and SSDA903 validators.")
    parser.add_argument("--year", type=int, required=True, help="the year the collection ends")
    parser.add_argument("--cin", type=Path, help="a CIN census XML file")
    parser.add_argument("--ssda903", type=Path, help="a directory of SSDA903 CSV files")
    parser.add_argument("--ssda903-previous", type=Path, help="the previous year's 903 CSVs")
    parser.add_argument(
        "--ssda903-earlier",
        type=Path,
        action="append",
        default=[],
        metavar="DIR",
        help="an earlier year's 903 CSVs (before the previous year): their episodes let rules "
        "1001 and 1002 see a care leaver's earlier care (repeatable)",
    )
    parser.add_argument("--la-code", default="", help="the authority's code for the 903 rules")
    parser.add_argument("--ignore", action="append", default=[], help="a rule code to skip")
    parser.add_argument(
        "--patch-la-lookup",
        action="append",
        default=[],
        metavar="CODE[=UPPER]",
        help="add an area code (and its upper-tier code) to the 903 area lookup",
    )
    parser.add_argument(
        "--synthetic-la",
        action="append",
        default=[],
        metavar="CODE",
        help="a made-up LA code: failures only because no DfE list knows it are marked",
    )
    parser.add_argument(
        "--patch-postcodes", type=Path, help="CSV pcd,laua,oseast1m,osnrth1m to add to the lookup"
    )
    return parser


def run(args: argparse.Namespace) -> dict[str, Any]:
    if not FIRST_YEAR <= args.year <= LAST_YEAR:
        raise InputError(
            f"year {args.year}: the validators have rules for {FIRST_YEAR}–{LAST_YEAR}"
        )
    if args.cin is None and args.ssda903 is None:
        raise InputError("nothing to validate: give --cin and/or --ssda903")
    ignore = {code.strip() for code in args.ignore if code.strip()}
    returns, failures = [], []
    if args.cin is not None:
        summary, found = validate_cin(args.cin, args.year, ignore, args.synthetic_la)
        returns.append(summary)
        failures.extend(found)
    if args.ssda903 is not None:
        summary, found = validate_903(args, ignore)
        returns.append(summary)
        failures.extend(found)
    return {"year": args.year, "versions": _versions(), "returns": returns, "failures": failures}


def _versions() -> dict[str, str]:
    from importlib.metadata import version

    return {
        "csc-validator-be-cin": version("csc-validator-be-cin"),
        "csc-validator-be-903": version("csc-validator-be-903"),
    }


def _ruleset(package: str, prefix: str, year: int) -> tuple[str, dict[str, Any]]:
    name = f"{prefix}{year - 1}_{year % 100:02d}"
    module = importlib.import_module(f"{package}.rules.{name}")
    return name, dict(module.registry)


def _summary(kind: str, ruleset: str) -> dict[str, Any]:
    return {"return": kind, "ruleset": ruleset, "ran": [], "crashed": [], "skipped": [],
            "ignored": [], "notes": []}  # fmt: skip


# CIN census ------------------------------------------------------------------------------------


def validate_cin(
    path: Path, year: int, ignore: set[str], synthetic: list[str]
) -> tuple[dict[str, Any], list[Any]]:
    from cin_validator import cin_validator as cin
    from cin_validator.rule_engine import RuleContext, RuleType

    ruleset, registry = _ruleset("cin_validator", "cin", year)
    summary = _summary("cin", ruleset)
    summary["notes"].append("the CIN validator does not check the XML against the DfE schema")
    tables = _read_cin(path, cin)
    enumed = cin.enum_keys(tables)
    failures: dict[tuple[Any, ...], dict[str, Any]] = {}
    for code, rule in sorted(registry.items()):
        if code in ignore:
            summary["ignored"].append(code)
            continue
        ctx = RuleContext(rule)
        try:
            rule.func(copy.deepcopy(enumed), ctx)
        except Exception as error:
            summary["crashed"].append(_crash(code, error, None))
            continue
        summary["ran"].append(code)
        level = "query" if rule.rule_type == RuleType.QUERY else "error"
        for table, field, row, child in _cin_locations(ctx, tables):
            key = (code, child, table, row)
            failure = failures.setdefault(key, _failure("cin", code, level, rule.message, child,
                                                        table, row))  # fmt: skip
            if field is not None and field not in failure["fields"]:
                failure["fields"].append(field)
    for failure in failures.values():
        _mark_synthetic(failure, tables, synthetic, lambda frame, row: frame.iloc[row])
    return summary, list(failures.values())


def _read_cin(path: Path, cin: Any) -> dict[str, Any]:
    if not path.is_file():
        raise InputError(f"{path}: no such file")
    try:
        root = ET.parse(path).getroot()  # noqa: S314 - a local file we exported ourselves
    except ET.ParseError as error:
        raise InputError(f"{path}: not well-formed XML ({error})") from error
    try:
        return dict(cin.process_data(cin_tables.convert(root)))
    except Exception as error:
        raise InputError(f"{path}: not a CIN census the validator can read ({error!r})") from error


def _cin_locations(ctx: Any, tables: dict[str, Any]) -> list[tuple[Any, ...]]:
    """(table, field, row, child) for every place a CIN rule pushed an issue."""
    found: list[tuple[Any, ...]] = []
    for frame in (ctx.type_zero_issues, ctx.type_one_issues, ctx.type_two_issues,
                  ctx.type_three_issues):  # fmt: skip
        if len(frame) == 0:
            continue
        for table, field, row in frame[
            ["tables_affected", "columns_affected", "ROW_ID"]
        ].itertuples(index=False):
            row = int(row)
            child = None
            if table in tables and "LAchildID" in tables[table].columns:
                child = str(tables[table].iloc[row]["LAchildID"])
            found.append((table, str(field), row, child))
    if len(ctx.la_level_issues) > 0:
        found.append((None, None, None, None))  # a return-level rule: no child, no field
    return found


# SSDA903 ---------------------------------------------------------------------------------------


def validate_903(args: argparse.Namespace, ignore: set[str]) -> tuple[dict[str, Any], list[Any]]:
    from lac_validator import datastore, ingress
    from lac_validator.types import UploadError

    ruleset, registry = _ruleset("lac_validator", "lac", args.year)
    summary = _summary("ssda903", ruleset)
    files = _csv_files(args.ssda903, "This year")
    if args.ssda903_previous is not None:
        files += _csv_files(args.ssda903_previous, "Prev year")
    else:
        summary["notes"].append("no previous year's files: rules that compare years were skipped")
    _patch_area_lookup(datastore, args.patch_la_lookup, args.la_code, summary)
    if args.patch_postcodes is not None:
        _patch_postcodes(datastore, args.patch_postcodes)
    try:
        tables, extras = ingress.read_from_text(files)
    except UploadError as error:
        raise InputError(f"{args.ssda903}: {error}") from error
    metadata = {"collectionYear": str(args.year), "localAuthority": args.la_code, **extras}
    store = datastore.create_datastore(tables, metadata)
    k3_bug = args.year >= 2025 and _rejects_k3(registry.get("146"))
    if k3_bug:
        summary["notes"].append(f"{ruleset}: {K3_BUG}")
    sw12_bug = _fails_open_moves(registry.get("SW12STG2"), args.year)
    if sw12_bug:
        summary["notes"].append(f"{ruleset}: {SW12_BUG}")
    sw12_left_bug = _fails_care_ended(registry.get("SW12STG2"), args.year)
    if sw12_left_bug:
        summary["notes"].append(f"{ruleset}: {SW12_LEFT_BUG}")
    # Only 2024-25 compares the two codings: its previous year (2023-24) is the last coded 1/2.
    sex_bug = args.year == SEX_RECODED_YEAR and _fails_recoded_sex(registry.get("202"))
    if sex_bug:
        summary["notes"].append(f"{ruleset}: {SEX_RECODED_BUG}")
    new_referral_bug = _fails_new_referral(registry, args.year)
    for code in sorted(new_referral_bug):
        summary["notes"].append(f"{ruleset}: " + NEW_REFERRAL_BUG.format(rule=code))
    sw11b_bug = _fails_followed_episode(registry.get(SW11B), args.year)
    if sw11b_bug:
        summary["notes"].append(f"{ruleset}: {SW11B_BUG}")
    un4_bug = _fails_new_to_care_un4(registry.get("210"), args.year)
    if un4_bug:
        summary["notes"].append(f"{ruleset}: {UN4_BUG}")
    earlier = _earlier_episodes(args.ssda903_earlier)
    over_20_bug = _fails_over_20(registry.get("1001"), args.year)
    if over_20_bug:
        summary["notes"].append(f"{ruleset}: {OVER_20_BUG}")
    if not args.ssda903_earlier:
        summary["notes"].append(
            "no earlier years' files (--ssda903-earlier): rules 1001 and 1002 see a care "
            "leaver's care in this year and last year only, and every failure of theirs counts"
        )
    failures: list[dict[str, Any]] = []
    for code in sorted(registry, key=lambda c: (c in MUTATES_DATA, c)):
        rule = registry[code]
        if code in ignore:
            summary["ignored"].append(code)
            continue
        data = {k: v if k == "metadata" else v.copy(deep=True) for k, v in store.items()}
        try:
            result = rule.func(data)
        except Exception as error:
            summary["crashed"].append(_crash(code, error, CRASHES_UPSTREAM.get(code)))
            continue
        if result == {}:
            summary["skipped"].append(code)  # the tables it needs were not given
            continue
        summary["ran"].append(code)
        found = _903_failures(code, rule, result, store, k3_bug, sw12_bug, sex_bug, sw12_left_bug)
        if code in new_referral_bug:
            _mark_new_referrals(found, store)
        if code == "1001" and over_20_bug:
            _judge_over_20(found, rule, store, earlier)
        if code == SW11B and sw11b_bug:
            _mark_followed_episodes(found, store)
        if code == "210" and un4_bug:
            _mark_newly_looked_after(found, store)
        if code in TWO_YEARS and earlier is not None:
            _judge_with_earlier_years(found, rule, store, earlier, args.ssda903_earlier)
        failures.extend(found)
    for failure in failures:
        _mark_synthetic(failure, store, args.synthetic_la, lambda frame, row: frame.loc[row])
    return summary, failures


def _csv_files(directory: Path, description: str) -> list[dict[str, Any]]:
    if not directory.is_dir():
        raise InputError(f"{directory}: no such directory")
    paths = sorted(directory.glob("*.csv"))
    if not paths:
        raise InputError(f"{directory}: no .csv files")
    return [{"name": str(p), "description": description, "file_content": p.read_bytes()}
            for p in paths]  # fmt: skip


def _patch_area_lookup(datastore: Any, patches: list[str], la_code: str, summary: Any) -> None:
    import pandas as pd

    known = set(datastore.la_df["LTLA21CD"])
    rows = [{"LTLA21CD": c, "LTLA21NM": n, "UTLA21CD": c, "UTLA21NM": n}
            for c, n in UNITARIES_2023.items() if c not in known]  # fmt: skip
    for patch in patches:
        lower, _, upper = patch.partition("=")
        lower, upper = lower.strip(), (upper.strip() or lower.strip())
        if lower and lower not in known:
            rows.append({"LTLA21CD": lower, "LTLA21NM": lower, "UTLA21CD": upper,
                         "UTLA21NM": upper})  # fmt: skip
    if rows:
        datastore.la_df = pd.concat([datastore.la_df, pd.DataFrame(rows)], ignore_index=True)
        summary["notes"].append("area lookup patched: " + ", ".join(r["LTLA21CD"] for r in rows))
    if la_code and la_code not in set(datastore.la_df["UTLA21CD"]):
        summary["notes"].append(
            f"LA code {la_code!r} is not in the 903 area lookup: placements will not be 'IN' "
            "the authority (add it with --patch-la-lookup)"
        )


def _patch_postcodes(datastore: Any, path: Path) -> None:
    import pandas as pd

    if not path.is_file():
        raise InputError(f"{path}: no such file")
    with path.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    if not rows or not {"pcd", "laua", "oseast1m", "osnrth1m"} <= set(rows[0]):
        raise InputError(f"{path}: expected the columns pcd,laua,oseast1m,osnrth1m")
    extra = pd.DataFrame(rows)[["pcd", "laua", "oseast1m", "osnrth1m"]]
    extra["pcd"] = extra["pcd"].str.upper()
    extra[["oseast1m", "osnrth1m"]] = extra[["oseast1m", "osnrth1m"]].astype(float)
    extra["pcd_abbr"] = extra["pcd"].str.replace(" ", "", regex=False)
    postcodes = datastore.postcodes
    postcodes.load_postcodes(set(extra["pcd"].str[0]))  # real ones first: they are cached by letter
    postcodes._df = pd.concat([postcodes.dataframe, extra], ignore_index=True)


def _rejects_k3(rule: Any) -> bool:
    """Whether this ruleset's placement-type rule fails the valid code K3."""
    if rule is None:
        return False
    import pandas as pd

    try:
        result = rule.func({"Episodes": pd.DataFrame({"PLACE": ["K3"]})})
    except Exception:
        return False
    return bool(result.get("Episodes"))


def _fails_recoded_sex(rule: Any) -> bool:
    """Whether this ruleset's rule 202 fails a boy coded M this year and 1 last year."""
    if rule is None:
        return False
    import pandas as pd

    header = pd.DataFrame({"CHILD": ["P1"], "SEX": ["M"]})
    last = pd.DataFrame({"CHILD": ["P1"], "SEX": ["1"]})
    try:
        result = rule.func({"Header": header, "Header_last": last})
    except Exception:
        return False
    return bool(result.get("Header"))


def _same_sex_recoded(store: dict[str, Any], row: Any) -> bool:
    """Whether rule 202's failure of this Header row is only the change of coding: M this year
    and 1 last year, or F and 2."""
    header, last = store["Header"], store.get("Header_last")
    if last is None:
        return False
    child = str(header.at[row, "CHILD"])
    before = last.loc[last["CHILD"].astype(str) == child, "SEX"].astype(str).tolist()
    now = str(header.at[row, "SEX"])
    return bool(before) and all((now, was) in SAME_SEX_RECODED for was in before)


def _fails_open_moves(rule: Any, year: int) -> bool:
    """Whether this ruleset's SW12STG2 fails children rightly reported: P1 in care since May,
    moved in August and still there, with one social worker throughout (its row 1); P2 in care
    since June with the worker they had before care and a new one from the day care began
    (its row 2); P5 in care since June with the one worker they have had since April (row 3)."""
    if rule is None:
        return False
    import pandas as pd

    blank, y = pd.NA, year - 1
    episodes = pd.DataFrame(
        [
            {"CHILD": "P1", "DECOM": f"01/05/{y}", "DEC": f"01/08/{y}", "REC": "X1",
             "RNE": "S", "LS": "C2"},
            {"CHILD": "P1", "DECOM": f"01/08/{y}", "DEC": blank, "REC": blank, "RNE": "P",
             "LS": "C2"},
            {"CHILD": "P2", "DECOM": f"01/06/{y}", "DEC": blank, "REC": blank, "RNE": "S",
             "LS": "C2"},
            {"CHILD": "P5", "DECOM": f"01/06/{y}", "DEC": blank, "REC": blank, "RNE": "S",
             "LS": "C2"},
        ]
    )  # fmt: skip
    workers = pd.DataFrame(
        [
            {"CHILD": "P1", "SW_DECOM": f"01/05/{y}", "SW_DEC": blank},
            {"CHILD": "P2", "SW_DECOM": f"01/04/{y}", "SW_DEC": f"01/06/{y}"},
            {"CHILD": "P2", "SW_DECOM": f"01/06/{y}", "SW_DEC": blank},
            {"CHILD": "P5", "SW_DECOM": f"01/04/{y}", "SW_DEC": blank},
        ]
    )
    metadata = {"collection_start": f"01/04/{y}", "collection_end": f"31/03/{year}"}
    try:
        result = rule.func({"Episodes": episodes, "SWEpisodes": workers, "metadata": metadata})
    except Exception:
        return False
    return {1, 2, 3} <= set(result.get("Episodes", []))


def _fails_care_ended(rule: Any, year: int) -> bool:
    """Whether this ruleset's SW12STG2 fails P3, looked after from May to August and home
    since (E4A), so not looked after on 31 March and not in SWEpisodes, beside P4, looked
    after since May with one social worker from that day (who passes)."""
    if rule is None:
        return False
    import pandas as pd

    blank, y = pd.NA, year - 1
    episodes = pd.DataFrame(
        [
            {"CHILD": "P3", "DECOM": f"01/05/{y}", "DEC": f"01/08/{y}", "REC": "E4A",
             "RNE": "S", "LS": "C2"},
            {"CHILD": "P4", "DECOM": f"01/05/{y}", "DEC": blank, "REC": blank, "RNE": "S",
             "LS": "C2"},
        ]
    )  # fmt: skip
    workers = pd.DataFrame([{"CHILD": "P4", "SW_DECOM": f"01/05/{y}", "SW_DEC": blank}])
    metadata = {"collection_start": f"01/04/{y}", "collection_end": f"31/03/{year}"}
    try:
        result = rule.func({"Episodes": episodes, "SWEpisodes": workers, "metadata": metadata})
    except Exception:
        return False
    return set(result.get("Episodes", [])) == {0}


def _not_looked_after_at_end(store: dict[str, Any], row: Any) -> bool:
    """Whether the child of this Episodes row has no episode open at the year's end (other than
    a short break, V3 or V4): not looked after on 31 March."""
    import pandas as pd

    episodes = store["Episodes"]
    mine = episodes[episodes["CHILD"] == episodes.at[row, "CHILD"]]
    dec = pd.to_datetime(mine["DEC"], format="%d/%m/%Y", errors="coerce")
    return not (dec.isna() & ~mine["LS"].isin(["V3", "V4"])).any()


def _sw12_wrongly_failed(store: dict[str, Any], row: Any) -> bool:
    """SW12STG2's failure of this episode is the validator's bug: the episode is still open and
    did not start the period of care (the rule can never pass it), or one of the child's social
    worker episodes passes the rule's own test for it (the rule fails the episode if any one of
    them does not: a worker from before care, which the DfE asks for, fails it), or the episode
    starts care, a worker held the child the day it began, and every worker failing it began
    before care (an earlier, closed case's worker too)."""
    import pandas as pd

    episodes, workers = store["Episodes"], store.get("SWEpisodes")
    dec = pd.to_datetime(episodes.at[row, "DEC"], format="%d/%m/%Y", errors="coerce")
    decom = pd.to_datetime(episodes.at[row, "DECOM"], format="%d/%m/%Y", errors="coerce")
    rne, rec = episodes.at[row, "RNE"], episodes.at[row, "REC"]
    if pd.isna(dec) and rne != "S":
        return True
    if workers is None:
        return False
    mine = workers[workers["CHILD"] == episodes.at[row, "CHILD"]]
    starts_care = rne == "S" and not pd.isna(decom)
    covered = False  # a worker held the child the day care began
    for value, ended in zip(mine["SW_DECOM"], mine["SW_DEC"], strict=True):
        start = pd.to_datetime(value, format="%d/%m/%Y", errors="coerce")
        if pd.isna(start):
            starts_care = False
            continue
        if (not pd.isna(dec) and start <= dec and rec != "X1") or (start >= decom and rne == "S"):
            return True
        stop = pd.to_datetime(ended, format="%d/%m/%Y", errors="coerce")
        covered = covered or (start <= decom and (pd.isna(stop) or stop >= decom))
    # The start of care is covered, and every worker fails only for having begun before care,
    # which the rule's own message asks for ("even those whilst they were not looked after").
    return starts_care and covered


def _fails_new_referral(registry: dict[str, Any], year: int) -> set[str]:
    """Which of this ruleset's SW10STG2 and SW11aSTG2 fail P6, whose first involvement's worker
    held them April to July, and whose new referral's first worker (FCONTA) has held them since
    October, beside P7, one worker moving on to the next the same day (who passes)."""
    import pandas as pd

    y = year - 1
    workers = pd.DataFrame(
        [
            {"CHILD": "P6", "SW_ID": "XX1", "SW_DECOM": f"01/04/{y}", "SW_DEC": f"01/07/{y}",
             "SW_REASON": "FCONTA"},
            {"CHILD": "P6", "SW_ID": "XX2", "SW_DECOM": f"01/10/{y}", "SW_DEC": pd.NA,
             "SW_REASON": "FCONTA"},
            {"CHILD": "P7", "SW_ID": "XX1", "SW_DECOM": f"01/04/{y}", "SW_DEC": f"01/07/{y}",
             "SW_REASON": "FCONTA"},
            {"CHILD": "P7", "SW_ID": "XX3", "SW_DECOM": f"01/07/{y}", "SW_DEC": pd.NA,
             "SW_REASON": "CHCHAN"},
        ]
    )  # fmt: skip
    metadata = {"collection_start": f"01/04/{y}", "collection_end": f"31/03/{year}"}
    found = set()
    for code in NEW_REFERRAL:
        rule = registry.get(code)
        if rule is None:
            continue
        try:
            result = rule.func({"SWEpisodes": workers.copy(), "metadata": metadata})
        except Exception:  # a probe that cannot run proves nothing: the failures count
            result = {}
        if set(result.get("SWEpisodes", [])) == {1}:
            found.add(code)
    return found


def _mark_new_referrals(found: list[dict[str, Any]], store: dict[str, Any]) -> None:
    """Mark each failure of SWEpisodes row that is a new referral's first worker (FCONTA) who
    began after the child's previous episode (by start) had ended: what the DfE's rules from
    2024-25 accept. An overlap, or a gap before any other reason, still counts."""
    import pandas as pd

    workers = store.get("SWEpisodes")
    if workers is None:
        return
    start = pd.to_datetime(workers["SW_DECOM"], format="%d/%m/%Y", errors="coerce")
    stop = pd.to_datetime(workers["SW_DEC"], format="%d/%m/%Y", errors="coerce")
    for failure in found:
        row = failure["row"]
        if failure["table"] != "SWEpisodes" or row not in workers.index:
            continue
        if str(workers.at[row, "SW_REASON"]) != "FCONTA" or pd.isna(start[row]):
            continue
        mine = workers.index[(workers["CHILD"] == workers.at[row, "CHILD"]) & (start < start[row])]
        if len(mine) == 0:
            continue
        before = max(mine, key=lambda i: (start[i], stop[i] if not pd.isna(stop[i]) else start[i]))
        if not pd.isna(stop[before]) and stop[before] < start[row]:
            failure["upstream_bug"] = NEW_REFERRAL_BUG.format(rule=failure["rule"])


def _fails_followed_episode(rule: Any, year: int) -> bool:
    """Whether this ruleset's SW11bSTG2 fails P8's second worker, who left on 28 March when a
    third took over the same day, beside P9, whose second worker left on 28 March with no one
    after (whom the rule rightly fails)."""
    if rule is None:
        return False
    import pandas as pd

    y = year - 1
    workers = pd.DataFrame(
        [
            {"CHILD": "P8", "SW_DECOM": f"01/04/{y}", "SW_DEC": f"01/10/{y}"},
            {"CHILD": "P8", "SW_DECOM": f"01/10/{y}", "SW_DEC": f"28/03/{year}"},
            {"CHILD": "P8", "SW_DECOM": f"28/03/{year}", "SW_DEC": pd.NA},
            {"CHILD": "P9", "SW_DECOM": f"01/04/{y}", "SW_DEC": f"01/10/{y}"},
            {"CHILD": "P9", "SW_DECOM": f"01/10/{y}", "SW_DEC": f"28/03/{year}"},
        ]
    )
    metadata = {"collection_start": f"01/04/{y}", "collection_end": f"31/03/{year}"}
    try:
        result = rule.func({"SWEpisodes": workers, "metadata": metadata})
    except Exception:  # a probe that cannot run proves nothing: the failures count
        return False
    return set(result.get("SWEpisodes", [])) == {1, 4}


def _mark_followed_episodes(found: list[dict[str, Any]], store: dict[str, Any]) -> None:
    """Mark each SW11bSTG2 failure of an episode that another of the child's episodes follows:
    one beginning on or after the day it ended and by 31 March. One with none still counts."""
    import pandas as pd

    workers = store.get("SWEpisodes")
    if workers is None:
        return
    end = pd.to_datetime(store["metadata"]["collection_end"], format="%d/%m/%Y")
    start = pd.to_datetime(workers["SW_DECOM"], format="%d/%m/%Y", errors="coerce")
    stop = pd.to_datetime(workers["SW_DEC"], format="%d/%m/%Y", errors="coerce")
    for failure in found:
        row = failure["row"]
        if failure["table"] != "SWEpisodes" or row not in workers.index or pd.isna(stop[row]):
            continue
        mine = (workers["CHILD"] == workers.at[row, "CHILD"]) & (workers.index != row)
        if ((start >= stop[row]) & (start <= end) & mine).any():
            failure["upstream_bug"] = SW11B_BUG


def _fails_new_to_care_un4(rule: Any, year: int) -> bool:
    """Whether this ruleset's rule 210 fails P10 (UN4), looked after since 28 March, and passes
    P11 (UN4), looked after since May: the inverse of its message."""
    if rule is None:
        return False
    import pandas as pd

    y = year - 1
    header = pd.DataFrame({"CHILD": ["P10", "P11"], "UPN": ["UN4", "UN4"]})
    episodes = pd.DataFrame({"CHILD": ["P10", "P11"], "DECOM": [f"28/03/{year}", f"01/05/{y}"]})
    metadata = {"collection_start": f"01/04/{y}", "collection_end": f"31/03/{year}"}
    try:
        result = rule.func({"Header": header, "Episodes": episodes, "metadata": metadata})
    except Exception:  # a probe that cannot run proves nothing: the failures count
        return False
    return set(result.get("Header", [])) == {0} and set(result.get("Episodes", [])) == {0}


def _mark_newly_looked_after(found: list[dict[str, Any]], store: dict[str, Any]) -> None:
    """Mark each rule 210 failure of a child whose period of care open on 31 March began on or
    after 24 March (looked after a week or less), traced back through episodes that follow one
    another without a break. A child looked after longer still counts."""
    import pandas as pd

    episodes = store.get("Episodes")
    if episodes is None:
        return
    end = pd.to_datetime(store["metadata"]["collection_end"], format="%d/%m/%Y")
    week = end - pd.DateOffset(days=7)
    start = pd.to_datetime(episodes["DECOM"], format="%d/%m/%Y", errors="coerce")
    stop = pd.to_datetime(episodes["DEC"], format="%d/%m/%Y", errors="coerce")
    for failure in found:
        frame = store.get(failure["table"])
        if frame is None or failure["row"] not in frame.index:
            continue
        mine = episodes["CHILD"] == frame.at[failure["row"], "CHILD"]
        open_now = episodes.index[mine & stop.isna() & start.notna()]
        if len(open_now) != 1:
            continue
        began = start[open_now[0]]
        while True:  # back through the episodes this one continues
            before = episodes.index[mine & (stop == began) & (start < began)]
            if len(before) == 0:
                break
            began = start[before].min()
        if began >= week:
            failure["upstream_bug"] = UN4_BUG


def _earlier_episodes(directories: list[Path]) -> Any:
    """The Episodes of the earlier years' 903 CSVs, as the validator reads them; None if none."""
    if not directories:
        return None
    import pandas as pd
    from lac_validator import ingress
    from lac_validator.types import UploadError

    wanted = set(ingress.column_names["Episodes"])
    frames = []
    for directory in directories:
        # Only the episodes file: the others are not needed (and an empty Header beside a UASC
        # table is more than the validator's reader can take).
        files = [f for f in _csv_files(directory, "Prev year")
                 if set(_csv_columns(f["file_content"])) == wanted]  # fmt: skip
        if not files:
            raise InputError(f"{directory}: no Episodes table (episodes.csv) among its .csv files")
        try:
            tables = ingress.read_csvs_from_text(files[:1])
        except UploadError as error:
            raise InputError(f"{files[0]['name']}: {error}") from error
        frames.append(tables["Episodes_last"])
    return pd.concat(frames, ignore_index=True)


def _csv_columns(content: bytes) -> list[str]:
    """The column names on a CSV file's first line."""
    first = content.decode("utf-8-sig", errors="replace").splitlines()[:1]
    return [name.strip() for name in next(csv.reader(first), [])]


def _fails_over_20(rule: Any, year: int) -> bool:
    """Whether this ruleset's 1001 fails P8, 21 at the collection end, looked after from 14 to
    18 (all in last year's episodes here), beside P9, looked after this year."""
    if rule is None:
        return False
    import pandas as pd

    y = year - 1
    blank = pd.NA
    episodes = pd.DataFrame([{"CHILD": "P9", "DECOM": f"01/05/{y}", "DEC": blank, "REC": blank,
                              "RNE": "S", "LS": "C2"}])  # fmt: skip
    last = pd.DataFrame([{"CHILD": "P8", "DECOM": f"01/01/{year - 7}", "DEC": f"01/01/{year - 3}",
                          "REC": "E17", "RNE": "S", "LS": "C2"}])  # fmt: skip
    header = pd.DataFrame([{"CHILD": "P8", "DOB": f"01/01/{year - 21}"},
                           {"CHILD": "P9", "DOB": f"01/01/{year - 10}"}])  # fmt: skip
    oc3 = pd.DataFrame([{"CHILD": "P8", "IN_TOUCH": "YES", "ACTIV": "F2", "ACCOM": "B1"}])
    metadata = {"collection_start": f"01/04/{y}", "collection_end": f"31/03/{year}"}
    data = {"Episodes": episodes, "Episodes_last": last, "Header": header, "OC3": oc3,
            "metadata": metadata}  # fmt: skip
    try:
        result = rule.func(data)
    except Exception:  # a probe that cannot run proves nothing: the failures count
        return False
    return bool(result.get("OC3") == [0])


def _judge_over_20(
    found: list[dict[str, Any]], rule: Any, store: dict[str, Any], earlier: Any
) -> None:
    """Run 1001 again for each failing young person 20 or over at the collection end, with the
    episodes given (and the earlier years', if any) as at the day before their 20th birthday,
    and mark the failure when the rule then passes them."""
    import pandas as pd

    header, oc3 = store.get("Header"), store.get("OC3")
    if header is None or oc3 is None or store.get("Episodes_last") is None:
        return
    end = pd.to_datetime(store["metadata"]["collection_end"], format="%d/%m/%Y")
    for failure in found:
        row = failure["row"]
        if failure["table"] != "OC3" or "upstream_bug" in failure or row not in oc3.index:
            continue
        child = oc3.at[row, "CHILD"]
        dobs = pd.to_datetime(header.loc[header["CHILD"] == child, "DOB"], format="%d/%m/%Y",
                              errors="coerce").dropna()  # fmt: skip
        if len(dobs) == 0 or dobs.iloc[0] + pd.DateOffset(years=20) > end:
            continue
        eve = dobs.iloc[0] + pd.DateOffset(years=20) - pd.DateOffset(days=1)
        data = {k: v if k == "metadata" else v.copy(deep=True) for k, v in store.items()}
        data["metadata"] = {**store["metadata"], "collection_end": f"{eve:%d/%m/%Y}"}
        if earlier is not None:
            data["Episodes_last"] = pd.concat([data["Episodes_last"], earlier.copy(deep=True)],
                                              ignore_index=True)  # fmt: skip
        if row not in set(rule.func(data).get("OC3", [])):
            failure["upstream_bug"] = OVER_20_BUG


def _judge_with_earlier_years(
    found: list[dict[str, Any]],
    rule: Any,
    store: dict[str, Any],
    earlier: Any,
    directories: list[Path],
) -> None:
    """Run a two-year care leaver rule again with the earlier years' episodes beside last
    year's, and mark each OC3 failure it then passes: the care was there, before the two years
    the rule reads. Failures it still finds stay counted."""
    import pandas as pd

    failing = [f for f in found if f["table"] == "OC3" and "upstream_bug" not in f]
    if not failing or store.get("Episodes_last") is None:
        return
    data = {k: v if k == "metadata" else v.copy(deep=True) for k, v in store.items()}
    data["Episodes_last"] = pd.concat([data["Episodes_last"], earlier.copy(deep=True)],
                                      ignore_index=True)  # fmt: skip
    still = set(rule.func(data).get("OC3", []))
    names = ", ".join(str(d) for d in directories)
    for failure in failing:
        if failure["row"] not in still:
            failure["upstream_bug"] = TWO_YEARS_LIMIT.format(earlier=names)


def _903_failures(
    code: str,
    rule: Any,
    result: dict[str, list[Any]],
    store: dict[str, Any],
    k3_bug: bool,
    sw12_bug: bool = False,
    sex_bug: bool = False,
    sw12_left_bug: bool = False,
) -> list[dict[str, Any]]:
    import pandas as pd

    message = rule.message or ""
    level = "query" if message.upper().startswith("WARNING") else "error"
    found = []
    for table, rows in result.items():
        frame = store.get(table)
        for row in rows:
            if row is None or pd.isna(row):
                continue
            child = None
            if frame is not None and "CHILD" in frame.columns and row in frame.index:
                child = str(frame.at[row, "CHILD"])
            failure = _failure("ssda903", code, level, message, child, table, _plain(row))
            failure["fields"] = list(rule.affected_fields or [])
            if (
                k3_bug
                and code == "146"
                and frame is not None
                and row in frame.index
                and frame.at[row, "PLACE"] == "K3"
            ):
                failure["upstream_bug"] = K3_BUG
            if (
                sw12_bug
                and code == "SW12STG2"
                and table == "Episodes"
                and frame is not None
                and row in frame.index
                and _sw12_wrongly_failed(store, row)
            ):
                failure["upstream_bug"] = SW12_BUG
            if (
                sw12_left_bug
                and code == "SW12STG2"
                and table == "Episodes"
                and frame is not None
                and row in frame.index
                and _not_looked_after_at_end(store, row)
            ):
                failure["upstream_bug"] = SW12_LEFT_BUG
            if (
                sex_bug
                and code == "202"
                and table == "Header"
                and frame is not None
                and row in frame.index
                and _same_sex_recoded(store, row)
            ):
                failure["upstream_bug"] = SEX_RECODED_BUG
            found.append(failure)
    return found


# Both ------------------------------------------------------------------------------------------


def _mark_synthetic(failure: dict[str, Any], tables: Any, synthetic: list[str], at: Any) -> None:
    """Mark a failure that is only there because the synthetic LA code is on no DfE list."""
    place = LA_CODE_RULES.get((failure["return"], failure["rule"]))
    if not synthetic or place is None or failure["table"] != place[0]:
        return
    try:
        value = str(at(tables[place[0]], failure["row"])[place[1]])
    except (KeyError, IndexError, TypeError):
        return
    if value[place[2]] in synthetic:
        failure["synthetic_la"] = (
            f"{place[1]} holds a synthetic local authority code ({value[place[2]]}), which the "
            "DfE's list of codes cannot know"
        )


def _failure(
    kind: str, code: str, level: str, message: Any, child: Any, table: Any, row: Any
) -> dict[str, Any]:
    return {"return": kind, "rule": str(code), "level": level, "message": str(message or ""),
            "child": child, "table": table, "fields": [], "row": row}  # fmt: skip


def _crash(code: str, error: Exception, known: str | None) -> dict[str, Any]:
    crash = {"rule": str(code), "error": f"{type(error).__name__}: {error}"}
    if known is not None:
        crash["known_upstream"] = known
    return crash


def _plain(value: Any) -> Any:
    """A row label as JSON: numpy integers become int."""
    try:
        return int(value)
    except (TypeError, ValueError):
        return str(value)


if __name__ == "__main__":
    sys.exit(main())
