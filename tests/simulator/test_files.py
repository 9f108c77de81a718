"""`replace_file`: readers see the old file or the new one, never half of one."""

from __future__ import annotations

from pathlib import Path

import pytest

from simulator.files import replace_file


def test_replaces_the_file_whole(tmp_path: Path) -> None:
    target = tmp_path / "results.json"
    target.write_bytes(b"old")
    replace_file(target, '{"tỉnh": "Thanh Hóa"}'.encode())
    assert target.read_bytes() == '{"tỉnh": "Thanh Hóa"}'.encode()
    assert [path.name for path in tmp_path.iterdir()] == ["results.json"]


def test_a_failed_write_keeps_the_old_file_and_leaves_nothing_behind(tmp_path: Path) -> None:
    target = tmp_path / "junit.xml"
    target.write_bytes(b"<old/>")
    (tmp_path / ".junit.xml.partial").mkdir()  # the hidden file cannot be written
    with pytest.raises(IsADirectoryError):
        replace_file(target, b"<new/>")
    assert target.read_bytes() == b"<old/>"


def test_a_failed_rename_removes_the_partial_file(tmp_path: Path) -> None:
    target = tmp_path / "report.html"
    target.mkdir()  # the rename onto a directory fails after the data was written
    with pytest.raises(IsADirectoryError):
        replace_file(target, b"<html></html>")
    assert target.is_dir()
    assert not (tmp_path / ".report.html.partial").exists()
