-- Appends one chat message to the room's stream and returns the new entry's id.
-- KEYS[1] = the stream; ARGV[1] = approximate maximum length (MAXLEN ~), ARGV[2] = user, ARGV[3] = text.
--
-- The entry id is chosen here, inside Redis, instead of with XADD's '*', for one reason: the chat turns
-- an id <ms>-<seq> into the number ms * 1000 + seq, so seq must stay below 1000. That is what '*'
-- gives, too, except when more than 1000 messages arrive within one millisecond of the server's clock
-- (or while the clock stands still or went backwards): then this script moves on to the next
-- millisecond instead of counting past 999. The script runs atomically, so ids still strictly increase.
local now = redis.call('TIME')
local ms = tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000)
local seq = 0
if redis.call('EXISTS', KEYS[1]) == 1 then
  -- last-generated-id, not the newest entry: an entry deleted by hand may have had a larger id.
  local info = redis.call('XINFO', 'STREAM', KEYS[1])
  for i = 1, #info, 2 do
    if info[i] == 'last-generated-id' then
      local lms, lseq = string.match(info[i + 1], '^(%d+)-(%d+)$')
      lms = tonumber(lms)
      lseq = tonumber(lseq)
      if ms <= lms then
        ms = lms
        seq = lseq + 1
        if seq >= 1000 then
          ms = lms + 1
          seq = 0
        end
      end
      break
    end
  end
end
local id = string.format('%d-%d', ms, seq)
redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[1], id, 'user', ARGV[2], 'text', ARGV[3])
return id
