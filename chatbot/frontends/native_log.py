"""Native log lines (TensorFlow, absl, oneDNN) kept off the user's screen.

TensorFlow's C++ code writes start-up lines straight to file descriptor 2 ("oneDNN custom
operations are on", "This TensorFlow binary is optimized ...", absl's "All log messages before
absl::InitializeLog() ..."), before its logging is set up, so `TF_CPP_MIN_LOG_LEVEL` cannot stop
them. `filter_native_log()` puts a filter in front of descriptor 2 for the life of a command:

- Python's `sys.stderr` (our notices, errors, tracebacks) is pointed at the real stderr, so our
  own lines never pass the filter and keep their order with stdout.
- Descriptor 2 becomes a pipe read by a forked child, which drops native log lines and passes
  on every other byte, in order. A child rather than a thread: if native code aborts the
  process, what it wrote before dying still reaches the user.
"""

import contextlib
import os
import re
import signal
import sys

# Lines that native code writes only to inform: absl/glog info and warning lines
# ("I0000 00:00:1796133994.274063    3736 port.cc:153] oneDNN custom operations are on ..."),
# TensorFlow's older timestamped form, and absl's pre-initialisation banner. Error and fatal
# lines (E..., F...) pass: they explain a real failure.
NATIVE_LOG_LINE = re.compile(
    rb"[IW]\d{4} [\d:.]+ +\d+ [\w.+-]+:\d+\] "
    rb"|\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d+: [IW] \S+:\d+\] "
    rb"|WARNING: All log messages before absl::InitializeLog\(\) is called are written to STDERR"
)
CHUNK = 65536


def is_native_log_line(line: bytes) -> bool:
    """Whether a line (bytes, without its line break) is a native informational log line.

    >>> is_native_log_line(b"I0000 00:00:1.2  3736 port.cc:153] oneDNN custom operations are on.")
    True
    >>> is_native_log_line(b"Error: model folder x does not exist")
    False
    """
    return NATIVE_LOG_LINE.match(line) is not None


def _pass_on(source: int, target: int) -> None:
    """Copy `source` to `target` line by line, leaving out native log lines, until end of file."""
    pending = b""
    while chunk := os.read(source, CHUNK):
        *lines, pending = (pending + chunk).split(b"\n")
        kept = b"".join(line + b"\n" for line in lines if not is_native_log_line(line))
        if kept:
            os.write(target, kept)
    if pending and not is_native_log_line(pending):
        os.write(target, pending)


def _run_filter(source: int, target: int) -> None:
    """The forked child's whole life: filter, then leave without running the parent's code."""
    # Ctrl-C reaches the whole process group; the filter must outlive the parent's handling.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    code = 0
    try:
        for descriptor in range(3):  # hold no end of stdin or stdout open (pipes wait for EOF)
            if descriptor != target:
                os.close(descriptor)
        _pass_on(source, target)
    except OSError:  # stderr closed (a broken pipe): nothing more can be shown
        code = 1
    finally:
        os._exit(code)


@contextlib.contextmanager
def filter_native_log():
    """Filter native log lines out of this process's stderr while the block runs.

    Meant for a program's entry point, before any thread starts (it forks). On leaving, stderr
    is restored and every line written before is passed on before it returns.
    """
    sys.stderr.flush()
    read_end, write_end = os.pipe()
    real_stderr = os.dup(2)
    try:
        child = os.fork()
    except OSError:  # no process to spare: run unfiltered rather than not at all
        for descriptor in (read_end, write_end, real_stderr):
            os.close(descriptor)
        yield
        return
    if child == 0:
        os.close(write_end)
        _run_filter(read_end, 2)
    os.close(read_end)
    python_stderr = sys.stderr
    sys.stderr = open(  # closed below
        real_stderr,
        "w",
        buffering=1,  # by lines, as Python's own stderr
        encoding=python_stderr.encoding,
        errors=python_stderr.errors,
        closefd=False,
    )
    os.dup2(write_end, 2)
    os.close(write_end)
    try:
        yield
    finally:
        sys.stderr.flush()
        os.dup2(real_stderr, 2)  # the pipe's last write end closes: the child reads EOF
        sys.stderr.close()
        sys.stderr = python_stderr
        os.close(real_stderr)
        os.waitpid(child, 0)
