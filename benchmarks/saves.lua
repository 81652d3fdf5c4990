-- wrk script of benchmarks/saves.py: experts autosaving answers, as the workspace does.
--
-- POLINDEX_WRK_ANSWERS names a file of "session-key unit question version" lines, one an
-- answer; each wrk thread (one connection each: wrk -tN -cN ... -- N) takes every N-th line,
-- so no two threads save the same answer, and each request saves the thread's next answer in
-- turn with a new justification (never one an earlier run wrote: a save that changes nothing
-- makes no new version). With one connection a thread's responses come in the order of its
-- requests, so each response tells the version of the answer just saved ({"version": N}, a
-- conflict's too); an answer comes back only after the thread's others. A conflict (409)
-- would be an error, which wrk counts under "Non-2xx". POLINDEX_WRK_DELAY_MS > 0 makes each
-- connection wait 0.8-1.2 times that long before each save: one connection, one expert
-- saving every so often.
local answers, turn, delay_ms, run, last = {}, 0, 0, os.time(), nil  -- a new text each run
local csrf = "0123456789abcdef0123456789abcdef"  -- 32 characters: a valid CSRF secret
local options = {"a", "b", "c"}

function setup(thread)
  setup_count = (setup_count or 0) + 1
  thread:set("id", setup_count - 1)
end

function init(args)
  local n = tonumber(args[1] or "1")
  local k = 0
  for line in io.lines(os.getenv("POLINDEX_WRK_ANSWERS")) do
    local session, unit, code, version = line:match("^(%S+) (%S+) (%S+) (%d+)$")
    if k % n == id then
      answers[#answers + 1] = {
        path = "/work/bench/" .. unit .. "/" .. code .. "/",
        cookie = "sessionid=" .. session .. "; csrftoken=" .. csrf,
        code = code,
        version = tonumber(version),
      }
    end
    k = k + 1
  end
  delay_ms = tonumber(os.getenv("POLINDEX_WRK_DELAY_MS") or "0")
  math.randomseed(id + 1)
end

function delay()
  if delay_ms > 0 then return math.floor(delay_ms * (0.8 + 0.4 * math.random())) end
  return 0
end

request = function()
  turn = turn + 1
  local answer = answers[(turn - 1) % #answers + 1]
  local body = "csrfmiddlewaretoken=" .. csrf .. "&action=autosave&version=" .. answer.version
    .. "&option=" .. options[turn % 3 + 1]
    .. "&justification=Draft+" .. run .. "-" .. id .. "-" .. turn .. "+of+" .. answer.code .. "."
    .. "&source_count=1&source-0-instrument=Act&source-0-article=4"
  last = answer
  return wrk.format("POST", answer.path, {
    ["Content-Type"] = "application/x-www-form-urlencoded",
    ["Cookie"] = answer.cookie,
  }, body)
end

function response(status, headers, body)
  local version = body:match('"version": (%d+)')
  if last and version then last.version = tonumber(version) end
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("requests %d\n", summary.requests))
  io.write(string.format("seconds %.3f\n", summary.duration / 1e6))
  io.write(string.format("errors %d\n", e.connect + e.read + e.write + e.status + e.timeout))
  for _, q in ipairs({50, 95, 99}) do
    io.write(string.format("p%d-us %d\n", q, latency:percentile(q)))
  end
end
