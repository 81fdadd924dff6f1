-- wrk script for tools/bench: sends METHOD to the URL's path, with an optional body and, from a
-- token file, `Authorization: Bearer <token>`, one token per request in turn (the file's lines
-- cycled, so a file longer than a cache defeats it). Requests are formatted once, in init, so
-- that the client's cost per request is the same with one token or thousands.
--   wrk -s tools/lib/bench_requests.lua URL -- METHOD TOKEN_FILE|- BODY_FILE|-
local requests = {}
local count = 0
local next_index = 0

local function read_file(name)
  local file = assert(io.open(name, "rb"))
  local text = file:read("*a")
  file:close()
  return text
end

function init(args)
  local method = args[1] or "GET"
  local body = nil
  local headers = {}
  if args[3] and args[3] ~= "-" then
    body = read_file(args[3])
    headers["Content-Type"] = "application/json"
  end
  if args[2] and args[2] ~= "-" then
    for token in io.lines(args[2]) do
      if token ~= "" then
        headers["Authorization"] = "Bearer " .. token
        count = count + 1
        requests[count] = wrk.format(method, nil, headers, body)
      end
    end
  else
    count = 1
    requests[1] = wrk.format(method, nil, headers, body)
  end
  assert(count > 0, "no requests")
end

function request()
  next_index = next_index % count + 1
  return requests[next_index]
end
