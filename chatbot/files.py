"""Writing files and folders so that nothing is lost: whole or not at all, and only over our own.

A file is written beside its target under a temporary name and renamed over it; a folder is
built under a temporary name and swapped in. A reader (or a crash) sees the old version or the
whole new one, never a mix. A killed run leaves its temporaries named `.NAME.PID.RANDOM.tmp`;
the next write of the same path removes those whose process is gone. What is replaced must be
ours: a regular file (never a symbolic link, a FIFO or a device), or a folder that the caller
recognises as one it wrote.
"""

import contextlib
import ctypes
import os
import secrets
import shutil
import stat
import tempfile
from collections.abc import Callable
from pathlib import Path

from chatbot.errors import ANOTHER_OUT, OVERWRITE, ChatbotError, Message
from chatbot.untrusted import not_regular, printable


class WriteError(ChatbotError):
    """A write the operating system refused (no space, read-only, no permission); `reason` is
    its wording, so a caller writing on the user's behalf can name the user's target instead."""

    def __init__(self, path, reason: str):
        super().__init__(f"cannot write {printable(str(path))}: {reason}")
        self.reason = reason


def _reason(error: OSError) -> str:
    return error.strerror or str(error)


def write_text_atomic(path: str | os.PathLike, text: str) -> None:
    """Write `text` as UTF-8 to `path` atomically (see `write_bytes_atomic`)."""
    write_bytes_atomic(path, text.encode("utf-8"))


def write_bytes_atomic(path: str | os.PathLike, data: bytes) -> None:
    """Write `data` to `path` through a temporary file in the same folder and os.replace.

    Readers see either the old file or the whole new one, never half of it. An existing file
    keeps its permissions; a target that is not a regular file (a symbolic link, a FIFO, a
    device, a folder) is refused, never replaced. Temporaries that a killed run left beside
    `path` are removed first.

    Raises:
        ChatbotError: the target is not a regular file, or it cannot be written.
    """
    write_files_atomic({Path(path): data})


def write_files_atomic(contents: dict[Path, bytes], name: Path | None = None) -> None:
    """Write several files as one: every file is written under a temporary name first, and only
    when all are complete are they renamed over their targets, one right after the other.

    A failure (no space, a kill) while writing leaves every old file as it was, none of the
    new set beside them. Each target is checked as `write_bytes_atomic` checks one.

    Args:
        contents: target path -> bytes.
        name: what an error names (say the folder the user gave); default the file that failed.

    Raises:
        ChatbotError: a target is not a regular file, or one cannot be written.
    """
    modes = {path: _regular_target_mode(path) for path in contents}
    written: dict[Path, Path] = {}
    try:
        for path, data in contents.items():
            remove_stale_temporaries(path)
            written[path] = temporary = temporary_path(path)
            try:
                _write_temporary(temporary, data, modes[path])
            except OSError as error:
                raise WriteError(name or path, _reason(error)) from None
        for path, temporary in written.items():
            try:
                os.replace(temporary, path)
            except OSError as error:
                raise WriteError(name or path, _reason(error)) from None
    finally:
        for temporary in written.values():
            temporary.unlink(missing_ok=True)


def _write_temporary(temporary: Path, data: bytes, mode: int | None) -> None:
    """Write a new file `temporary`, with the permissions `mode` (None: the usual ones)."""
    # os.open with mode 0o666 (less the umask) gives a new file the usual permissions
    handle = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    with os.fdopen(handle, "wb") as file:
        if mode is not None:
            os.fchmod(file.fileno(), mode)  # an existing file keeps its mode (0600 stays)
        file.write(data)


def _regular_target_mode(path: Path) -> int | None:
    """The permission bits of the regular file at `path`; None where nothing is there yet."""
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        return None
    except OSError as error:
        raise ChatbotError(f"cannot write {printable(str(path))}: {error.strerror}") from None
    if stat.S_ISREG(info.st_mode):
        return stat.S_IMODE(info.st_mode)
    kind = (
        "a symbolic link"
        if stat.S_ISLNK(info.st_mode)
        else "a folder"
        if stat.S_ISDIR(info.st_mode)
        else not_regular(info.st_mode)
    )
    raise ChatbotError(
        f"{printable(str(path))} is {kind}, not a regular file; I replace only regular files: "
        "give another path"
    )


