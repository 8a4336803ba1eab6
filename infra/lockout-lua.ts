/**
 * The Lua scripts of `lockout-store.ts`. Each runs atomically in Redis (EVALSHA), which is what
 * makes the counting exact under concurrency: no two attempts can read the same count.
 * They mirror `decideReserve` / `applySettle` of `core/pin/lockout.ts` step for step.
 *
 * Keys per subject (3 each, in order): state hash `…:s` {failures, level, lockedUntil,
 * lockedAt}, window zset `…:w` (failure time per attempt token), in-flight zset `…:r`
 * (lease expiry per reservation token). `lockedUntil`: 0 none, -1 until unlocked, else epoch ms.
 * All multi-subject scripts assume one Redis node (no Cluster hash-slot routing).
 * @module
 */
import { createHash } from 'node:crypto';

/** A script with its SHA-1 for EVALSHA. */
export interface LuaScript {
  readonly source: string;
  readonly sha: string;
}

function script(source: string): LuaScript {
  return { source, sha: createHash('sha1').update(source, 'utf8').digest('hex') };
}

/**
 * ARGV: now, token, leaseMs, n, then per subject: maxFailures, windowMs (0 = consecutive).
 * Returns {} when reserved (token added to every in-flight set), else a flat list of
 * denials `index, reason ('locked'|'busy'), lockedUntil` and nothing is changed.
 */
export const RESERVE = script(`
local now = tonumber(ARGV[1])
local token = ARGV[2]
local lease = tonumber(ARGV[3])
local n = tonumber(ARGV[4])
local denials = {}
for i = 0, n - 1 do
  local s, w, r = KEYS[i * 3 + 1], KEYS[i * 3 + 2], KEYS[i * 3 + 3]
  local max = tonumber(ARGV[5 + i * 2])
  local win = tonumber(ARGV[6 + i * 2])
  local lu = tonumber(redis.call('HGET', s, 'lockedUntil') or '0')
  if lu == -1 or lu > now then
    table.insert(denials, i + 1)
    table.insert(denials, 'locked')
    table.insert(denials, lu)
  else
    redis.call('ZREMRANGEBYSCORE', r, '-inf', now)
    local f
    if win > 0 then
      redis.call('ZREMRANGEBYSCORE', w, '-inf', now - win)
      f = redis.call('ZCARD', w)
    else
      f = tonumber(redis.call('HGET', s, 'failures') or '0')
    end
    if f + redis.call('ZCARD', r) >= max then
      table.insert(denials, i + 1)
      table.insert(denials, 'busy')
      table.insert(denials, 0)
    end
  end
end
if #denials > 0 then return denials end
for i = 0, n - 1 do
  local r = KEYS[i * 3 + 3]
  redis.call('ZADD', r, now + lease, token)
  redis.call('PEXPIRE', r, lease + 60000)
end
return {}
`);

/**
 * ARGV: now, token, verdict (1 success | 0 failure | 2 release: free the slot only), n, then per subject: maxFailures, windowMs, untilUnlocked
 * (1|0), memoryMs, backoff steps as comma-separated ms. Returns per subject
 * `lockedNow (1|0), level, lockedUntil` (0 when not locked).
 */
export const SETTLE = script(`
local now = tonumber(ARGV[1])
local token = ARGV[2]
local success = ARGV[3] == '1'
local release = ARGV[3] == '2'
local n = tonumber(ARGV[4])
local out = {}
for i = 0, n - 1 do
  local s, w, r = KEYS[i * 3 + 1], KEYS[i * 3 + 2], KEYS[i * 3 + 3]
  local b = 5 + i * 5
  local max = tonumber(ARGV[b])
  local win = tonumber(ARGV[b + 1])
  local uu = ARGV[b + 2] == '1'
  local mem = tonumber(ARGV[b + 3])
  local steps = ARGV[b + 4]
  redis.call('ZREM', r, token)
  if release then
    table.insert(out, 0)
    table.insert(out, 0)
    table.insert(out, 0)
  else
  redis.call('ZREMRANGEBYSCORE', r, '-inf', now)
  if win > 0 then redis.call('ZREMRANGEBYSCORE', w, '-inf', now - win) end
  local lu = tonumber(redis.call('HGET', s, 'lockedUntil') or '0')
  local level = tonumber(redis.call('HGET', s, 'level') or '0')
  local locked = lu == -1 or lu > now
  local lockedNow = 0
  if success then
    if win == 0 then
      if locked then
        redis.call('HSET', s, 'failures', 0, 'level', 0)
      else
        redis.call('DEL', s)
      end
      level = 0
    end
  elseif not locked then
    local count
    if win > 0 then
      redis.call('ZADD', w, now, token)
      redis.call('PEXPIRE', w, win)
      count = redis.call('ZCARD', w)
    else
      count = redis.call('HINCRBY', s, 'failures', 1)
    end
    if count >= max then
      level = level + 1
      local list = {}
      for x in string.gmatch(steps, '[^,]+') do table.insert(list, tonumber(x)) end
      local d
      if level <= #list then d = list[level] elseif uu then d = -1 else d = list[#list] end
      if d == -1 then lu = -1 else lu = now + d end
      redis.call('HSET', s, 'failures', 0, 'level', level, 'lockedUntil', lu, 'lockedAt', now)
      if win > 0 then redis.call('DEL', w) end
      locked = true
      lockedNow = 1
    end
    if lu == -1 then
      redis.call('PERSIST', s)
    elseif lu > now then
      redis.call('PEXPIRE', s, mem + lu - now)
    else
      redis.call('PEXPIRE', s, mem)
    end
  end
  table.insert(out, lockedNow)
  table.insert(out, level)
  if locked then table.insert(out, lu) else table.insert(out, 0) end
  end
end
return out
`);

/**
 * ARGV: now, windowMs. Clears lock, level and failures of one subject (in-flight leases stay:
 * those attempts are still running). Returns what was cleared:
 * `lockedUntil (0 when not locked), level, failures`.
 */
export const UNLOCK = script(`
local now = tonumber(ARGV[1])
local win = tonumber(ARGV[2])
local s, w = KEYS[1], KEYS[2]
local lu = tonumber(redis.call('HGET', s, 'lockedUntil') or '0')
local level = tonumber(redis.call('HGET', s, 'level') or '0')
local f
if win > 0 then
  f = redis.call('ZCOUNT', w, '(' .. (now - win), '+inf')
else
  f = tonumber(redis.call('HGET', s, 'failures') or '0')
end
if not (lu == -1 or lu > now) then lu = 0 end
redis.call('DEL', s, w)
return { lu, level, f }
`);

/**
 * ARGV: now, windowMs. Read-only: `lockedUntil (0 when not locked), level, failures, inFlight`.
 */
export const STATUS = script(`
local now = tonumber(ARGV[1])
local win = tonumber(ARGV[2])
local s, w, r = KEYS[1], KEYS[2], KEYS[3]
local lu = tonumber(redis.call('HGET', s, 'lockedUntil') or '0')
local level = tonumber(redis.call('HGET', s, 'level') or '0')
local f
if win > 0 then
  f = redis.call('ZCOUNT', w, '(' .. (now - win), '+inf')
else
  f = tonumber(redis.call('HGET', s, 'failures') or '0')
end
if not (lu == -1 or lu > now) then lu = 0 end
return { lu, level, f, redis.call('ZCOUNT', r, '(' .. now, '+inf') }
`);
