"""`replace_file`: readers see the old file or the new one, never half of one."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest

from simulator.files import replace_file


def test_replaces_the_file_whole(tmp_path: Path) -> None:
    """The new bytes, exactly, and nothing else left in the folder."""
    target = tmp_path / "results.json"
    target.write_bytes(b"old")
    replace_file(target, '{"tỉnh": "Thanh Hóa"}'.encode())
    assert target.read_bytes() == '{"tỉnh": "Thanh Hóa"}'.encode()
    assert [path.name for path in tmp_path.iterdir()] == ["results.json"]


def test_a_failed_rename_keeps_the_old_file_and_leaves_nothing_behind(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The data was written, the rename failed (say, a full disk): the old report stays whole
    and the hidden file is gone."""
    target = tmp_path / "junit.xml"
    target.write_bytes(b"<old/>")

    def refuse(source: object, destination: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", refuse)
    with pytest.raises(OSError, match="No space left"):
        replace_file(target, b"<new/>")
    assert target.read_bytes() == b"<old/>"
    assert [path.name for path in tmp_path.iterdir()] == ["junit.xml"]


def test_a_missing_folder_is_an_error_that_changes_nothing(tmp_path: Path) -> None:
    """No folder: FileNotFoundError, and nothing is created."""
    with pytest.raises(FileNotFoundError):
        replace_file(tmp_path / "absent" / "report.html", b"<html></html>")
    assert list(tmp_path.iterdir()) == []


def test_a_symbolic_link_stays_a_link_to_the_new_report(tmp_path: Path) -> None:
    """`--junit latest.xml` where latest.xml links to the real file: the file is replaced."""
    real = tmp_path / "run-7.xml"
    real.write_bytes(b"<old/>")
    link = tmp_path / "latest.xml"
    link.symlink_to(real)
    replace_file(link, b"<new/>")
    assert link.is_symlink()
    assert real.read_bytes() == b"<new/>"


def test_a_pipe_is_written_into(tmp_path: Path) -> None:
    """`--json /dev/stdout` or a named pipe: there is nothing to replace, the bytes go in."""
    pipe = tmp_path / "results.pipe"
    os.mkfifo(pipe)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(pipe.read_bytes()))
    reader.start()
    replace_file(pipe, b'{"verdict": "pass"}')
    reader.join(timeout=10)
    assert received == [b'{"verdict": "pass"}']
    assert pipe.is_fifo()