_TEMPORARY_SUFFIX = ".tmp"


def temporary_path(path: Path) -> Path:
    """A fresh name beside `path` for writing it: `.NAME.PID.RANDOM.tmp`."""
    name = f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}{_TEMPORARY_SUFFIX}"
    return path.with_name(name)


def remove_stale_temporaries(path: Path) -> None:
    """Remove the temporaries (files or folders) of `path` whose writing process is gone.

    A run killed while writing leaves its `.NAME.PID.RANDOM.tmp` behind; the next write of the
    same path cleans it up. Temporaries of a live process are left alone.
    """
    prefix = f".{path.name}."
    try:
        entries = list(os.scandir(path.parent))
    except OSError:
        return  # the write itself will report the folder
    for entry in entries:
        name = entry.name
        if not (name.startswith(prefix) and name.endswith(_TEMPORARY_SUFFIX)):
            continue
        pid = name[len(prefix) :].split(".", 1)[0]
        if not pid.isdigit() or _alive(int(pid)):
            continue
        if entry.is_dir(follow_symlinks=False):
            shutil.rmtree(entry.path, ignore_errors=True)
        else:
            Path(entry.path).unlink(missing_ok=True)


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # it exists, owned by someone else
        return True
    return True


def check_replaceable(
    folder: Path, overwrite: bool, why_not_ours: Callable[[Path], str | None]
) -> None:
    """Refuse to write a folder where it would replace something that is not ours.

    Args:
        folder: where the folder is to be written (`--out`).
        overwrite: whether an existing folder may be replaced.
        why_not_ours: why an existing folder is not one we wrote, or None when it is.

    Raises:
        ChatbotError: `folder` names the current folder or one above it, exists without
            `overwrite`, or is not ours.
    """
    shown = printable(str(folder))
    resolved = folder.resolve()
    if folder.name in ("", ".", "..") or resolved == Path.cwd() or resolved in Path.cwd().parents:
        raise ChatbotError(
            f"--out {shown} is the current folder or one above it; name a new folder"
        )
    if not (folder.exists() or folder.is_symlink()):
        return
    if not overwrite:
        raise ChatbotError(Message(f"{shown} already exists; ", OVERWRITE, " to replace it"))
    problem = why_not_ours(folder)
    if problem:
        raise ChatbotError(Message(f"{shown}: {problem}; ", ANOTHER_OUT))


def write_folder_atomic(
    folder: str | os.PathLike,
    fill: Callable[[Path], None],
    keep: Callable[[str], bool] = lambda name: False,
) -> None:
    """Write a folder whole: `fill` writes into a fresh temporary folder, which is then swapped in.

    The old folder stays whole until the new one is complete, and is removed after; what it
    holds by a name that `keep` accepts is first moved into the new folder, where the new one
    has no such entry or an older copy of it (so a file added while the new one was made is
    not lost).

    Raises:
        ChatbotError: the folder cannot be written.
    """
    folder = Path(folder)
    remove_stale_temporaries(folder)
    temporary = temporary_path(folder)
    try:
        os.mkdir(temporary, 0o700)
        os.chmod(temporary, 0o755)  # private while written; the finished folder is shared
    except OSError as error:
        raise WriteError(folder, _reason(error)) from None
    try:
        fill(temporary)
        _swap_in(temporary, folder)
        _carry_over(temporary, folder, keep)
    except (OSError, WriteError) as error:  # named as the user's folder, not the temporary
        raise WriteError(folder, getattr(error, "reason", None) or _reason(error)) from None
    finally:
        shutil.rmtree(temporary, ignore_errors=True)


