"""What a request-path function's cold start imports: the heavy packages only where they are used."""

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
HEAVY = {"numpy": "numpy", "idempotency": "aws_lambda_powertools.utilities.idempotency"}


def loaded(function: str) -> set[str]:
    probe = (
        f"import sys; sys.path[:0] = [{str(ROOT / 'functions' / function)!r}, {str(ROOT / 'layers' / 'agora')!r}]\n"
        "import handler\n"
        f"print(' '.join(name for name, module in {HEAVY!r}.items() if module in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True, cwd=ROOT)
    return set(out.stdout.split())


@pytest.mark.parametrize(
    "function, expected",
    [("propose", {"idempotency"}), ("vote", set()), ("consultation", set()), ("next_proposal", set()), ("moderate", set())],
)
def test_a_function_imports_numpy_and_idempotency_only_where_it_needs_them(function, expected):
    assert loaded(function) == expected
