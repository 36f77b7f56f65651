"""Open a Snakemake report in headless Chromium and click through it as a reader would.

The report is one page whose items are shown by clicking: a category in the menu, then a subcategory, then
the eye button of an item's row. A copy of the report gets a script appended that does exactly that for
each item (or for one, before a screenshot) and writes what it found into the page, where ``--dump-dom``
shows it: whether the row was there, and whether the image decoded or the frame of an HTML item opened.
An HTML item's own page (a table) is opened by itself too, and its sortable tables are clicked.
"""

from __future__ import annotations

import base64
import json
import os
import re
import shutil
import signal
import subprocess
from pathlib import Path

CHROMIUM = Path("/usr/bin/chromium")

# Clicks through the menu to each item of ITEMS ([category, subcategory, label, path]) and records, per
# item, whether its row is listed, and what its eye button showed. SCREENSHOT: stop at that item, shown.
_CLICK_THROUGH = r"""
(async () => {
  const sleep = ms => new Promise(resolve => setTimeout(resolve, ms));
  const spans = () => Array.from(document.querySelectorAll("nav li > a > span, li > a > span"));
  const clickMenu = text => {
    const span = spans().find(s => s.textContent.trim() === text);
    if (span) span.parentElement.click();
    return Boolean(span);
  };
  const found = [];
  await sleep(500);
  for (const [category, subcategory, label, path] of ITEMS) {
    const record = {category, subcategory, label, path};
    app.setView({navbarMode: "menu"});
    await sleep(150);
    record.category_in_menu = clickMenu(category);
    await sleep(150);
    if (app.state.navbarMode === "category") {
      record.subcategory_in_menu = clickMenu(subcategory);
      await sleep(150);
    } else {
      record.subcategory_in_menu = app.state.subcategory === subcategory;
    }
    const row = Array.from(document.querySelectorAll("tr")).find(
      tr => tr.cells.length > 1 && tr.cells[0].textContent.trim() === label);
    record.row_listed = Boolean(row);
    const mime = results[path] ? results[path].mime_type : null;
    record.mime = mime;
    if (row) {
      const eye = row.querySelector("a");
      if (mime === "image/png" || mime === "image/svg+xml" || mime === "text/html") {
        eye.click();
        await sleep(600);
        if (mime === "text/html") {
          const frame = document.querySelector("iframe");
          record.shown = Boolean(frame && frame.src === results[path].data_uri);
          record.width = frame ? Math.round(frame.getBoundingClientRect().width) : 0;
          record.height = frame ? Math.round(frame.getBoundingClientRect().height) : 0;
        } else {
          const image = Array.from(document.querySelectorAll("img")).find(i => i.src === results[path].data_uri);
          if (image && !image.complete) await new Promise(r => image.addEventListener("load", r, {once: true}));
          record.shown = Boolean(image && image.complete && image.naturalWidth > 0);
          record.width = image ? image.naturalWidth : 0;
          record.height = image ? image.naturalHeight : 0;
        }
      } else {
        // Other files are offered for download by the eye button: it must link to the file's data.
        record.shown = eye.getAttribute("href") === results[path].data_uri && eye.hasAttribute("download");
      }
    }
    found.push(record);
    if (SCREENSHOT) break;
  }
  if (!SCREENSHOT) {
    const out = document.createElement("pre");
    out.id = "render-check";
    out.textContent = JSON.stringify(found);
    document.body.appendChild(out);
  }
})();
"""

# Inside an HTML item: every table's size and headers, and for a sortable one, the order of a numeric
# column after one click on its header and after a second.
_TABLE_CHECK = r"""
(async () => {
  const sleep = ms => new Promise(resolve => setTimeout(resolve, ms));
  await sleep(100);
  const tables = [];
  for (const table of document.querySelectorAll("table")) {
    const headers = Array.from(table.tHead.rows[0].cells);
    const record = {
      id: table.id,
      sortable: table.classList.contains("sortable"),
      headers: headers.map(h => h.textContent),
      rows: table.tBodies[0].rows.length,
      first_row: Array.from(table.tBodies[0].rows[0] ? table.tBodies[0].rows[0].cells : []).map(c => c.textContent),
    };
    const column = headers.findIndex(h => h.dataset.type === "num");
    if (record.sortable && column >= 0) {
      const values = () => Array.from(table.tBodies[0].rows).map(r => r.cells[column].dataset.sort)
        .filter(v => v !== "").map(Number);
      record.sorted_column = headers[column].textContent;
      headers[column].click();
      await sleep(50);
      record.after_one_click = values();
      headers[column].click();
      await sleep(50);
      record.after_two_clicks = values();
    }
    tables.push(record);
  }
  const out = document.createElement("pre");
  out.id = "render-check";
  out.textContent = JSON.stringify(tables);
  document.body.appendChild(out);
})();
"""


