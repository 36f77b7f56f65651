"""The documentation stays true to the workflow: the README's rule graph is Snakemake's, every relative link and
anchor of README.md, BENCHMARKS.md and docs/ resolves, every figure the README quotes is one BENCHMARKS.md
measured, and docs/configuration.md lists every key of the config schema.

Where a page has drifted, the failure prints the text to paste: the README's Mermaid block, or the
configuration page's generated part. `python tests/test_docs.py --write` writes both in place.
"""

from __future__ import annotations

import re
import sys
import tempfile
from pathlib import Path

import pytest
import yaml
from workflow_helpers import copy_workflow, snakemake

REPO = Path(__file__).resolve().parents[1]
README = REPO / "README.md"
BENCHMARKS = REPO / "BENCHMARKS.md"
CONFIG_PAGE = REPO / "docs" / "configuration.md"
SCHEMA = REPO / "workflow" / "schemas" / "config.schema.yaml"
PAGES = [README, BENCHMARKS, *sorted((REPO / "docs").glob("*.md"))]

FENCE = re.compile(r"^(```|~~~)")
MERMAID = re.compile(r"^```mermaid\n(.*?)^```$", flags=re.M | re.S)
INLINE_CODE = re.compile(r"`[^`\n]*`")
LINK = re.compile(r"\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)")
REFERENCE = re.compile(r"^\s*\[[^\]]+\]:\s*(\S+)")
HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
# A number as the README writes it: 0.707, 1,447, 372; not the digits inside a word (701c7a9, F1).
NUMBER = re.compile(r"(?<![\w.])(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?!\w|[.,]\d)")
GENERATED = "<!-- generated from workflow/schemas/config.schema.yaml by tests/test_docs.py; edit the schema -->"
GENERATED_END = "<!-- end of the generated part -->"


def prose_lines(text: str) -> list[tuple[int, str]]:
    """(line number, line) outside fenced code blocks."""
    lines, fenced = [], False
    for number, line in enumerate(text.splitlines(), start=1):
        if FENCE.match(line):
            fenced = not fenced
        elif not fenced:
            lines.append((number, line))
    return lines


def slug(title: str) -> str:
    """GitHub's anchor of a heading: its text lower-cased, punctuation dropped, spaces as hyphens."""
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", title)  # a link counts by its text
    text = re.sub(r"<[^>]+>", "", text).strip().lower()
    return re.sub(r"[^\w\- ]", "", text).replace(" ", "-")


def anchors(path: Path) -> set[str]:
    """Every heading anchor of a Markdown file, a repeated heading numbered as GitHub numbers it (-1, -2, ...)."""
    seen: dict[str, int] = {}
    for _, line in prose_lines(path.read_text()):
        match = HEADING.match(line)
        if match:
            base = slug(match.group(2))
            count = seen.get(base, 0)
            seen[base] = count + 1
            if count:
                seen.setdefault(f"{base}-{count}", 1)
    return set(seen)


def links(path: Path) -> list[tuple[int, str]]:
    """(line number, target) of every link and image outside code."""
    found = []
    for number, line in prose_lines(path.read_text()):
        line = INLINE_CODE.sub("", line)
        found += [(number, target) for target in LINK.findall(line)]
        found += [(number, target) for target in REFERENCE.findall(line)]
    return found


def broken_links(page: Path, root: Path = REPO) -> list[str]:
    """The relative links of ``page`` whose file (in ``root``), or whose #anchor in that file, does not exist."""
    broken, root, page = [], root.resolve(), page.resolve()
    for number, target in links(page):
        if re.match(r"[a-zA-Z][a-zA-Z0-9+.-]*:", target):  # https:, mailto: ...
            continue
        file_part, _, anchor = target.partition("#")
        linked = (page.parent / file_part).resolve() if file_part else page
        where = f"{page.relative_to(root)}:{number}: {target}"
        if not linked.exists():
            broken.append(f"{where} (no such file)")
        elif root not in linked.parents and linked != root:
            broken.append(f"{where} (outside the repository)")
        elif anchor and (linked.suffix != ".md" or anchor not in anchors(linked)):
            broken.append(f"{where} (no heading with that anchor)")
    return broken


