"""The task runner: ``make demo`` does its steps in order and honours PORT; the shell scripts parse."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

needs_make = pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")


def dry_run(target: str, **env: str) -> list[str]:
    result = subprocess.run(
        ["make", "-n", "-W", "requirements.lock", target],
        cwd=ROOT,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return result.stdout.splitlines()


@needs_make
def test_make_demo_installs_compiles_collects_migrates_seeds_prints_and_serves_in_that_order():
    lines = dry_run("demo", PORT="8123")

    steps = ["pip install", "pybabel compile", "collectstatic", "migrate", "seed_demo", "demo_accounts", "granian"]
    positions = [next(i for i, line in enumerate(lines) if step in line) for step in steps]
    assert positions == sorted(positions)
    assert any("--require-hashes -r requirements.lock" in line for line in lines)
    assert any("demo_accounts" in line and "--port 8123" in line for line in lines)
    served = next(line for line in lines if "granian" in line)
    assert "--interface wsgi plek.wsgi:application" in served and "--port 8123" in served and "--workers" in served


@needs_make
def test_make_test_runs_the_test_script():
    lines = dry_run("test")

    assert any("scripts/test.sh" in line for line in lines)


@pytest.mark.parametrize("script", ["scripts/test.sh", ".ci/run", "bench/run_all.sh"])
def test_shell_script_parses(script):
    result = subprocess.run(["bash", "-n", str(ROOT / script)], capture_output=True, text=True, check=False)

    assert result.returncode == 0, result.stderr


def test_ci_runs_make_test_on_postgresql_and_requires_the_browser():
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")

    assert "PLEK_REQUIRE_BROWSER=1" in ci
    assert "DATABASE_URL=postgres://" in ci
    assert "chromium chromium-driver" in ci
    assert ci.rstrip().endswith("make test")
