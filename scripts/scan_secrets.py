"""Look for secrets in the files git would commit: private keys, cloud access keys (AWS, Aliyun, Tencent), tokens of
common services, passwords inside URLs, .env and key files, and literal passwords or keys in the settings.

Usage: python scripts/scan_secrets.py [REPO_DIR]   (default: this repository; exits 1 and lists each finding)

The files are those `git ls-files` names, tracked or new (not ignored). A value that only looks like a secret is
let through by ALLOWED below, with the reason, never by a comment next to it.
"""

import ast
import re
import subprocess
import sys
from pathlib import Path

MAX_BYTES = 2_000_000

# Whole files that hold secrets by their nature.
SECRET_FILE = re.compile(
    r"(^|/)(\.env(\.(?!example$|sample$|template$)[\w.-]+)?"
    r"|id_(rsa|dsa|ecdsa|ed25519)|[^/]+\.(pem|key|p12|pfx|jks|keystore|kdbx|ppk))$"
)

CONTENT_RULES = [
    ("private key", re.compile(r"-----BEGIN" r"[A-Z ]*PRIVATE KEY( BLOCK)?-----")),
    ("AWS access key id", re.compile(r"\b(AKIA|ASIA)[0-9A-Z]{16}\b")),
    (
        "AWS secret access key",
        re.compile(r"(?i)aws_?secret_?access_?key\s*[=:]\s*['\"]?[A-Za-z0-9/+=]{40}\b"),
    ),
    ("Aliyun AccessKey ID", re.compile(r"\bLTAI[0-9A-Za-z]{12,24}\b")),
    (
        "Aliyun AccessKey secret",
        re.compile(r"(?i)access_?key_?secret\s*[=:]\s*['\"][0-9A-Za-z]{30}['\"]"),
    ),
    ("Tencent Cloud SecretId", re.compile(r"\bAKID[0-9A-Za-z]{32}\b")),
    ("GitHub token", re.compile(r"\b(gh[pousr]_[0-9A-Za-z]{36}|github_pat_[0-9A-Za-z_]{60,})\b")),
    ("Slack token", re.compile(r"\bxox[abprs]-[0-9A-Za-z-]{10,}")),
    ("Google API key", re.compile(r"\bAIza[0-9A-Za-z_-]{35}\b")),
    # A password between "user:" and "@host" in a URL, but not the placeholders docs use (${VAR}, <password>, ***).
    ("password in a URL", re.compile(r"\b[a-z][a-z0-9+.-]*://[^\s:/@'\"]+:(?![$<*{])[^\s:/@'\"]{8,}@[\w.-]+")),
]

# In settings modules: a literal string given to a name that says it is a secret.
SECRET_NAME = re.compile(r"(?i)(password|passwd|secret|token|api_?key|access_?key|private_?key)")
SETTINGS_FILE = re.compile(r"(^|/)(settings(/[^/]+)?|settings_\w+)\.py$")

# (path, rule or setting name): why it is not a secret.
ALLOWED = {
    ("cizhou_invest/settings/base.py", "DEMO_PASSWORD"): "the demo city's published password (README, load_demo), "
    "overridden from the environment; no production account has it",
    ("cizhou_invest/settings/test.py", "DJANGO_SECRET_KEY"): "the test settings' key, which says so in its value",
    ("cizhou_invest/settings/dev.py", "DJANGO_SECRET_KEY"): "the local development key (`make run`), which says so "
    "in its value; production.py has no default",
}


def repository_files(root):
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],  # noqa: S607 - git on PATH
        cwd=root,
        capture_output=True,
        check=True,
    )
    return sorted({name for name in listed.stdout.decode().split("\0") if name})


def _settings_findings(path, text):
    """Literal strings assigned to secret-sounding names, or given as their default (env.str("X", default=...),
    os.environ.setdefault("X", ...), os.environ.get("X", ...))."""
    try:
        tree = ast.parse(text)
    except SyntaxError:
        return
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign | ast.AnnAssign) and isinstance(node.value, ast.Constant):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                if isinstance(target, ast.Name) and SECRET_NAME.search(target.id) and _nonempty(node.value):
                    yield node.lineno, target.id
        elif isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant):
            name = node.args[0].value
            if not isinstance(name, str) or not SECRET_NAME.search(name):
                continue
            defaults = [kw.value for kw in node.keywords if kw.arg == "default"] + node.args[1:2]
            if any(isinstance(d, ast.Constant) and _nonempty(d) for d in defaults):
                yield node.lineno, name


def _nonempty(constant):
    return isinstance(constant.value, str) and constant.value.strip() != ""


def scan(root):
    """Every finding as (path, line, what); line 0 for a whole file."""
    root = Path(root)
    findings = []
    for name in repository_files(root):
        path = root / name
        if SECRET_FILE.search(name):
            findings.append((name, 0, "a file of secrets (.env, key or keystore) in the repository"))
        if not path.is_file() or path.stat().st_size > MAX_BYTES:
            continue
        data = path.read_bytes()
        if b"\0" in data:
            continue  # binary
        text = data.decode("utf-8", errors="replace")
        for lineno, line in enumerate(text.splitlines(), 1):
            for what, rule in CONTENT_RULES:
                if rule.search(line) and (name, what) not in ALLOWED:
                    findings.append((name, lineno, what))
        if SETTINGS_FILE.search(name):
            for lineno, setting in _settings_findings(name, text):
                if (name, setting) not in ALLOWED:
                    findings.append((name, lineno, f"a literal value for the secret setting {setting}"))
    return findings


def main(argv):
    root = argv[1] if len(argv) > 1 else Path(__file__).resolve().parent.parent
    findings = scan(root)
    for name, lineno, what in findings:
        print(f"{name}:{lineno}: {what}")
    print(f"scan_secrets: {len(findings)} finding(s) in {len(repository_files(root))} files")
    return 1 if findings else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
