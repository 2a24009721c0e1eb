"""The Lua scripts that change what desktop-chat-server keeps in Redis (server/redis_store.py).

Each runs atomically in Redis, so that every process sees a message either
wholly stored (offset, entry, room index, de-duplication key) or not at all,
and retention never leaves the room indexes and the stream disagreeing.

Keys, under a prefix (default `desktop-chat`):

- `<p>:messages` the stream of every message and message event, entry id
  `<offset>-0`, fields i (the server's id), r (room), c (sender's client
  key), n (sender's name), t (text), s (time), d (the sender's sid, so its
  own process can skip it), x (optional fields as JSON: reply_to, format,
  emoji, on, reactors), and for an event k (edit, delete or react) and g
  (the server id of its target);
- `<p>:offset` the counter the offsets come from;
- `<p>:room:<room>` one stream per room (`<p>:room:` is the no-room
  channel) with the same entry ids and only the sender's client key, so a
  catch-up reads its room's offsets without passing over the other rooms';
- `<p>:rooms` the set of rooms that have such an index;
- `<p>:trimmed` a hash, room -> the newest offset of it that retention deleted;
- `<p>:sent:<len>:<client>:<id>` "offset id time" of a sender's message,
  or the JSON of an event's ack, for de-duplication, expiring with retention
  by age, and deleted with the message it names when retention trims it
  (issue #22: trimmed to 1,000 messages, 40,000 of them were left);
- `<p>:msg:<id>` a hash per message: o (offset), r (room), c (sender's
  client key), x ("1" once deleted), ev (the entry ids of its edits and
  reactions, to XDEL with it; once deleted, its delete's), k and ks (its
  de-duplication key and its events', deleted with it); no expiry:
  deleted by retention with the message, and its events with it;
- `<p>:react:<id>` a hash per message of the reactions on it now: field
  `<len>:<client><emoji>`, value "offset name" (the order they reacted in);
  no expiry, deleted with the message's hash;
- `<p>:meter:<kind>:<key>` a rate meter shared by every process (server/meters.py):
  its theoretical arrival time in microseconds of Redis's clock (GCRA),
  expiring once the bucket would be full again;
- `<p>:deleted` a sorted set of the deleted messages' ids by their offset,
  so that retention finds their hashes and delete events (their entries
  are no longer in the stream).

They use no keys beyond those passed, the room indexes named by the
rooms set and the hashes of the messages named by the deleted set: fine
on one Redis (the supported setup), not on Redis Cluster.

A script's `XDEL` takes an entry out of the stream (no read returns it)
but not out of Redis at once: see server/redis_store.py.
"""

from __future__ import annotations

# KEYS: stream, counter, the sender's de-duplication key, the room's index, the rooms set,
# the message's hash.
# ARGV: new id, room, sender client, sender name, text, ts, sender sid, ttl seconds,
# optional fields (JSON or "").
# Returns {1, offset} for a new message, {0, "offset id ts"} for a repeat.
ADD = """
local seen = redis.call('GET', KEYS[3])
if seen then return {0, seen} end
local offset = redis.call('INCR', KEYS[2])
local entry = offset .. '-0'
redis.call('XADD', KEYS[1], entry,
  'i', ARGV[1], 'r', ARGV[2], 'c', ARGV[3], 'n', ARGV[4], 't', ARGV[5], 's', ARGV[6],
  'd', ARGV[7], 'x', ARGV[9])
redis.call('XADD', KEYS[4], entry, 'c', ARGV[3])
redis.call('SADD', KEYS[5], ARGV[2])
redis.call('SET', KEYS[3], offset .. ' ' .. ARGV[1] .. ' ' .. ARGV[6], 'EX', ARGV[8])
redis.call('HSET', KEYS[6], 'o', offset, 'r', ARGV[2], 'c', ARGV[3], 'k', KEYS[3])
return {1, offset}
"""

