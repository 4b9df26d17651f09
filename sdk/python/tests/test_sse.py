"""The server-sent events parser, fed the ways a stream can arrive."""

from __future__ import annotations

from aios import ServerEvent, SseDecoder
from aios._streams import Decoder


def decode(*chunks: str) -> list[ServerEvent]:
    decoder = SseDecoder()
    events: list[ServerEvent] = []
    for chunk in chunks:
        events.extend(decoder.feed(chunk))
    return events


def test_named_event_with_data() -> None:
    assert decode('event: token\ndata: {"text":"The"}\n\n') == [
        ServerEvent("token", '{"text":"The"}')
    ]


def test_data_lines_join_with_newlines() -> None:
    assert decode("data: one\ndata:\ndata: three\n\n") == [ServerEvent("message", "one\n\nthree")]


def test_comments_and_keep_alives_are_ignored() -> None:
    assert decode(": keep-alive\n\n:\n\nevent: done\n: in between\ndata: x\n\n") == [
        ServerEvent("done", "x")
    ]


def test_every_line_ending() -> None:
    expected = [ServerEvent("a", "1"), ServerEvent("b", "2"), ServerEvent("c", "3")]
    assert (
        decode("event: a\r\ndata: 1\r\n\r\nevent: b\rdata: 2\r\revent: c\ndata: 3\n\n") == expected
    )


def test_crlf_split_between_chunks_is_one_line_end() -> None:
    # Were the LF read as a second line end, the event would end early.
    assert decode("event: a\r", "\ndata: 1\r", "\n\r", "\n") == [ServerEvent("a", "1")]


def test_fields_split_anywhere() -> None:
    text = 'event: token\ndata: {"text":"hi"}\n\n'
    for cut in range(len(text) + 1):
        assert decode(text[:cut], text[cut:]) == [ServerEvent("token", '{"text":"hi"}')], cut
    assert decode(*text) == [ServerEvent("token", '{"text":"hi"}')]


def test_event_without_data_is_not_dispatched_and_name_resets() -> None:
    assert decode("event: lonely\n\ndata: x\n\n") == [ServerEvent("message", "x")]


def test_only_one_space_after_the_colon_is_dropped() -> None:
    assert decode("data:x\n\ndata:  two spaces\n\n") == [
        ServerEvent("message", "x"),
        ServerEvent("message", " two spaces"),
    ]


def test_field_without_colon_has_empty_value() -> None:
    assert decode("data\ndata\n\n") == [ServerEvent("message", "\n")]


def test_unknown_fields_ignored_and_id_kept() -> None:
    assert decode("retry: 100\nfoo: bar\nid: 7\ndata: x\n\ndata: y\n\n") == [
        ServerEvent("message", "x", "7"),
        ServerEvent("message", "y", "7"),
    ]


def test_byte_order_mark_at_start_is_dropped() -> None:
    assert decode("\ufeffdata: x\n\n") == [ServerEvent("message", "x")]


def test_event_cut_off_by_the_end_is_dropped() -> None:
    decoder = SseDecoder()
    assert decoder.feed("data: whole\n\ndata: cut\n") == [ServerEvent("message", "whole")]
    decoder.finish()
    assert decoder.feed("\n") == []


def test_utf8_split_between_byte_chunks() -> None:
    encoded = 'data: {"text":"é🌟"}\n\n'.encode()
    decoder = Decoder()
    events = []
    for byte in encoded:
        events.extend(decoder.feed(bytes([byte])))
    events.extend(decoder.finish())
    assert events == [ServerEvent("message", '{"text":"é🌟"}')]
