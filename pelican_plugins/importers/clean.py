"""Byte-level repair of export files before strict XML parsing (docs/security.md).

Exports from old WordPress installs mix UTF-8 with cp1252 bytes, carry control
characters inside CDATA and numeric references to characters XML forbids. A
strict parser rejects the whole file for one such byte, and a recovering parser
silently loses text, so the bytes are repaired first and every repair is
recorded. Everything streams in chunks: a 300 MB file is never held at once.
"""

from __future__ import annotations

import codecs
from collections.abc import Iterator
from dataclasses import dataclass
import re
from typing import BinaryIO

from pelican_plugins.responses.model import Rejected

CHUNK = 1 << 20
MAX_REPAIRS = 10_000
#: One invalid byte run decoded as cp1252, or one character outside XML 1.0 Char.
#: (A positive class: a negated one over all of Unicode is seven times slower.)
_CLASS = "[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]"
_BAD = re.compile("([\udc80-\udcff]+)|" + _CLASS)
#: The same characters as one class: searching it is fast (no alternation).
_ANY_BAD = re.compile(_CLASS)
_CHARREF = re.compile(r"&#(?:[xX]([0-9a-fA-F]{1,8})|([0-9]{1,10}));")
_DECL = re.compile(rb"""^<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._-]+)["']""")
_UTF8_NAMES = {"utf-8", "utf8"}


@dataclass(frozen=True, slots=True)
class Repair:
    """One change made to the input; ``offset`` is in input bytes when known."""

    line: int
    kind: str
    detail: str
    offset: int | None = None


def _valid_char(code: int) -> bool:
    return (
        code in (0x9, 0xA, 0xD)
        or 0x20 <= code <= 0xD7FF
        or 0xE000 <= code <= 0xFFFD
        or 0x10000 <= code <= 0x10FFFF
    )


def _cp1252(raw: bytes) -> str:
    """Decode one invalid run the way a latin1 MySQL connection stored it."""
    return "".join(
        bytes([b]).decode("cp1252", errors="strict")
        if b not in (0x81, 0x8D, 0x8F, 0x90, 0x9D)
        else chr(b)
        for b in raw
    )


def _choose_codec(head: bytes) -> tuple[str, int, str | None]:  # noqa: PLR0911
    """Return (codec, BOM length, note) from a BOM or the XML declaration."""
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8", 3, None
    if head.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        raise Rejected("UTF-32 files are not supported; save the export as UTF-8")
    if head.startswith(codecs.BOM_UTF16_LE):
        return "utf-16-le", 2, "UTF-16 (little endian, BOM) converted to UTF-8"
    if head.startswith(codecs.BOM_UTF16_BE):
        return "utf-16-be", 2, "UTF-16 (big endian, BOM) converted to UTF-8"
    if head.startswith(b"<\x00?\x00"):
        return "utf-16-le", 0, "UTF-16 (little endian) converted to UTF-8"
    if head.startswith(b"\x00<\x00?"):
        return "utf-16-be", 0, "UTF-16 (big endian) converted to UTF-8"
    match = _DECL.match(head)
    declared = match.group(1).decode("ascii").lower() if match else "utf-8"
    if declared in _UTF8_NAMES:
        return "utf-8", 0, None
    try:
        name = codecs.lookup(declared).name
    except LookupError:
        raise Rejected(f"unknown encoding {declared!r} in the declaration") from None
    if name.startswith("utf-16") or name.startswith("utf-32"):
        # The bytes are 8-bit (no BOM, no NUL pattern): the declaration is wrong.
        return "utf-8", 0, f"declared {declared} but the bytes are 8-bit; read as UTF-8"
    return name, 0, f"declared encoding {declared} converted to UTF-8"


def check_decodable(source: BinaryIO, chunk: int = CHUNK) -> None:
    """Raise :class:`Rejected` naming the first byte the declared encoding refuses.

    UTF-8 files never fail (invalid runs are read as cp1252), but a file
    declared in another encoding can break anywhere: reading it once before
    the import means a bad byte near the end refuses the file with nothing
    written, instead of leaving half an import.
    """
    first = source.read(chunk)
    codec, bom, _ = _choose_codec(first[:512])
    if codec == "utf-8":
        return
    decoder = codecs.getincrementaldecoder(codec)(errors="strict")
    raw, start = first[bom:], bom
    while True:
        final = not raw
        pending = len(decoder.getstate()[0])
        try:
            decoder.decode(raw, final=final)
        except UnicodeDecodeError as error:
            offset = start - pending + error.start
            raise Rejected(
                f"not valid {codec} at byte {offset} (line "
                f"{_line_of(source, offset)}): {error.reason}; nothing imported"
            ) from None
        if final:
            return
        start += len(raw)
        raw = source.read(chunk)


