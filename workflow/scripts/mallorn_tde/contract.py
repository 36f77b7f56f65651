"""The data contract: every column of every input file, what a good value is, and what happens to a bad one.

:data:`CONTRACT` is the one statement of it. The per-value checks (type, finiteness, range, empty cells,
allowed values) are run from it by :func:`check_columns`; the checks that look across rows or files (unique
ids, objects in their log, repeated observations, SpecType against target) are in :mod:`mallorn_tde.ingest`
and :mod:`mallorn_tde.submission`, and their rows here say what they do. README.md's "Data contract" table is
:func:`markdown_table` (tests/test_ingest.py holds the two equal), and every row has a test there.

Every bad value raises :class:`InputError` naming the file, the column and up to ten object ids, before
anything is written; what does not stop a run is logged by the ingest job as a warning with its count.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from .constants import FILTERS, SPLIT_PATTERN

MAX_IDS_SHOWN = 10

# What an empty cell (or, for ``nonfinite``, an inf or -inf) does.
ERROR = "error"  # InputError naming file, column and objects
ALLOWED = "allowed"  # kept as NaN, nothing said
DROP_ROW = "drop row"  # the row is dropped; ingest warns with the count and the objects
MISSING = "missing"  # kept as NaN; ingest warns per split, naming the objects

EMPTY_TEXT = {
    ERROR: "no: error",
    ALLOWED: "yes",
    DROP_ROW: "yes: row dropped, warned",
    MISSING: "yes: warned, see otherwise",
}


class InputError(ValueError):
    """A problem in the user's input files that must be fixed before the workflow can go on."""


@dataclass(frozen=True)
class Column:
    """One column of one file: its checks (the fields after ``otherwise``) and the words the README shows."""

    name: str
    kind: str  # "text", "number" (parsed from text; anything else there is an error), or "row": a rule across rows
    allowed: str  # a good value, in words
    otherwise: str  # what a bad value does, in words
    empty: str = ERROR  # ERROR, ALLOWED, DROP_ROW or MISSING
    nonfinite: str = ERROR  # inf / -inf: ERROR, or MISSING (then counted as an empty cell)
    minimum: float | None = None  # numbers must be >= minimum (> minimum if ``strict``)
    strict: bool = False
    choices: tuple[str, ...] = ()  # the allowed values (after stripping spaces, for text)
    pattern: str | None = None  # text must match this regular expression in full
    required: bool = True  # False: the column may be absent


LOG_ID = Column(
    "object_id",
    "text",
    "not empty; unique in the file; not in the other log",
    "error naming the repeated ids, or the ids in both logs (a label would leak into the test side)",
)
LOG_Z_ERR = Column(
    "Z_err",
    "number",
    "finite; not a model input",
    "text or inf: error",
    empty=ALLOWED,
)
LOG_EBV = Column(
    "EBV",
    "number",
    "finite, >= 0 (Milky Way E(B-V), read off a dust map that covers the whole sky)",
    "error on both sides: a missing EBV is a broken file, not zero dust; uncorrected fluxes would make the "
    "object fainter and redder by an unknown amount",
    minimum=0.0,
)
LOG_SPLIT = Column(
    "split",
    "text",
    "split_ and digits, naming a folder of the data set",
    "error; a split named in a log without its folder stops the run before any job starts, and a folder "
    "that no log names stops its ingest jobs",
    pattern=SPLIT_PATTERN,
)
LOG_TRANSLATION = Column("English Translation", "text", "anything", "ignored", empty=ALLOWED)

TRAIN_LOG = (
    LOG_ID,
    Column(
        "Z",
        "number",
        "finite; >= 0 expected",
        "empty, text or inf: error (a labelled object with a made-up distance teaches the model something "
        "false); negative: kept with a warning, treated as z = 0",
    ),
    LOG_Z_ERR,
    LOG_EBV,
    Column(
        "SpecType",
        "text",
        "the class behind the label: 'TDE' exactly where target is 1",
        "error naming the objects where it disagrees with target (the multiclass model learns from it)",
        empty=ALLOWED,
    ),
    LOG_TRANSLATION,
    LOG_SPLIT,
    Column("target", "number", "0 or 1", "error", choices=("0", "1")),
)

