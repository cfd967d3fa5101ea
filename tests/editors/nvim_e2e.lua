-- Headless Neovim against `dfix lsp`: the diagnostic arrives at the pip command, its preferred
-- quick fix adds the cache mount, `source.fixAll.dfix` adds the syntax directive the mount calls
-- for, and after saving no diagnostic is left. Works on Neovim 0.7 (Debian) and 0.12.
-- Usage: DFIX=/path/to/dfix nvim --headless -u nvim_e2e.lua Dockerfile
--    or: DFIX_SNIPPET=editors/neovim/dfix.lua PATH=<dir of dfix>:$PATH nvim --headless -u nvim_e2e.lua Dockerfile
vim.cmd("filetype on")
local function say(s) io.stdout:write(s .. "\n") end
local function fail(msg) say("FAIL: " .. msg); vim.cmd("cquit 1") end

local file = vim.fn.argv(0)
local snippet = os.getenv("DFIX_SNIPPET")
-- with DFIX_SNIPPET, editors/neovim/dfix.lua itself starts the server, as in a user's init.lua
-- (it runs `dfix` from PATH); without it, this script starts `$DFIX lsp` by hand
if snippet then
  -- DFIX_SNIPPET_LEGACY: hide vim.lsp.config so that the snippet takes its 0.8-0.10 branch (vim.lsp.start)
  if os.getenv("DFIX_SNIPPET_LEGACY") then vim.lsp.config = nil end
  dofile(snippet)
end
vim.cmd("edit " .. vim.fn.fnameescape(file))
local buf = vim.api.nvim_get_current_buf()
say("filetype=" .. vim.bo[buf].filetype .. " nvim=" .. vim.version().major .. "." .. vim.version().minor)
local id
if snippet then
  local function attached()
    local get = vim.lsp.get_clients or vim.lsp.get_active_clients
    return get({ bufnr = buf, name = "dfix" })[1]
  end
  if not vim.wait(10000, function() return attached() ~= nil end, 20) then fail("the snippet started no server") end
  id = attached().id
  say("ROOT " .. tostring(attached().config.root_dir))
else
  local config = { name = "dfix", cmd = { os.getenv("DFIX") or "dfix", "lsp" }, root_dir = vim.fn.getcwd() }
  if vim.lsp.start then
    id = vim.lsp.start(config)
  else
    id = vim.lsp.start_client(config)
    vim.lsp.buf_attach_client(buf, id)
  end
end
if not id then fail("the server did not start") end
local client = vim.lsp.get_client_by_id(id)

local function diagnostics() return vim.diagnostic.get(buf) end
if not vim.wait(10000, function() return #diagnostics() > 0 end, 20) then fail("no diagnostics") end

-- the pip finding, at the pip command
local pip
for _, d in ipairs(diagnostics()) do
  say(string.format("DIAG %d:%d %s", d.lnum + 1, d.col + 1, tostring(d.code)))
  if d.code == "pip-without-cache-mount" then pip = d end
end
if not pip then fail("no pip-without-cache-mount diagnostic") end
local line = vim.api.nvim_buf_get_lines(buf, pip.lnum, pip.lnum + 1, false)[1]
if line:sub(pip.col + 1, pip.col + 3) ~= "pip" then fail("the diagnostic is not at the pip command: " .. line) end

local function lsp_diagnostic(d)
  return vim.tbl_extend("force", (d.user_data and d.user_data.lsp) or {}, {
    range = { start = { line = d.lnum, character = d.col }, ["end"] = { line = d.end_lnum or d.lnum, character = d.end_col or d.col } },
    message = d.message, severity = d.severity, code = d.code, source = d.source,
  })
end

local function actions(range, diags, only)
  local params = { textDocument = { uri = vim.uri_from_bufnr(buf) }, range = range, context = { diagnostics = diags, only = only } }
  local found = {}
  for _, r in pairs(vim.lsp.buf_request_sync(buf, "textDocument/codeAction", params, 5000) or {}) do
    if r.error then fail("codeAction: " .. vim.inspect(r.error)) end
    for _, a in ipairs(r.result or {}) do table.insert(found, a) end
  end
  return found
end

local function apply(a)
  if not a.edit then fail("action without an edit: " .. a.title) end
  vim.lsp.util.apply_workspace_edit(a.edit, client.offset_encoding or "utf-16")
end

-- 1. the preferred quick fix of the pip finding
local d = lsp_diagnostic(pip)
local quick = actions(d.range, { d }, { "quickfix" })
local preferred
for _, a in ipairs(quick) do
  say("ACTION " .. a.title)
  if a.isPreferred then preferred = a end
end
if not preferred then fail("no preferred quick fix") end
apply(preferred)
local text = table.concat(vim.api.nvim_buf_get_lines(buf, 0, -1, false), "\n")
if not text:find("--mount=type=cache,target=/root/.cache/pip", 1, true) then fail("the quick fix did not add the mount:\n" .. text) end

-- 2. fix all: the syntax directive the mount calls for
local whole = { start = { line = 0, character = 0 }, ["end"] = { line = vim.api.nvim_buf_line_count(buf), character = 0 } }
local all = actions(whole, {}, { "source.fixAll.dfix" })
if #all ~= 1 then fail("expected one source.fixAll.dfix action, got " .. #all) end
apply(all[1])
vim.cmd("silent write")

if not vim.wait(5000, function() return #diagnostics() == 0 end, 20) then
  for _, x in ipairs(diagnostics()) do say("LEFT " .. tostring(x.code) .. " " .. x.message) end
  fail("diagnostics remain after the fixes")
end
for _, l in ipairs(vim.api.nvim_buf_get_lines(buf, 0, -1, false)) do say("RESULT " .. l) end
vim.lsp.stop_client(id)
say("OK")
vim.cmd("qall!")