def _carry_over(old: Path, new: Path, keep: Callable[[str], bool]) -> None:
    """Move the entries of `old` that `keep` accepts into `new`, unless `new` holds the same."""
    if not old.is_dir():
        return
    for entry in os.scandir(old):
        if not keep(entry.name):
            continue
        there = new / entry.name
        try:
            copied = os.lstat(there)
        except FileNotFoundError:
            copied = None
        if copied is not None and entry.is_file(follow_symlinks=False):
            mine = entry.stat(follow_symlinks=False)
            if (mine.st_size, mine.st_mtime_ns) == (copied.st_size, copied.st_mtime_ns):
                continue  # the copy made before the swap is current
        if copied is not None and (stat.S_ISDIR(copied.st_mode) or entry.is_dir()):
            continue  # never replace a folder, nor a file by one
        os.replace(entry.path, there)


def write_set(
    out: Path, fill: Callable[[Path], None], ours: Callable[[str], object], what: str, overwrite
) -> None:
    """Write a set of files into `out` with `fill(folder)`, never beside files of an older set.

    Where `out` holds a file that `ours` recognises by name (an older set), the folder is
    replaced whole, and only with `overwrite`: the new folder gets the new set and a copy of the
    other files (say a README), so a kill leaves the old folder or the new one; files added or
    changed while it was made are moved over when it is swapped in. Otherwise the
    files go into `out` (made if missing), each written atomically.

    Raises:
        ChatbotError: an older set without `overwrite`, a subfolder, link or special file beside
            it, or `out` cannot be made or written.
    """
    if out.is_dir() and any(ours(entry.name) for entry in os.scandir(out)):
        others = [entry for entry in os.scandir(out) if not ours(entry.name)]

        def not_ours(folder: Path) -> str | None:
            if folder.is_symlink():
                return "it is a symbolic link"
            odd = [entry.name for entry in others if not entry.is_file(follow_symlinks=False)]
            if not odd:
                return None
            return f"it holds {printable(odd[0][:40])} besides {what}, which I would not copy"

        def fill_and_carry_over(folder: Path) -> None:
            for entry in others:
                with contextlib.suppress(FileNotFoundError):  # removed meanwhile
                    shutil.copy2(entry.path, folder / entry.name, follow_symlinks=False)
            fill(folder)

        check_replaceable(out, overwrite, not_ours)
        try:
            write_folder_atomic(out, fill_and_carry_over, keep=lambda name: not ours(name))
        except OSError as error:
            raise ChatbotError(f"cannot write {out}: {error.strerror or error}") from None
        return
    try:
        out.mkdir(parents=True, exist_ok=True)
    except FileExistsError:
        raise ChatbotError(
            f"{printable(str(out))} is a file; give a folder to write into"
        ) from None
    except OSError as error:
        raise ChatbotError(f"cannot make the folder {out}: {error.strerror}") from None
    fill(out)


# renameat2(2) flag that swaps two paths in one step (Linux 3.15+, glibc 2.28+).
_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def _exchange(first: Path, second: Path) -> bool:
    """Atomically swap two paths where the system can; False where it cannot."""
    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (AttributeError, OSError):
        return False
    result = renameat2(
        _AT_FDCWD, os.fsencode(first), _AT_FDCWD, os.fsencode(second), _RENAME_EXCHANGE
    )
    return result == 0


def _swap_in(temporary: Path, folder: Path) -> None:
    """Put the complete `temporary` folder at `folder`; the old folder, if any, ends in `temporary`.

    With an atomic exchange there is no moment without a whole folder at `folder`. Without one,
    the old folder is renamed aside first; a crash between the two renames leaves it beside the
    destination as `.NAME.old...`, never lost.
    """
    try:
        if not folder.exists():
            os.rename(temporary, folder)
            return
        if _exchange(temporary, folder):
            return
        aside = Path(tempfile.mkdtemp(prefix=f".{folder.name}.old", dir=folder.parent))
        os.rename(folder, aside / folder.name)
        os.rename(temporary, folder)
        os.rename(aside, temporary)
    except OSError as error:
        raise ChatbotError(f"cannot write {folder}: {error.strerror or error}") from None


def user_path(text: str) -> Path:
    """A path as a person types it: "~" and "~user" name home folders; an unknown user's "~x"
    is taken as it stands rather than failing.

    >>> user_path("~no-such-user-here/story.txt")
    PosixPath('~no-such-user-here/story.txt')
    """
    try:
        return Path(text).expanduser()
    except RuntimeError:  # no home folder for that user
        return Path(text)
