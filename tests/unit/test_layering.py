"""The layers' import rules, read from the source: a wrong import fails here, not in production."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import agora

PACKAGE = Path(agora.__file__).parent
# What no pure package may reach: AWS, or the layers above it.
UPWARD = ("boto3", "botocore", "agora.services", "agora.adapters", "agora.local", "agora.ops", "agora.http", "agora.api", "agora.cli")
FORBIDDEN = {
    "domain": (*UPWARD, "agora.results"),
    "results": UPWARD,
}


def imported(path: Path) -> set[str]:
    """Every module a file imports, at the top or inside a function."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def reaches(name: str, prefixes: tuple[str, ...]) -> bool:
    return any(name == p or name.startswith(p + ".") for p in prefixes)


def modules(package: str) -> list[Path]:
    return sorted((PACKAGE / package).rglob("*.py"))


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_pure_packages_import_nothing_above_them(package):
    found = {
        f"{path.relative_to(PACKAGE)} imports {name}"
        for path in modules(package)
        for name in imported(path)
        if reaches(name, FORBIDDEN[package])
    }
    assert not found


def test_statistics_never_import_the_formats():
    """The files are formatted from `Results`; no statistic depends on how it is printed."""
    found = {
        f"{path.relative_to(PACKAGE)} imports {name}"
        for path in modules("results")
        if "formats" not in path.parts
        for name in imported(path)
        if reaches(name, ("agora.results.formats",))
    }
    assert not found


def test_the_rules_check_real_imports(tmp_path):
    """The reader sees a lazy import inside a function and a `from package import module`."""
    source = tmp_path / "m.py"
    source.write_text("def f():\n    from agora.results import groups\n    import boto3\n")
    names = imported(source)
    assert reaches("agora.results.groups", FORBIDDEN["domain"]) and "agora.results.groups" in names
    assert "boto3" in names and not reaches("agora.domainx", ("agora.domain",))
