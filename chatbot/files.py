"""Files written whole or not at all: atomic file writes and the atomic swap of a folder.

A reader, or a crash, sees the old file (or folder) or the whole new one, never a mix. Nothing
here imports anything from the package but its errors.
"""

import ctypes
import os
import secrets
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

from chatbot.errors import ChatbotError


def write_text_atomic(path: str | os.PathLike, text: str) -> None:
    """Write `text` as UTF-8 to `path` atomically (see `write_bytes_atomic`)."""
    write_bytes_atomic(path, text.encode("utf-8"))


def write_bytes_atomic(path: str | os.PathLike, data: bytes) -> None:
    """Write `data` to `path` through a temporary file in the same folder and os.replace.

    Readers see either the old file or the whole new one, never half of it.
    """
    path = Path(path)
    temporary = path.parent / f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp"
    try:
        # os.open with mode 0o666 (less the umask) gives the file the usual permissions
        handle = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    except OSError as error:
        raise ChatbotError(f"cannot write {path}: {error.strerror}") from None
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(data)
        os.replace(temporary, path)
    except BaseException as error:
        Path(temporary).unlink(missing_ok=True)
        if isinstance(error, OSError):
            raise ChatbotError(f"cannot write {path}: {error.strerror or error}") from None
        raise


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


def write_folder_atomic(folder: str | os.PathLike, fill: Callable[[Path], None]) -> None:
    """Write a folder whole: `fill` writes into a temporary folder beside it, then it is swapped in.

    Args:
        folder: the destination; its parent must exist. An existing folder stays whole until
            the new one is complete, then it is removed.
        fill: writes the folder's files into the (empty) folder it is given.

    Raises:
        ChatbotError: the folder cannot be written.
    """
    folder = Path(folder)
    try:
        temporary = Path(tempfile.mkdtemp(prefix=f".{folder.name}.", dir=folder.parent))
        os.chmod(temporary, 0o755)  # mkdtemp makes it private; a model folder is shared
    except OSError as error:
        raise ChatbotError(f"cannot write {folder}: {error.strerror or error}") from None
    try:
        fill(temporary)
        _swap_in(temporary, folder)
    finally:
        shutil.rmtree(temporary, ignore_errors=True)
