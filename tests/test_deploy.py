"""Production settings (README, "Running in production"): ``check --deploy`` is clean, settings come from the
environment."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# The environment README.md documents for production (a long random SECRET_KEY, HTTPS behind a proxy).
PRODUCTION_ENV = {
    "DEBUG": "0",
    "SECRET_KEY": "x7Qp2vN9rT4kL8mZ1cW6yH3jB5dF0gS2aE7uI9oP4qR8tY1wX6zV3nM5bK0lJ2hG",
    "ALLOWED_HOSTS": "plek.example.org",
    "CSRF_TRUSTED_ORIGINS": "https://plek.example.org",
    "SITE_URL": "https://plek.example.org",
    "SECURE_SSL_REDIRECT": "1",
    "SECURE_COOKIES": "1",
    "SECURE_HSTS_SECONDS": "31536000",
    "BEHIND_PROXY": "1",
    "DATABASE_URL": "postgres://plek:secret@db.internal:5432/plek",
}


def run_python(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PYTEST_", "PLEK_"))}
    base.pop("DATABASE_URL", None)
    base.update(env)
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=base, capture_output=True, text=True, timeout=120, check=False
    )


def test_check_deploy_is_clean_with_the_production_settings():
    result = run_python(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], PRODUCTION_ENV)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_check_deploy_warns_with_the_development_defaults():
    result = run_python(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], {"DEBUG": "1"})

    assert result.returncode != 0
    assert "security.W018" in result.stderr  # DEBUG on


SHOW_SETTINGS = (
    "import json, django; django.setup(); from django.conf import settings as s; "
    "db = s.DATABASES['default']; "
    "print(json.dumps({'engine': db['ENGINE'], 'name': db['NAME'], 'host': db['HOST'], 'user': db['USER'], "
    "'debug': s.DEBUG, 'hosts': s.ALLOWED_HOSTS, 'ssl': s.SECURE_SSL_REDIRECT, 'hsts': s.SECURE_HSTS_SECONDS, "
    "'cookies': s.SESSION_COOKIE_SECURE, 'static': s.STORAGES['staticfiles']['BACKEND']}))"
)


def test_settings_read_the_database_and_security_from_the_environment():
    result = run_python(["-c", SHOW_SETTINGS], {**PRODUCTION_ENV, "DJANGO_SETTINGS_MODULE": "plek.settings"})

    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {
        "engine": "django.db.backends.postgresql",
        "name": "plek",
        "host": "db.internal",
        "user": "plek",
        "debug": False,
        "hosts": ["plek.example.org"],
        "ssl": True,
        "hsts": 31536000,
        "cookies": True,
        "static": "whitenoise.storage.CompressedManifestStaticFilesStorage",
    }


def test_settings_default_to_sqlite_in_the_checkout():
    result = run_python(["-c", SHOW_SETTINGS], {"DJANGO_SETTINGS_MODULE": "plek.settings"})

    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["engine"] == "django.db.backends.sqlite3"
    assert data["name"] == str(ROOT / "db.sqlite3")


def test_readme_documents_every_environment_variable_of_the_settings():
    settings_source = (ROOT / "plek" / "settings.py").read_text(encoding="utf-8")
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    names = set(
        re.findall(r"""(?:environ\.get|environ\[|getenv|env_\w+)\(?\s*["']([A-Z][A-Z0-9_]+)["']""", settings_source)
    )

    undocumented = sorted(name for name in names | {"DATABASE_URL"} if f"`{name}`" not in readme)

    assert len(names) > 10
    assert undocumented == [], f"README.md's Configuration does not mention: {undocumented}"


def test_readme_starts_with_make_demo_and_make_test():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")

    first_block = readme.split("```")[1]
    assert "make demo" in first_block
    assert "make test" in first_block
    assert "## Running in production" in readme
