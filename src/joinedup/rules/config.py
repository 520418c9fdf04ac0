"""A safeguarding partnership's rules file: which rules run, with which parameters.

```yaml
partnership: Kestrelford Safeguarding Children Partnership
rules:
  domestic-abuse-repeat: {count: 2, window_days: 365}
  frequent-moves: {enabled: false}
```

A rule not named keeps its defaults; `enabled: false` switches one off. The file is validated
when Joined Up starts: an unknown rule, an unknown or out-of-range parameter, or a file that is
not YAML stops start-up with a message naming the file, the line and the field.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from joinedup.rules.engine import Rule
from joinedup.rules.library import DEFAULT_RULES

BY_ID: dict[str, type[Rule[Any]]] = {cls.id: cls for cls in DEFAULT_RULES}
TOP_LEVEL = frozenset({"partnership", "rules"})


class RulesFileInvalid(ValueError):
    """A rules file that cannot be used; the message names the file, the line and the field."""


@dataclass(frozen=True, slots=True)
class RuleSet:
    partnership: str | None
    rules: tuple[Rule[Any], ...]
    source: str  # the file, or "defaults"


def default_rules() -> RuleSet:
    return RuleSet(None, tuple(cls() for cls in DEFAULT_RULES), "defaults")


@lru_cache(maxsize=8)
def rules_for(path: Path | None) -> RuleSet:
    """The rules a file names, read once per process (live intake asks for them per batch;
    the file was validated at start-up, and a changed file takes effect on restart)."""
    return load_rules(path)


def load_rules(path: Path | None) -> RuleSet:
    """The rules a file names (every default rule, with the file's changes), or the defaults."""
    if path is None:
        return default_rules()
    try:
        text = path.read_text(encoding="utf-8")
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        document = yaml.safe_load(text)
    except OSError as error:
        raise RulesFileInvalid(f"{path}: cannot be read: {error.strerror}") from error
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = f":{mark.line + 1}" if mark is not None else ""
        raise RulesFileInvalid(f"{path}{line}: not valid YAML: {error}") from error
    return _build(path, document, node)


def _build(path: Path, document: Any, node: yaml.Node | None) -> RuleSet:
    where = _Lines(path, node)
    if not isinstance(document, dict):
        raise where.error((), "the file must be a mapping with `partnership` and `rules`")
    for key in document:
        if key not in TOP_LEVEL:
            raise where.error((key,), "unknown key (expected `partnership` or `rules`)")
    partnership = document.get("partnership")
    if partnership is not None and not isinstance(partnership, str):
        raise where.error(("partnership",), "must be text")
    chosen = document.get("rules") or {}
    if not isinstance(chosen, dict):
        raise where.error(("rules",), "must map rule ids to their parameters")
    for rule_id in chosen:
        if rule_id not in BY_ID:
            known = ", ".join(sorted(BY_ID))
            raise where.error(("rules", rule_id), f"no such rule (the rules are: {known})")
    rules: list[Rule[Any]] = []
    for rule_id, cls in BY_ID.items():
        settings = chosen.get(rule_id) or {}
        if not isinstance(settings, dict):
            raise where.error(("rules", rule_id), "must map parameter names to values")
        params = dict(settings)
        enabled = params.pop("enabled", True)
        if not isinstance(enabled, bool):
            raise where.error(("rules", rule_id, "enabled"), "must be true or false")
        if not enabled:
            continue
        try:
            rules.append(cls(cls.Parameters(**params)))
        except ValidationError as error:
            first = error.errors()[0]
            field = tuple(str(part) for part in first["loc"])
            raise where.error(("rules", rule_id, *field), first["msg"]) from error
    return RuleSet(partnership, tuple(rules), str(path))


class _Lines:
    """Find the line of a key path in the composed YAML, for messages a person can act on."""

    def __init__(self, path: Path, node: yaml.Node | None) -> None:
        self.path, self.node = path, node

    def error(self, keys: tuple[str, ...], message: str) -> RulesFileInvalid:
        field = ".".join(keys)
        line = self._line(keys)
        place = f"{self.path}:{line}" if line else str(self.path)
        return RulesFileInvalid(f"{place}: {field + ': ' if field else ''}{message}")

    def _line(self, keys: tuple[str, ...]) -> int | None:
        node, line = self.node, None
        if node is not None:
            line = node.start_mark.line + 1
        for key in keys:
            if not isinstance(node, yaml.MappingNode):
                break
            for k, v in node.value:
                if k.value == key:
                    node, line = v, k.start_mark.line + 1
                    break
            else:
                break
        return line
