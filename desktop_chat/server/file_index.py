"""What the server knows of uploads and stored files (issue #21), apart from their bytes.

The bytes live in the files directory (server/files.py); this is the
metadata beside them, in one of two places like the messages themselves:

- `SqliteFileIndex`: `<files-dir>/index.sqlite3`, one process. A file of its
  own rather than tables in the message database, so the message path and
  the history's schema are untouched by files.
- `RedisFileIndex`: keys under the server's Redis prefix, so every process
  sees every upload and file (the files directory must then be shared, at
  the same path: docs/deploy.md).

Three records:

- an **upload** under way: who (a hash of its client key), which room, the
  declared name, size and type, how many bytes arrived, when it was last
  touched. It expires `upload_ttl` seconds after its last chunk.
- a **file**: a committed upload, by a random id, with its sha256 (the name
  of its bytes: content-addressed, several files with the same content
  share them), size, room, uploader, name, type and when it was committed.
- a **reference** from a message (server id, offset) to a file. A file that
  no message refers to yet is kept for `grace` seconds after its commit (the
  client sends its message right after); once messages referred to it, it
  goes with the last of them. The bytes go with the last file that names
  them.
"""

from __future__ import annotations

import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol, cast

import redis.asyncio as aioredis


@dataclass(frozen=True, slots=True)
class Upload:
    id: str
    uploader: str  # sha256 of the client key, hex (never the key itself)
    room: str
    name: str
    size: int
    type: str
    received: int
    touched: float


@dataclass(frozen=True, slots=True)
class FileRecord:
    id: str
    sha256: str
    size: int
    room: str
    uploader: str
    name: str
    type: str
    committed: float

    def attachment(self) -> dict[str, object]:
        """The fields a message's `attachment` carries for this file."""
        return {"file": self.id, "name": self.name, "size": self.size,
                "sha256": self.sha256, "type": self.type}  # fmt: skip


class FileIndex(Protocol):
    async def secret(self) -> bytes:
        """The key tickets are signed with, the same for every process."""
        ...

    async def new_upload(self, upload: Upload) -> None: ...

    async def upload(self, upload_id: str) -> Upload | None: ...

    async def advance(self, upload_id: str, was: int, now: int) -> bool:
        """Record that the upload has `now` bytes, if it had `was`; False if not."""
        ...

    async def drop_upload(self, upload_id: str) -> None: ...

    async def stale_uploads(self, before: float) -> list[str]:
        """Uploads last touched before `before` (their records are dropped)."""
        ...

    async def commit(self, upload_id: str, record: FileRecord) -> None:
        """The upload becomes the file `record` (not yet referred to)."""
        ...

    async def file(self, file_id: str) -> FileRecord | None: ...

    async def attach(self, file_id: str, message_id: str, offset: int) -> None:
        """Message `message_id` (at `offset`) refers to the file."""
        ...

    async def release(self, message_id: str) -> list[str]:
        """The message is gone: drop its references, and the files left without
        any; returns the sha256s no file names any more (their bytes may go)."""
        ...

    async def referring_below(self, offset: int) -> list[str]:
        """Messages with a reference whose offset is below `offset`."""
        ...

    async def unreferred(self, before: float) -> list[str]:
        """Drop the files committed before `before` that no message ever referred
        to; returns the sha256s no file names any more."""
        ...

    async def close(self) -> None: ...


SCHEMA = """
CREATE TABLE IF NOT EXISTS uploads (
    id TEXT PRIMARY KEY, uploader TEXT NOT NULL, room TEXT NOT NULL, name TEXT NOT NULL,
    size INTEGER NOT NULL, type TEXT NOT NULL, received INTEGER NOT NULL, touched REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS files (
    id TEXT PRIMARY KEY, sha256 TEXT NOT NULL, size INTEGER NOT NULL, room TEXT NOT NULL,
    uploader TEXT NOT NULL, name TEXT NOT NULL, type TEXT NOT NULL, committed REAL NOT NULL,
    referred INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS files_sha ON files (sha256);
CREATE TABLE IF NOT EXISTS refs (
    message TEXT NOT NULL, file TEXT NOT NULL, offset INTEGER NOT NULL,
    PRIMARY KEY (message, file)
);
CREATE INDEX IF NOT EXISTS refs_offset ON refs (offset);
CREATE INDEX IF NOT EXISTS refs_file ON refs (file);
CREATE TABLE IF NOT EXISTS secret (key BLOB NOT NULL);
"""
_FILE_COLUMNS = "id, sha256, size, room, uploader, name, type, committed"


