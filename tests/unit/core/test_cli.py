"""The command line: every command in the table exists, and only app serving imports Streamlit."""

from __future__ import annotations

import argparse
import importlib
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from shopdl_core.__main__ import COMMANDS, VERBS, build_parser, chosen_command

REPO_DIR = Path(__file__).resolve().parents[3]
# Run main() in a fresh interpreter, then report which of these top-level modules it imported.
PROBE = """
import json, sys
from shopdl_core.__main__ import main
try:
    status = main(sys.argv[1:])
except SystemExit as exc:
    status = exc.code
print(json.dumps({"status": status, "loaded": sorted(m for m in ("streamlit", "torch", "pandas", "numpy") if m in sys.modules)}))
"""


def run_probe(*argv: str, stdin: str = "", cwd: Path = REPO_DIR) -> dict:
    done = subprocess.run([sys.executable, "-c", PROBE, *argv], input=stdin, capture_output=True, text=True,
                          cwd=cwd, timeout=300)
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_table_lists_each_command_where_its_module_defines_it():
    for verb, targets in COMMANDS.items():
        assert verb in VERBS
        for target, (module, _) in targets.items():
            subparsers = {name: argparse.ArgumentParser().add_subparsers() for name in VERBS}
            importlib.import_module(module).add_commands(subparsers)
            assert target in subparsers[verb].choices, f"{module} does not define `{verb} {target}`"


def test_every_command_a_module_defines_is_in_the_table():
    for module in {module for targets in COMMANDS.values() for module, _ in targets.values()}:
        subparsers = {name: argparse.ArgumentParser().add_subparsers() for name in VERBS}
        importlib.import_module(module).add_commands(subparsers)
        for verb, action in subparsers.items():
            for target in action.choices:
                assert COMMANDS[verb].get(target, (None,))[0] == module, f"`{verb} {target}` is missing from COMMANDS"


def test_each_named_command_parses_to_its_function():
    for verb, targets in COMMANDS.items():
        for target in targets:
            argv = [verb, target, *(["x.png"] if (verb, target) == ("predict", "image") else [])]
            assert callable(build_parser(argv).parse_args(argv).func), argv


def test_chosen_command_reads_the_first_two_words():
    assert chosen_command(["predict", "review", "--json"]) == ("predict", "review")
    assert chosen_command(["bench", "--help"]) is None
    assert chosen_command(["--help"]) is None
    assert chosen_command(["predict", "nonsense"]) is None


def test_help_imports_nothing_heavy():
    assert run_probe("--help") == {"status": 0, "loaded": []}


@pytest.mark.parametrize("verb, target", [(v, t) for v, ts in COMMANDS.items() for t in ts
                                          if (v, t) not in {("bench", "app"), ("bench", "startup"), ("bench", "soak"), ("bench", "failover"), ("bench", "likes")}])
def test_commands_that_do_not_serve_the_app_never_import_streamlit(verb, target):
    report = run_probe(verb, target, "--help")
    assert report["status"] == 0 and "streamlit" not in report["loaded"]


@pytest.mark.parametrize("argv", [("predict", "review"), ("evaluate", "recsys", "--folds", "2")])
def test_work_commands_run_from_another_directory_without_streamlit(argv, tmp_path):
    report = run_probe(*argv, stdin="Lovely soft dress, fits well\n", cwd=tmp_path)
    # predict review may stop on a checkpoint mid-retraining (status 2); what matters here is
    # that it got as far as its work modules without Streamlit.
    assert "numpy" in report["loaded"] and "streamlit" not in report["loaded"], report


@pytest.mark.skipif(shutil.which("shopdl", path=str(Path(sys.executable).parent)) is None,
                    reason="the package is not installed (pip install -e .)")
def test_console_script_finds_the_assets_from_another_directory(tmp_path):
    shopdl = shutil.which("shopdl", path=str(Path(sys.executable).parent))
    done = subprocess.run([shopdl, "evaluate", "recsys", "--folds", "2", "--json"],
                          capture_output=True, text=True, cwd=tmp_path, timeout=300)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["folds"] == 2
    done = subprocess.run([shopdl, "evaluate", "recsys"], capture_output=True, text=True, cwd=tmp_path,
                          timeout=300, env={"SHOPDL_ASSETS": str(tmp_path)})
    assert done.returncode != 0 and str(tmp_path / "data") in done.stderr  # SHOPDL_ASSETS still overrides
