"""Batch linkage: train (or load) the model, score every blocked pair with Splink, cluster.

DuckDB by default; Spark (`engine="spark"`, local mode here, a cluster in production) for
national scale. Both run the same Splink settings, written from the same comparison levels; the
clusters are drawn in Python from the scored pairs with the constraints of cluster.py.
"""

from __future__ import annotations

import itertools
import logging
import math
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import pyarrow as pa
import pyarrow.compute as pc

from joinedup.people.linkage.cluster import cluster
from joinedup.people.linkage.comparisons import COMPARISONS, GUARDED, guard, spell
from joinedup.people.linkage.model import LinkageModel
from joinedup.people.linkage.train import (
    Prepared,
    frequencies,
    learn_equivalences,
    model_from_linker,
    prepare,
    settings,
    to_arrow,
    train,
)
from joinedup.people.linkage.types import Features, Identity

log = logging.getLogger(__name__)

Engine = Literal["duckdb", "spark"]
Progress = Callable[[str], None]


@dataclass(slots=True)
class BatchResult:
    labels: list[int]  # per input identity: a cluster label (the lowest input index in it)
    model: LinkageModel
    distinct: int  # distinct identities scored
    pairs_scored: int  # pairs Splink scored at or above the threshold
    links: int  # pairs above the threshold without a guard
    guarded: int  # pairs above the threshold held apart by a guard
    refused: int  # joins refused by the clustering's constraints
    timings: dict[str, float] = field(default_factory=dict)
    prepared: Prepared | None = None  # the distinct identities' features, for the caller

    def features_of(self, index: int) -> Features:
        """The features of input identity `index` (as the returned model computes them)."""
        if self.prepared is None:  # pragma: no cover - always set by link()
            raise ValueError("no features kept")
        return self.prepared.rows[self.prepared.row_of[index]]


def link(
    identities: Sequence[Identity],
    *,
    threshold: float,
    engine: Engine = "duckdb",
    model: LinkageModel | None = None,
    must: Iterable[tuple[int, int]] = (),
    cannot: Iterable[tuple[int, int]] = (),
    progress: Progress | None = None,
) -> BatchResult:
    """Cluster `identities` (indices into it for must/cannot) into persons.

    Without `model`, one is trained on the identities themselves (unsupervised).
    """
    say = progress or (lambda _message: None)
    timings: dict[str, float] = {}
    started = time.perf_counter()
    equivalences = model.equivalences if model else learn_equivalences(identities)
    prepared = prepare(identities, equivalences)
    timings["features"] = time.perf_counter() - started
    say(f"{len(identities):,} identities, {len(prepared.rows):,} distinct")
    with _registered(engine, prepared) as data:
        from splink import Linker

        linker = None
        if model is None:
            step = time.perf_counter()
            say("training the model (Splink: u by random sampling, m by EM)")
            linker = Linker(data, settings(engine))
            train(linker, len(prepared.rows), engine)
            model = model_from_linker(
                linker,
                prepared,
                {"identities": len(identities), "distinct": len(prepared.rows), "engine": engine},
            )
            timings["train"] = time.perf_counter() - step
        step = time.perf_counter()
        row_must = [(prepared.row_of[a], prepared.row_of[b]) for a, b in must]
        row_cannot = [(prepared.row_of[a], prepared.row_of[b]) for a, b in cannot]
        say("scoring blocked pairs")
        if linker is None:  # scored by the linker just trained, else by one made from the model
            linker = Linker(data, _spelled(model.splink, engine))
        candidates, guarded = _candidates(linker, model, prepared.rows, threshold, engine)
        cut = logit(threshold)
        # Names are as common as the persons who bear them, not as the records that repeat
        # them, and the share of pairs that match follows from the persons found: recalibrate
        # on a first estimate of the persons (Splink's own clustering, the connected components
        # of the unguarded pairs above the threshold, with the links people confirmed),
        # re-weigh every candidate pair (in Python: only the prior and the name frequencies
        # change) and cluster once, with every constraint.
        above = [(c.a, c.b) for c in candidates if c.weight >= cut]
        estimate = _components(len(prepared.rows), [*above, *row_must])
        say("re-weighing on the persons found")
        first_model, model = model, recalibrated(model, prepared.rows, estimate)
        edges = _reweighed(candidates, prepared.rows, first_model, model, cut)
        row_labels, refused = cluster(
            prepared.rows, edges, must=row_must, cannot=row_cannot, sources=prepared.sources
        )
        pairs = len(candidates)
        timings["predict"] = time.perf_counter() - step
    first: dict[int, int] = {}
    labels = []
    for i, row in enumerate(prepared.row_of):
        labels.append(first.setdefault(row_labels[row], i))
    timings["total"] = time.perf_counter() - started
    return BatchResult(
        labels=labels,
        model=model,
        distinct=len(prepared.rows),
        pairs_scored=pairs,
        links=len(edges),
        guarded=guarded,
        refused=refused,
        timings=timings,
        prepared=prepared,
    )


