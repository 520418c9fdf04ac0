"""Training the packaged default linkage model on a synthetic authority.

Online resolution needs a model before an authority's own data exist; the default one is trained,
unsupervised, on a generated authority that shares no seed with the demo or the benchmarks
(`joinedup demo train-linkage`). `joinedup link --all` retrains on the authority's own records.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from pathlib import Path

import orjson

from joinedup.core.identifiers import nhs_number_valid, upn_valid
from joinedup.demo.generator import generate
from joinedup.people.linkage.batch import link
from joinedup.people.linkage.model import LinkageModel
from joinedup.people.linkage.types import Identity

TRAINING_SEED = 7  # not the demo's 2026 nor any benchmark's seed


def identities(records: Path) -> Iterator[Identity]:
    """Every child and adult subject of an exchange-format file, as the store will hold it."""
    with records.open("rb") as lines:
        for line in lines:
            record = orjson.loads(line)
            agency = record["source"]["agency"]
            adults = tuple(
                f"{s.get('given_names') or ''} {s.get('family_name') or ''}".strip()
                for s in record["subjects"]
                if s["role"] == "adult"
            )
            for subject in record["subjects"]:
                if subject["role"] == "unborn":
                    continue
                yield identity(subject, agency, adults if subject["role"] == "child" else ())


def identity(subject: dict[str, object], agency: str, adults: tuple[str, ...]) -> Identity:
    def text(key: str) -> str | None:
        value = subject.get(key)
        return value if isinstance(value, str) and value else None

    address = subject.get("address")
    address = address if isinstance(address, dict) else {}
    nhs, upn = text("nhs_number"), text("upn")
    others = subject.get("other_names")
    return Identity(
        given_names=text("given_names"),
        family_name=text("family_name"),
        other_names=tuple(others) if isinstance(others, list) else (),
        date_of_birth=text("date_of_birth"),
        sex=text("sex"),
        nhs_number=nhs if nhs and nhs_number_valid(nhs) else None,
        upn=upn if upn and upn_valid(upn) else None,
        postcode=address.get("postcode"),
        address=", ".join(address.get("lines") or []) or None,
        school_urn=text("school_urn"),
        source_agency=agency,
        adults=adults,
    )


def train_default(children: int, threshold: float) -> LinkageModel:
    with tempfile.TemporaryDirectory(prefix="joinedup-train-") as tmp:
        out = Path(tmp)
        generate(children=children, years=5, seed=TRAINING_SEED, out_dir=out)
        result = link(list(identities(out / "records.jsonl")), threshold=threshold)
    result.model.trained_on.update(
        {"authority": f"synthetic: {children} children, 5 years, seed {TRAINING_SEED}"}
    )
    return result.model
