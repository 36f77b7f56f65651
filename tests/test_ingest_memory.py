"""benchmarks/ingest_memory.py: the logs it writes are valid challenge logs, split as it says."""

import importlib
import sys

from conftest import REPO

from mallorn_tde.catalog import split_catalog, validated_logs

sys.path.insert(0, str(REPO / "benchmarks"))
ingest_memory = importlib.import_module("ingest_memory")


def test_written_logs_pass_validation_in_splits_of_5000(tmp_path):
    train, test = tmp_path / "train_log.csv", tmp_path / "test_log.csv"
    ingest_memory.write_log(train, 300, "train", 1)
    ingest_memory.write_log(test, 12_000, "test", 2)
    logs = validated_logs(train, test)
    assert len(logs["train"]) == 300 and len(logs["test"]) == 12_000
    assert logs["test"]["split"].value_counts().to_dict() == {
        "split_0001": 5_000,
        "split_0002": 5_000,
        "split_0003": 2_000,
    }
    assert len(split_catalog(train, test, "test", "split_0001")) == 5_000
    assert ingest_memory.measure(train, test, whole=False)["rows"] == 5_000
