"""Self-contained HTML pages with sortable tables, as the report's tables are shown.

Snakemake's report shows an HTML item in a frame of its own, so every table is one page with its own style
and a few lines of script that sort a table by the clicked column (no library, nothing fetched). The tables'
content is made in :mod:`mallorn_tde.report`; this module only lays it out and formats numbers.
"""

from __future__ import annotations

import html
import math

import numpy as np
import pandas as pd

_STYLE = """
body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; font-size: 13px; margin: 12px; color: #1e293b; }
h1 { font-size: 18px; margin: 0 0 6px 0; }
h2 { font-size: 15px; margin: 18px 0 4px 0; }
p.intro { max-width: 60em; margin: 4px 0 8px 0; }
table { border-collapse: collapse; }
th, td { border-bottom: 1px solid #e2e8f0; padding: 3px 8px; text-align: left; vertical-align: top; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
th { background: #f1f5f9; position: sticky; top: 0; }
table.sortable th { cursor: pointer; user-select: none; }
table.sortable th::after { content: " \\2195"; color: #94a3b8; }
table.sortable th.asc::after { content: " \\25B2"; color: #1e293b; }
table.sortable th.desc::after { content: " \\25BC"; color: #1e293b; }
tr.highlight td { background: #fef3c7; }
tfoot td { font-weight: 600; border-top: 2px solid #94a3b8; }
td.how { max-width: 48em; color: #475569; }
"""


# Sorts the rows of a table.sortable by the clicked header: numbers (a cell's data-sort) numerically, the
# rest as text; empty cells last in both directions. A second click reverses the order.
_SORT_SCRIPT = """
function sortTable(th) {
  const table = th.closest("table");
  const column = Array.from(th.parentNode.children).indexOf(th);
  const ascending = !th.classList.contains("asc");
  table.querySelectorAll("th").forEach(h => h.classList.remove("asc", "desc"));
  th.classList.add(ascending ? "asc" : "desc");
  const body = table.tBodies[0];
  const key = row => {
    const cell = row.children[column];
    const raw = cell.dataset.sort !== undefined ? cell.dataset.sort : cell.textContent.trim();
    return raw;
  };
  const numeric = th.dataset.type === "num";
  const rows = Array.from(body.rows);
  rows.sort((a, b) => {
    const x = key(a), y = key(b);
    if (x === "" || y === "") return (x === "") - (y === "");
    const order = numeric ? Number(x) - Number(y) : x.localeCompare(y);
    return ascending ? order : -order;
  });
  rows.forEach(row => body.appendChild(row));
}
document.querySelectorAll("table.sortable th").forEach(th => th.addEventListener("click", () => sortTable(th)));
"""


def _cell(value, fmt) -> str:
    """One <td>: numbers right-aligned, with their exact value in data-sort; NaN and None empty."""
    if isinstance(value, (bool, np.bool_)):
        return f"<td>{'yes' if value else 'no'}</td>"
    if isinstance(value, (int, float, np.integer, np.floating)):
        number = float(value)
        if not math.isfinite(number):
            return '<td class="num" data-sort=""></td>'
        text = fmt(value) if fmt else (f"{int(value):,}" if float(value).is_integer() else f"{number:.4g}")
        return f'<td class="num" data-sort="{number!r}">{html.escape(text)}</td>'
    if value is None or (isinstance(value, str) and value == ""):
        return '<td data-sort=""></td>'
    return f"<td>{html.escape(str(value))}</td>"


def html_table(
    table: pd.DataFrame,
    formats: dict | None = None,
    sortable: bool = True,
    table_id: str | None = None,
    highlight: pd.Series | None = None,
    classes: dict | None = None,
    footer: int = 0,
) -> str:
    """A DataFrame as an HTML table; ``formats`` maps a column to a function that formats one value.

    ``highlight``: a boolean per row, rows marked are shaded. ``classes`` maps a column to a CSS class of its
    cells. The last ``footer`` rows (totals) go to the table's foot, where sorting leaves them.
    """
    formats = formats or {}
    classes = classes or {}
    numeric = {c: pd.api.types.is_numeric_dtype(table[c]) and not pd.api.types.is_bool_dtype(table[c]) for c in table}
    head = "".join(
        f'<th data-type="{"num" if numeric[c] else "text"}">{html.escape(str(c))}</th>' for c in table.columns
    )
    rows = []
    marks = highlight.to_numpy() if highlight is not None else np.zeros(len(table), bool)
    for values, mark in zip(table.itertuples(index=False, name=None), marks):
        cells = []
        for column, value in zip(table.columns, values):
            cell = _cell(value, formats.get(column))
            if column in classes:
                cell = cell.replace("<td", f'<td class="{classes[column]}"', 1)
            cells.append(cell)
        opening = '<tr class="highlight">' if mark else "<tr>"
        rows.append(f"{opening}{''.join(cells)}</tr>")
    attributes = (f' id="{table_id}"' if table_id else "") + (' class="sortable"' if sortable else "")
    body, foot = (rows[: len(rows) - footer], rows[len(rows) - footer :]) if footer else (rows, [])
    foot_html = f"<tfoot>{''.join(foot)}</tfoot>" if foot else ""
    return f"<table{attributes}><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody>{foot_html}</table>"


def html_page(title: str, sections: list[tuple[str, str, str]], intro: str = "") -> str:
    """A self-contained page: a title, an introduction, then (heading, paragraph, table html) sections."""
    parts = [f"<h1>{html.escape(title)}</h1>"]
    if intro:
        parts.append(f'<p class="intro">{intro}</p>')
    for heading, text, table in sections:
        if heading:
            parts.append(f"<h2>{html.escape(heading)}</h2>")
        if text:
            parts.append(f'<p class="intro">{text}</p>')
        parts.append(table)
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>{html.escape(title)}</title><style>{_STYLE}</style></head>\n<body>\n"
        + "\n".join(parts)
        + f"\n<script>{_SORT_SCRIPT}</script>\n</body></html>\n"
    )


def fixed(digits: int):
    """A formatter of numbers with ``digits`` decimals."""
    return lambda v: f"{v:.{digits}f}"


def probability_text(p: float) -> str:
    """A probability as a reader compares them: 4 decimals, and the distance from 1 when closer than that (a
    probability of exactly 1, which a calibrated one may be, is 1)."""
    if p >= 1:
        return "1"
    return f"1 - {1 - p:.0e}" if p > 0.9999 else f"{p:.4f}"
