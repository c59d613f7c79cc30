"""The dependency rule between packages: matching is pure, catalog knows no web or engine."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _modules_after_import(package: str) -> set[str]:
    code = f"import sys, {package}; print('\\n'.join(sys.modules))"
    result = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True,
                            text=True)
    return {name.split(".")[0] for name in result.stdout.split()}


def test_matching_imports_no_database_web_or_sibling_package() -> None:
    """Importing matching pulls in no SQLAlchemy, FastAPI, pydantic, catalog or api."""
    loaded = _modules_after_import("matching")
    assert not loaded & {"sqlalchemy", "fastapi", "pydantic", "catalog", "api"}


@pytest.mark.parametrize("module", ["catalog", "catalog.store", "catalog.imports",
                                    "catalog.exports", "catalog.snapshot"])
def test_catalog_imports_no_web_or_engine(module: str) -> None:
    """The catalog's modules pull in neither the web layer nor the matching engine."""
    loaded = _modules_after_import(module)
    assert not loaded & {"fastapi", "api", "matching", "typer"}


def test_importing_creates_no_engine_or_database(tmp_path: Path) -> None:
    """Nothing is created at import time: importing every package opens no database."""
    code = (
        "import sqlalchemy, sqlalchemy.engine\n"
        "def refuse(*a, **k):\n"
        "    raise SystemExit('create_engine called at import time')\n"
        "sqlalchemy.create_engine = sqlalchemy.engine.create_engine = refuse\n"
        "import api.app, api.cli, catalog.db, catalog.store, matching\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=tmp_path,
                   env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert list(tmp_path.iterdir()) == []