TEST_LOG = (
    LOG_ID,
    Column(
        "Z",
        "number",
        "finite; >= 0 expected (photometric)",
        "empty or inf: still classified, with a warning naming it: Z, its distance and the features that "
        "need them (absolute magnitudes, blackbody radius and luminosity, rest-frame durations) are empty, the "
        "others are computed without the 1 + z correction, as for z = 0; text: error; negative: kept with a "
        "warning, treated as z = 0",
        empty=MISSING,
        nonfinite=MISSING,
    ),
    LOG_Z_ERR,
    LOG_EBV,
    Column("SpecType", "text", "anything (empty in the challenge's file)", "ignored", empty=ALLOWED),
    LOG_TRANSLATION,
    LOG_SPLIT,
)

SAMPLE_SUBMISSION_COLUMNS = (
    Column(
        "object_id",
        "text",
        "every object of test_log.csv once; fixes the submission's row order (without the file: the test log's order)",
        "error naming the repeated ids; ids missing or not in the test log: error at the submission step",
    ),
    Column("prediction", "text", "anything; may be absent", "ignored", empty=ALLOWED, required=False),
)

LIGHTCURVE_COLUMNS = (
    Column(
        "object_id",
        "text",
        "not empty; an object of this split's log of the same side",
        "error (an empty one is counted); a log object without rows, or only empty fluxes: warning, its "
        "features are empty and it is still classified",
    ),
    Column("Time (MJD)", "number", "finite", "error"),
    Column(
        "Flux",
        "number",
        "finite, any sign (microjansky, baseline-subtracted)",
        "empty: row dropped, warning counting the rows and naming the objects; text or inf: error",
        empty=DROP_ROW,
    ),
    Column("Flux_err", "number", "finite, > 0", "error (features weight by 1 / Flux_err)", minimum=0.0, strict=True),
    Column("Filter", "text", "one of u g r i z y (spaces around it ignored)", "error", choices=FILTERS),
    Column(
        "object_id + Time (MJD) + Filter",
        "row",
        "once per file (one exposure, one flux)",
        "repeated with the same Flux and Flux_err: the repeats are dropped, warning counting them and naming "
        "the objects; with another Flux or Flux_err: error (one exposure cannot have two fluxes, and which "
        "is right cannot be known)",
    ),
)

LIGHTCURVE_FILES = "split_XX/{train,test}_full_lightcurves.csv"

CONTRACT: dict[str, tuple[Column, ...]] = {
    "train_log.csv": TRAIN_LOG,
    "test_log.csv": TEST_LOG,
    "sample_submission.csv": SAMPLE_SUBMISSION_COLUMNS,
    LIGHTCURVE_FILES: LIGHTCURVE_COLUMNS,
}


def markdown_table() -> str:
    """The contract as README.md shows it."""
    lines = ["| file | column | type | allowed | empty | otherwise |", "|---|---|---|---|---|---|"]
    for key, columns in CONTRACT.items():
        for c in columns:
            empty = "-" if c.kind == "row" else EMPTY_TEXT[c.empty]
            lines.append(f"| `{key}` | `{c.name}` | {c.kind} | {c.allowed} | {empty} | {c.otherwise} |")
    return "\n".join(lines) + "\n"


def format_ids(ids) -> str:
    """Up to ten ids, then how many more, so an error stays readable for a whole broken file."""
    ids = list(dict.fromkeys(str(i) for i in ids))
    shown = ", ".join(ids[:MAX_IDS_SHOWN])
    more = len(ids) - MAX_IDS_SHOWN
    return shown + (f" (and {more} more)" if more > 0 else "")


def _existing_file(path) -> Path:
    path = Path(path)
    if not path.exists():
        raise InputError(f"{path}: file not found")
    if path.stat().st_size == 0:
        raise InputError(f"{path}: file is empty")
    return path


# Every cell as text (an empty cell as NaN), so a bad value is reported, not coerced.
_AS_TEXT = {"dtype": str, "keep_default_na": False, "na_values": [""]}


def read_csv(path) -> pd.DataFrame:
    """A file of the data set, every cell as text (an empty cell as NaN), so a bad value is reported, not coerced."""
    df = pd.read_csv(_existing_file(path), **_AS_TEXT)
    if df.empty:
        raise InputError(f"{path}: file has a header but no rows")
    return df


