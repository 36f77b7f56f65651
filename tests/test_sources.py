"""mallorn_tde.sources: the code a script runs, found by reading its imports."""

from __future__ import annotations

import shutil
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