class SqliteFileIndex:
    """The index in `<files-dir>/index.sqlite3` (a server without --redis)."""

    def __init__(self, path: Path) -> None:
        self._db = sqlite3.connect(path, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.executescript(SCHEMA)

    async def secret(self) -> bytes:
        import secrets

        row = self._db.execute("SELECT key FROM secret").fetchone()
        if row is None:
            key = secrets.token_bytes(32)
            self._db.execute("INSERT INTO secret (key) VALUES (?)", (key,))
            return key
        return bytes(row[0])

    async def new_upload(self, upload: Upload) -> None:
        self._db.execute(
            "INSERT INTO uploads VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (upload.id, upload.uploader, upload.room, upload.name, upload.size, upload.type,
             upload.received, upload.touched),
        )  # fmt: skip

    async def upload(self, upload_id: str) -> Upload | None:
        row = self._db.execute(
            "SELECT id, uploader, room, name, size, type, received, touched FROM uploads"
            " WHERE id = ?",
            (upload_id,),
        ).fetchone()
        return Upload(*row) if row else None

    async def advance(self, upload_id: str, was: int, now: int) -> bool:
        changed = self._db.execute(
            "UPDATE uploads SET received = ?, touched = ? WHERE id = ? AND received = ?",
            (now, time.time(), upload_id, was),
        ).rowcount
        return bool(changed)

    async def drop_upload(self, upload_id: str) -> None:
        self._db.execute("DELETE FROM uploads WHERE id = ?", (upload_id,))

    async def stale_uploads(self, before: float) -> list[str]:
        rows = self._db.execute("SELECT id FROM uploads WHERE touched < ?", (before,)).fetchall()
        self._db.execute("DELETE FROM uploads WHERE touched < ?", (before,))
        return [str(row[0]) for row in rows]

    async def commit(self, upload_id: str, record: FileRecord) -> None:
        self._db.execute("BEGIN")
        self._db.execute("DELETE FROM uploads WHERE id = ?", (upload_id,))
        self._db.execute(
            f"INSERT INTO files ({_FILE_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (record.id, record.sha256, record.size, record.room, record.uploader, record.name,
             record.type, record.committed),
        )  # fmt: skip
        self._db.execute("COMMIT")

    async def file(self, file_id: str) -> FileRecord | None:
        row = self._db.execute(
            f"SELECT {_FILE_COLUMNS} FROM files WHERE id = ?", (file_id,)
        ).fetchone()
        return FileRecord(*row) if row else None

    async def attach(self, file_id: str, message_id: str, offset: int) -> None:
        self._db.execute("BEGIN")
        self._db.execute(
            "INSERT OR IGNORE INTO refs (message, file, offset) VALUES (?, ?, ?)",
            (message_id, file_id, offset),
        )
        self._db.execute("UPDATE files SET referred = 1 WHERE id = ?", (file_id,))
        self._db.execute("COMMIT")

    def _drop_files(self, file_ids: list[str]) -> list[str]:
        """Drop these files; the sha256s now named by none."""
        shas = set()
        for file_id in file_ids:
            row = self._db.execute("SELECT sha256 FROM files WHERE id = ?", (file_id,)).fetchone()
            if row is None:
                continue
            self._db.execute("DELETE FROM files WHERE id = ?", (file_id,))
            shas.add(str(row[0]))
        return [
            sha for sha in sorted(shas)
            if not self._db.execute("SELECT 1 FROM files WHERE sha256 = ?", (sha,)).fetchone()
        ]  # fmt: skip

    async def release(self, message_id: str) -> list[str]:
        self._db.execute("BEGIN")
        try:
            files = [str(r[0]) for r in self._db.execute(
                "SELECT file FROM refs WHERE message = ?", (message_id,)
            ).fetchall()]  # fmt: skip
            self._db.execute("DELETE FROM refs WHERE message = ?", (message_id,))
            orphans = [
                f for f in files
                if not self._db.execute("SELECT 1 FROM refs WHERE file = ?", (f,)).fetchone()
            ]  # fmt: skip
            gone = self._drop_files(orphans)
            self._db.execute("COMMIT")
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        return gone

    async def referring_below(self, offset: int) -> list[str]:
        rows = self._db.execute(
            "SELECT DISTINCT message FROM refs WHERE offset < ?", (offset,)
        ).fetchall()
        return [str(row[0]) for row in rows]

    async def unreferred(self, before: float) -> list[str]:
        self._db.execute("BEGIN")
        try:
            files = [str(r[0]) for r in self._db.execute(
                "SELECT id FROM files WHERE referred = 0 AND committed < ?", (before,)
            ).fetchall()]  # fmt: skip
            gone = self._drop_files(files)
            self._db.execute("COMMIT")
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        return gone

    async def close(self) -> None:
        self._db.close()


