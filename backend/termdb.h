/*
 * Terminal types built in: compiled terminfo entries for the terminals kcon meets most (xterm,
 * screen, tmux, the Linux console, vt100), taken from the build machine's terminfo at build time
 * (cmake/terminfo.cmake), for systems without a terminfo database or without the entry for their
 * TERM (a pod). Curses-free: the TUI points ncurses at the entry that termdb_install() writes.
 */
#ifndef KCON_TERMDB_H
#define KCON_TERMDB_H

#include <stddef.h>

struct termdb_entry {
	const char *name;
	const unsigned char *data; /* the compiled entry, as tic writes it */
	size_t len;
};

/* The built-in entries, ended by one with a NULL name (generated: termdb_data.c). */
extern const struct termdb_entry termdb_entries[];

/** @brief The built-in entry called name, or NULL. */
const struct termdb_entry *termdb_find(const char *name);
/**
 * @brief The built-in entry nearest to the terminal type term: term itself when built in, else
 * by its family (screen*, tmux*, linux*, vt*, rxvt and the rest as xterm; 256 colours kept).
 * @return an entry, never NULL (xterm when nothing is nearer)
 */
const struct termdb_entry *termdb_nearest(const char *term);
/**
 * @brief e as a TERMINFO value that holds the entry itself ("hex:" and its bytes): ncurses 6.1 and
 * newer read it without any file, so it works on a read-only root with no /tmp.
 * @return a new string (caller frees)
 */
char *termdb_hex(const struct termdb_entry *e);
/**
 * @brief Writes e into a new private directory (0700, under $TMPDIR or /tmp) laid out as a terminfo
 * database (DIR/x/xterm), to be named in TERMINFO.
 * @return the directory (caller frees it, after termdb_remove()), or NULL with *cause (new string)
 */
char *termdb_install(const struct termdb_entry *e, char **cause);
/** @brief Removes what termdb_install() wrote into dir, and dir; NULL does nothing. */
void termdb_remove(const char *dir);

#endif
