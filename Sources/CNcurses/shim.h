#ifndef CNCURSES_SHIM_H
#define CNCURSES_SHIM_H
#define NCURSES_WIDECHAR 1
#define _XOPEN_SOURCE_EXTENDED 1
#include <locale.h>
#include <langinfo.h>
#include <ncursesw/curses.h>
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

// Swift 6 rejects ncurses' global variables as not concurrency-safe: read them through functions.
static inline WINDOW *cn_stdscr(void) { return stdscr; }
static inline int cn_lines(void) { return LINES; }
static inline int cn_cols(void) { return COLS; }
static inline int cn_colors(void) { return COLORS; }

// Attribute bits are function-like macros that Swift cannot import.
static inline attr_t cn_attr_normal(void) { return A_NORMAL; }
static inline attr_t cn_attr_bold(void) { return A_BOLD; }
static inline attr_t cn_attr_reverse(void) { return A_REVERSE; }
static inline attr_t cn_attr_underline(void) { return A_UNDERLINE; }
static inline attr_t cn_attr_dim(void) { return A_DIM; }
static inline int cn_key_f0(void) { return KEY_F0; }

// Glibc only declares wcwidth for X/Open builds; the Swift Glibc module does not export it.
extern int wcwidth(wchar_t c);
static inline int cn_wcwidth(wchar_t c) { return wcwidth(c); }

// ---------------------------------------------------------------------------------------------
// Signal trap. The handlers may only touch async-signal-safe state, so it lives here in C:
// a flag the app polls, the termios to put back, and the precomputed bytes that leave
// program mode. Functions are `weak` (not `static`): every Swift file that imports this header
// emits its own copy, and weak linkage makes the linker keep exactly one, so there is exactly
// one `cn_trap_t` per process.

#define CN_TRAP_RESTORE_MAX 512

typedef struct {
    volatile sig_atomic_t pending;  // SIGINT/SIGTERM delivered and not yet taken by the app, 0 if none
    volatile sig_atomic_t deliver;  // 1: SIGINT/SIGTERM become `pending`; 0: restore and re-raise at once
    volatile sig_atomic_t armed;    // 1 while the terminal is in program mode and needs restoring
    volatile sig_atomic_t installed;
    int atexit_registered;
    int fd;                         // tty whose termios is saved
    struct termios saved;
    char restore[CN_TRAP_RESTORE_MAX];
    int restore_length;
    struct sigaction previous_int, previous_term, previous_hup;
} cn_trap_t;

__attribute__((weak)) cn_trap_t *cn_trap(void) {
    static cn_trap_t trap = { .fd = -1 };
    return &trap;
}

/// Puts the tty back (termios + leave-program-mode bytes) using only write() and tcsetattr().
__attribute__((weak)) void cn_trap_restore(void) {
    cn_trap_t *t = cn_trap();
    if (!t->armed) return;
    t->armed = 0;
    int saved_errno = errno;
    if (t->fd >= 0) {
        int offset = 0;
        while (offset < t->restore_length) {
            ssize_t n = write(t->fd, t->restore + offset, (size_t)(t->restore_length - offset));
            if (n < 0 && errno == EINTR) continue;
            if (n <= 0) break;
            offset += (int)n;
        }
        tcsetattr(t->fd, TCSAFLUSH, &t->saved);
    }
    errno = saved_errno;
}

__attribute__((weak)) void cn_trap_handler(int sig) {
    cn_trap_t *t = cn_trap();
    // First SIGINT/SIGTERM goes to the app as a flag; a second one before the app took the
    // first means the app is not listening, so restore and die like the default action would.
    if (t->deliver && (sig == SIGINT || sig == SIGTERM) && t->pending == 0) {
        t->pending = sig;
        return;
    }
    cn_trap_restore();
    signal(sig, SIG_DFL);
    raise(sig);  // delivered when the handler returns: exit status 128+sig (130, 143, 129)
}

__attribute__((weak)) void cn_trap_atexit(void) { cn_trap_restore(); }

/// Saves the tty's current termios and the bytes that leave program mode, and arms the restore.
__attribute__((weak)) int cn_trap_arm(int fd, const struct termios *saved, const char *restore, int length) {
    cn_trap_t *t = cn_trap();
    if (length < 0 || length > CN_TRAP_RESTORE_MAX) return -1;
    t->armed = 0;  // the handler must not see a half-written record
    t->fd = fd;
    t->saved = *saved;
    memcpy(t->restore, restore, (size_t)length);
    t->restore_length = length;
    t->armed = 1;
    if (!t->atexit_registered) {
        t->atexit_registered = 1;
        atexit(cn_trap_atexit);
    }
    return 0;
}

__attribute__((weak)) void cn_trap_disarm(void) { cn_trap()->armed = 0; }

/// Installs the handlers for SIGINT, SIGTERM and SIGHUP, remembering the previous ones.
__attribute__((weak)) void cn_trap_install(int deliver) {
    cn_trap_t *t = cn_trap();
    t->deliver = deliver;
    if (t->installed) return;
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = cn_trap_handler;
    sigemptyset(&action.sa_mask);
    action.sa_flags = 0;  // no SA_RESTART: a blocking read returns so the app can look at the flag
    sigaction(SIGINT, &action, &t->previous_int);
    sigaction(SIGTERM, &action, &t->previous_term);
    sigaction(SIGHUP, &action, &t->previous_hup);
    t->installed = 1;
}

__attribute__((weak)) void cn_trap_uninstall(void) {
    cn_trap_t *t = cn_trap();
    if (!t->installed) return;
    sigaction(SIGINT, &t->previous_int, NULL);
    sigaction(SIGTERM, &t->previous_term, NULL);
    sigaction(SIGHUP, &t->previous_hup, NULL);
    t->installed = 0;
}

/// Returns and clears the pending signal number, 0 if none.
__attribute__((weak)) int cn_trap_take(void) {
    cn_trap_t *t = cn_trap();
    // Atomic swap: a signal arriving between a read and a clear would otherwise be lost.
    return __atomic_exchange_n(&t->pending, 0, __ATOMIC_SEQ_CST);
}
#endif