# KEYS: stream, counter, the sender's de-duplication key, the room's index, the target's
# hash, the target's reactions, the set of deleted messages.
# ARGV: kind, new id, room, sender client, sender name, text, ts, sender sid, ttl seconds,
# target id, emoji, format, most emoji per person and message.
# Returns {1, ack JSON} for a new event, {0, what the de-duplication key holds} for a
# repeat, {2, code} when refused. A react toggles the sender's emoji and records who has
# it now; a delete XDELs the message and its events from the stream and the room index,
# and leaves its hash (deleted, with the delete's entry id) for retention to find.
EVENT = """
local seen = redis.call('GET', KEYS[3])
if seen then return {0, seen} end
local state = redis.call('HMGET', KEYS[5], 'o', 'x', 'ev')
if not state[1] or state[2] == '1' then return {2, 'no-such-message'} end
local kind, client, emoji = ARGV[1], ARGV[4], ARGV[11]
local mine = string.len(client) .. ':' .. client
local field = mine .. emoji
local on = false
if kind == 'react' then
  if redis.call('HEXISTS', KEYS[6], field) == 1 then
    redis.call('HDEL', KEYS[6], field)
  else
    local count = 0
    for _, f in ipairs(redis.call('HKEYS', KEYS[6])) do
      if string.sub(f, 1, #mine) == mine then count = count + 1 end
    end
    if count >= tonumber(ARGV[13]) then return {2, 'too-many-reactions'} end
    on = true
  end
end
local offset = redis.call('INCR', KEYS[2])
local entry = offset .. '-0'
local reactors = {}
local extra = {}
if ARGV[12] ~= '' then extra['format'] = ARGV[12] end
if kind == 'react' then
  if on then
    redis.call('HSET', KEYS[6], field, offset .. ' ' .. ARGV[5])
  end
  local found = {}
  local all = redis.call('HGETALL', KEYS[6])
  for i = 1, #all, 2 do
    local size = string.match(all[i], '^(%d+):')
    if string.sub(all[i], #size + 2 + tonumber(size)) == emoji then
      local at, name = string.match(all[i + 1], '^(%d+) (.*)$')
      table.insert(found, {tonumber(at), name})
    end
  end
  table.sort(found, function(a, b) return a[1] < b[1] end)
  for _, r in ipairs(found) do table.insert(reactors, r[2]) end
  extra['emoji'] = emoji
  extra['on'] = on
  extra['reactors'] = reactors
end
local x = ''
if next(extra) then x = cjson.encode(extra) end
redis.call('XADD', KEYS[1], entry,
  'i', ARGV[2], 'r', ARGV[3], 'c', client, 'n', ARGV[5], 't', ARGV[6], 's', ARGV[7],
  'd', ARGV[8], 'k', kind, 'g', ARGV[10], 'x', x)
redis.call('XADD', KEYS[4], entry, 'c', client)
if kind == 'delete' then
  local gone = {state[1] .. '-0'}
  for id in string.gmatch(state[3] or '', '%S+') do table.insert(gone, id) end
  redis.call('XDEL', KEYS[1], unpack(gone))
  redis.call('XDEL', KEYS[4], unpack(gone))
  redis.call('HSET', KEYS[5], 'x', '1', 'ev', entry)
  redis.call('ZADD', KEYS[7], state[1], ARGV[10])
  redis.call('DEL', KEYS[6])
else
  redis.call('HSET', KEYS[5], 'ev', (state[3] or '') .. ' ' .. entry)
end
-- The event's de-duplication key goes with its message (retention).
redis.call('HSET', KEYS[5], 'ks', (redis.call('HGET', KEYS[5], 'ks') or '') .. ' ' .. KEYS[3])
local ack = cjson.encode({kind = kind, id = ARGV[2], ts = ARGV[7], offset = tostring(offset),
  target = ARGV[10], on = on, reactors = reactors})
redis.call('SET', KEYS[3], ack, 'EX', ARGV[9])
return {1, ack}
"""

