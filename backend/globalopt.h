/*
 * kcon's own options (before the command: -b, -p, --theme, ...), as one table: `kcon --help`,
 * the man page (`help --man`) and shell completion (`kcon __complete`) are made from it. ui/main.c's
 * getopt table names the same options (a test compares `kcon --help` with what getopt takes).
 */
#ifndef KCON_GLOBALOPT_H
#define KCON_GLOBALOPT_H

#include <stdbool.h>

#include "cmd.h"
#include "sbuf.h"

/** One option of kcon itself. */
struct globalopt {
	const char *name;       /* long name without dashes; NULL for -X and -F, which have none */
	char short_name;        /* or 0 */
	const char *meta;       /* the value's metavariable ("HOST:PORT,..."), NULL for a flag */
	enum cmd_arg_kind kind; /* what the value is, for completion (CMD_ARG_FILE, CMD_ARG_PROFILE, ...) */
	const char *section;    /* "Connection", "Output and behaviour" */
	const char *spec;       /* how --help shows it when not "-b, --bootstrap META"; NULL: so */
	const char *help;       /* may hold '\n' between lines; NULL: shown with the entry before (--key) */
};

/** @brief The options, ending with an entry with neither name nor short_name. */
const struct globalopt *globalopt_all(void);

/** @brief The option that word names (`--name`, `--name=VALUE`, `-b`), or NULL. */
const struct globalopt *globalopt_find(const char *word);

/** @brief Appends the option's shown form: "-b, --bootstrap HOST:PORT,..." or its spec. */
void globalopt_spec(struct sbuf *sb, const struct globalopt *o);

/** @brief Appends `kcon --help`'s text. */
void globalopt_usage(struct sbuf *sb);

#endif
