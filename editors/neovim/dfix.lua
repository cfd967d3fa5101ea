-- dfix as a language server for Dockerfiles.
if vim.lsp.config then
  -- Neovim 0.11 and later
  vim.lsp.config("dfix", {
    cmd = { "dfix", "lsp" },
    filetypes = { "dockerfile" },
    root_markers = { "dfix.toml", ".dfix.toml", ".git" },
  })
  vim.lsp.enable("dfix")
else
  -- Neovim 0.8 to 0.10
  vim.api.nvim_create_autocmd("FileType", {
    pattern = "dockerfile",
    callback = function(args)
      local dir = vim.fs.dirname(vim.api.nvim_buf_get_name(args.buf))
      local marker = vim.fs.find({ "dfix.toml", ".dfix.toml", ".git" }, { upward = true, path = dir })[1]
      vim.lsp.start({ name = "dfix", cmd = { "dfix", "lsp" }, root_dir = marker and vim.fs.dirname(marker) or dir })
    end,
  })
end