# KEYS: stream, rooms set, trimmed hash, deleted set, then the hash and the reactions of
# each message that goes.
# ARGV: the newest offset to delete, room index prefix, message hash prefix, reactions prefix.
# Deletes every entry up to that offset from the stream and the room indexes, and with
# each message that goes (deleted ones found by their offset in the deleted set) its
# events, however newer, and its hashes; records per room the newest offset that went;
# returns how many entries left the stream.
TRIM = """
local cut = tonumber(ARGV[1])
local minid = (cut + 1) .. '-0'
local deleted = 0
local newest = {}
local function drop(msg, react)
  local state = redis.call('HMGET', msg, 'r', 'ev', 'k', 'ks')
  if state[3] then redis.call('DEL', state[3]) end
  for key in string.gmatch(state[4] or '', '%S+') do redis.call('DEL', key) end
  if state[1] then
    local index = ARGV[2] .. state[1]
    for id in string.gmatch(state[2] or '', '%S+') do
      local removed = redis.call('XDEL', KEYS[1], id)
      redis.call('XDEL', index, id)
      deleted = deleted + removed
      local at = tonumber(string.match(id, '^(%d+)'))
      if removed > 0 and at > (newest[state[1]] or 0) then newest[state[1]] = at end
    end
  end
  redis.call('DEL', msg, react)
end
for i = 5, #KEYS, 2 do drop(KEYS[i], KEYS[i + 1]) end
for _, id in ipairs(redis.call('ZRANGEBYSCORE', KEYS[4], '-inf', cut)) do
  drop(ARGV[3] .. id, ARGV[4] .. id)
end
redis.call('ZREMRANGEBYSCORE', KEYS[4], '-inf', cut)
deleted = deleted + redis.call('XTRIM', KEYS[1], 'MINID', minid)
local function went(room, through)
  local before = tonumber(redis.call('HGET', KEYS[3], room) or '0')
  if through > before then redis.call('HSET', KEYS[3], room, through) end
end
local function tidy(room, index)
  if redis.call('XLEN', index) == 0 then
    redis.call('DEL', index)
    redis.call('SREM', KEYS[2], room)
  end
end
for _, room in ipairs(redis.call('SMEMBERS', KEYS[2])) do
  local index = ARGV[2] .. room
  local last = redis.call('XREVRANGE', index, cut .. '-0', '-', 'COUNT', 1)
  if #last > 0 then
    went(room, tonumber(string.match(last[1][1], '^(%d+)')))
    redis.call('XTRIM', index, 'MINID', minid)
  end
  if newest[room] then went(room, newest[room]) end
  if #last > 0 or newest[room] then tidy(room, index) end
end
return deleted
"""

# A meter (server/meters.py) as GCRA: the bucket is the time, on Redis's own clock
# (every process reads the same one), at which it would be full again plus the
# tolerance. KEYS: the meter. ARGV: mode ("take", "delay" or "charge"),
# microseconds per token, tolerance in microseconds (burst times that), cost in tokens.
# take: 1 and one token taken, or 0 and nothing changed; delay: microseconds until
# the bucket is above zero (0: now); charge: takes the cost, into debt if need be.
METER = """
local clock = redis.call('TIME')
local now = tonumber(clock[1]) * 1000000 + tonumber(clock[2])
local tat = tonumber(redis.call('GET', KEYS[1]) or '0')
if tat < now then tat = now end
local interval = tonumber(ARGV[2])
local tolerance = tonumber(ARGV[3])
if ARGV[1] == 'delay' then
  if tat - now < tolerance then return 0 end
  return math.ceil(tat - now - tolerance + interval)
end
local new = tat + tonumber(ARGV[4]) * interval
if ARGV[1] == 'take' and new - now > tolerance then return 0 end
redis.call('SET', KEYS[1], string.format('%.0f', new), 'PX', math.ceil((new - now) / 1000) + 1000)
return 1
"""

# A replay's page (server/replay.py) with what it is told with, in one round trip: a
# storm's catch-ups each made several one after another under the relay lock (issue #23).
# KEYS: the epoch, the trimmed hash, the room's index, the stream.
# ARGV: a fresh epoch (set if there is none), room, after, through, most entries, "1" to
# start after the trimmed point if it is later (a replay's page, as replay.py always did).
# Returns {epoch, trimmed through, the last index id read or "", then per entry kept
# {id, {field, value, ...}}}: the entries of the room's index in (after, through], as
# many as `most`, those deleted from the stream left out.
PAGE = """
redis.call('SET', KEYS[1], ARGV[1], 'NX')
local epoch = redis.call('GET', KEYS[1])
local gone = redis.call('HGET', KEYS[2], ARGV[2]) or '0'
local after = ARGV[3]
if ARGV[6] == '1' and tonumber(gone) > tonumber(after) then after = gone end
local reply = {epoch, gone, ''}
if tonumber(after) < tonumber(ARGV[4]) then
  local index = redis.call('XRANGE', KEYS[3], '(' .. after .. '-0', ARGV[4] .. '-0',
    'COUNT', ARGV[5])
  for _, e in ipairs(index) do
    local entry = redis.call('XRANGE', KEYS[4], e[1], e[1])
    if #entry > 0 then table.insert(reply, entry[1]) end
    reply[3] = e[1]
  end
end
return reply
"""