def _json_variable(page: str, name: str):
    match = re.search(rf"var {name} = (\{{.*?\}});\n", page, re.S)
    if not match:
        raise ValueError(f"no '{name}' in the report")
    return json.loads(match.group(1))


def report_items(report: Path) -> list[tuple[str, str, str, str]]:
    """(category, subcategory, label 'item', path) of every item of a report, from the data it embeds."""
    page = report.read_text(errors="replace")
    categories = _json_variable(page, "categories")
    results = _json_variable(page, "results")
    items = []
    for category, subcategories in categories.items():
        for subcategory, paths in subcategories.items():
            for path in paths:
                labels = results[path].get("labels") or {}
                items.append((category, subcategory, labels.get("item", results[path]["name"]), path))
    return items


def embedded_file(report: Path, path: str) -> bytes:
    """The bytes of a report item, decoded from the data URI the report carries."""
    results = _json_variable(report.read_text(errors="replace"), "results")
    return base64.b64decode(results[path]["data_uri"].split("base64,", 1)[1])


def _with_script(page: str, script: str) -> str:
    head, tail = page.rsplit("</body>", 1)  # the last one: the report's data may hold others
    return f"{head}<script>{script}</script>\n</body>{tail}"


def chromium(url: Path, *args: str, timeout: float = 90, attempts: int = 3) -> subprocess.CompletedProcess:
    """Headless Chromium on a local file (running as root needs --no-sandbox); stdout is the DOM with --dump-dom.

    Headless Chromium with a virtual-time budget now and then never exits on a loaded machine; such a run
    is stopped (with the helper processes it started) after ``timeout`` seconds and tried again.
    """
    command = [
        str(CHROMIUM),
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--hide-scrollbars",
        "--virtual-time-budget=30000",
        *args,
        url.resolve().as_uri(),
    ]
    if not any(a.startswith("--window-size=") for a in args):
        command.insert(-1, "--window-size=1600,1000")
    for attempt in range(1, attempts + 1):
        process = subprocess.Popen(
            command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True
        )
        try:
            stdout, stderr = process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.communicate()
            if attempt == attempts:
                raise
            continue
        if process.returncode != 0:
            raise subprocess.CalledProcessError(process.returncode, command, stdout, stderr)
        return subprocess.CompletedProcess(command, process.returncode, stdout, stderr)


def _render_check(dom: str):
    match = re.search(r'<pre id="render-check">(.*?)</pre>', dom, re.S)
    if not match:
        raise AssertionError("the check script wrote nothing: the page's script did not run\n" + dom[-2000:])
    text = match.group(1).replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"').replace("&amp;", "&")
    return json.loads(text)


def click_through(report: Path, workdir: Path) -> list[dict]:
    """Open every item of ``report`` in Chromium as a reader would; one record per item (see _CLICK_THROUGH)."""
    items = report_items(report)
    page = report.read_text(errors="replace")
    script = f"const ITEMS = {json.dumps(items)}; const SCREENSHOT = false;" + _CLICK_THROUGH
    harness = workdir / "report_click_through.html"
    harness.write_text(_with_script(page, script))
    return _render_check(chromium(harness, "--dump-dom").stdout)


def screenshot(report: Path, item: tuple[str, str, str, str], png: Path, size=(1600, 1000)) -> Path:
    """A screenshot of the report showing one item, opened through the menu."""
    page = report.read_text(errors="replace")
    script = f"const ITEMS = {json.dumps([list(item)])}; const SCREENSHOT = true;" + _CLICK_THROUGH
    harness = png.with_suffix(".html")
    harness.write_text(_with_script(page, script))
    chromium(harness, f"--screenshot={png}", f"--window-size={size[0]},{size[1]}")
    return png


def check_tables(html_bytes: bytes, workdir: Path, name: str) -> list[dict]:
    """Open an HTML item by itself and describe its tables, sorting a numeric column of each sortable one."""
    page = workdir / f"{name}.html"
    page.write_text(_with_script(html_bytes.decode(), _TABLE_CHECK))
    return _render_check(chromium(page, "--dump-dom").stdout)


def available() -> bool:
    return CHROMIUM.is_file() and shutil.which(str(CHROMIUM)) is not None
