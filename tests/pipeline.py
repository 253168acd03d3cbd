"""A small synth incident taken through every stage once, cloned for each test.

Keys live outside the workspace, named by its id: a clone gets a copy of the key in the
test's own key folder, so purging or killing one clone never touches another.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from vigie.workspace import Workspace


@dataclass(frozen=True)
class Template:
    root: Path  # holds incident/ and workspace/
    key_dir: Path

    @property
    def incident(self) -> Path:
        return self.root / "incident"

    def clone(self, dest: Path, key_dir: Path, workspace: str = "workspace") -> Workspace:
        """Copy incident/ and the given workspace folder to `dest`, with its key."""
        shutil.copytree(self.incident, dest / "incident")
        shutil.copytree(self.root / workspace, dest / "workspace")
        ws = Workspace.open(dest / "workspace")
        key_dir.mkdir(parents=True, exist_ok=True)
        shutil.copy2(self.key_dir / f"{ws.id}.key", key_dir / f"{ws.id}.key")
        return ws


def build_template(root: Path, key_dir: Path, persons: int = 60, seed: int = 7) -> Template:
    """`vigie demo`'s pipeline (synth, ingest, registries, scan, link, assess, report,
    notify) on `persons`, with its key in `key_dir`."""
    from vigie.demo import run_demo

    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("VIGIE_KEY_DIR", str(key_dir))
        mp.delenv("VIGIE_KEY", raising=False)
        report = run_demo(root, persons=persons, seed=seed)
    return Template(report.out, key_dir)
