"""An ingest job's catalogue step against the length of the test log: peak memory and time of one split's catalogue.

    python benchmarks/ingest_memory.py --rows 10000 1000000 10000000 --workdir WORKDIR

For each N, writes a training log of 2,500 objects and a test log of N objects in splits of 5,000 (valid rows
of the challenge's layout) into WORKDIR, then builds one test split's catalogue in a fresh Python process, as an
``ingest`` job does (``split_catalog``: the logs read in chunks), and, for comparison, reads and validates both
whole logs (``validated_logs``, what every ingest job did before). Prints the peak RSS (the process's
``ru_maxrss``, the interpreter and its imports included) and wall time of each, as Markdown.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

SCRIPTS = Path(__file__).resolve().parent.parent / "workflow" / "scripts"
SPLIT_SIZE = 5_000
TRAIN_OBJECTS = 2_500
HEADER = "object_id,Z,Z_err,EBV,SpecType,English Translation,split"

# Run in a fresh interpreter, so that its peak RSS is this step's alone.
_CHILD = """
import json, resource, sys, time
sys.path.insert(0, {scripts!r})
from mallorn_tde.catalog import split_catalog, validated_logs
started = time.perf_counter()
if {whole!r}:
    rows = len(validated_logs({train!r}, {test!r})["test"])
else:
    rows = len(split_catalog({train!r}, {test!r}, "test", "split_0001"))
print(json.dumps({{"rows": rows, "s": time.perf_counter() - started,
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}}))
"""


def write_log(path: Path, n: int, side: str, seed: int) -> None:
    """``n`` valid rows of one side's log, in splits of :data:`SPLIT_SIZE`, written 100,000 rows at a time."""
    rng = np.random.default_rng(seed)
    with open(path, "w") as handle:
        handle.write(HEADER + (",target\n" if side == "train" else "\n"))
        for start in range(0, n, 100_000):
            ids = np.arange(start, min(start + 100_000, n))
            z = rng.uniform(0.05, 2.0, len(ids))
            ebv = rng.uniform(0.0, 0.2, len(ids))
            lines = []
            for i, zi, ei in zip(ids, z, ebv):
                split = f"split_{i // SPLIT_SIZE + 1:04d}"
                if side == "train":
                    lines.append(f"tr_{i},{zi:.4f},,{ei:.3f},AGN,Calen + Ithil,{split},0\n")
                else:
                    lines.append(f"te_{i},{zi:.4f},{0.02 * (1 + zi):.4f},{ei:.3f},,Calen + Ithil,{split}\n")
            handle.writelines(lines)


def measure(train: Path, test: Path, whole: bool) -> dict:
    code = _CHILD.format(scripts=str(SCRIPTS), train=str(train), test=str(test), whole=whole)
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True).stdout
    return json.loads(out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, nargs="+", required=True, help="test log lengths")
    parser.add_argument("--workdir", type=Path, required=True)
    args = parser.parse_args()
    args.workdir.mkdir(parents=True, exist_ok=True)
    train = args.workdir / "train_log.csv"
    write_log(train, TRAIN_OBJECTS, "train", 1)
    print("| test log rows | file MB | one split's catalogue, in chunks: peak MB, s | both whole logs: peak MB, s |")
    print("|---:|---:|---:|---:|")
    for n in args.rows:
        test = args.workdir / f"test_log_{n}.csv"
        started = time.perf_counter()
        write_log(test, n, "test", 2)
        print(f"wrote {test} in {time.perf_counter() - started:.0f} s", file=sys.stderr)
        split = measure(train, test, whole=False)
        assert split["rows"] == min(SPLIT_SIZE, n)
        cells = [f"{n:,}", f"{test.stat().st_size / 1e6:,.0f}", f"{split['peak_mb']:,.0f}, {split['s']:.1f}"]
        whole = measure(train, test, whole=True)
        cells.append(f"{whole['peak_mb']:,.0f}, {whole['s']:.1f}")
        print("| " + " | ".join(cells) + " |", flush=True)
        test.unlink()


if __name__ == "__main__":
    main()
