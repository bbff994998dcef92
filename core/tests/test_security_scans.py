"""Static security scans (issue 10, item 5): bandit finds nothing of medium or high severity in the code that ships,
no secret is in the repository, and pip-audit finds no known vulnerability where its database can be reached (and
says so plainly where it cannot). `make security` runs this module and `check --deploy`
(core/tests/test_web_shell.py)."""

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings

BASE = Path(settings.BASE_DIR)
# Tests and migrations do not ship; bench/ is the benchmark harness, run by hand.
BANDIT_EXCLUDE = "*/tests/*,*/migrations/*"


def _shipped_packages():
    """Our own apps (every installed app inside the repository), the project package and scripts/."""
    ours = {Path(app.path).name for app in apps.get_app_configs() if Path(app.path).parent == BASE}
    return sorted(ours | {"cizhou_invest", "scripts"})


def _bandit(*targets):
    result = subprocess.run(
        [sys.executable, "-m", "bandit", "-r", *targets, "-ll", "-x", BANDIT_EXCLUDE, "-f", "json", "-q"],
        cwd=BASE,
        capture_output=True,
        text=True,
        timeout=300,
    )
    report = json.loads(result.stdout)
    findings = [
        f"{r['filename']}:{r['line_number']} {r['test_id']} {r['issue_severity']}/{r['issue_confidence']} "
        f"{r['issue_text']}"
        for r in report["results"]
    ]
    return result.returncode, findings, report


def test_bandit_finds_nothing_of_medium_or_high_severity():
    packages = _shipped_packages()
    assert {"accounts", "projects", "core", "cizhou_invest"} <= set(packages)
    returncode, findings, report = _bandit(*packages)
    assert not report["errors"], report["errors"]
    assert returncode == 0 and not findings, "\n".join(findings)
    scanned = report["metrics"]["_totals"]["loc"]
    assert scanned > 5000, f"bandit read only {scanned} lines: is it scanning the apps?"
    print(f"bandit: {scanned} lines of {', '.join(packages)}, nothing of medium or high severity")


def test_bandit_would_report_a_medium_or_high_finding(tmp_path):
    """The scan above can fail: the same command on a module with a shell injection and an unsafe load."""
    bad = tmp_path / "shipped"
    bad.mkdir()
    (bad / "views.py").write_text(
        "import subprocess\nimport pickle\n\n\ndef run(name, blob):\n"
        "    subprocess.call('convert ' + name, shell=True)\n    return pickle.loads(blob)\n"
    )
    returncode, findings, _report = _bandit(str(bad))
    assert returncode == 1
    assert any(" B602 HIGH" in f for f in findings) and any(" B301 MEDIUM" in f for f in findings), findings


def _scan_secrets():
    spec = importlib.util.spec_from_file_location("scan_secrets", BASE / "scripts" / "scan_secrets.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_no_secret_in_the_repository():
    result = subprocess.run(
        [sys.executable, "scripts/scan_secrets.py"], cwd=BASE, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 finding(s)" in result.stdout
    print(result.stdout.strip())


def test_the_secret_scan_finds_what_it_looks_for(tmp_path):
    """Secrets planted in a throwaway repository are each found; look-alikes that are not secrets are not. (The
    planted values are assembled here so that this file holds none of them.)"""
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    dash = "-" * 5
    planted = {
        ".env": "DATABASE_URL=postgres://app:x@db/app\n",
        "deploy/server.pem": "certificate\n",
        "deploy/notes.txt": f"{dash}BEGIN RSA PRIVATE KEY{dash}\nMIIE\n",
        "ops/aws.py": "KEY_ID = '" + "AKIA" + "Q" * 16 + "'\n",
        "ops/aliyun.py": "access_key_id = '" + "LTAI" + "5tAbCdEfGhIjKlMn" + "'\n",
        "ops/backup.sh": "pg_dump postgres://backup:" + "Xy7-pQ2-zR9w" + "@db.internal/cizhou\n",
        "site/settings/prod.py": "DB_PASSWORD = '"
        + "hunter2-hunter2"
        + "'\nAPI_TOKEN = env.str('API_TOKEN', default='t0k3n-v4lue')\n",
    }
    harmless = {
        ".env.example": "DATABASE_URL=postgres://user:${DB_PASSWORD}@db/app\n",
        "docs/deploy.md": "DATABASE_URL=postgres://<user>:<password>@host/db\n",
        "site/settings/base.py": "SECRET_KEY = env.str('DJANGO_SECRET_KEY')\nPASSWORD_MAX_AGE_DAYS = 90\n",
    }
    for name, text in {**planted, **harmless}.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    found = {(path, what) for path, _line, what in _scan_secrets().scan(tmp_path)}
    flagged = {path for path, _what in found}
    assert flagged == set(planted), found
    assert ("ops/aws.py", "AWS access key id") in found and ("ops/aliyun.py", "Aliyun AccessKey ID") in found
    assert ("deploy/notes.txt", "private key") in found and ("ops/backup.sh", "password in a URL") in found
    kinds = {what for path, what in found if path == "site/settings/prod.py"}
    assert kinds == {
        "a literal value for the secret setting DB_PASSWORD",
        "a literal value for the secret setting API_TOKEN",
    }


def test_pip_audit_finds_no_known_vulnerability_where_its_database_answers():
    """pip-audit asks PyPI's per-release JSON API (its default vulnerability service) about every installed package.
    Where that API does not answer (this machine reaches a PyPI mirror that serves packages but not that API, and no
    OSV), pip-audit itself exits 0 having audited nothing: that is reported here as a skip that says so, never as a
    pass."""
    try:
        result = subprocess.run(
            [sys.executable, "-m", "pip_audit", "-f", "json", "--progress-spinner", "off", "--timeout", "10"],
            cwd=BASE,
            capture_output=True,
            text=True,
            timeout=600,
        )
    except subprocess.TimeoutExpired:
        pytest.skip("pip-audit: the vulnerability database did not answer within 10 minutes; NOTHING WAS AUDITED")
    if not result.stdout.strip().startswith("{"):
        pytest.skip(f"pip-audit could not run against its vulnerability database: {result.stderr.strip()[-500:]}")
    report = json.loads(result.stdout)
    dependencies = report["dependencies"]
    audited = [d for d in dependencies if "skip_reason" not in d]
    vulnerable = [f"{d['name']} {d['version']}: {[v['id'] for v in d['vulns']]}" for d in audited if d.get("vulns")]
    assert not vulnerable, "known vulnerabilities:\n" + "\n".join(vulnerable)
    if not audited:
        reasons = sorted({d["skip_reason"].split(":")[0] for d in dependencies})
        pytest.skip(
            f"pip-audit could not reach its vulnerability database: NOTHING WAS AUDITED "
            f"({len(dependencies)} packages, each: {'; '.join(reasons)})"
        )
    unaudited = len(dependencies) - len(audited)
    print(f"pip-audit: {len(audited)} packages audited, no known vulnerability ({unaudited} could not be audited)")
