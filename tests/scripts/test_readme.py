"""The README's commands are real: every `make` target and script path it names exists."""

import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text()


def quick_start_block() -> str:
    section = README.split("## Quick start", 1)[1]
    return re.search(r"```sh\n(.*?)```", section, re.S).group(1)


def test_quick_start_is_the_two_commands():
    commands = [line.split("#")[0].strip() for line in quick_start_block().splitlines()]
    assert [c for c in commands if c] == ["make run", "make test"]


def test_every_make_target_in_the_readme_exists():
    targets = set(re.findall(r"`make ([a-z-]+)", README))
    assert {"run", "test", "setup", "bench", "help"} <= targets
    for target in sorted(targets):
        dry_run = subprocess.run(
            ["make", "-n", target], cwd=ROOT, capture_output=True, text=True, check=False
        )
        assert dry_run.returncode == 0, (target, dry_run.stderr)


def test_every_path_the_readme_names_exists():
    paths = set(
        re.findall(r"`((?:scripts|toolchain|tests|bench|docs|contracts)/[\w./-]+)`", README)
    )
    assert paths
    missing = [p for p in sorted(paths) if not (ROOT / p.rstrip("/")).exists()]
    assert not missing
