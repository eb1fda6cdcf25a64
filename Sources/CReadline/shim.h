// GNU readline for Swift. Swift 6 cannot touch readline's mutable C globals directly, so each one
// the shell needs is read or written through a static inline helper here.
#ifndef BYLINE_CREADLINE_SHIM_H
#define BYLINE_CREADLINE_SHIM_H

#include <stdio.h>
#include <stdlib.h>
#include <readline/readline.h>
#include <readline/history.h>

/// Names the application for ~/.inputrc conditionals ($if byline).
static inline void byline_rl_set_name(const char *name) { rl_readline_name = name; }

/// Readline must not install its own signal handlers: the shell's SIGINT handler only sets a flag.
static inline void byline_rl_disable_signal_handlers(void) {
    rl_catch_signals = 0;
    rl_catch_sigwinch = 1;
}

/// Installs the attempted-completion hook.
static inline void byline_rl_set_completion(rl_completion_func_t *function) {
    rl_attempted_completion_function = function;
}

/// Characters that end a word for completion: spaces, operators and brackets, but not '.' (dot-commands)
/// or '/' (file names after .read).
static inline void byline_rl_set_word_breaks(const char *breaks) {
    rl_basic_word_break_characters = (char *)breaks;
    rl_completer_word_break_characters = (char *)breaks;
}

/// Chooses the word breaks for each completion (inside a string, only its quote breaks a word).
static inline void byline_rl_set_word_break_hook(rl_cpvfunc_t *hook) { rl_completion_word_break_hook = hook; }

/// The cursor's byte offset in the line being edited.
static inline int byline_rl_point(void) { return rl_point; }

/// 1 tells readline not to fall back to file-name completion when the hook returns no matches.
static inline void byline_rl_set_attempted_completion_over(int over) { rl_attempted_completion_over = over; }

/// The character appended after a unique completion (a space, or none after a directory).
static inline void byline_rl_set_completion_append_character(int character) {
    rl_completion_append_character = character;
}

/// The whole line being edited.
static inline const char *byline_rl_line_buffer(void) { return rl_line_buffer; }

/// Readline's own file-name completer, for `.read FILE`.
static inline char **byline_rl_filename_matches(const char *text) {
    return rl_completion_matches(text, rl_filename_completion_function);
}

/// Throws away the line being edited after Ctrl-C, leaving a clean prompt.
static inline void byline_rl_discard_line(void) {
    rl_free_line_state();
    rl_callback_sigcleanup();
    rl_replace_line("", 0);
    rl_point = 0;
    rl_end = 0;
    rl_mark = 0;
}

/// Prompts and echo go to standard error (when standard output is redirected to a file, the
/// file gets results only).
static inline void byline_rl_prompts_to_stderr(void) { rl_outstream = stderr; }

#endif
