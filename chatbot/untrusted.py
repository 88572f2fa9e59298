"""Input from outside (files, model folders, typed lines, requests): its caps, bounded reads,
safe printing.

Everything the chatbot reads from a file goes through `read_file`: only a regular file (never a
FIFO, a device such as /dev/zero, or a folder) no larger than its cap, read with at most that many
bytes in memory. Text is checked line by line against the line and word caps, in linear time and
constant extra memory, before anything splits it. JSON from a model folder is parsed by
`load_json`, which refuses it too deep, too large or with absurd numbers. Text that came from a
file or a person is passed through `printable` before it reaches a terminal, so an escape
sequence in a file name or a metadata field is shown, never obeyed.

The caps leave room for stories and models far larger than bAbI's; docs/HARDENING.md lists them.
"""

import errno
import json
import os
import re
import stat

from chatbot.errors import ChatbotError, UsageError

MB = 1 << 20
MAX_FILE_BYTES = 256 * MB  # a story, bAbI or model.keras file
MAX_JSON_BYTES = 4 * MB  # config.json and metadata.json of a model folder
MAX_VOCABULARY_BYTES = 64 * MB  # vocabulary.json
MAX_LINE_CHARACTERS = 1 * MB  # one line of a story or bAbI file
MAX_WORD_CHARACTERS = 100  # one word (a run of characters without space)
MAX_STORY_SENTENCES = 4096  # sentences in one story, of a file or typed
# What `chatbot serve` reads of one request:
MAX_BODY_BYTES = 64 * 1024  # a request body; far more than any story the memory can hold
MAX_STORY_CHARACTERS = 20_000  # the story, all sentences together
MAX_LISTED_SENTENCES = 1000  # when the story is given as a list: well over the memory of 256
MAX_QUESTION_CHARACTERS = 500
MAX_JSON_DEPTH = 32  # nesting of a model folder's JSON (ours never goes past 4)
MAX_JSON_DIGITS = 30  # digits of one number in a model folder's JSON
# model.keras is a zip archive: what Keras would unpack is checked first (a zip bomb is refused).
MAX_ARCHIVE_MEMBERS = 64
MAX_ARCHIVE_JSON_BYTES = 16 * MB  # each JSON member (Keras parses config.json whole)
MAX_ARCHIVE_BYTES = 1024 * MB  # all members, unpacked
SHOWN_WORD = 40  # characters of a word quoted in a message

_LONG_LINE = re.compile(f"^.{{{MAX_LINE_CHARACTERS + 1}}}", re.MULTILINE)
# Anchored at the start of a word, so the search stays linear in the text's length.
_LONG_WORD = re.compile(rf"(?<!\S)\S{{{MAX_WORD_CHARACTERS + 1}}}")
# Control characters (C0, DEL, C1: C1's 0x9b opens an escape sequence on many terminals), line
# and paragraph separators, and lone surrogates (undecodable bytes under surrogateescape).
_UNPRINTABLE = "\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff"
_UNPRINTABLE_LINE = re.compile(f"[{_UNPRINTABLE}]")
_UNPRINTABLE_ANYWHERE = re.compile(f"[{_UNPRINTABLE}\n]")
_KINDS = {
    stat.S_ISFIFO: "a FIFO",
    stat.S_ISCHR: "a character device",
    stat.S_ISBLK: "a block device",
    stat.S_ISSOCK: "a socket",
}


def describe_size(size: int) -> str:
    """A byte count for a message: `256 MB`, `1,000 bytes`."""
    return f"{size // MB:,} MB" if size >= MB and size % MB == 0 else f"{size:,} bytes"


def not_regular(mode: int) -> str | None:
    """What a file of `mode` is when it is neither a regular file nor a folder, else None."""
    for test, kind in _KINDS.items():
        if test(mode):
            return kind
    return None if stat.S_ISREG(mode) or stat.S_ISDIR(mode) else "not a regular file"


def read_file(path: str | os.PathLike, limit: int = MAX_FILE_BYTES, hint: str = "") -> bytes:
    """The bytes of a regular file of at most `limit` bytes.

    Args:
        path: the file.
        limit: the most bytes accepted; more is refused, never read.
        hint: what to give instead, ending the message (e.g. "give a bAbI text file").

    Returns:
        The whole file.

    Raises:
        FileNotFoundError, IsADirectoryError, OSError: as `open` would (the caller words them).
        ChatbotError: a FIFO, device or socket, or a file over `limit`.
    """
    handle = open_regular(path, limit, hint)
    try:
        with os.fdopen(handle, "rb", closefd=False) as file:
            data = file.read(limit + 1)
    finally:
        os.close(handle)
    if len(data) > limit:  # the file grew while being read
        raise ChatbotError(f"{printable(str(path))} is over the {describe_size(limit)} I read")
    return data


