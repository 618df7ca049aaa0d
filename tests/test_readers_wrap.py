"""Plugins wrap Pelican's reader classes one way (pelican_plugins.readers)."""

from __future__ import annotations

from types import SimpleNamespace

from pelican.readers import HTMLReader, MarkdownReader

from pelican_plugins.readers import wrap_readers


class Shout:
    def read(self, source_path):
        content, metadata = super().read(source_path)
        return content.upper(), metadata


def test_each_chosen_class_is_wrapped_once_and_turned_off_readers_stay_off():
    readers = SimpleNamespace(
        reader_classes={"md": MarkdownReader, "html": HTMLReader, "rst": None}
    )

    def only_markdown(cls):
        return Shout if issubclass(cls, MarkdownReader) else None

    wrap_readers(readers, "Shout", only_markdown)
    wrapped = readers.reader_classes["md"]
    assert wrapped.__name__ == "ShoutMarkdownReader"
    assert wrapped.__mro__[1:3] == (Shout, MarkdownReader)
    assert readers.reader_classes["html"] is HTMLReader
    assert readers.reader_classes["rst"] is None
    wrap_readers(readers, "Shout", only_markdown)  # a second build's signal
    assert readers.reader_classes["md"] is wrapped


def test_a_second_plugin_wraps_the_first_ones_class(tmp_path):
    class Mark:
        def read(self, source_path):
            content, metadata = super().read(source_path)
            metadata["marked"] = True
            return content, metadata

    readers = SimpleNamespace(reader_classes={"html": HTMLReader})
    wrap_readers(readers, "Shout", lambda cls: Shout)
    wrap_readers(readers, "Mark", lambda cls: Mark)
    page = tmp_path / "page.html"
    page.write_text("<html><head><title>T</title></head><body><p>hi</p></body></html>")
    reader = readers.reader_classes["html"]({})
    content, metadata = reader.read(str(page))
    assert content.strip() == "<P>HI</P>"
    assert metadata["marked"] is True
