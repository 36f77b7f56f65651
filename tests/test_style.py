"""Style gates: ruff's lint and format check and snakefmt with the settings of pyproject.toml, and the naming of
rules and scripts.

The tool checks skip, saying so, where their tool is not installed (requirements-dev.txt pins them all).
"""

from __future__ import annotations

import importlib.machinery
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


def tool(name: str) -> str:
    """The tool beside this Python (the virtual environment's), else the first on PATH; skip if neither."""
    beside = Path(sys.executable).parent / name
    found = str(beside) if beside.is_file() else shutil.which(name)
    if found is None:
        pytest.skip(f"{name} is not installed (pip install -r requirements-dev.txt)")
    return found


@pytest.mark.parametrize(
    "command",
    [["ruff", "check", "."], ["ruff", "format", "--check", "."], ["snakefmt", "--check", "."]],
    ids=["ruff-check", "ruff-format", "snakefmt"],
)
def test_style_is_clean(command):
    result = subprocess.run([tool(command[0]), *command[1:]], cwd=REPO, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


RULES = REPO / "workflow" / "rules"
SCRIPTS = REPO / "workflow" / "scripts"


def rule_scripts() -> dict[str, str]:
    """Each rule that runs a script -> the script's file name, read from the rules files."""
    found = {}
    for path in sorted(RULES.glob("*.smk")):
        for block in re.split(r"^(?=rule \w+:)", path.read_text(), flags=re.M):
            rule = re.match(r"rule (\w+):", block)
            script = re.search(r'^\s+script:\s*\n\s+"\.\./scripts/([\w.]+)"', block, flags=re.M)
            if rule and script:
                found[rule.group(1)] = script.group(1)
                # The rule's code digest (mallorn_tde.sources) must follow the script it runs.
                for digested in re.findall(r'code_digest\("([\w.]+)"', block):
                    assert digested == script.group(1), f"rule {rule.group(1)} digests {digested}"
    return found


def test_each_rule_runs_the_script_named_after_it():
    """PyPSA-Eur's convention: rule `x` runs workflow/scripts/x.py, so each finds the other by name."""
    scripts = rule_scripts()
    assert len(scripts) > 10
    assert {rule: f"{rule}.py" for rule in scripts} == scripts
    assert sorted(p.name for p in SCRIPTS.glob("*.py")) == sorted(scripts.values())  # no script without its rule


def test_no_script_shadows_a_module():
    """workflow/scripts is first on sys.path in every job: a script named like a module would replace it."""
    others = [p for p in sys.path if Path(p or ".").resolve() != SCRIPTS]
    for script in SCRIPTS.glob("*.py"):
        name = script.stem
        assert name not in sys.stdlib_module_names, f"{script.name} shadows the standard library's {name}"
        assert importlib.machinery.PathFinder.find_spec(name, others) is None, f"{script.name} shadows {name}"


def test_every_job_says_what_it_costs():
    """Each rule that runs a script has its log, benchmark, conda environment, threads, memory and run time, so
    the profiles need no default resources."""
    for path in sorted(RULES.glob("*.smk")):
        for block in re.split(r"^(?=rule \w+:)", path.read_text(), flags=re.M):
            rule = re.match(r"rule (\w+):", block)
            if not rule or "script:" not in block:
                continue
            for part in ("log:", "benchmark:", "conda:", "threads:", "resources:", "mem_mb=", "runtime="):
                assert part in block, f"rule {rule.group(1)} has no {part}"
            # Its log and benchmark at the same path under results/logs and results/benchmarks: the runtime table
            # and benchmarks/summarize.py find a job's exact CPU and memory (its log's last line) that way.
            log = re.search(r'^\s+log:\s*\n\s+"results/logs/([^"]+)\.log"', block, re.M)
            bench = re.search(r'^\s+benchmark:\s*\n\s+"results/benchmarks/([^"]+)\.tsv"', block, re.M)
            assert log and bench and log.group(1) == bench.group(1), f"rule {rule.group(1)}: log and benchmark paths"
