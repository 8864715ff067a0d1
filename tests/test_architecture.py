"""The package's shape: modules small enough to read, stages in their package, the CLI a thin layer.

Import layers and cycles are checked by ``lint-imports`` (``[tool.importlinter]`` in pyproject.toml,
run by ``make test``)."""

from __future__ import annotations

from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "checker"
MAX_LINES = 600
STAGES = ("segment", "attribute", "speakers", "proposition", "claims", "embed", "pair", "infer")


def _modules() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def test_no_module_is_over_600_lines() -> None:
    long = {
        str(p.relative_to(PACKAGE)): n
        for p in _modules()
        if (n := len(p.read_text().splitlines())) > MAX_LINES
    }
    assert not long


def test_every_stage_is_a_module_of_the_stages_package() -> None:
    stages = PACKAGE / "stages"
    for name in STAGES:
        assert (stages / f"{name}.py").is_file() or (stages / name / "__init__.py").is_file(), name


def test_every_package_is_listed_for_setuptools() -> None:
    import tomllib

    listed = set(
        tomllib.loads((PACKAGE.parent / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"]
    )
    found = {".".join(p.parent.relative_to(PACKAGE.parent).parts) for p in PACKAGE.rglob("__init__.py")}
    assert found == listed