@pytest.mark.parametrize("page", PAGES, ids=lambda page: str(page.relative_to(REPO)))
def test_every_relative_link_and_anchor_resolves(page):
    assert not broken_links(page), "links that do not resolve:\n" + "\n".join(broken_links(page))


def test_a_broken_link_or_anchor_is_found(tmp_path):
    """The link check itself: a missing file, a missing anchor, and a repeated heading's numbered anchor."""
    (tmp_path / "other.md").write_text("# Other\n\n## Rebuilds and reruns\n\n## Rebuilds and reruns\n")
    page = tmp_path / "page.md"
    page.write_text(
        "# Page\n\n```\n# not a heading\n[x](nowhere.md)\n```\n"
        "[a](other.md#rebuilds-and-reruns-1) [b](#page) [c](https://example.org/#x)\n"
        "[d](other.md#rebuilds-and-reruns-2) [e](missing.md) [f](#not-a-heading) `[g](in-code.md)`\n"
    )
    assert [line.split(": ", 1)[1] for line in broken_links(page, root=tmp_path)] == [
        "other.md#rebuilds-and-reruns-2 (no heading with that anchor)",
        "missing.md (no such file)",
        "#not-a-heading (no heading with that anchor)",
    ]


def test_github_anchor_slugs():
    assert slug("How fast on the real data, against the seed's method") == (
        "how-fast-on-the-real-data-against-the-seeds-method"
    )
    assert slug("tsfresh's series and the levers toward 0.75: three outer-CV seeds") == (
        "tsfreshs-series-and-the-levers-toward-075-three-outer-cv-seeds"
    )
    assert slug("How to read `metrics.json`") == "how-to-read-metricsjson"
    assert slug("Fewer, larger jobs") == "fewer-larger-jobs"


# The README's rule graph.


def parse_rule_graph(mermaid: str) -> tuple[set[str], set[tuple[str, str]]]:
    """The rules and the edges (rule -> rule that needs it) of a Mermaid flowchart, by rule name: a block that
    declares its nodes on lines of their own (Snakemake's) and one that names them in its edges compare equal."""
    names = dict(re.findall(r"\b(id\d+)\[([^\]]+)\]", mermaid))
    edges = set()
    for line in mermaid.splitlines():
        if "-->" not in line:
            continue
        groups = [re.findall(r"\b(id\d+)", part) for part in line.split("-->")]
        for sources, targets in zip(groups, groups[1:], strict=False):
            edges |= {(names[s], names[t]) for s in sources for t in targets}
    return set(names.values()), edges


def compact_mermaid(snakemake_output: str) -> str:
    """Snakemake's rule graph as a short Mermaid block: one line per rule with everything that needs it, rules in
    the order they run, without the colours (Snakemake's block is ~100 lines, most of the README's 150)."""
    names = dict(re.findall(r"^\s*(id\d+)\[([^\]]+)\]\s*$", snakemake_output, flags=re.M))
    edges = re.findall(r"^\s*(id\d+) --> (id\d+)\s*$", snakemake_output, flags=re.M)
    number = {node: int(node[2:]) for node in names}
    needs = {node: {s for s, t in edges if t == node} for node in names}
    order: list[str] = []
    while len(order) < len(names):  # Kahn's order, ties by Snakemake's id
        ready = [n for n in names if n not in order and needs[n] <= set(order)]
        order.append(min(ready, key=number.get))
    position = {node: i for i, node in enumerate(order)}
    lines = ["flowchart TB"]
    for node in order:
        targets = sorted({t for s, t in edges if s == node}, key=position.get)
        alone = not targets and not any(t == node for _, t in edges)
        if targets or alone:
            text = f"    {node}[{names[node]}]"
            if targets:
                text += " --> " + " & ".join(f"{t}[{names[t]}]" for t in targets)
            lines.append(text)
    return "```mermaid\n" + "\n".join(lines) + "\n```"