# KEYS: the message's set of files, the zset of referring messages, the files key prefix
# is ARGV[2]. ARGV: message id, key prefix.
# Drops the message's references; every file left without one goes, and from its
# content's set; returns the sha256s whose sets are empty now.
RELEASE = """
local p = ARGV[2]
local gone = {}
for _, f in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  local refs = p .. 'filerefs:' .. f
  redis.call('SREM', refs, ARGV[1])
  if redis.call('SCARD', refs) == 0 then
    local sha = redis.call('HGET', p .. 'file:' .. f, 'sha256')
    redis.call('DEL', p .. 'file:' .. f, refs)
    if sha then
      redis.call('SREM', p .. 'blob:' .. sha, f)
      if redis.call('SCARD', p .. 'blob:' .. sha) == 0 then table.insert(gone, sha) end
    end
  end
end
redis.call('DEL', KEYS[1])
redis.call('ZREM', KEYS[2], ARGV[1])
return gone
"""

# KEYS: the zset of files no message referred to yet. ARGV: before, key prefix.
UNREFERRED = """
local p = ARGV[2]
local gone = {}
for _, f in ipairs(redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', '(' .. ARGV[1])) do
  redis.call('ZREM', KEYS[1], f)
  if redis.call('EXISTS', p .. 'filerefs:' .. f) == 0 then
    local sha = redis.call('HGET', p .. 'file:' .. f, 'sha256')
    redis.call('DEL', p .. 'file:' .. f)
    if sha then
      redis.call('SREM', p .. 'blob:' .. sha, f)
      if redis.call('SCARD', p .. 'blob:' .. sha) == 0 then table.insert(gone, sha) end
    end
  end
end
return gone
"""

# KEYS: the upload's hash. ARGV: was, now, time, ttl seconds.
ADVANCE = """
local at = redis.call('HGET', KEYS[1], 'received')
if at ~= ARGV[1] then return 0 end
redis.call('HSET', KEYS[1], 'received', ARGV[2], 'touched', ARGV[3])
redis.call('EXPIRE', KEYS[1], ARGV[4])
return 1
"""


def _text(value: bytes | None) -> str:
    return value.decode("utf-8", "surrogatepass") if value is not None else ""


