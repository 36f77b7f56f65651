"""mallorn_tde.simulate.realism, and the realism of the simulated data set against the real MALLORN data.

The statistics and the comparison table are tested on a small simulated set; the comparison with the team's
copy of the real data skips when ../shared/mallorn is absent. Run with `-s` to see the side-by-side table
(BENCHMARKS.md, "The simulator's realism", keeps the current one).
"""

import pandas as pd
import pytest

from mallorn_tde import simulate as sim
from mallorn_tde.simulate import tables


def test_summary_statistics_and_compare_table(tmp_path):
    sim.simulate_dataset(tmp_path, n_splits=3, train_per_split=20, test_per_split=10, seed=5)
    stats = sim.summary_statistics(tmp_path)
    assert set(sim.TOLERANCES) <= set(stats)
    assert stats["negative test Z count"] == 1
    table = sim.compare_table(stats, stats)
    assert list(table.columns) == ["statistic", "real", "simulated", "tolerance", "ok"] and table["ok"].all()
    worse = dict(stats, **{"median EBV": stats["median EBV"] * 2})
    assert not sim.compare_table(stats, worse).set_index("statistic").loc["median EBV", "ok"]
    assert "| statistic |" in sim.table_markdown(table)


# A few thousand objects: large enough for stable statistics, small enough for well under a minute.
REALISM_SET = dict(n_splits=20, train_per_split=100, test_per_split=100, seed=20261129)


@pytest.fixture(scope="module")
def simulated(tmp_path_factory):
    out = tmp_path_factory.mktemp("realism")
    sim.simulate_dataset(out, **REALISM_SET)
    return out


def test_simulated_statistics_match_the_real_data(real_data, simulated, tmp_path):
    real = sim.summary_statistics(real_data)
    fake = sim.summary_statistics(simulated)
    table = sim.compare_table(real, fake)
    text = sim.table_markdown(table)
    (tmp_path / "realism_table.md").write_text(text + "\n")
    print(f"\nRealism: real data ({real_data}) vs simulated set {REALISM_SET}\n\n{text}\n")
    failed = table.loc[~table["ok"], "statistic"].tolist()
    assert not failed, f"outside tolerance: {failed}\n{text}"


def test_invented_names_share_nothing_with_the_real_data(real_data, simulated):
    real_logs = pd.concat([pd.read_csv(real_data / "train_log.csv"), pd.read_csv(real_data / "test_log.csv")])
    real_words = set(real_logs["object_id"].str.split("_").explode().str.lower())
    assert not real_words & {w.lower() for w in sim.VOCABULARY}
    real_glosses = {g.strip().lower() for t in real_logs["English Translation"] for g in t.split("+")}
    assert not real_glosses & {g.lower() for g in sim.GLOSSES}
    real_gloss_words = {w.strip("(),.") for g in real_glosses for w in g.replace(",", " ").split()}
    invented = {w.strip("()") for w in tables._NOUNS + tables._ADJECTIVES + tables._QUALIFIERS}
    assert not real_gloss_words & invented
    fake_ids = set(pd.read_csv(simulated / "train_log.csv")["object_id"])
    assert not fake_ids & set(real_logs["object_id"])


def test_simulated_layout_matches_the_real_files(real_data, simulated):
    for name in ("train_log.csv", "test_log.csv", "sample_submission.csv"):
        real_header = (real_data / name).open().readline()
        assert (simulated / name).open().readline() == real_header
    real_lc = (real_data / "split_01" / "train_full_lightcurves.csv").open().readline()
    assert (simulated / "split_01" / "train_full_lightcurves.csv").open().readline() == real_lc
    real_types = set(pd.read_csv(real_data / "train_log.csv")["SpecType"])
    assert set(sim.LABELS) == real_types