def printed_rule_graph(folder: Path) -> str:
    """What `snakemake --rulegraph mermaid-js` prints for the workflow, run in a copy in ``folder``."""
    return snakemake(copy_workflow(folder / "workflow"), "--rulegraph", "mermaid-js").stdout


def test_readme_draws_snakemakes_rule_graph(tmp_path):
    printed = printed_rule_graph(tmp_path)
    expected = compact_mermaid(printed)
    blocks = MERMAID.findall(README.read_text())
    assert len(blocks) == 1, "README.md should hold one ```mermaid block: the rule graph"
    assert parse_rule_graph(expected) == parse_rule_graph(printed), "compact_mermaid lost a rule or an edge"
    assert parse_rule_graph(blocks[0]) == parse_rule_graph(printed), (
        "README.md's rule graph is not `snakemake --rulegraph mermaid-js`'s; `.venv/bin/python tests/test_docs.py"
        " --write` replaces its ```mermaid block with this one:\n\n" + expected
    )


def test_the_rule_graph_comparison_sees_a_missing_edge():
    printed = "flowchart TB\n\tid0[all]\n\tid1[b]\n\tid2[a]\n\tid1 --> id0\n\tid2 --> id1\n\tid2 --> id0\n"
    compact = compact_mermaid(printed)
    assert compact.splitlines()[1:-1] == [
        "flowchart TB",
        "    id2[a] --> id1[b] & id0[all]",
        "    id1[b] --> id0[all]",
    ]
    assert parse_rule_graph(compact) == parse_rule_graph(printed)
    assert parse_rule_graph(compact.replace(" & id0[all]", "")) != parse_rule_graph(printed)


# The README's figures.


def quoted_numbers(text: str) -> list[tuple[int, str]]:
    """(line number, number) of every number in the prose: outside code, link targets and HTML comments."""
    text = re.sub(r"<!--.*?-->", "", text, flags=re.S)
    found = []
    for number, line in prose_lines(text):
        line = LINK.sub("]", INLINE_CODE.sub("", line))
        found += [(number, figure) for figure in NUMBER.findall(line)]
    return found


def unmeasured(readme: str, benchmarks: str) -> list[str]:
    missing = []
    for line, figure in quoted_numbers(readme):
        if not re.search(rf"(?<![\w.,]){re.escape(figure)}(?!\w|[.,]\d)", benchmarks):
            missing.append(f"README.md:{line}: {figure}")
    return missing


def test_every_figure_the_readme_quotes_is_in_benchmarks():
    missing = unmeasured(README.read_text(), BENCHMARKS.read_text())
    assert not missing, "figures of the README that BENCHMARKS.md does not give:\n" + "\n".join(missing)


def test_a_figure_not_measured_is_found():
    benchmarks = "F1 **0.729** [0.667, 0.787]; 1,447 s; 372 s at 9923129"
    readme = "F1 0.729 (0.667-0.787), `0.999` in code, 1,447 s, 372 s, [F1 0.73](BENCHMARKS.md#x) 447 s 0.72 9923129"
    assert unmeasured(readme, benchmarks) == ["README.md:1: 0.73", "README.md:1: 447", "README.md:1: 0.72"]


# The configuration page.


def schema_keys(schema: dict) -> list[tuple[str, str, dict]]:
    """(section, dotted key, its schema) of every key, in the schema's order; a top-level scalar is its own section."""
    keys = []
    for name, spec in schema["properties"].items():
        if spec.get("type") == "object":
            keys += [(name, f"{name}.{key}", sub) for key, sub in spec["properties"].items()]
        else:
            keys.append((name, name, spec))
    return keys


