"""The layer's bytecode: deterministic, never checked against source timestamps, with Lambda's paths."""

from __future__ import annotations

import importlib.util
import marshal
import shutil
import sys
from pathlib import Path

import pytest

from infra import bundling

# PEP 552: the flags word after the magic number; bit 0 hash-based, bit 1 check the source.
HASH_BASED, CHECK_SOURCE = 0b01, 0b10


def tree(root: Path) -> Path:
    (root / "pkg").mkdir(parents=True)
    (root / "pkg" / "__init__.py").write_text("VALUE = {'a', 'b', 'c'}\n")
    (root / "pkg" / "mod.py").write_text("def f():\n    raise ValueError('where am I')\n")
    return root


def pycs(site: Path) -> dict[str, bytes]:
    return {str(p.relative_to(site)): p.read_bytes() for p in sorted(site.rglob("*.pyc"))}


def test_bytecode_is_unchecked_hash_based_with_layer_paths(tmp_path: Path) -> None:
    site = tree(tmp_path / "python")
    bundling.compile_bytecode(site, sys.executable)
    pyc = Path(importlib.util.cache_from_source(str(site / "pkg" / "mod.py")))
    data = pyc.read_bytes()
    assert data[:4] == importlib.util.MAGIC_NUMBER
    flags = int.from_bytes(data[4:8], "little")
    assert flags & HASH_BASED and not flags & CHECK_SOURCE  # never stats the read-only source
    code = marshal.loads(data[16:])
    assert code.co_filename == f"{bundling.LAYER_SITE}/pkg/mod.py"  # tracebacks name the file on Lambda


def test_two_builds_of_the_same_files_are_byte_identical(tmp_path: Path) -> None:
    first, second = tree(tmp_path / "a" / "python"), tree(tmp_path / "b" / "python")
    bundling.compile_bytecode(first, sys.executable)
    bundling.compile_bytecode(second, sys.executable)
    assert pycs(first) and pycs(first) == pycs(second)


def test_only_an_interpreter_of_the_functions_version_compiles(monkeypatch: pytest.MonkeyPatch) -> None:
    here = "%d.%d" % sys.version_info[:2]
    monkeypatch.setenv(bundling.LAMBDA_PYTHON_ENV, sys.executable)
    monkeypatch.setattr(bundling, "PYTHON_VERSION", here)
    assert bundling.lambda_python() == sys.executable
    monkeypatch.setattr(bundling, "PYTHON_VERSION", "2.7")
    monkeypatch.setattr(shutil, "which", lambda _: None)
    assert bundling.lambda_python() is None