@dataclass(frozen=True, slots=True)
class _Candidate:
    a: int
    b: int
    weight: float  # as Splink scored it
    tf_given: float  # Splink's term-frequency adjustments within that weight
    tf_family: float


# Candidates are kept down to this many bits below the threshold, so that re-weighing (the
# prior and the name frequencies) can lift a pair over it.
MARGIN_BITS = 6.0


def _components(n: int, pairs: Iterable[tuple[int, int]]) -> list[int]:
    """A label for each of n rows: the connected components of `pairs` (union-find)."""
    parent = list(range(n))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for a, b in pairs:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[rb] = ra
    return [find(i) for i in range(n)]


def logit(probability: float) -> float:
    return math.log2(probability / (1 - probability))


def _candidates(
    linker: Any, model: LinkageModel, rows: Sequence[Features], threshold: float, engine: Engine
) -> tuple[list[_Candidate], int]:
    """Scored pairs near or above the threshold, less those a guard holds apart.

    The guard reads the levels of four comparisons; Splink returns each comparison's weight,
    which names its level wherever the levels' weights differ (else the level is recomputed).
    The guard is asked once for each combination of levels, not once for each pair.
    """
    floor = logit(threshold) - MARGIN_BITS
    predictions = linker.inference.predict(threshold_match_weight=floor)
    ends = ["unique_id_l", "unique_id_r", "match_weight", "mw_tf_adj_given", "mw_tf_adj_family"]
    table = _as_arrow(predictions, engine)
    code, combinations = _level_codes(table, model)
    held_codes = pa.array([c for c, labels in combinations.items() if guard(labels)], "int64")
    held = pc.fill_null(pc.is_in(code, value_set=held_codes), False)
    unnamed = pc.is_null(code)
    guarded = int(pc.sum(held).as_py() or 0)
    found = _as_candidates(table.filter(pc.invert(pc.or_(held, unnamed))).select(ends))
    for c in _as_candidates(table.filter(unnamed).select(ends)):  # rare: recompute the levels
        a, b = rows[c.a], rows[c.b]
        if guard({spec.name: spec.levels[spec.level_of(a, b)].label for spec in GUARDED}):
            guarded += 1
        else:
            found.append(c)
    return found, guarded


def _as_candidates(table: pa.Table) -> list[_Candidate]:
    return [
        _Candidate(int(left), int(right), float(weight), float(tf_given), float(tf_family))
        for left, right, weight, tf_given, tf_family in zip(
            *table.to_pydict().values(), strict=True
        )
    ]


def _level_codes(table: pa.Table, model: LinkageModel) -> tuple[Any, dict[int, dict[str, str]]]:
    """One number per pair for the levels of the guarded comparisons (null where a weight
    names no level), and the levels that each number stands for."""
    by_weight = _labels_by_weight(model)
    code: Any = None
    for spec in GUARDED:
        named = pa.array(list(by_weight[spec.name]), "float64")
        index = pc.index_in(pc.round(table[f"mw_{spec.name}"], 9), value_set=named)
        index = pc.cast(index, "int64")
        code = index if code is None else pc.add(pc.multiply(code, len(spec.levels)), index)
    combinations: dict[int, dict[str, str]] = {}
    choices = [list(enumerate(by_weight[spec.name].values())) for spec in GUARDED]
    for combination in itertools.product(*choices):
        number = 0
        for spec, (position, _) in zip(GUARDED, combination, strict=True):
            number = number * len(spec.levels) + position
        combinations[number] = {
            spec.name: label for spec, (_, label) in zip(GUARDED, combination, strict=True)
        }
    return code, combinations


def _labels_by_weight(model: LinkageModel) -> dict[str, dict[float, str]]:
    """For each guarded comparison, its levels' labels by weight (less weights levels share)."""
    table: dict[str, dict[float, str]] = {}
    for spec in GUARDED:
        weights = model.level_weights(spec.name)
        seen: dict[float, str | None] = {}
        for level, weight in zip(spec.levels, weights, strict=True):
            key = round(weight, 9)
            seen[key] = None if key in seen else level.label
        table[spec.name] = {k: v for k, v in seen.items() if v is not None}
    return table


def _reweighed(
    candidates: Sequence[_Candidate],
    rows: Sequence[Features],
    before: LinkageModel,
    after: LinkageModel,
    cut: float,
) -> list[tuple[int, int, float]]:
    """The candidates re-weighed with `after`'s prior and name frequencies, at or above `cut`."""
    shift = after.prior_weight - before.prior_weight
    adjustments: dict[tuple[str, str], float] = {}  # an exact name's adjustment, by the name

    def adjusted(column: str, a: Features, b: Features) -> float:
        key = (column, a[column])
        found = adjustments.get(key)
        if found is None:
            found = adjustments[key] = after.tf_adjustment(column, column, a, b)
        return found

    edges = []
    for c in candidates:
        a, b = rows[c.a], rows[c.b]
        weight = c.weight - c.tf_given - c.tf_family + shift
        for column in ("given", "family"):  # the exact level is adjusted
            if a[column] is not None and a[column] == b[column]:
                weight += adjusted(column, a, b)
        if weight >= cut:
            edges.append((c.a, c.b, weight))
    return edges


