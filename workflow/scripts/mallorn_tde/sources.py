"""What code a workflow script runs, so that an edit of it reruns the jobs that ran it.

Snakemake reruns a job when its rule's script file changes, but not when a module that the script imports
does. Every rule therefore passes ``params: code=code_digest(script)``: a digest of the script and of every
``mallorn_tde`` module it imports, found by reading the import statements (directly and transitively, at
any depth of the code), so a new import is followed without being declared anywhere. A module that is
imported by a computed name (the feature sets, see :mod:`mallorn_tde.features`) is not seen by reading;
the rule that runs it names it as an extra entry point.
"""

from __future__ import annotations

import ast
import hashlib
from functools import cache
from pathlib import Path

SCRIPTS_DIR = Path(__file__).resolve().parents[1]
PACKAGE = "mallorn_tde"


def _module_file(name: str, root: Path) -> Path | None:
    """The file of a dotted module name of the package, or None (a third-party module or a name in a module)."""
    if name != PACKAGE and not name.startswith(PACKAGE + "."):
        return None
    base = root.joinpath(*name.split("."))
    for candidate in (base / "__init__.py", base.with_suffix(".py")):
        if candidate.is_file():
            return candidate
    return None


def _module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imported_names(path: Path, root: Path) -> set[str]:
    """Dotted names of the modules (and, for ``from m import x``, of m.x too) that ``path`` imports."""
    tree = ast.parse(path.read_text(), filename=str(path))
    is_package = path.name == "__init__.py"
    own = _module_name(path, root) if path.is_relative_to(root / PACKAGE) else ""
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                parts = own.split(".") if own else []
                parts = parts if is_package else parts[:-1]
                base = ".".join(parts[: len(parts) - (node.level - 1)] + ([node.module] if node.module else []))
            else:
                base = node.module or ""
            names.add(base)
            names.update(f"{base}.{alias.name}" for alias in node.names)
    # Importing a.b.c runs the packages a and a.b first.
    return {".".join(name.split(".")[:i]) for name in names for i in range(1, name.count(".") + 2)}


def source_files(*entry_points: str | Path, root: Path = SCRIPTS_DIR) -> list[Path]:
    """The entry files (relative to ``root``) and every package module they import, sorted."""
    todo = [root / p for p in entry_points]
    missing = [str(p) for p in todo if not p.is_file()]
    if missing:
        raise FileNotFoundError(f"no such script or module: {', '.join(missing)}")
    seen: set[Path] = set()
    while todo:
        path = todo.pop()
        if path in seen:
            continue
        seen.add(path)
        for name in _imported_names(path, root):
            module = _module_file(name, root)
            if module is not None and module not in seen:
                todo.append(module)
    return sorted(seen)


@cache
def code_digest(*entry_points: str, root: Path = SCRIPTS_DIR) -> str:
    """A short digest of the text of :func:`source_files`: it changes when any of them changes, and only then."""
    digest = hashlib.sha256()
    for path in source_files(*entry_points, root=root):
        digest.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]