def _allowed(spec: dict) -> str:
    """What a key accepts, in words."""
    if "enum" in spec:
        return "one of " + ", ".join(f"`{value}`" for value in spec["enum"])
    kind = spec.get("type")
    if kind == "array":
        items = spec.get("items", {})
        if "enum" in items:
            each = " (each once)" if spec.get("uniqueItems") else ""
            return "a list of " + ", ".join(f"`{value}`" for value in items["enum"]) + each
        if spec.get("minItems") == spec.get("maxItems") and "minItems" in spec:
            return f"{spec['minItems']} {items.get('type', 'value')}s"
        return f"a list of {items.get('type', 'value')}s"
    if kind in ("integer", "number"):
        bounds = []
        if "minimum" in spec:
            bounds.append(f">= {spec['minimum']}")
        if "exclusiveMinimum" in spec:
            bounds.append(f"> {spec['exclusiveMinimum']}")
        if "maximum" in spec:
            bounds.append(f"<= {spec['maximum']}")
        return f"{'an' if kind == 'integer' else 'a'} {kind}" + (", " + ", ".join(bounds) if bounds else "")
    if kind == "string":
        return "a path" if spec.get("minLength") else "text"
    return kind or "any value"


def _default(value) -> str:
    if isinstance(value, list):
        return "`[" + ", ".join(str(item) for item in value) + "]`"
    return f"`{value}`"


def configuration_reference(schema: dict) -> str:
    """docs/configuration.md's generated part: a section per top-level key, a table row per key."""
    parts = [GENERATED]
    for section, spec in schema["properties"].items():
        parts += ["", f"### `{section}`", ""]
        if spec.get("type") == "object":  # a scalar's own row says it
            parts += [spec["description"][:1].upper() + spec["description"][1:] + ".", ""]
        parts += ["| key | default | allowed | what it sets |", "|---|---|---|---|"]
        for owner, key, sub in schema_keys(schema):
            if owner == section:
                parts.append(f"| `{key}` | {_default(sub['default'])} | {_allowed(sub)} | {sub['description']} |")
    parts += ["", GENERATED_END]
    return "\n".join(parts)


def test_configuration_page_lists_every_key_of_the_schema():
    schema = yaml.safe_load(SCHEMA.read_text())
    page = CONFIG_PAGE.read_text()
    expected = configuration_reference(schema)
    missing = [key for _, key, _ in schema_keys(schema) if f"| `{key}` |" not in page]
    assert not missing and expected in page, (
        f"docs/configuration.md lacks {missing or 'the schema as it is now'}; `.venv/bin/python tests/test_docs.py"
        f" --write` replaces its part from {GENERATED!r} to {GENERATED_END!r} with this one:\n\n{expected}"
    )


def test_the_configuration_check_sees_a_new_key():
    schema = yaml.safe_load(SCHEMA.read_text())
    page = configuration_reference(schema)
    schema["properties"]["tuning"]["properties"]["patience"] = {"type": "integer", "default": 3, "description": "x"}
    assert "`tuning.patience`" in configuration_reference(schema)
    assert configuration_reference(schema) not in page


def write_generated_parts() -> None:
    """The README's rule graph and the configuration page's reference, rewritten from the workflow as it is."""
    with tempfile.TemporaryDirectory() as folder:
        mermaid = compact_mermaid(printed_rule_graph(Path(folder)))
    readme = README.read_text()
    assert len(MERMAID.findall(readme)) == 1, "README.md should hold one ```mermaid block"
    README.write_text(MERMAID.sub(lambda _: mermaid, readme))
    page = CONFIG_PAGE.read_text()
    start, end = page.index(GENERATED), page.index(GENERATED_END) + len(GENERATED_END)
    reference = configuration_reference(yaml.safe_load(SCHEMA.read_text()))
    CONFIG_PAGE.write_text(page[:start] + reference + page[end:])
    print(f"wrote the rule graph into {README} and the keys into {CONFIG_PAGE}")


if __name__ == "__main__":
    if sys.argv[1:] != ["--write"]:
        sys.exit("usage: python tests/test_docs.py --write   (rewrites README.md's rule graph and the config keys)")
    write_generated_parts()
