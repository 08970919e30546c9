/*
 * The man page kcon.1, in troff (man macros): `kcon help --man`, written to docs/kcon.1 by
 * `make docs` and installed by `make install`. Its options come from kcon's option table
 * (globalopt.h), its commands from the command table, and its prose (description, exit status,
 * environment, files, examples) says what the README's sections say.
 */
#ifndef KCON_MANPAGE_H
#define KCON_MANPAGE_H

/** @brief The whole page; caller frees. */
char *manpage_render(void);

#endif