def read_csv_chunks(path, rows: int, columns: tuple[str, ...] | None = None):
    """``path`` read as :func:`read_csv` reads it (the same errors), in chunks of ``rows`` rows.

    ``columns``: only these are read (a column missing from the file is left out, not an error).
    """
    usecols = None if columns is None else (lambda name: name in columns)
    total = 0
    with pd.read_csv(_existing_file(path), **_AS_TEXT, usecols=usecols, chunksize=rows) as reader:
        for chunk in reader:
            total += len(chunk)
            yield chunk
    if total == 0:
        raise InputError(f"{path}: file has a header but no rows")


def require_columns(df: pd.DataFrame, expected, path) -> None:
    missing = [c for c in expected if c not in df.columns]
    if missing:
        unexpected = [c for c in df.columns if c not in expected]
        hint = f"; columns present but not expected: {unexpected}" if unexpected else ""
        raise InputError(f"{path}: missing column(s) {missing}; expected {list(expected)}{hint}")


def _fail(df, rows, path, column, what) -> None:
    raise InputError(f"{path}: column '{column}' {what} for object(s) {format_ids(df.loc[rows, 'object_id'])}")


def _number(df: pd.DataFrame, c: Column, path) -> pd.Series:
    raw = df[c.name]
    values = pd.to_numeric(raw.str.strip(), errors="coerce").astype(float)
    text = values.isna() & raw.notna()
    if text.any():
        _fail(df, text, path, c.name, f"has non-numeric values (e.g. {sorted(set(raw[text].head(3)))})")
    infinite = np.isinf(values)
    if infinite.any():
        if c.nonfinite == ERROR:
            examples = sorted(set(raw[infinite].str.strip().head(3)))
            _fail(df, infinite, path, c.name, f"has non-finite values (e.g. {examples})")
        values = values.mask(infinite)
    if c.empty == ERROR and raw.isna().any():
        _fail(df, raw.isna(), path, c.name, "has empty values")
    if c.minimum is not None:
        below = values <= c.minimum if c.strict else values < c.minimum
        if below.any():
            _fail(df, below, path, c.name, f"must be {'>' if c.strict else '>='} {c.minimum:g}, not")
    if c.choices:
        wrong = values.notna() & ~values.isin([float(v) for v in c.choices])
        if wrong.any():
            _fail(df, wrong, path, c.name, f"must be {' or '.join(c.choices)}, not")
    return values


def _text(df: pd.DataFrame, c: Column, path) -> pd.Series:
    values = df[c.name]
    empty = values.isna()
    if c.empty == ERROR and empty.any():
        if c.name == "object_id":
            raise InputError(f"{path}: column 'object_id' is empty in {int(empty.sum())} row(s)")
        _fail(df, empty, path, c.name, "has empty values")
    if c.choices:
        values = values.str.strip()
        unknown = ~values.isin(c.choices)
        if unknown.any():
            found = sorted(set(values[unknown].fillna("")))
            what = f"has unknown {c.name.lower()}(s) {found} (expected one of {list(c.choices)})"
            _fail(df, unknown, path, c.name, what)
    if c.pattern:
        wrong = values.notna() & ~values.fillna("").str.fullmatch(c.pattern)
        if wrong.any():
            found = sorted(set(values[wrong]))[:3]
            _fail(df, wrong, path, c.name, f"has value(s) {found} that do not match '{c.pattern}'")
    return values


def check_unique_ids(ids: pd.Series, path) -> None:
    """Each object once in a file (its ``object_id`` column): a repeated id is an error naming the ids."""
    dup = ids.duplicated(keep=False)
    if dup.any():
        raise InputError(f"{path}: column 'object_id' has duplicated ids: {format_ids(ids[dup])}")


def check_columns(df: pd.DataFrame, contract_key: str, path) -> pd.DataFrame:
    """``df`` (as :func:`read_csv` gives it) checked column by column against its contract.

    Returns the contract's columns, numbers as floats (an empty or MISSING cell as NaN), text as it was
    (stripped where the contract lists its values). The first broken rule raises :class:`InputError`.
    """
    columns = [c for c in CONTRACT[contract_key] if c.kind != "row"]
    require_columns(df, [c.name for c in columns if c.required], path)
    out = {}
    for c in columns:
        if c.name in df.columns:
            out[c.name] = _number(df, c, path) if c.kind == "number" else _text(df, c, path)
    return pd.DataFrame(out, index=df.index)
