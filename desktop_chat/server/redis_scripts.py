"""The Lua scripts that change what desktop-chat-server keeps in Redis (server/redis_store.py).

Each runs atomically in Redis, so that every process sees a message either
wholly stored (offset, entry, room index, de-duplication key) or not at all,
and retention never leaves the room indexes and the stream disagreeing.

Keys, under a prefix (default `desktop-chat`):

- `<p>:messages` the stream of every message, entry id `<offset>-0`, fields
  i (the server's id), r (room), c (sender's client key), n (sender's name),
  t (text), s (time), d (the sender's sid, so its own process can skip it);
- `<p>:offset` the counter the offsets come from;
- `<p>:room:<room>` one stream per room (`<p>:room:` is the no-room
  channel) with the same entry ids and only the sender's client key, so a
  catch-up reads its room's offsets without passing over the other rooms';
- `<p>:rooms` the set of rooms that have such an index;
- `<p>:trimmed` a hash, room -> the newest offset of it that retention deleted;
- `<p>:sent:<len>:<client>:<id>` "offset id time" of a sender's message,
  for de-duplication, expiring with retention.

They use no keys beyond those passed and the room indexes named by the
rooms set: fine on one Redis (the supported setup), not on Redis Cluster.
"""

from __future__ import annotations

# KEYS: stream, counter, the sender's de-duplication key, the room's index, the rooms set.
# ARGV: new id, room, sender client, sender name, text, ts, sender sid, ttl seconds.
# Returns {1, offset} for a new message, {0, "offset id ts"} for a repeat.
ADD = """
local seen = redis.call('GET', KEYS[3])
if seen then return {0, seen} end
local offset = redis.call('INCR', KEYS[2])
local entry = offset .. '-0'
redis.call('XADD', KEYS[1], entry,
  'i', ARGV[1], 'r', ARGV[2], 'c', ARGV[3], 'n', ARGV[4], 't', ARGV[5], 's', ARGV[6],
  'd', ARGV[7])
redis.call('XADD', KEYS[4], entry, 'c', ARGV[3])
redis.call('SADD', KEYS[5], ARGV[2])
redis.call('SET', KEYS[3], offset .. ' ' .. ARGV[1] .. ' ' .. ARGV[6], 'EX', ARGV[8])
return {1, offset}
"""

# KEYS: stream, rooms set, trimmed hash. ARGV: the newest offset to delete, room index prefix.
# Deletes every message up to that offset from the stream and the room indexes,
# recording per room the newest offset that went; returns how many left the stream.
TRIM = """
local cut = tonumber(ARGV[1])
local minid = (cut + 1) .. '-0'
local deleted = redis.call('XTRIM', KEYS[1], 'MINID', minid)
for _, room in ipairs(redis.call('SMEMBERS', KEYS[2])) do
  local index = ARGV[2] .. room
  local last = redis.call('XREVRANGE', index, cut .. '-0', '-', 'COUNT', 1)
  if #last > 0 then
    local through = tonumber(string.match(last[1][1], '^(%d+)'))
    local before = tonumber(redis.call('HGET', KEYS[3], room) or '0')
    if through > before then redis.call('HSET', KEYS[3], room, through) end
    redis.call('XTRIM', index, 'MINID', minid)
    if redis.call('XLEN', index) == 0 then
      redis.call('DEL', index)
      redis.call('SREM', KEYS[2], room)
    end
  end
end
return deleted
"""
