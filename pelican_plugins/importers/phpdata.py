"""Read PHP-serialized values, as WXR stores ``_wp_attachment_metadata``.

Only data types are read (strings, numbers, booleans, null, arrays); objects
and references are refused, nothing is executed, and nesting is bounded.
String lengths are byte counts, so the value is read as UTF-8 bytes.
"""

from __future__ import annotations

from typing import Any

MAX_DEPTH = 8


class PhpDataError(ValueError):
    """The text is not a PHP-serialized value of the supported types."""


def loads(text: str) -> Any:
    """Return the value of a PHP-serialized string (arrays become dicts)."""
    data = text.strip().encode("utf-8")
    value, end = _value(data, 0, 0)
    if end != len(data):
        raise PhpDataError(f"trailing data at byte {end}")
    return value


def _until(data: bytes, start: int, stop: bytes) -> tuple[bytes, int]:
    end = data.find(stop, start)
    if end < 0:
        raise PhpDataError(f"expected {stop!r} after byte {start}")
    return data[start:end], end + len(stop)


def _value(data: bytes, at: int, depth: int) -> tuple[Any, int]:
    if depth > MAX_DEPTH:
        raise PhpDataError("nested too deeply")
    kind = data[at : at + 2]
    if kind == b"N;":
        return None, at + 2
    if kind == b"b:":
        raw, end = _until(data, at + 2, b";")
        return raw == b"1", end
    if kind == b"i:":
        raw, end = _until(data, at + 2, b";")
        return int(raw), end
    if kind == b"d:":
        raw, end = _until(data, at + 2, b";")
        return float(raw), end
    if kind == b"s:":
        raw, end = _until(data, at + 2, b":")
        size = int(raw)
        if (
            data[end : end + 1] != b'"'
            or data[end + 1 + size : end + 3 + size] != b'";'
        ):
            raise PhpDataError(f"bad string at byte {at}")
        return data[end + 1 : end + 1 + size].decode("utf-8", "replace"), end + 3 + size
    if kind == b"a:":
        raw, end = _until(data, at + 2, b":{")
        result: dict[Any, Any] = {}
        for _ in range(int(raw)):
            key, end = _value(data, end, depth + 1)
            if not isinstance(key, (int, str)):
                raise PhpDataError(f"bad array key at byte {end}")
            result[key], end = _value(data, end, depth + 1)
        if data[end : end + 1] != b"}":
            raise PhpDataError(f"unclosed array at byte {end}")
        return result, end + 1
    raise PhpDataError(f"unsupported type {kind!r} at byte {at}")
