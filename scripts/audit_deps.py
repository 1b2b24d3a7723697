"""Audit the locked dependency set for known vulnerabilities.

First choice is pip-audit. Where its advisory service cannot be reached (this project's
build machines reach the package registry's project pages but not its per-release pages),
fall back to the registry's project page, which lists the known vulnerabilities of the
newest release: exact for every pin that is the newest release, and said plainly for the
others. Any known vulnerability in a pin fails the run.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

PIN = re.compile(r"^([A-Za-z0-9_.\-]+)==([^\s;]+)")


def index_api() -> str:
    """The default package index's JSON API, as pip itself knows it."""
    from pip._internal.models.index import PyPI

    return str(PyPI.pypi_url).rstrip("/")


def pins(lock: Path) -> list[tuple[str, str]]:
    return [(m[1], m[2]) for line in lock.read_text().splitlines() if (m := PIN.match(line))]


def pip_audit(lock: Path) -> int | None:
    """pip-audit's exit code, or None when it could not reach its service."""
    command = [
        sys.executable,
        "-m",
        "pip_audit",
        "--progress-spinner",
        "off",
        "--strict",
        "--requirement",
        str(lock),
        "--no-deps",
        "--disable-pip",
    ]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    output = result.stdout + result.stderr
    if "could not be audited" in output or "ConnectionError" in output:
        return None
    print(output.strip())
    return result.returncode


def project_page(name: str) -> dict[str, object]:
    with urllib.request.urlopen(f"{index_api()}/{name}/json", timeout=30) as response:  # noqa: S310
        return json.load(response)  # type: ignore[no-any-return]


def fallback(lock: Path) -> int:
    pinned = pins(lock)
    with ThreadPoolExecutor(16) as pool:
        pages = list(pool.map(lambda p: project_page(p[0]), pinned))
    vulnerable, behind = [], []
    for (name, version), page in zip(pinned, pages, strict=True):
        latest = page["info"]["version"]  # type: ignore[index]
        if version != latest:
            behind.append(f"{name} {version} (newest {latest})")
            continue
        for vuln in page.get("vulnerabilities", []):  # type: ignore[union-attr]
            vulnerable.append(f"{name} {version}: {vuln.get('id')} {vuln.get('summary') or ''}")
    print(
        f"audited {len(pinned) - len(behind)} of {len(pinned)} pins against the registry's advisories"
    )
    for line in behind:
        print(f"  not audited (not the newest release; run `make lock`): {line}")
    for line in vulnerable:
        print(f"  VULNERABLE {line}")
    return 1 if vulnerable else 0


def main() -> int:
    lock = Path(sys.argv[1] if len(sys.argv) > 1 else "requirements.lock")
    code = pip_audit(lock)
    if code is None:
        print(
            "pip-audit cannot reach its advisory service here; using the registry's project pages"
        )
        code = fallback(lock)
    return code


if __name__ == "__main__":
    raise SystemExit(main())
