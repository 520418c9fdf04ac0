"""The command line loads each command's module only when that command is asked for, and still
offers every command with all its subcommands."""

from __future__ import annotations

import importlib
import json
import subprocess
import sys
from pathlib import Path

import pytest
import typer
from typer.core import TyperGroup
from typer.testing import CliRunner

from joinedup.cli import main

CLI = Path(main.__file__).parent


@pytest.mark.parametrize("name", sorted(main.COMMANDS))
def test_each_command_loads_with_every_subcommand(name: str) -> None:
    module, attribute = main.COMMANDS[name]
    target = getattr(importlib.import_module(f"joinedup.cli.{module}"), attribute)
    command = main.load(name)
    assert command.name == name
    if isinstance(target, typer.Typer):
        assert isinstance(command, TyperGroup)
        expected = {c.name or (c.callback.__name__.replace("_", "-") if c.callback else "")
                    for c in target.registered_commands}  # fmt: skip
        assert set(command.commands) == expected
        assert expected
    else:
        assert command.callback is not None


def test_every_typer_app_of_the_cli_is_offered() -> None:
    """A new command module's app must be listed in COMMANDS (the returns' own modules add
    their commands to the returns app)."""
    offered = {module for module, _ in main.COMMANDS.values()}
    for path in sorted(CLI.glob("*.py")):
        if "\napp = typer.Typer(" in path.read_text(encoding="utf-8") and path.stem != "main":
            assert path.stem in offered, f"{path.name} has an app that `joinedup` does not offer"


def test_help_lists_every_command_and_an_unknown_one_is_refused() -> None:
    runner = CliRunner()
    shown = runner.invoke(main.app, ["--help"])
    assert shown.exit_code == 0
    for name in main.COMMANDS:
        assert f" {name} " in shown.output
    unknown = runner.invoke(main.app, ["nonsense"])
    assert unknown.exit_code == 2
    assert "No such command 'nonsense'" in unknown.output


def test_starting_the_command_line_loads_no_command_module() -> None:
    heavy = "('joinedup.', 'pandas', 'statsmodels', 'openpyxl', 'splink', 'duckdb', 'sqlalchemy')"
    found = f"sorted(m for m in sys.modules if m.startswith({heavy}))"
    code = f"import json, sys; import joinedup.cli.main; print(json.dumps({found}))"
    loaded = json.loads(subprocess.run([sys.executable, "-c", code], capture_output=True,
                                       text=True, check=True, timeout=60).stdout)  # fmt: skip
    assert loaded == ["joinedup.cli", "joinedup.cli.main"]
