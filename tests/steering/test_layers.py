"""Steering reads reporting; reporting never imports steering (it asks `reporting.engine`)."""

import ast
import pathlib

import binome.reporting

REPORTING = pathlib.Path(binome.reporting.__file__).parent


def imported_modules(path: pathlib.Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):  # in-function imports too
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_reporting_never_imports_steering():
    offenders = {
        str(path.relative_to(REPORTING)): sorted(
            m for m in imported_modules(path) if m.startswith("binome.steering")
        )
        for path in REPORTING.rglob("*.py")
    }
    assert {path: mods for path, mods in offenders.items() if mods} == {}


def test_the_check_sees_an_in_function_import(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text("def f():\n    from binome.steering.scope import Scope\n", encoding="utf-8")
    assert "binome.steering.scope" in imported_modules(sample)


def test_steering_answers_what_reporting_asks():
    from binome.reporting import engine

    assert {"live_figures", "cotech_figures"} <= set(engine._providers)
