/*
 * Shell completion (bash, zsh, fish): `kcon __complete [--describe] -- WORD...`, the hidden entry
 * the scripts of `kcon completion SHELL` call on each Tab. The words are the command line after
 * `kcon`, the last one the word being completed (maybe empty). It prints the candidates, one a
 * line ("CANDIDATE<TAB>DESCRIPTION" with --describe), from the same logic the REPL completes with
 * (complete.h): kcon's own options, commands, subcommands, options, and names by kind. Topic names
 * come from the history store's last snapshot first, and group ids from its series, else from the
 * cluster with a short timeout; profiles from config.json; themes from the theme folders. A line
 * ":file" alone says the word is a file name, for the shell to complete. It never takes more than
 * SHELLCOMP_MAX_MS: the shell must not hang on an unreachable cluster.
 */
#ifndef KCON_SHELLCOMP_H
#define KCON_SHELLCOMP_H

/* How long the cluster is asked, and the bound on the whole run (then kcon ends, printing nothing). */
#define SHELLCOMP_CLUSTER_MS 1500
#define SHELLCOMP_MAX_MS     3000

/** @brief Runs `kcon __complete ARGS` (argv after `__complete`); returns the exit status. */
int shellcomp_main(int argc, char **argv);

#endif
