"""mallorn_tde.sources: the code a script runs, found by reading its imports."""

from __future__ import annotations

import shutil
import sys
import textwrap
from pathlib import Path

import pytest

from mallorn_tde.sources import SCRIPTS_DIR, code_digest, source_files


def write(root, name, text=""):
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text))
    return path


@pytest.fixture
def tree(tmp_path):
    """A script and a small mallorn_tde package with absolute, relative, nested and function-local imports."""
    write(tmp_path, "script.py", "import json\nfrom mallorn_tde.a import f\n")
    write(tmp_path, "other.py", "import mallorn_tde.sub.d\n")
    write(tmp_path, "mallorn_tde/__init__.py")
    write(tmp_path, "mallorn_tde/a.py", "import numpy\nfrom .b import g\n")
    write(tmp_path, "mallorn_tde/b.py", "def g():\n    from .sub import c\n")
    write(tmp_path, "mallorn_tde/sub/__init__.py", "from ..e import h\n")
    write(tmp_path, "mallorn_tde/sub/c.py", "from .. import e\n")
    write(tmp_path, "mallorn_tde/sub/d.py")
    write(tmp_path, "mallorn_tde/e.py")
    write(tmp_path, "mallorn_tde/unused.py")
    return tmp_path


def names(paths, root):
    return [p.relative_to(root).as_posix() for p in paths]


def test_follows_absolute_relative_nested_and_function_local_imports(tree):
    assert names(source_files("script.py", root=tree), tree) == [
        "mallorn_tde/__init__.py",
        "mallorn_tde/a.py",
        "mallorn_tde/b.py",
        "mallorn_tde/e.py",
        "mallorn_tde/sub/__init__.py",
        "mallorn_tde/sub/c.py",
        "script.py",
    ]


def test_importing_a_submodule_counts_its_packages(tree):
    assert names(source_files("other.py", root=tree), tree) == [
        "mallorn_tde/__init__.py",
        "mallorn_tde/e.py",
        "mallorn_tde/sub/__init__.py",
        "mallorn_tde/sub/d.py",
        "other.py",
    ]


def test_digest_changes_with_imported_code_only(tree):
    before = code_digest("script.py", root=tree)
    (tree / "mallorn_tde" / "unused.py").write_text("x = 1\n")
    (tree / "mallorn_tde" / "sub" / "d.py").write_text("x = 1\n")
    code_digest.cache_clear()
    assert code_digest("script.py", root=tree) == before
    (tree / "mallorn_tde" / "sub" / "c.py").write_text("from .. import e\nx = 2\n")
    code_digest.cache_clear()
    assert code_digest("script.py", root=tree) != before


def test_extra_entry_points_add_their_imports(tree):
    with_d = names(source_files("script.py", "mallorn_tde/sub/d.py", root=tree), tree)
    assert "mallorn_tde/sub/d.py" in with_d and "script.py" in with_d


def test_missing_entry_point_is_an_error(tree):
    with pytest.raises(FileNotFoundError, match="nope.py"):
        source_files("nope.py", root=tree)


def test_each_feature_set_is_code_of_its_own_extraction_only():
    """The workflow's own tree: a set's module is imported by name, so it counts only where the rule names it."""
    plain = names(source_files("extract.py"), SCRIPTS_DIR)
    assert not any(name.endswith(("/gp.py", "/physics.py", "/tsfresh.py", "/lightcurve.py")) for name in plain)
    gp = names(source_files("extract.py", "mallorn_tde/features/gp.py"), SCRIPTS_DIR)
    assert "mallorn_tde/features/gp.py" in gp and "mallorn_tde/features/fits.py" in gp
    assert "mallorn_tde/features/physics.py" not in gp


def test_every_script_resolves():
    for script in sorted(SCRIPTS_DIR.glob("*.py")):
        files = source_files(script.name)
        assert script in files and all(f.is_file() for f in files)


def test_the_simulate_rule_follows_the_simulator_package(tmp_path):
    """The workflow's own tree: the simulator is a package whose modules import each other relatively; all of
    them are code of the simulate rule, and an edit of one deep inside changes the rule's digest."""
    root = Path(shutil.copytree(SCRIPTS_DIR, tmp_path / "scripts", ignore=shutil.ignore_patterns("__pycache__")))
    package = root / "mallorn_tde" / "simulate"
    modules = {f"mallorn_tde/simulate/{p.name}" for p in package.glob("*.py")}
    assert len(modules) > 1 and modules <= set(names(source_files("simulate.py", root=root), root))
    before = code_digest("simulate.py", root=root)
    with open(package / "models.py", "a") as handle:
        handle.write("# an edit\n")
    code_digest.cache_clear()
    assert code_digest("simulate.py", root=root) != before


# Conda package of each third-party module the scripts import, where the names differ.
CONDA_NAMES = {"sklearn": "scikit-learn", "light_curve": "light-curve-python", "matplotlib": "matplotlib-base"}
# Pinned where no code imports them: what the imported libraries compute with (its version moves results).
PINNED_FOR_RESULTS = {"scipy"}


def test_each_rules_environment_holds_what_its_code_imports_and_no_more_than_the_rules_need():
    """The conda environment of a rule (envs/*.yaml) pins every third-party package that the rule's script and the
    modules it imports import (at any depth, function-local imports included), and each environment's packages are
    used by one of its rules."""
    import ast
    import re

    import yaml

    repo = SCRIPTS_DIR.parents[1]
    needed = {}
    for path in sorted((repo / "workflow" / "rules").glob("*.smk")):
        for block in re.split(r"^(?=rule \w+:)", path.read_text(), flags=re.M):
            env = re.search(r'conda:\s*\n\s+"\.\./\.\./envs/(\w+)\.yaml"', block)
            script = re.search(r'script:\s*\n\s+"\.\./scripts/([\w.]+)"', block)
            if not (env and script):
                continue
            entry_points = [script.group(1)]
            if script.group(1) == "extract.py":  # the feature sets are imported by name (see test above)
                entry_points += [
                    p.relative_to(SCRIPTS_DIR) for p in (SCRIPTS_DIR / "mallorn_tde/features").glob("*.py")
                ]
            for file in source_files(*entry_points):
                for node in ast.walk(ast.parse(file.read_text())):
                    modules = [a.name for a in node.names] if isinstance(node, ast.Import) else []
                    if isinstance(node, ast.ImportFrom) and not node.level:
                        modules = [node.module]
                    for module in modules:
                        top = module.split(".")[0]
                        if top not in sys.stdlib_module_names and top not in ("mallorn_tde", "__future__"):
                            needed.setdefault(env.group(1), set()).add(CONDA_NAMES.get(top, top))
    for env, packages in needed.items():
        spec = yaml.safe_load((repo / "envs" / f"{env}.yaml").read_text())
        pinned = {d.split("=")[0] for d in spec["dependencies"]} - {"python"}
        assert packages <= pinned, f"envs/{env}.yaml lacks {sorted(packages - pinned)}"
        unused = pinned - packages - PINNED_FOR_RESULTS
        assert not unused, f"envs/{env}.yaml pins {sorted(unused)}, which none of its rules imports"
