# Configuration checks, split discovery and input functions shared by the rules files.
import csv
import hashlib
import re
import sys
from functools import cache
from pathlib import Path

from snakemake.exceptions import WorkflowError
from snakemake.utils import validate

sys.path.insert(0, str(Path(workflow.current_basedir).parent / "scripts"))
from mallorn_tde.constants import (
    FINAL_SCOPE,
    FOLD_SCOPE_PATTERN,
    SAMPLE_SUBMISSION,
    SCOPE_PATTERN,
    SIDES,
    SPLIT_PATTERN,
    lightcurve_filename,
    log_filename,
    scope_names,
    split_name,
)
from mallorn_tde.runlock import FolderInUse, hold
from mallorn_tde.sources import code_digest

validate(config, "../schemas/config.schema.yaml")

SIMULATED_DIR = "results/simulated"
SIMULATED_SPLITS = [split_name(i) for i in range(1, config["simulate"]["n_splits"] + 1)]
DATA_DIR = config["data_dir"].rstrip("/")
USES_SIMULATED = Path(DATA_DIR).resolve() == Path(SIMULATED_DIR).resolve()
N_FOLDS = config["cv"]["n_folds"]
SCOPES = scope_names(N_FOLDS)
FOLD_SCOPES = [scope for scope in SCOPES if scope != FINAL_SCOPE]

# Files that rules of more than one stage name, each written out once here (the others are named through
# rules.<rule>.output). The {...} are the wildcards of the rule that makes the file.
CATALOG = "results/catalog/{side}/{split}.parquet"
LIGHTCURVES = "results/lightcurves/{side}/{split}.parquet"
SET_FEATURES = "results/features/{set}/{side}/{split}.parquet"
FEATURES = "results/features/{side}.parquet"
TRAIN_FEATURES = FEATURES.format(side="train")
SPLIT_PROBABILITIES = "results/predictions/{split}.parquet"
FOLD_TABLE = "results/cv/folds.tsv"
SELECTED = "results/model/{scope}/selected_features.txt"
SELECTION_COUNTS = "results/model/{scope}/selection.json"
TUNING = "results/model/{scope}/tuning.json"
# The chosen parameters' pooled inner out-of-fold P(TDE) on the scope's training part (object_id, target, probability).
INNER_PROBABILITIES = "results/model/{scope}/inner_probabilities.csv"

RUN_LOCK = "results/.run.lock"


# One run at a time in this folder (see mallorn_tde.runlock; the profiles switch Snakemake's own lock off,
# as it outlives a killed run). Snakemake calls this only in the run that is about to execute jobs: not in
# dry runs, and not in cluster job steps (which are started with --no-hooks).
onstart:
    try:
        hold(RUN_LOCK)
    except FolderInUse as error:
        raise WorkflowError(str(error)) from None


wildcard_constraints:
    split=SPLIT_PATTERN,
    side="|".join(SIDES),
    scope=SCOPE_PATTERN,


# Which ready jobs get the cores first when there are more than cores (all others have priority 0): the
# training side's per-split jobs and the model chain built on them (folds, selection, studies, fits, the
# out-of-fold metrics) before the test side's per-split jobs, which only the prediction needs. The studies are
# few, long and of uneven length; the test side's many short extraction jobs then fill a core whenever the
# chain has fewer ready jobs than cores, instead of the last study running beside an idle core.
MODEL_CHAIN_PRIORITY = 1


# Job groups: on a cluster (groups are inactive in a local run), the jobs of one group that depend on each other
# run as one cluster job, and --group-components N puts N such chains into one job (profiles/slurm sets them).
# The executor's latency per job (about 40 s through the Slurm profile, BENCHMARKS.md) then counts once per
# chain instead of once per job.
# - train_split, test_split: one split's chain, ingest -> extract (-> predict on the test side). Two names, so that
#   a job never holds a training split (which the model needs) with a test split (which needs the model).
# - folds: the training side's merge and the fold table, back to back.
# - model: each scope's select_features -> tune -> fit_predict_fold (fold_k) or fit_final (final).
# - results: metrics -> submission -> candidates and their lightcurves, back to back at the end of a run. The
#   report's other items stay jobs of their own: grouped, several would run at once and the group job would ask
#   for the sum of their CPUs, more than a small node has (Slurm then never starts it).
TEST_SPLIT_GROUP = "test_split"
FOLDS_GROUP = "folds"
MODEL_GROUP = "model"
RESULTS_GROUP = "results"


def split_group(wildcards):
    """The group of a per-split job: train_split or test_split."""
    return f"{wildcards.side}_split"


def side_priority(wildcards):
    """Priority of a per-split or per-side job: :data:`MODEL_CHAIN_PRIORITY` for the training side."""
    return MODEL_CHAIN_PRIORITY if wildcards.side == "train" else 0


def data_file(name):
    """A top-level file of the data set (train_log.csv, test_log.csv, sample_submission.csv)."""
    return f"{DATA_DIR}/{name}"


@cache
def log_rows(side):
    """A real data set's log, split name -> that split's rows (csv module: cheap at parse time), read once.

    It serves the check of the split folders (:func:`discover_splits`) and the digests of the ingest jobs'
    catalogue rows (:func:`catalog_digest`). Empty for the simulated set, whose logs do not exist before it is
    simulated.
    """
    if USES_SIMULATED:
        return {}
    path = data_file(log_filename(side))
    with open(path, newline="") as handle:
        reader = csv.DictReader(handle)
        if reader.fieldnames is None or "split" not in reader.fieldnames:
            raise WorkflowError(f"{path}: missing column 'split'")
        rows = {}
        for row in reader:
            rows.setdefault(row["split"], []).append(row)
    return rows


