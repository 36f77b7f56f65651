"""benchmarks/ablation.py: the training side's extraction CPU of each set, from the extraction jobs' logs."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))

from ablation import extraction_cpu  # noqa: E402

from mallorn_tde.features import SET_CPU_LINE  # noqa: E402


def extraction_log(cache: Path, side: str, split: str, cpu: dict[str, float]) -> None:
    """A log as workflow/scripts/extract.py writes it (mallorn_tde.logs' format): progress, then a line per set."""
    path = cache / "results" / "logs" / "extract" / side / f"{split}.log"
    path.parent.mkdir(parents=True, exist_ok=True)
    stamp = "2026-11-30 16:00:00,000 INFO mallorn_tde:"
    lines = []
    for name, seconds in cpu.items():
        lines.append(f"{stamp} {name}: 100/120 objects, 3 s elapsed, about 1 s to go")
        lines.append(f"{stamp} {SET_CPU_LINE % (name, 120, 60, seconds)}")
    lines.append(f"{stamp} job resources: 99.00 CPU s (user + system, this process and its children), peak RSS 1.0 MB")
    path.write_text("\n".join(lines) + "\n")


def test_extraction_cpu_sums_the_training_sides_lines_of_the_asked_sets(tmp_path):
    main, other = tmp_path / "cache", tmp_path / "cache-efficient"
    extraction_log(main, "train", "split_01", {"physics": 0.25, "gp": 10.5, "tsfresh": 3.0})
    extraction_log(main, "train", "split_02", {"physics": 0.75, "gp": 20.0, "tsfresh": 4.0})
    extraction_log(main, "test", "split_01", {"physics": 9.0, "gp": 90.0, "tsfresh": 9.0})
    extraction_log(other, "train", "split_01", {"tsfresh": 100.0})
    where = {"physics": main, "gp": main, "tsfresh": other}
    assert extraction_cpu(where, ["physics", "gp"]) == 0.25 + 10.5 + 0.75 + 20.0
    assert extraction_cpu(where, ["tsfresh"]) == 100.0