def open_regular(path: str | os.PathLike, limit: int = MAX_FILE_BYTES, hint: str = "") -> int:
    """A blocking file descriptor open for reading on a regular file of at most `limit` bytes.

    Raises as `read_file` does; the caller closes the descriptor.
    """
    ending = f"; {hint}" if hint else ""
    # O_NONBLOCK: opening a FIFO must not wait for a writer before fstat can refuse it.
    handle = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    try:
        info = os.fstat(handle)
        if stat.S_ISDIR(info.st_mode):
            raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), str(path))
        kind = not_regular(info.st_mode)
        if kind:
            raise ChatbotError(f"{printable(str(path))} is {kind}, not a regular file{ending}")
        if info.st_size > limit:
            raise ChatbotError(
                f"{printable(str(path))} is {describe_size(info.st_size)}, over the "
                f"{describe_size(limit)} I read{ending}"
            )
        os.set_blocking(handle, True)
    except BaseException:
        os.close(handle)
        raise
    return handle


def decode_utf8(data: bytes, source, hint: str) -> str:
    """The text of a file's bytes; bytes that are not UTF-8 are refused naming their line."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise ChatbotError(
            f"{source}, line {line}: not UTF-8 text (byte {data[error.start]:#04x}); {hint}"
        ) from None


def check_text(text: str, source: str) -> None:
    """Refuse text with a line over `MAX_LINE_CHARACTERS` or a word over `MAX_WORD_CHARACTERS`.

    Args:
        text: the text, its lines ended by "\\n".
        source: the file it came from, for the message (already printable).

    Raises:
        ChatbotError: naming the source and line, with the word shortened.
    """
    long_line = _LONG_LINE.search(text)
    long_word = _LONG_WORD.search(text)
    if long_line and (not long_word or long_line.start() <= long_word.start()):
        line = text.count("\n", 0, long_line.start()) + 1
        raise ChatbotError(
            f"{source}, line {line}: a line over {MAX_LINE_CHARACTERS:,} characters; "
            "break it into shorter lines"
        )
    if long_word:
        line = text.count("\n", 0, long_word.start()) + 1
        end = text.find("\n", long_word.start())
        word = text[long_word.start() : end if end >= 0 else len(text)].split(None, 1)[0]
        raise ChatbotError(
            f'{source}, line {line}: the word "{shorten_word(word)}" has {len(word):,} '
            f"characters, over the {MAX_WORD_CHARACTERS} I read; is it a word?"
        )


def shorten_word(word: str, limit: int = SHOWN_WORD) -> str:
    """A word as a message quotes it: printable, and cut to `limit` characters with "..."."""
    word = word if len(word) <= limit else word[: limit - 3] + "..."
    return printable(word)


def printable(text: str, newlines: bool = False) -> str:
    r"""`text` with control characters shown as `\u001b`-style escapes, safe for a terminal.

    Args:
        text: text that came from a file or a person.
        newlines: keep line breaks and tabs (for several lines of output); else they are
            escaped too, so the text stays on one line.

    >>> printable("a\x1b[2Jb\nc")
    'a\\u001b[2Jb\\u000ac'
    >>> printable("a\tb\nc", newlines=True)
    'a\tb\nc'
    """
    pattern = _UNPRINTABLE_LINE if newlines else _UNPRINTABLE_ANYWHERE
    return pattern.sub(lambda match: f"\\u{ord(match.group()):04x}", text)


def invalid_bytes(text: str) -> list[str]:
    """The undecodable bytes of text decoded with "surrogateescape", as `0xff`, each once."""
    found = [f"{ord(c) - 0xDC00:#04x}" for c in text if "\udc80" <= c <= "\udcff"]
    return list(dict.fromkeys(found))


def control_characters(text: str) -> list[str]:
    """The control characters in typed text (tabs aside), as `U+001B`, each once."""
    found = [f"U+{ord(c):04X}" for c in _UNPRINTABLE_LINE.findall(text) if c != "\t"]
    return [name for name in dict.fromkeys(found) if not "U+DC80" <= name <= "U+DCFF"]


def _parse_int(digits: str) -> int:
    if len(digits.lstrip("-")) > MAX_JSON_DIGITS:
        raise ValueError(f"a number of {len(digits):,} digits")
    return int(digits)


def _parse_float(digits: str) -> float:
    value = float(digits)
    if len(digits) > MAX_JSON_DIGITS or value in (float("inf"), float("-inf")):
        raise ValueError(f"the number {digits[:20]}... is out of range")
    return value


def _refuse_constant(name: str):
    raise ValueError(f"{name} is not a number JSON allows")


def _depth(value) -> int:
    """How deeply lists and objects nest in parsed JSON (iteratively: no recursion limit)."""
    deepest, pending = 0, [(value, 1)]
    while pending:
        item, depth = pending.pop()
        if isinstance(item, dict | list):
            deepest = max(deepest, depth)
            children = item.values() if isinstance(item, dict) else item
            pending.extend((child, depth + 1) for child in children)
    return deepest


def load_json(path, limit: int = MAX_JSON_BYTES, hint: str = ""):
    """Parse a JSON file of a model folder, refusing what no model folder holds.

    Raises:
        FileNotFoundError, IsADirectoryError, OSError: as `read_file`.
        ChatbotError: over `limit` bytes, or as `parse_json`.
    """
    return parse_json(read_file(path, limit, hint), printable(str(path)), hint)


def parse_json(data: bytes, source: str, hint: str = ""):
    """Parse JSON bytes from `source`.

    Raises:
        ChatbotError: not UTF-8 JSON, nested deeper than `MAX_JSON_DEPTH`, or a number with more
            than `MAX_JSON_DIGITS` digits, NaN or an infinity.
    """
    ending = f"; {hint}" if hint else ""
    try:
        value = json.loads(
            data.decode("utf-8"),
            parse_int=_parse_int,
            parse_float=_parse_float,
            parse_constant=_refuse_constant,
        )
        too_deep = _depth(value) > MAX_JSON_DEPTH
    except RecursionError:
        too_deep = True
    except (UnicodeDecodeError, ValueError) as error:  # JSONDecodeError is a ValueError
        raise ChatbotError(f"cannot read {source} ({printable(str(error))}){ending}") from None
    if too_deep:
        raise ChatbotError(
            f"cannot read {source} (JSON nested deeper than {MAX_JSON_DEPTH} levels){ending}"
        )
    return value


def check_archive(path, failure: str, hint: str) -> None:
    """Refuse a zip archive (a model.keras) that is damaged or would unpack too large.

    The sizes checked are those of the archive's directory, which reading a member cannot
    exceed; its JSON members are parsed here with the caps of `parse_json`.

    Args:
        path: the archive.
        failure: how a message starts, e.g. "cannot load models/x/model.keras".
        hint: what to do instead, ending the message.

    Raises:
        ChatbotError: a missing, non-regular or oversized file, a damaged archive (said so),
            or members over the caps.
    """
    import zipfile

    try:
        handle = open_regular(path, MAX_FILE_BYTES, hint)
    except OSError as error:
        raise ChatbotError(f"{failure} ({error.strerror}); {hint}") from None
    with os.fdopen(handle, "rb") as file:
        try:
            with zipfile.ZipFile(file) as archive:
                members = archive.infolist()
                _check_members(members, failure, hint)
                for member in members:
                    if member.filename.endswith(".json"):
                        where = f"{printable(str(path))} ({printable(member.filename[:60])})"
                        parse_json(archive.read(member), where, hint)
        except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, EOFError) as error:
            raise ChatbotError(
                f"{failure}: it is damaged or not a Keras model (not a readable zip archive: "
                f"{printable(str(error))}); {hint}"
            ) from None


def _check_members(members, failure: str, hint: str) -> None:
    total = sum(member.file_size for member in members)
    big_json = [
        member.filename
        for member in members
        if member.filename.endswith(".json") and member.file_size > MAX_ARCHIVE_JSON_BYTES
    ]
    if len(members) <= MAX_ARCHIVE_MEMBERS and total <= MAX_ARCHIVE_BYTES and not big_json:
        return
    what = (
        f"{printable(big_json[0][:60])} unpacks to over {describe_size(MAX_ARCHIVE_JSON_BYTES)}"
        if big_json
        else f"{len(members):,} members unpacking to {describe_size(total)}"
    )
    raise ChatbotError(
        f"{failure}: it is not a model this chatbot writes ({what}; at most "
        f"{MAX_ARCHIVE_MEMBERS} members and {describe_size(MAX_ARCHIVE_BYTES)}); {hint}"
    )


def read_story(path) -> str:
    """The text of a story file (plain sentences), checked against the caps.

    Raises:
        ChatbotError: a missing, unreadable or non-regular file, one over `MAX_FILE_BYTES`,
            not UTF-8, or with a line or word over the caps.
    """
    source = printable(str(path))
    hint = "give a text file with the story"
    try:
        data = read_file(path, MAX_FILE_BYTES, hint)
    except FileNotFoundError:
        raise ChatbotError(f"{source}: no such file; {hint}") from None
    except IsADirectoryError:
        raise ChatbotError(f"{source} is a folder; {hint}") from None
    except OSError as error:
        raise ChatbotError(f"cannot read {source}: {error.strerror}") from None
    text = decode_utf8(data, source, hint)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    check_text(text, source)
    return text


def check_typed(text: str, option: str) -> None:
    """Refuse an option's text (`--story`, `--question`) with undecodable bytes or over the line
    and word caps.

    Raises:
        UsageError: bytes that are not UTF-8, naming them.
        ChatbotError: a line or word over the caps.
    """
    bad = invalid_bytes(text)
    if bad:
        raise UsageError(
            f"{option} holds bytes that are not UTF-8 text ({', '.join(bad[:5])}); "
            "type it again as plain text"
        )
    check_text(text, option)
