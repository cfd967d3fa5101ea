;;; dfix.el --- dfix as a language server for Dockerfiles, through Eglot

;; Eglot is built into Emacs 29; on Emacs 28 install it (Debian: elpa-eglot).
;; dockerfile-mode comes from MELPA or Debian; Emacs 29 also has dockerfile-ts-mode.
(with-eval-after-load 'eglot
  (add-to-list 'eglot-server-programs
               '((dockerfile-mode dockerfile-ts-mode) . ("dfix" "lsp"))))
(add-hook 'dockerfile-mode-hook #'eglot-ensure)
(add-hook 'dockerfile-ts-mode-hook #'eglot-ensure)
