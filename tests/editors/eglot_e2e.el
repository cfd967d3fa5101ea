;;; eglot_e2e.el --- headless Emacs + Eglot against `dfix lsp', through editors/emacs/dfix.el  -*- lexical-binding: t -*-
;; The diagnostic arrives at the pip command, its preferred quick fix adds the cache mount,
;; `source.fixAll.dfix' adds the syntax directive the mount calls for, and after saving no
;; diagnostic is left; the actions come from `eglot-code-actions', as the editor's command asks
;; for them. Emacs 28 (Debian) with Debian's elpa-eglot 1.9 and elpa-dockerfile-mode.
;; Usage: DFIX_SNIPPET=editors/emacs/dfix.el PATH=<dir of dfix>:$PATH emacs --batch -l eglot_e2e.el Dockerfile
(require 'package)
(package-initialize)                    ; Debian's elpa-* packages
(load (getenv "DFIX_SNIPPET") nil t)    ; the snippet, as a user's init file loads it
(require 'eglot)
(require 'dockerfile-mode)
(defun e2e-say (fmt &rest args) (princ (concat (apply #'format fmt args) "\n")))
(defun e2e-fail (msg) (e2e-say "FAIL: %s" msg) (kill-emacs 1))
(defun e2e-wait (pred secs)
  (let ((deadline (+ (float-time) secs)))
    (while (and (not (funcall pred)) (< (float-time) deadline))
      (accept-process-output nil 0.05))
    (funcall pred)))
(let ((file (car command-line-args-left)))
  (setq command-line-args-left nil)
  (find-file file)
  (e2e-say "major-mode=%s emacs=%s" major-mode emacs-version)
  (unless (eq major-mode 'dockerfile-mode) (e2e-fail "not in dockerfile-mode"))
  (unless (memq #'eglot-ensure dockerfile-mode-hook) (e2e-fail "the snippet did not hook eglot-ensure"))
  ;; `eglot-ensure' connects from `post-command-hook', which never runs in --batch
  (apply #'eglot--connect (eglot--guess-contact))
  (let ((contact (nth 3 (eglot--guess-contact))))
    (e2e-say "CONTACT %S" contact)
    (unless (equal contact '("dfix" "lsp")) (e2e-fail "the server command is not the snippet's")))
  (unless (e2e-wait (lambda () (flymake-diagnostics)) 10) (e2e-fail "no diagnostics"))
  (let ((pip (seq-find (lambda (d) (string-match-p "pip-without-cache-mount" (flymake-diagnostic-text d)))
                       (flymake-diagnostics))))
    (dolist (d (flymake-diagnostics))
      (e2e-say "DIAG %d %s" (line-number-at-pos (flymake-diagnostic-beg d)) (flymake-diagnostic-text d)))
    (unless pip (e2e-fail "no pip-without-cache-mount diagnostic"))
    (unless (equal (buffer-substring (flymake-diagnostic-beg pip) (+ 3 (flymake-diagnostic-beg pip))) "pip")
      (e2e-fail "the diagnostic is not at the pip command"))
    ;; 1. the preferred quick fix of the pip finding
    (let* ((actions (eglot-code-actions (flymake-diagnostic-beg pip) (flymake-diagnostic-end pip) "quickfix"))
           (preferred (seq-find (lambda (a) (eq (plist-get a :isPreferred) t)) actions)))
      (dolist (a actions) (e2e-say "ACTION %s" (plist-get a :title)))
      (unless preferred (e2e-fail "no preferred quick fix"))
      (eglot--apply-workspace-edit (plist-get preferred :edit))))
  (unless (string-match-p "--mount=type=cache,target=/root/.cache/pip" (buffer-string))
    (e2e-fail "the quick fix did not add the mount"))
  ;; 2. fix all: the syntax directive the mount calls for
  (let ((all (eglot-code-actions (point-min) (point-max) "source.fixAll.dfix")))
    (unless (= (length all) 1) (e2e-fail (format "expected one source.fixAll.dfix action, got %d" (length all))))
    (eglot--apply-workspace-edit (plist-get (car all) :edit)))
  (save-buffer)
  (unless (e2e-wait (lambda () (null (flymake-diagnostics))) 10)
    (dolist (d (flymake-diagnostics)) (e2e-say "LEFT %s" (flymake-diagnostic-text d)))
    (e2e-fail "diagnostics remain after the fixes"))
  (dolist (l (split-string (buffer-string) "\n" t)) (e2e-say "RESULT %s" l))
  (eglot-shutdown (eglot-current-server))
  (e2e-say "OK")
  (kill-emacs 0))
