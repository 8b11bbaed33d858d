import os

import pytest

from notrain.errors import OptionError, OutputExistsError
from notrain.protect.files import TEMP_MARK, check_output_folder, collect_inputs, write_atomic


def _touch(path, data=b"x"):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def test_folders_yield_image_files_and_named_files_are_always_kept(tmp_path):
    _touch(tmp_path / "in" / "a.jpg")
    _touch(tmp_path / "in" / "sub" / "b.HEIC")
    _touch(tmp_path / "in" / "notes.txt")
    _touch(tmp_path / "in" / ".hidden.jpg")
    named = _touch(tmp_path / "readme.txt")
    files, problems = collect_inputs([tmp_path / "in", named])
    assert sorted(str(f.relative) for f in files) == ["a.jpg", "readme.txt", os.path.join("sub", "b.HEIC")]
    assert problems == []


def test_missing_paths_are_reported_not_fatal(tmp_path):
    files, problems = collect_inputs([tmp_path / "nope.jpg"])
    assert files == [] and "no such file" in problems[0].message


@pytest.mark.skipif(os.name == "nt", reason="symlinks need privileges on Windows")
def test_symlink_loops_do_not_hang_the_walk(tmp_path):
    _touch(tmp_path / "in" / "a.jpg")
    (tmp_path / "in" / "loop").symlink_to(tmp_path / "in", target_is_directory=True)
    (tmp_path / "in" / "sub").mkdir()
    (tmp_path / "in" / "sub" / "back").symlink_to(tmp_path / "in", target_is_directory=True)
    files, _ = collect_inputs([tmp_path / "in"])
    assert [f.path.name for f in files] == ["a.jpg"]


@pytest.mark.skipif(os.name == "nt" or os.geteuid() == 0, reason="root ignores permissions")
def test_unreadable_folder_is_reported_and_the_walk_goes_on(tmp_path):
    _touch(tmp_path / "in" / "a.jpg")
    locked = tmp_path / "in" / "locked"
    _touch(locked / "b.jpg")
    locked.chmod(0)
    try:
        files, problems = collect_inputs([tmp_path / "in"])
    finally:
        locked.chmod(0o755)
    assert [f.path.name for f in files] == ["a.jpg"] and "cannot read" in problems[0].message


def test_output_folder_inside_input_folder_is_refused_unless_allowed(tmp_path):
    (tmp_path / "in").mkdir()
    with pytest.raises(OptionError, match="inside the input folder"):
        check_output_folder(tmp_path / "in" / "out", [tmp_path / "in"], allow_inside=False)
    check_output_folder(tmp_path / "in" / "out", [tmp_path / "in"], allow_inside=True)
    with pytest.raises(OptionError, match="is the input folder"):
        check_output_folder(tmp_path / "in", [tmp_path / "in"], allow_inside=True)
    check_output_folder(tmp_path / "out", [tmp_path / "in"], allow_inside=False)


def test_write_atomic_never_replaces_without_overwrite_and_leaves_no_temp_files(tmp_path):
    target = tmp_path / "out" / "a.jpg"
    write_atomic(target, b"first", overwrite=False)
    with pytest.raises(OutputExistsError, match="--overwrite"):
        write_atomic(target, b"second", overwrite=False)
    assert target.read_bytes() == b"first"
    write_atomic(target, b"third", overwrite=True)
    assert target.read_bytes() == b"third"
    assert not [p for p in target.parent.iterdir() if TEMP_MARK in p.name]


def test_write_errors_say_what_happened(tmp_path, monkeypatch):
    import errno

    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)
    from notrain.errors import OutputError

    with pytest.raises(OutputError, match="disk is full"):
        write_atomic(tmp_path / "a.jpg", b"data", overwrite=False)
    assert list(tmp_path.iterdir()) == []
