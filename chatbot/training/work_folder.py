"""The work folder `OUT.partial` of a training run: made by us, marked as ours, one writer.

`chatbot train --out OUT` keeps its checkpoints in `OUT.partial` and empties it when it starts
afresh, so that folder must be ours: one we made (it holds the marker file `.chatbot-train`),
or, from older versions, one that holds nothing but checkpoint files. A folder of the user's
that happens to be called `OUT.partial`, or a symbolic link there, is refused, never emptied or
followed. The marker is also the lock: a second run to the same `OUT` is refused at once,
naming the process that holds it, instead of wiping the first one's checkpoints.
"""

import fcntl
import os
import re
import shutil
import stat
from pathlib import Path

from chatbot.errors import ANOTHER_OUT, WRITABLE_OUT, ChatbotError, Message
from chatbot.untrusted import printable

MARKER = ".chatbot-train"  # in every work folder we make; it holds the writing process's id
# What a work folder of an older version (before the marker) may hold, and nothing else.
_CHECKPOINT_NAMES = re.compile(
    r"state\.json|checkpoint-\d+\.keras|(random|best)-\d+\.npz|\.write-test"
    r"|\..+\.tmp(\.keras)?"
)


def work_folder(out: str | os.PathLike) -> Path:
    """The sibling folder where a run to `out` keeps its checkpoints: `OUT.partial`."""
    out = Path(out)
    return out.with_name(out.name + ".partial")


def target_of(partial: Path) -> Path:
    """The model folder `OUT` whose work folder is `partial` (`OUT.partial`)."""
    return partial.with_name(partial.name.removesuffix(".partial"))


def cannot_write(out: Path, error: BaseException) -> ChatbotError:
    """The one-line error for a failed write while making `out`, naming `out` (never a
    temporary): no space, a read-only file system, no permission."""
    reason = getattr(error, "reason", None) or getattr(error, "strerror", None) or str(error)
    return ChatbotError(Message(f"cannot write {printable(str(out))}: {reason}; ", WRITABLE_OUT))


class WorkFolder:
    """A claimed work folder: `path`, whether this run `created` it, and the lock it holds.

    Use as a context manager, or call `release()`; the lock also ends with the process.
    """

    def __init__(self, out: Path):
        self.out = Path(out)
        self.path = work_folder(out)
        self.created = False
        self._handle: int | None = None
        self._claim()

    def __enter__(self) -> "WorkFolder":
        return self

    def __exit__(self, *exc_info) -> None:
        self.release()

    def release(self) -> None:
        if self._handle is not None:
            os.close(self._handle)
            self._handle = None

    def _claim(self) -> None:
        shown = printable(str(self.path))
        try:
            info = os.lstat(self.path)
        except FileNotFoundError:
            info = None
        except OSError as error:
            raise cannot_write(self.out, error) from None
        if info is not None and not stat.S_ISDIR(info.st_mode):
            kind = "a symbolic link" if stat.S_ISLNK(info.st_mode) else "not a folder"
            raise ChatbotError(
                Message(
                    f"{shown} is {kind}; I keep checkpoints only in a folder I made there: "
                    "move it away or ",
                    ANOTHER_OUT,
                )
            )
        try:
            if info is None:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                os.mkdir(self.path)
                self.created = True
            elif not (self.path / MARKER).is_file():
                self._refuse_unless_checkpoints()
            self._lock()
        except OSError as error:
            if self.created:
                os.rmdir(self.path)
            raise cannot_write(self.out, error) from None
        except BaseException:
            if self.created:
                os.rmdir(self.path)
            raise

    def _refuse_unless_checkpoints(self) -> None:
        """An unmarked folder is ours only where it holds nothing but checkpoint files."""
        others = sorted(
            entry.name
            for entry in os.scandir(self.path)
            if not _CHECKPOINT_NAMES.fullmatch(entry.name)
            or not entry.is_file(follow_symlinks=False)
        )
        if others:
            listed = ", ".join(printable(name[:40]) for name in others[:3])
            raise ChatbotError(
                Message(
                    f"{printable(str(self.path))} is not a work folder of chatbot train (it holds "
                    f"{listed}{', ...' if len(others) > 3 else ''}), and I empty only folders I "
                    "made: move it away or ",
                    ANOTHER_OUT,
                )
            )

    def _lock(self) -> None:
        marker = self.path / MARKER
        handle = os.open(marker, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW, 0o644)
        try:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                raise self._busy(handle) from None
            if os.fstat(handle).st_ino != os.stat(marker, follow_symlinks=False).st_ino:
                raise self._busy(handle)  # the other run finished and removed the folder
            os.ftruncate(handle, 0)
            os.write(handle, f"{os.getpid()}\n".encode())
        except BaseException:
            os.close(handle)
            raise
        self._handle = handle

    def _busy(self, handle: int) -> ChatbotError:
        try:
            pid = os.pread(handle, 32, 0).decode("ascii", "replace").strip()
        except OSError:
            pid = ""
        holder = f"process {pid}" if pid.isdigit() else "another process"
        return ChatbotError(
            Message(
                f"another chatbot train ({holder}) is writing {printable(str(self.out))}: "
                "wait for it to end or ",
                ANOTHER_OUT,
            )
        )


def empty(partial: Path) -> None:
    """Remove an older run's checkpoints from our work folder, keeping the marker (the lock)."""
    for entry in os.scandir(partial):
        if entry.name == MARKER:
            continue
        if entry.is_dir(follow_symlinks=False):
            shutil.rmtree(entry.path)
        else:
            os.unlink(entry.path)
