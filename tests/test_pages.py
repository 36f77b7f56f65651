"""mallorn_tde.pages: the report's tables as HTML, and how numbers are written in them."""

import numpy as np
import pandas as pd

from mallorn_tde import pages


def test_html_table_escapes_text_and_keeps_exact_numbers_for_sorting():
    table = pd.DataFrame({"name": ["<b>x</b>", "y"], "value": [0.123456789, np.nan]})
    page = pages.html_table(table, {"value": lambda v: f"{v:.2f}"}, footer=1)
    assert "&lt;b&gt;x&lt;/b&gt;" in page and "<b>x</b>" not in page
    assert 'data-sort="0.123456789">0.12</td>' in page
    assert '<tfoot><tr><td>y</td><td class="num" data-sort=""></td></tr></tfoot>' in page


def test_a_page_is_self_contained_and_sortable():
    page = pages.html_page("A & B", [("Part", "text", pages.html_table(pd.DataFrame({"x": [2, 1]})))], "intro")
    assert page.startswith("<!DOCTYPE html>") and "<title>A &amp; B</title>" in page
    assert "src=" not in page and "href=" not in page  # nothing fetched
    assert 'class="sortable"' in page and "function sortTable" in page
    assert page.index("<h2>Part</h2>") < page.index("<table")


def test_numbers_are_written_as_a_reader_compares_them():
    assert pages.fixed(2)(3.14159) == "3.14"
    assert pages.probability_text(0.123456) == "0.1235"
    assert pages.probability_text(0.99999) == "1 - 1e-05"  # 4 decimals would say 1.0000
    assert pages.probability_text(1.0) == "1"  # an isotonic calibration's top step may be exactly 1
