"""What a one-split data change costs: time the rebuild after editing one split's test file, then its train file.

    python benchmarks/rebuild.py link SOURCE LINKS      # LINKS: a folder of symlinks to the data in SOURCE
    python benchmarks/time_run.py RUN -- --config data_dir=LINKS   # the full run, timed
    python benchmarks/rebuild.py time RUN LINKS [--split split_01]

``time`` checks that the run in RUN has nothing left to do, then, for the test side and then the train side,
replaces ``LINKS/<split>/<side>_full_lightcurves.csv`` (a symlink) by a copy with one flux value changed
(the source data is never written), runs ``snakemake --cores 2 --config data_dir=LINKS`` in RUN and prints
the wall and CPU time and the jobs per rule of each rebuild, as a Markdown table for BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import csv
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO / "benchmarks"), str(REPO / "tests")]

from time_run import run_timed, snakemake_command  # noqa: E402
from workflow_helpers import job_counts  # noqa: E402


def link(source: Path, links: Path) -> None:
    """A folder of symlinks to every file of ``source`` (its split folders as real folders)."""
    links.mkdir(parents=True)
    for item in sorted(source.iterdir()):
        if item.is_dir():
            (links / item.name).mkdir()
            for file in sorted(item.iterdir()):
                (links / item.name / file.name).symlink_to(file.resolve())
        else:
            (links / item.name).symlink_to(item.resolve())


def edit_one_flux(path: Path) -> None:
    """Replace the symlink ``path`` by a copy of its target with the first non-empty Flux increased by 0.5."""
    if not path.is_symlink():
        raise SystemExit(f"{path} is not a symlink: refusing to edit data in place (make LINKS with 'link')")
    with open(path.resolve(), newline="") as handle:
        rows = list(csv.reader(handle))
    column = rows[0].index("Flux")
    row = next(r for r in rows[1:] if r[column] != "")
    row[column] = repr(float(row[column]) + 0.5)
    path.unlink()
    with open(path, "w", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)


def plan(workdir: Path, *args: str) -> dict[str, int]:
    """The jobs per rule that ``snakemake -n`` plans in ``workdir``."""
    result = subprocess.run(snakemake_command(2, extra=("-n", *args)), cwd=workdir, capture_output=True, text=True)
    if result.returncode != 0:
        raise SystemExit(f"snakemake -n {' '.join(args)} failed:\n{result.stderr[-3000:]}")
    return job_counts(result.stdout)


def time_rebuilds(workdir: Path, links: Path, split: str) -> None:
    config = ("--config", f"data_dir={links.resolve()}")
    if plan(workdir, *config):
        raise SystemExit(f"{workdir}: the run is not finished (snakemake -n plans jobs); finish it first")
    print("| change | wall time | CPU time | jobs |\n|---|---:|---:|---|")
    for side in ("test", "train"):
        edit_one_flux(links / split / f"{side}_full_lightcurves.csv")
        planned = plan(workdir, *config)
        timed = run_timed(snakemake_command(2, extra=config), workdir, workdir / f"rebuild-{side}.log")
        jobs = ", ".join(f"{rule} {n}" for rule, n in planned.items() if rule != "all")
        change = f"one flux value in {split}/{side}_full_lightcurves.csv"
        print(f"| {change} | {timed['wall_s']:.0f} s | {timed['cpu_s']:.0f} s | {jobs} |", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    make = commands.add_parser("link", help="make a folder of symlinks to a data folder")
    make.add_argument("source", type=Path)
    make.add_argument("links", type=Path)
    timed = commands.add_parser("time", help="time the rebuilds after one-split edits in a finished run")
    timed.add_argument("workdir", type=Path)
    timed.add_argument("links", type=Path)
    timed.add_argument("--split", default="split_01")
    args = parser.parse_args()
    if args.command == "link":
        link(args.source, args.links)
    else:
        time_rebuilds(args.workdir, args.links, args.split)


if __name__ == "__main__":
    main()