class RedisFileIndex:
    """The index in Redis, shared by every process (`<prefix>:files:*`).

    An upload's hash expires by itself `upload_ttl` seconds after its last
    chunk; a zset of them by last touch lets the sweep find their partial
    bytes on disk.
    """

    def __init__(self, redis: aioredis.Redis, prefix: str, upload_ttl: float) -> None:
        self.redis = redis
        self.p = f"{prefix}:files:"
        self.ttl = max(1, int(upload_ttl + 0.999))
        self._release = redis.register_script(RELEASE)
        self._unreferred = redis.register_script(UNREFERRED)
        self._advance = redis.register_script(ADVANCE)

    async def secret(self) -> bytes:
        import secrets

        key = self.p + "secret"
        await self.redis.set(key, secrets.token_bytes(32), nx=True)
        return cast(bytes, await self.redis.get(key))

    async def new_upload(self, upload: Upload) -> None:
        key = f"{self.p}upload:{upload.id}"
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.hset(key, mapping={
                "uploader": upload.uploader, "room": upload.room.encode("utf-8", "surrogatepass"),
                "name": upload.name.encode("utf-8", "surrogatepass"), "size": upload.size,
                "type": upload.type, "received": upload.received, "touched": repr(upload.touched),
            })  # fmt: skip
            pipe.expire(key, self.ttl)
            pipe.zadd(self.p + "uploads", {upload.id: upload.touched})
            await pipe.execute()

    async def upload(self, upload_id: str) -> Upload | None:
        fields = cast(dict[bytes, bytes], await self.redis.hgetall(f"{self.p}upload:{upload_id}"))
        if not fields:
            return None
        return Upload(
            upload_id, _text(fields.get(b"uploader")), _text(fields.get(b"room")),
            _text(fields.get(b"name")), int(fields[b"size"]), _text(fields.get(b"type")),
            int(fields[b"received"]), float(fields[b"touched"]),
        )  # fmt: skip

    async def advance(self, upload_id: str, was: int, now: int) -> bool:
        stamp = time.time()
        done = await self._advance(
            keys=[f"{self.p}upload:{upload_id}"], args=[was, now, repr(stamp), self.ttl]
        )
        if done:
            await self.redis.zadd(self.p + "uploads", {upload_id: stamp})
        return bool(done)

    async def drop_upload(self, upload_id: str) -> None:
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.delete(f"{self.p}upload:{upload_id}")
            pipe.zrem(self.p + "uploads", upload_id)
            await pipe.execute()

    async def stale_uploads(self, before: float) -> list[str]:
        key = self.p + "uploads"
        found = cast(list[bytes], await self.redis.zrangebyscore(key, "-inf", f"({before!r}"))
        stale = [i.decode() for i in found]
        for upload_id in stale:
            await self.drop_upload(upload_id)
        return stale

    async def commit(self, upload_id: str, record: FileRecord) -> None:
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.delete(f"{self.p}upload:{upload_id}")
            pipe.zrem(self.p + "uploads", upload_id)
            pipe.hset(f"{self.p}file:{record.id}", mapping={
                "sha256": record.sha256, "size": record.size,
                "room": record.room.encode("utf-8", "surrogatepass"), "uploader": record.uploader,
                "name": record.name.encode("utf-8", "surrogatepass"), "type": record.type,
                "committed": repr(record.committed),
            })  # fmt: skip
            pipe.sadd(f"{self.p}blob:{record.sha256}", record.id)
            pipe.zadd(self.p + "unreferred", {record.id: record.committed})
            await pipe.execute()

    async def file(self, file_id: str) -> FileRecord | None:
        fields = cast(dict[bytes, bytes], await self.redis.hgetall(f"{self.p}file:{file_id}"))
        if not fields:
            return None
        return FileRecord(
            file_id, _text(fields.get(b"sha256")), int(fields[b"size"]),
            _text(fields.get(b"room")), _text(fields.get(b"uploader")),
            _text(fields.get(b"name")), _text(fields.get(b"type")),
            float(fields[b"committed"]),
        )  # fmt: skip

    async def attach(self, file_id: str, message_id: str, offset: int) -> None:
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.sadd(f"{self.p}filerefs:{file_id}", message_id)
            pipe.sadd(f"{self.p}msg:{message_id}", file_id)
            pipe.zadd(self.p + "referring", {message_id: offset})
            pipe.zrem(self.p + "unreferred", file_id)
            await pipe.execute()

    async def release(self, message_id: str) -> list[str]:
        keys = [f"{self.p}msg:{message_id}", self.p + "referring"]
        gone = await self._release(keys=keys, args=[message_id, self.p])
        return [_text(sha) for sha in cast(list[bytes], gone)]

    async def referring_below(self, offset: int) -> list[str]:
        key = self.p + "referring"
        found = cast(list[bytes], await self.redis.zrangebyscore(key, "-inf", f"({offset}"))
        return [_text(m) for m in found]

    async def unreferred(self, before: float) -> list[str]:
        gone = await self._unreferred(keys=[self.p + "unreferred"], args=[repr(before), self.p])
        return [_text(sha) for sha in cast(list[Any], gone)]

    async def close(self) -> None:
        pass  # the store's connection; closed with the store
