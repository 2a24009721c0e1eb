"""The compressed archive of a conversation's older messages (see message_model).

Split from the model: the archive is storage (columns, chunks, decoding),
the model is rows and paging.
"""

from __future__ import annotations

import marshal
import zlib
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import astuple
from typing import Any

from desktop_chat.protocol.messages import (
    LIVING_FIELDS,
    Attachment,
    DeliveryState,
    Kind,
    Message,
    lives,
)

CHUNK = 1_024  # messages per compressed archive chunk (about 1 ms to pack)
_DECODED_CHUNKS = 4  # archive chunks kept decoded (a window spans at most two)
_KINDS = {kind.value: kind for kind in Kind}
_STATES = {state.value: state for state in DeliveryState}


class _Archive:
    """Older messages, in compressed chunks of CHUNK; decoded on demand, a few at a time.

    Each chunk is the columns of its messages (marshal, zlib level 1, about
    1 µs per message each way). Own messages are kept as the live objects
    the client updates, by position, and win over their archived copy.
    """

    def __init__(self) -> None:
        self._chunks: list[bytes] = []
        self.own: dict[int, Message] = {}  # position -> live own message
        self._decoded: OrderedDict[int, list[Message]] = OrderedDict()

    def __len__(self) -> int:
        return len(self._chunks) * CHUNK

    def add(self, messages: Sequence[Message]) -> None:
        assert len(messages) == CHUNK
        base = len(self)
        columns = (
            [m.text for m in messages],
            [m.kind.value for m in messages],
            [m.room for m in messages],
            [m.sender for m in messages],
            [m.ts for m in messages],
            [m.id for m in messages],
            [None if m.state is None else m.state.value for m in messages],
            [m.error for m in messages],
            [m.sender_sid for m in messages],
            # What living messages add; None for the (many) plain lines.
            [_living(m) for m in messages],
        )
        for offset, message in enumerate(messages):
            if message.kind is Kind.OWN:
                self.own[base + offset] = message
        self._chunks.append(zlib.compress(marshal.dumps(columns), 1))

    def _chunk(self, number: int) -> list[Message]:
        decoded = self._decoded.get(number)
        if decoded is not None:
            self._decoded.move_to_end(number)
            return decoded
        texts, kinds, rooms, senders, tss, ids, states, errors, sids, living = marshal.loads(
            zlib.decompress(self._chunks[number])
        )
        decoded = [
            Message(
                text=text,
                kind=_KINDS[kind],
                room=room,
                sender=sender,
                ts=ts,
                id=id_,
                state=None if state is None else _STATES[state],
                error=error,
                sender_sid=sid,
            )
            for text, kind, room, sender, ts, id_, state, error, sid in zip(
                texts, kinds, rooms, senders, tss, ids, states, errors, sids, strict=True
            )
        ]
        for i, extra in enumerate(living):
            if extra is not None:
                _restore_living(decoded[i], extra)
        base = number * CHUNK
        for position, message in self.own.items():
            if base <= position < base + CHUNK:
                decoded[position - base] = message
        self._decoded[number] = decoded
        if len(self._decoded) > _DECODED_CHUNKS:
            self._decoded.popitem(last=False)
        return decoded

    def get(self, position: int) -> Message:
        own = self.own.get(position)
        if own is not None:
            return own
        return self._chunk(position // CHUNK)[position % CHUNK]

    def slice(self, start: int, stop: int) -> list[Message]:
        result: list[Message] = []
        while start < stop:
            number, offset = divmod(start, CHUNK)
            take = min(stop - start, CHUNK - offset)
            result.extend(self._chunk(number)[offset : offset + take])
            start += take
        return result

    def find(self, message_id: str) -> int | None:
        """The position of the line known as `message_id` (or, ours, by the
        server's id), newest chunk first; None when none is."""
        for position, message in self.own.items():
            if message.id == message_id or message.server_id == message_id:
                return position
        for number in range(len(self._chunks) - 1, -1, -1):
            for offset, message in enumerate(self._chunk(number)):
                if message.id == message_id or message.server_id == message_id:
                    return number * CHUNK + offset
        return None

    def replace(self, position: int, message: Message) -> None:
        self.own[position] = message
        decoded = self._decoded.get(position // CHUNK)
        if decoded is not None:
            decoded[position % CHUNK] = message


_ATTACHMENT = LIVING_FIELDS.index("attachment")


def _living(message: Message) -> tuple[Any, ...] | None:
    """What living messages add to a line, as a column value (None: a plain line).
    marshal takes only built-in types: an attachment goes as its fields."""
    if not lives(message):
        return None
    living = [getattr(message, key) for key in LIVING_FIELDS]
    if message.attachment is not None:
        living[_ATTACHMENT] = astuple(message.attachment)
    return tuple(living)


def _restore_living(message: Message, extra: tuple[Any, ...]) -> None:
    for key, value in zip(LIVING_FIELDS, extra, strict=True):
        setattr(message, key, value)
    if extra[_ATTACHMENT] is not None:
        message.attachment = Attachment(*extra[_ATTACHMENT])
