"""Every reference in the code and the docs resolves inside the repository, and the decision
records keep their shape: numbered in order, dated, each with its decision, reason and reopener."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"
# What a newcomer reads and changes; data/ holds third-party conversations, not our prose.
SCANNED = ("README.md", "Makefile", "pyproject.toml", "package.json", "cdk.json", ".ci", "docs", "layers",
           "functions", "infra", "web", "bench", "tests", "consultations")
TEXT = {".py", ".md", ".js", ".css", ".html", ".toml", ".json", ".java", ".sh", ".txt", ""}
SKIPPED_DIRS = {"node_modules", "__pycache__", ".venv", "test-artifacts"}

# Places that exist only on someone's machine or in a document the repository does not hold.
OUTSIDE = re.compile("|".join((
    "/wo" + "rk/", r"/home/\w", r"/Users/\w", r"[A-Z]:\\\\Users", "ARCHITECTURE" + r"\s*§", "ANCHORS" + r"\.md",
)))
SECTION = re.compile(r"(?:\b([\w-]+)\.md )?§(\d+)")
DECISION_REF = re.compile(r"decisions\.md (\d+)(?:[–-](\d+))?(?:,? \"([^\"]+)\")?")
LINK = re.compile(r"\]\(([^)#\s]+)(?:#[^)]*)?\)")
RECORD = re.compile(r"^## (\d+)\. (.+)$", re.M)
DATED = re.compile(r"^\d{4}-\d{2}-\d{2} · issue \d+( · .+)?$")


def scanned_files() -> list[Path]:
    files = []
    for name in SCANNED:
        path = ROOT / name
        candidates = [path] if path.is_file() else sorted(path.rglob("*"))
        for f in candidates:
            if f.is_file() and f.suffix in TEXT and not SKIPPED_DIRS & set(f.relative_to(ROOT).parts):
                files.append(f)
    return files


def text(path: Path) -> str:
    return path.read_text(encoding="utf-8", errors="replace")


def records() -> dict[int, str]:
    return {int(n): title for n, title in RECORD.findall(text(DOCS / "decisions.md"))}


def section_numbers(doc: Path) -> set[int]:
    return {int(n) for n in re.findall(r"^#+ (\d+)\. ", text(doc), re.M)}


def test_nothing_points_outside_the_repository() -> None:
    found = [f"{f.relative_to(ROOT)}:{text(f)[: m.start()].count(chr(10)) + 1}: {m.group()}"
             for f in scanned_files() for m in OUTSIDE.finditer(text(f))]
    assert found == []


def test_section_references_name_a_numbered_section() -> None:
    broken = []
    for f in scanned_files():
        for m in SECTION.finditer(text(f)):
            doc = DOCS / f"{m[1]}.md" if m[1] else f
            if doc.suffix != ".md" or int(m[2]) not in section_numbers(doc):
                broken.append(f"{f.relative_to(ROOT)}: {m.group()}")
    assert broken == []


def test_decision_references_name_a_record_by_its_number_and_title() -> None:
    known = records()
    broken = []
    for f in scanned_files():
        for m in DECISION_REF.finditer(text(f)):
            first, last, title = int(m[1]), int(m[2] or m[1]), m[3]
            if not all(n in known for n in range(first, last + 1)):
                broken.append(f"{f.relative_to(ROOT)}: {m.group()} (no such record)")
            elif title and not known[first].startswith(title):
                broken.append(f"{f.relative_to(ROOT)}: {m.group()} (record {first} is {known[first]!r})")
    assert broken == []


@pytest.mark.parametrize("doc", ["README.md", *sorted(p.name for p in DOCS.glob("*.md"))])
def test_links_in_the_docs_resolve(doc: str) -> None:
    path = ROOT / doc if doc == "README.md" else DOCS / doc
    missing = [target for target in LINK.findall(text(path))
               if not re.match(r"[a-z]+:", target) and not (path.parent / target).exists()]
    assert missing == []


def test_decision_records_are_numbered_dated_and_complete() -> None:
    doc = text(DOCS / "decisions.md")
    numbers = [int(n) for n, _ in RECORD.findall(doc)]
    assert numbers == list(range(1, len(numbers) + 1))
    for block in re.split(r"(?m)^(?=## \d+\. )", doc)[1:]:
        heading, dated, *body = block.strip().split("\n")
        assert DATED.match(dated), f"{heading}: second line should be '<date> · issue <N>', is {dated!r}"
        for part in ("**Decision.**", "**Why.**", "**Would change it.**"):
            assert any(line.startswith(part) for line in body), f"{heading} has no {part}"
        later = [int(n) for n in re.findall(r"supersedes (\d+)", dated)]
        assert all(n < int(heading.split()[1].rstrip(".")) for n in later), heading


def test_the_index_lists_every_record_and_in_prose_references_exist() -> None:
    doc = text(DOCS / "decisions.md")
    known = records()
    index = doc.split("\n## Index\n", 1)[1].split("\n## ", 1)[0]
    listed = {int(n): title.strip() for n, title in re.findall(r"^(\d+)\. (.+?) *$", index, re.M)}
    assert listed == known
    assert {int(n) for n in re.findall(r"\bdecisions? (\d+)", doc)} <= set(known)
