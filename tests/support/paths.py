"""Where the shared material lives: `shared/` beside the repository (CI lays it there)."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SHARED = next(
    (p for p in (ROOT.parent / "shared", Path("/work/shared")) if (p / "site").is_dir()),
    ROOT.parent / "shared",
)
SEED_TEXT = SHARED / "site" / "seed-article-2024-07-03.txt"