def recalibrated(
    model: LinkageModel, rows: Sequence[Features], labels: Sequence[int]
) -> LinkageModel:
    """The model with its prior and term frequencies counted from a first clustering.

    Splink estimates the prior from deterministic rules and a guessed recall; once persons are
    found, the share of pairs that belong to one person is counted instead.
    """
    sizes = Counter(labels)
    pairs = len(rows) * (len(rows) - 1) / 2
    matching = sum(n * (n - 1) / 2 for n in sizes.values())
    splink_json = dict(model.splink)
    if pairs and matching:
        splink_json["probability_two_random_records_match"] = matching / pairs
    return LinkageModel(
        splink=splink_json,
        equivalences=model.equivalences,
        term_frequencies=frequencies(rows, labels),
        trained_on={**model.trained_on, "recalibrated": True},
    )


def _as_arrow(predictions: Any, engine: Engine) -> Any:
    if engine == "duckdb":
        return predictions.as_pyarrow_table()
    import pyarrow as pa

    return pa.Table.from_pylist(predictions.as_record_list())


@contextmanager
def _registered(engine: Engine, prepared: Prepared) -> Iterator[Any]:
    """The distinct identities registered with the engine's Splink database API."""
    table = to_arrow(prepared.rows)
    if engine == "duckdb":
        from splink import DuckDBAPI

        db_api = DuckDBAPI()
        yield db_api.register(table, dataset_display_name="identities")
        return
    with _spark_session() as spark:
        from splink.backends.spark import SparkAPI

        frame = spark.createDataFrame(table.to_pylist(), schema=_spark_ddl(table.schema))
        spark_api = SparkAPI(spark_session=spark)  # type: ignore[no-untyped-call]
        yield spark_api.register(frame, dataset_display_name="identities")


def _spark_ddl(schema: Any) -> str:
    """The arrow schema in Spark's DDL (an all-null column would otherwise have no type)."""
    import pyarrow as pa

    def kind(t: Any) -> str:
        if pa.types.is_list(t):
            return f"array<{kind(t.value_type)}>"
        if pa.types.is_int64(t):
            return "bigint"
        if pa.types.is_int32(t):
            return "int"
        if pa.types.is_floating(t):
            return "double"
        return "string"

    return ", ".join(f"`{field.name}` {kind(field.type)}" for field in schema)


def _spelled(splink_json: dict[str, Any], engine: Engine) -> dict[str, Any]:
    return splink_json if engine == "duckdb" else _respell(splink_json, engine)


def _respell(splink_json: dict[str, Any], dialect: str) -> dict[str, Any]:
    """A trained model's settings with each level's SQL written for another dialect."""
    from joinedup.people.linkage.comparisons import splink_comparison

    doc = dict(splink_json)
    by_name = {c.name: splink_comparison(c, dialect) for c in COMPARISONS}
    comparisons = []
    for trained in splink_json["comparisons"]:
        spelled = by_name[trained["output_column_name"]]
        pairs = zip(trained["comparison_levels"], spelled["comparison_levels"], strict=True)
        levels = [{**level, "sql_condition": fresh["sql_condition"]} for level, fresh in pairs]
        comparisons.append({**trained, "comparison_levels": levels})
    doc["comparisons"] = comparisons
    doc["blocking_rules_to_generate_predictions"] = [
        {**rule, "blocking_rule": spell(rule["blocking_rule"], dialect), "sql_dialect": dialect}
        for rule in splink_json["blocking_rules_to_generate_predictions"]
    ]
    doc.pop("sql_dialect", None)
    return doc


@contextmanager
def _spark_session() -> Iterator[Any]:
    """A local Spark session (2 cores) with Splink's similarity functions, all offline."""
    from pyspark import SparkConf
    from pyspark.sql import SparkSession
    from splink.backends.spark import similarity_jar_location

    with tempfile.TemporaryDirectory(prefix="joinedup-spark-") as tmp:
        conf = SparkConf()
        conf.set("spark.master", "local[2]")
        conf.set("spark.driver.memory", "4g")
        conf.set("spark.sql.shuffle.partitions", "4")
        conf.set("spark.default.parallelism", "4")
        conf.set("spark.jars", similarity_jar_location())
        conf.set("spark.ui.enabled", "false")
        conf.set("spark.sql.warehouse.dir", str(Path(tmp) / "warehouse"))
        conf.set("spark.local.dir", str(Path(tmp) / "local"))
        conf.set("spark.driver.extraJavaOptions", f"-Dderby.system.home={tmp}")
        spark = SparkSession.builder.config(conf=conf).getOrCreate()
        spark.sparkContext.setCheckpointDir(str(Path(tmp) / "checkpoints"))
        spark.sparkContext.setLogLevel("ERROR")
        try:
            from splink.backends.spark import register_udfs  # type: ignore[attr-defined]

            register_udfs(spark)
        except ImportError:
            spark.udf.registerJavaFunction(
                "jaro_winkler", "uk.gov.moj.dash.linkage.JaroWinklerSimilarity"
            )
        try:
            yield spark
        finally:
            spark.stop()
