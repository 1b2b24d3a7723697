"""One measured run in a process of its own, so peak RSS and CPU time are that run's alone.

`python -m bench.child MODULE:FUNCTION SPEC.json OUT.json`: calls the function with the spec
(a dict) and writes its result, with the process's peak RSS and CPU time added. The parent
(`run_child`) waits with a deadline and kills the child if it overruns: no run outlives the
suite.
"""

from __future__ import annotations

import importlib
import json
import os
import resource
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]


def rss_mib() -> float:
    """Current resident set of this process."""
    return rss_of(os.getpid()).get("rss_mib", 0.0)


def rss_of(pid: int) -> dict[str, float]:
    """Current and peak resident set of another process (Linux /proc)."""
    found: dict[str, float] = {}
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(("VmRSS:", "VmHWM:")):
                key = "rss_mib" if line.startswith("VmRSS") else "peak_rss_mib"
                found[key] = int(line.split()[1]) / 1024
    except OSError:
        pass
    return found


def cpu_s() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def cpu_of(pid: int) -> float | None:
    """User + system CPU seconds of another process so far (Linux /proc), None once gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def stop(*procs: subprocess.Popen[bytes], grace_s: float = 60) -> None:
    """SIGTERM every process at once (a graceful `agentcron` shutdown hands its work back),
    wait for each within the grace period, and kill what is left."""
    for proc in procs:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
    for proc in procs:
        try:
            proc.wait(grace_s)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(10)


PYCACHE = Path(tempfile.gettempdir()) / "agentcron-bench-pycache"


def child_env(**extra: str) -> dict[str, str]:
    """The environment of every measured process. Bytecode is cached (outside the tree, in
    PYCACHE) even where PYTHONDONTWRITEBYTECODE is set: an installed package has its .pyc
    files, and compiling every module at each start would add seconds to start-up."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AGENTCRON_")}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = str(PYCACHE)
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    env.update(extra)
    return env


def warm_bytecode() -> None:
    """Compile once what the measured processes import, so no run pays for it."""
    subprocess.run(
        [
            sys.executable,
            "-c",
            "import agentcron.cli.main, agentcron.app, apscheduler, bench.burst",
        ],
        env=child_env(),
        cwd=ROOT,
        check=False,
        timeout=120,
    )


def run_child(target: str, spec: dict[str, Any], workdir: Path, timeout_s: float) -> dict[str, Any]:
    tag = f"{target.replace(':', '.')}-{time.monotonic_ns()}"
    spec_path, out_path, log_path = (
        workdir / f"{tag}.{ext}" for ext in ("spec.json", "out.json", "log")
    )
    spec_path.write_text(json.dumps(spec, default=str))
    command = [sys.executable, "-m", "bench.child", target, str(spec_path), str(out_path)]
    profile_dir = os.environ.get("BENCH_PYSPY")
    if profile_dir:  # sample every thread of the run (collapsed stacks, for flame graphs)
        spy = str(Path(sys.executable).with_name("py-spy"))
        out = Path(profile_dir) / f"{tag}.txt"
        command = [
            spy,
            "record",
            "--format",
            "raw",
            "--rate",
            "250",
            "-o",
            str(out),
            "--",
            *command,
        ]
    with log_path.open("wb") as log:
        proc = subprocess.Popen(
            command,
            cwd=ROOT,
            env=child_env(),
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            code = proc.wait(timeout_s)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(30)
            code = None
    if code != 0 or not out_path.exists():
        tail = log_path.read_text(errors="replace")[-3000:]
        why = "timed out" if code is None else f"exited with {code}"
        raise RuntimeError(f"{target} {why} after at most {timeout_s:.0f} s:\n{tail}")
    return dict(json.loads(out_path.read_text()))


def main() -> None:
    target, spec_path, out_path = sys.argv[1:4]
    module_name, _, function_name = target.partition(":")
    spec = json.loads(Path(spec_path).read_text())
    function = getattr(importlib.import_module(module_name), function_name)
    result = function(spec)
    usage = resource.getrusage(resource.RUSAGE_SELF)
    # VmHWM, not ru_maxrss: Linux carries ru_maxrss across exec, so it would report the
    # bench parent's size at the fork whenever that is larger than this run's own peak.
    result.setdefault("peak_rss_mib", rss_of(os.getpid()).get("peak_rss_mib"))
    result.setdefault("process_cpu_s", usage.ru_utime + usage.ru_stime)
    Path(out_path).write_text(json.dumps(result, default=str))


if __name__ == "__main__":
    main()
