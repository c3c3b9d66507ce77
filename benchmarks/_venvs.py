"""Virtual environments the benchmark command creates for itself in `benchmarks/venvs/<name>/`.

Peers whose dependencies conflict with our pins (news-please, newspaper4k: lxml and more) and
tools we do not ship (py-spy) are installed there by pip, never into the project's venv.
A venv is reused while its stamp (the pip requirement) is unchanged.
"""

from __future__ import annotations

import subprocess
import sys
import venv
from dataclasses import dataclass
from pathlib import Path

from benchmarks._common import ROOT

VENVS = ROOT / "benchmarks" / "venvs"
# name -> pip requirements; pinned so that a rerun measures the same code.
REQUIREMENTS: dict[str, tuple[str, ...]] = {
    "news-please": ("news-please==1.6.16",),
    "newspaper4k": ("newspaper4k==0.9.6",),
    "py-spy": ("py-spy==0.4.3",),
}
STAMP = ".benchmark-installed"


@dataclass
class Env:
    """A venv ready to use (`python` set), or why not (`error`)."""

    name: str
    python: Path | None = None
    error: str | None = None

    @property
    def bin(self) -> Path:
        assert self.python is not None
        return self.python.parent


def ensure(name: str, create: bool) -> Env:
    """The venv `name`, created and installed first when `create` is true and it is missing."""
    path = VENVS / name
    python = path / "bin" / "python"
    want = "\n".join(REQUIREMENTS[name])
    stamp = path / STAMP
    if python.exists() and stamp.exists() and stamp.read_text(encoding="utf-8") == want:
        return Env(name, python)
    if not create:
        return Env(
            name, error=f"benchmarks/venvs/{name} is not installed (not created at this size)"
        )
    print(
        f"bench: creating benchmarks/venvs/{name} ({' '.join(REQUIREMENTS[name])})",
        file=sys.stderr,
        flush=True,
    )
    try:
        venv.EnvBuilder(with_pip=True, clear=True).create(path)
        done = subprocess.run(
            [
                str(python),
                "-m",
                "pip",
                "install",
                "--quiet",
                "--disable-pip-version-check",
                *REQUIREMENTS[name],
            ],
            capture_output=True,
            text=True,
            timeout=1800,
            check=False,
        )
    except (OSError, subprocess.SubprocessError) as exc:
        return Env(name, error=f"venv creation failed: {exc}")
    if done.returncode != 0:
        # pip's own warnings about the machine's index configuration are not the error.
        lines = [
            line for line in done.stderr.splitlines() if not line.startswith("WARNING: Location")
        ]
        return Env(name, error=f"pip install failed ({done.returncode}): " + " / ".join(lines[-5:]))
    stamp.write_text(want, encoding="utf-8")
    return Env(name, python)