def _line_of(source: BinaryIO, offset: int) -> int:
    """Line number of byte *offset* (counted in the raw bytes)."""
    source.seek(0)
    line, read = 1, 0
    while read < offset:
        block = source.read(min(CHUNK, offset - read))
        if not block:
            break
        line += block.count(b"\n")
        read += len(block)
    return line


class Cleaner:
    """Turn an export's bytes into clean UTF-8 chunks, recording each repair."""

    def __init__(self, source: BinaryIO, chunk: int = CHUNK) -> None:
        self.source = source
        self.chunk = chunk
        self.repairs: list[Repair] = []
        self.repair_count = 0
        self.bytes_read = 0
        self._line = 1
        self._carry = ""
        self._pos = 0
        self._utf8 = True

    def _record(self, repair: Repair) -> None:
        """Keep the first MAX_REPAIRS in detail (a latin-1 file has millions)."""
        self.repair_count += 1
        if len(self.repairs) < MAX_REPAIRS:
            self.repairs.append(repair)

    def chunks(self) -> Iterator[bytes]:
        """Yield UTF-8 bytes that a strict XML 1.0 parser accepts character-wise."""
        first = self.source.read(self.chunk)
        self.bytes_read = len(first)
        codec, bom, note = _choose_codec(first[:512])
        if note:
            self._record(Repair(1, "encoding", note, 0))
        self._utf8 = codec == "utf-8"
        errors = "surrogateescape" if self._utf8 else "strict"
        decoder = codecs.getincrementaldecoder(codec)(errors=errors)
        raw, self._pos = first[bom:], bom
        start = bom
        while True:
            final = not raw
            pending = len(decoder.getstate()[0])
            try:
                text = decoder.decode(raw, final=final)
            except UnicodeDecodeError as error:
                raise Rejected(
                    f"not valid {codec} at byte {start - pending + error.start}: "
                    f"{error.reason}"
                ) from None
            start += len(raw)
            yield self._clean(text, final)
            if final:
                return
            raw = self.source.read(self.chunk)
            self.bytes_read += len(raw)

    def _clean(self, text: str, final: bool) -> bytes:
        text = self._carry + text
        self._carry = ""
        if not final:
            # A character reference cut at the chunk edge waits for the next chunk.
            amp = text.rfind("&", max(0, len(text) - 16))
            if amp != -1 and ";" not in text[amp:]:
                text, self._carry = text[:amp], text[amp:]
        offset = self._pos if self._utf8 else None
        if self._utf8:
            self._pos += len(text.encode("utf-8", "surrogateescape"))
        if _ANY_BAD.search(text) is not None:
            text = self._repair(text, offset)
        if "&#" in text:
            line0 = self._line
            text = _CHARREF.sub(lambda m: self._charref(m, text, line0), text)
        self._line += text.count("\n")
        return text.encode("utf-8")

    def _repair(self, text: str, offset: int | None) -> str:
        """Apply the cp1252 fallback, the Char filter and the reference rewrite."""
        line0 = self._line
        out: list[str] = []
        last = 0
        byte_pos = offset or 0

        def line_at(pos: int) -> int:
            return line0 + text.count("\n", 0, pos)

        for match in _BAD.finditer(text):
            before = text[last : match.start()]
            out.append(before)
            byte_pos += len(before.encode("utf-8", "surrogateescape"))
            if match.group(1):
                raw = match.group(1).encode("utf-8", "surrogateescape")
                fixed = _cp1252(raw)
                self._record(
                    Repair(
                        line_at(match.start()),
                        "cp1252",
                        f"invalid UTF-8 {raw.hex(' ')} read as cp1252 {fixed!r}",
                        None if offset is None else byte_pos,
                    )
                )
                out.append(_BAD.sub("\ufffd", fixed))
                byte_pos += len(raw)
            else:
                char = match.group(0)
                self._record(
                    Repair(
                        line_at(match.start()),
                        "control-char",
                        f"U+{ord(char):04X} is not allowed in XML; replaced by U+FFFD",
                        None if offset is None else byte_pos,
                    )
                )
                out.append("\ufffd")
                byte_pos += len(char.encode("utf-8", "surrogatepass"))
            last = match.end()
        out.append(text[last:])
        return "".join(out)

    def _charref(self, match: re.Match[str], text: str, line0: int) -> str:
        hexa, dec = match.groups()
        code = int(hexa, 16) if hexa else int(dec)
        if _valid_char(code):
            return match.group(0)
        self._record(
            Repair(
                line0 + text.count("\n", 0, match.start()),
                "char-ref",
                f"{match.group(0)} names a character XML forbids; replaced by U+FFFD",
            )
        )
        return "\ufffd"
