"""A partnership's rules file: its changes apply; every mistake names the file, line and field."""

from __future__ import annotations

from pathlib import Path

import pytest

from joinedup.rules.config import RulesFileInvalid, default_rules, load_rules
from joinedup.rules.library import DEFAULT_RULES, DomesticAbuseRepeat


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "rules.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_no_file_means_every_rule_with_its_defaults() -> None:
    found = default_rules()
    assert [r.id for r in found.rules] == [cls.id for cls in DEFAULT_RULES]
    assert [r.params for r in load_rules(None).rules] == [cls().params for cls in DEFAULT_RULES]


def test_a_file_changes_parameters_and_switches_rules_off(tmp_path: Path) -> None:
    path = write(tmp_path, """\
partnership: Kestrelford Safeguarding Children Partnership
rules:
  domestic-abuse-repeat: {count: 3, window_days: 180}
  frequent-moves:
    enabled: false
""")  # fmt: skip
    found = load_rules(path)
    assert found.partnership == "Kestrelford Safeguarding Children Partnership"
    ids = [r.id for r in found.rules]
    assert "frequent-moves" not in ids and len(ids) == len(DEFAULT_RULES) - 1
    (da,) = [r for r in found.rules if isinstance(r, DomesticAbuseRepeat)]
    assert (da.params.count, da.params.window_days) == (3, 180)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("rules:\n  domestic-abuse-repeat:\n    count: 0\n",
         "rules.yaml:3: rules.domestic-abuse-repeat.count: Input should be greater than or equal"),
        ("rules:\n  domestic-abuse-repeat:\n    cuont: 3\n",
         "rules.yaml:3: rules.domestic-abuse-repeat.cuont: Extra inputs are not permitted"),
        ("rules:\n  no-such-rule: {}\n", "rules.yaml:2: rules.no-such-rule: no such rule"),
        ("partnership: x\nrulez: {}\n", "rules.yaml:2: rulez: unknown key"),
        ("rules:\n  start-again:\n    enabled: maybe\n",
         "rules.yaml:3: rules.start-again.enabled: must be true or false"),
        ("rules: [\n", "rules.yaml:2: not valid YAML"),
        ("- a list\n", "rules.yaml:1: the file must be a mapping"),
    ],
)  # fmt: skip
def test_mistakes_name_the_file_line_and_field(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(RulesFileInvalid) as raised:
        load_rules(write(tmp_path, text))
    assert str(raised.value).startswith(str(tmp_path / message.split(":", 1)[0]))
    assert message.split(":", 1)[1] in str(raised.value)


def test_a_missing_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(RulesFileInvalid, match=r"missing\.yaml: cannot be read"):
        load_rules(tmp_path / "missing.yaml")


def test_the_shipped_example_file_loads_to_the_defaults() -> None:
    example = Path(__file__).parents[3] / "docs" / "rules.example.yaml"
    found = load_rules(example)
    defaults = {r.id: r.params for r in default_rules().rules}
    assert {r.id: r.params for r in found.rules} == defaults