def discover_splits():
    """Split folders of the data set per side: from config for the simulated set, else from the folder itself.

    A real data folder is checked here, before any job runs: it must exist, hold both logs, and every
    split named in a log must have its folder with that side's lightcurve file. A split of one side is a folder
    with that side's file: a survey's new test objects come as a folder with only test_full_lightcurves.csv
    (and their rows in test_log.csv), which adds that split's test jobs and touches no training job.
    """
    if USES_SIMULATED:
        return {side: SIMULATED_SPLITS for side in SIDES}
    root = Path(DATA_DIR)
    if not root.is_dir():
        raise WorkflowError(f"config key 'data_dir': folder '{DATA_DIR}' does not exist")
    missing = [log_filename(side) for side in SIDES if not (root / log_filename(side)).is_file()]
    if missing:
        raise WorkflowError(f"config key 'data_dir': '{DATA_DIR}' has no {' or '.join(missing)}")
    splits = sorted(p.name for p in root.iterdir() if p.is_dir() and re.fullmatch(SPLIT_PATTERN, p.name))
    if not splits:
        raise WorkflowError(f"config key 'data_dir': '{DATA_DIR}' has no split_XX folders")
    for side in SIDES:
        unknown = sorted(set(log_rows(side)) - set(splits))
        if unknown:
            raise WorkflowError(
                f"{root / log_filename(side)}: column 'split' names {unknown}, which have no folder in '{DATA_DIR}'"
            )
    found = {side: [s for s in splits if (root / s / lightcurve_filename(side)).is_file()] for side in SIDES}
    # A file is missing when its side's log names the split, or when the folder holds neither side's file.
    absent = [
        str(root / s / lightcurve_filename(side))
        for s in splits
        for side in SIDES
        if s not in found[side] and (s in log_rows(side) or not any(s in found[other] for other in SIDES))
    ]
    if absent:
        raise WorkflowError("missing lightcurve file(s): " + ", ".join(absent))
    return found


# Split names of each side: the same on both sides of the challenge's layout and of the simulated set.
SIDE_SPLITS = discover_splits()
TRAIN_SPLITS = SIDE_SPLITS["train"]
TEST_SPLITS = SIDE_SPLITS["test"]


def lightcurve_file(wildcards):
    return f"{DATA_DIR}/{wildcards.split}/{lightcurve_filename(wildcards.side)}"


def log_inputs(wildcards):
    """Both logs, for an ingest job's catalogue (it checks that they share no object).

    A real data set's logs are ancient(): the catalogue of a split depends on that split's rows
    (:func:`catalog_digest`), not on the files' times. The simulated set's logs are written by the simulate
    job, whose reruns must reach every split, so they stay plain inputs.
    """
    logs = {f"{side}_log": data_file(log_filename(side)) for side in SIDES}
    return logs if USES_SIMULATED else {name: ancient(path) for name, path in logs.items()}


def catalog_digest(wildcards):
    """What one split's catalogue is computed from, besides the code: its log rows and the redshift setting.

    Photometric-like training redshifts are drawn over the whole training log with an error model from the
    whole test log, so in that mode every training split depends on both logs.
    """
    redshift = config["redshift"]
    parts = [redshift["train"]]
    if wildcards.side == "train" and redshift["train"] == "photometric":
        parts += [redshift["seed"], log_rows("train"), log_rows("test")]
    else:
        parts.append(log_rows(wildcards.side).get(wildcards.split, ""))
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:16]


def split_catalogs(wildcards):
    return expand(CATALOG, side=wildcards.side, split=SIDE_SPLITS[wildcards.side])


def split_features(wildcards):
    return expand(SET_FEATURES, set=config["features"]["sets"], side=wildcards.side, split=SIDE_SPLITS[wildcards.side])


def extraction_settings():
    """What the extraction depends on besides the code: the configured sets, and tsfresh's settings if it is one."""
    features = config["features"]
    tsfresh = {key: features[key] for key in ("tsfresh", "tsfresh_series")} if "tsfresh" in features["sets"] else {}
    return {"sets": features["sets"], **tsfresh}


def extract_code():
    """Code of the extraction: the script, what it imports, and each configured set's module (imported by name)."""
    return code_digest("extract.py", *(f"mallorn_tde/features/{s}.py" for s in config["features"]["sets"]))


def scope_folds(wildcards):
    """The fold table for a fold's scope; the final fit uses every training object and needs none."""
    return [] if wildcards.scope == FINAL_SCOPE else [FOLD_TABLE]


def sample_submission(wildcards):
    """The data set's sample submission, when it has one, fixes the row order of ours."""
    path = data_file(SAMPLE_SUBMISSION)
    return [path] if USES_SIMULATED or Path(path).is_file() else []


def test_side_size():
    """Objects of the test side (rows of its log; for the simulated set, as configured), to which metrics.json
    scales its out-of-fold list lengths. A param: a test side of another size reruns the metrics job."""
    if USES_SIMULATED:
        return config["simulate"]["n_splits"] * config["simulate"]["test_per_split"]
    return sum(len(rows) for rows in log_rows("test").values())


# Rules of report.smk: they make the report's figures and tables and are left out of its runtime table.
REPORT_RULES = [
    "plot_cv",
    "metrics_table",
    "candidates",
    "plot_candidate_lightcurves",
    "plot_error_lightcurves",
    "plot_importance",
    "data_summary",
    "runtime",
]
