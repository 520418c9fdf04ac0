"""Batch linkage on Spark (local mode) gives the same persons as on DuckDB.

Production runs Spark on a cluster for national scale; here it runs in local mode on a sample.
The test skips only where Java is absent (CI has Java).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from joinedup.people.linkage.batch import link
from joinedup.people.linkage.csvfile import read
from tests.factories.linkage import child_mentions


@pytest.mark.skipif(shutil.which("java") is None, reason="Spark needs Java 17, not installed here")
def test_spark_and_duckdb_give_the_same_clusters(tmp_path: Path) -> None:
    authority = child_mentions(120, 3, tmp_path)
    data = read(authority.write(tmp_path / "children.csv"))
    on_duckdb = link(data.identities, threshold=0.95)
    assert on_duckdb.links > 100
    again = link(data.identities, threshold=0.95, model=on_duckdb.model)
    on_spark = link(data.identities, threshold=0.95, model=on_duckdb.model, engine="spark")
    assert on_spark.labels == again.labels
    assert on_spark.links == again.links
