"""Reading a JSON input file the way people produce them: any Unicode encoding, clear errors.

`terraform show -json plan.out > plan.json` in Windows PowerShell 5 writes UTF-16 with a byte
order mark; `Out-File` may write UTF-8 with one. Both are read here. A corrupt or truncated file
is an input error naming the file, line and column, and what was expected there.
"""

from __future__ import annotations

import codecs
import json
from pathlib import Path
from typing import Any

from ..errors import GuardError

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


class InputError(GuardError):
    """An input file is missing, unreadable or not what it claims to be (exit 2)."""


def decode(raw: bytes, path: str) -> str:
    """The text of `raw`: by its byte order mark, else by where its NUL bytes fall (RFC 8259 §8.1
    JSON text starts with an ASCII character, so UTF-16/32 without a BOM show NULs there), else UTF-8."""
    encoding = "utf-8"
    for bom, name in _BOMS:
        if raw.startswith(bom):
            raw, encoding = raw[len(bom) :], name
            break
    else:
        head = raw[:4]
        if len(head) == 4 and head[:3] == b"\0\0\0":
            encoding = "utf-32-be"
        elif len(head) == 4 and head[1:] == b"\0\0\0":
            encoding = "utf-32-le"
        elif len(head) >= 2 and head[0] == 0:
            encoding = "utf-16-be"
        elif len(head) >= 2 and head[1] == 0:
            encoding = "utf-16-le"
    try:
        return raw.decode(encoding)
    except UnicodeDecodeError as exc:
        raise InputError(
            f"{path}: not valid {encoding.upper()} text at byte {exc.start}: expected a JSON file "
            "(UTF-8, or UTF-16/32 with a byte order mark)."
        ) from None


def _expected(message: str) -> str:
    """The json module's message as what was expected there."""
    replacements = {
        "Expecting value": "expected a value (object, array, string, number, true, false or null)",
        "Expecting ',' delimiter": "expected ',' or the closing bracket",
        "Expecting ':' delimiter": "expected ':' after the key",
        "Expecting property name enclosed in double quotes": "expected a key in double quotes",
        "Extra data": "expected the end of the file after the JSON value",
    }
    for prefix, text in replacements.items():
        if message.startswith(prefix):
            return text
    if message.startswith("Unterminated string"):
        return "expected the closing '\"' of a string (the file may be truncated)"
    return message[:1].lower() + message[1:]


def loads(text: str, path: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        where = f"{path}:{exc.lineno}:{exc.colno}"
        if exc.pos >= len(text.rstrip()):
            raise InputError(f"{where}: the JSON ends early (truncated file?): {_expected(exc.msg)}.") from None
        raise InputError(f"{where}: not valid JSON: {_expected(exc.msg)}.") from None
    except RecursionError:
        raise InputError(f"{path}: JSON nested too deeply to read.") from None


def read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise InputError(f"{path}: no such file.") from None
    except IsADirectoryError:
        raise InputError(f"{path}: is a directory, expected a JSON file.") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot be read ({exc.strerror or exc}).") from None


def load_json(path: Path) -> Any:
    return loads(decode(read_bytes(path), str(path)), str(path))
