"""The house's one-way streets: the dependency contracts hold, and what a lower app restates from an
upper one (without importing it) still agrees with it."""

import subprocess
import sys
from pathlib import Path

from binome.mentorships.models import OPEN_STATES
from binome.youths.routing import PAIR_OPEN_STATES

ROOT = Path(__file__).resolve().parent.parent


def test_the_dependency_contracts_are_kept():
    lint_imports = Path(sys.executable).parent / "lint-imports"
    result = subprocess.run(
        [str(lint_imports), "--no-cache"], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout[-4000:]
    assert "0 broken" in result.stdout


def test_routing_counts_the_same_open_pairs_as_mentorships():
    assert set(PAIR_OPEN_STATES) == {str(state) for state in OPEN_STATES}
