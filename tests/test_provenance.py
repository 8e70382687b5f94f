"""One provenance module (`govsim.provenance`) for every record govsim writes (issue 14)."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from govsim import provenance


def _git(root: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-C", str(root), "-c", "user.name=t", "-c", "user.email=t@t", *args],
        check=True,
        capture_output=True,
    )


@pytest.fixture
def checkout(tmp_path, monkeypatch):
    """A throwaway git checkout with one code folder, as provenance's ROOT."""
    (tmp_path / "model").mkdir()
    (tmp_path / "model" / "a.py").write_text("x = 1\n")
    (tmp_path / "notes.txt").write_text("not code\n")
    _git(tmp_path, "init", "-q")
    _git(tmp_path, "add", ".")
    _git(tmp_path, "commit", "-q", "-m", "first")
    monkeypatch.setattr(provenance, "ROOT", tmp_path)
    provenance.git_commit.cache_clear()
    yield tmp_path
    provenance.git_commit.cache_clear()


def test_a_clean_checkout_is_its_commit(checkout):
    version = provenance.git_commit()
    assert re.fullmatch(r"[0-9a-f]{40}", version["commit"]) and version["dirty"] is False
    assert provenance.code_label() == version["commit"][:12]


def test_a_changed_or_new_code_file_makes_it_dirty(checkout):
    (checkout / "notes.txt").write_text("changed, but not code\n")
    assert provenance.git_commit()["dirty"] is False
    provenance.git_commit.cache_clear()
    (checkout / "model" / "b.py").write_text("y = 2\n")  # new, untracked
    assert provenance.git_commit()["dirty"] is True
    assert provenance.code_label().endswith("+dirty")


def test_without_git_the_record_says_unknown(tmp_path, monkeypatch):
    monkeypatch.setattr(provenance, "ROOT", tmp_path)  # not a checkout
    provenance.git_commit.cache_clear()
    try:
        assert provenance.git_commit() == {"commit": None, "dirty": None}
        assert provenance.code_label() == "unknown"
    finally:
        provenance.git_commit.cache_clear()


def test_a_record_names_code_packages_and_seeds():
    block = provenance.record(seeds={"root_seed": 3})
    assert set(block) == {"code", "packages", "seeds"} and block["seeds"] == {"root_seed": 3}
    assert block["code"]["govsim_version"] == provenance.govsim_version()
    assert block["packages"]["mesa"].startswith("3.5") and block["packages"]["numba"]
    assert provenance.package_versions(["no-such-package-x"]) == {"no-such-package-x": None}
