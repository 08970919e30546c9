#include "shellcomp.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <unistd.h>

#include "client.h"
#include "complete.h"
#include "conf.h"
#include "globalopt.h"
#include "model.h"
#include "offline.h"
#include "parse.h"
#include "sbuf.h"
#include "session.h"
#include "store.h"
#include "xalloc.h"

/*
 * Names for the shell: topics from the stored snapshot, group ids from the stored history, first;
 * else the REPL's (the cluster, bounded).
 */
static char **shellcomp_names(void *ud, enum cmd_arg_kind kind)
{
	struct session *s = ud;
	if (kind == CMD_ARG_TOPIC) {
		struct client *c;
		struct model *m = NULL;
		struct offline_stale st;
		struct err e = { 0 };
		offline_metadata(s, true, &c, &m, &st, &e);
		offline_stale_clear(&st);
		err_clear(&e);
		if (m) {
			char **v = x_calloc((size_t)m->ntopics + 1, sizeof(char *));
			for (int i = 0; i < m->ntopics; i++)
				v[i] = x_strdup(m->topics[i].name);
			model_unref(&m);
			return v;
		}
	}
	if (kind == CMD_ARG_GROUP) {
		struct store *store;
		struct err e = { 0 };
		char *cluster = NULL, *cause = NULL, **names = NULL;
		int n = 0;
		if (session_store_read(s, &store, &e) == CMD_OK &&
		    (cluster = session_store_cluster_shown(s, store, &cause)) != NULL)
			store_group_names(store, cluster, &names, &n, &cause);
		free(cluster);
		free(cause);
		err_clear(&e);
		if (n > 0)
			return names;
		complete_free(names);
	}
	char *cause = NULL;
	if (s->demo == NULL && !conf_has_bootstrap(&s->conf, &cause)) {
		free(cause);
		return NULL;
	}
	return complete_session_names(s, kind);
}

/* One candidate a line; its description after a tab, on one line. */
static void shellcomp_print(char **v, char **d, bool describe)
{
	for (size_t i = 0; v && v[i]; i++) {
		fputs(v[i], stdout);
		if (describe && d && d[i] && d[i][0]) {
			putchar('\t');
			for (const char *p = d[i]; *p; p++)
				putchar(*p == '\n' || *p == '\t' ? ' ' : *p);
		}
		putchar('\n');
	}
}

/* Candidates for kcon's own options (text starts with '-'), with their help. */
static void shellcomp_globals(const char *text, bool describe)
{
	for (const struct globalopt *o = globalopt_all(); o->name || o->short_name; o++) {
		if (o->name == NULL)
			continue;
		char *name = x_asprintf("--%s", o->name);
		const char *help = o->help ? o->help : o[-1].help; /* --key: shown with --cert */
		if (strncmp(name, text, strlen(text)) == 0)
			shellcomp_print((char *[]){ name, NULL }, (char *[]){ (char *)help, NULL }, describe);
		free(name);
	}
}

/* The value of one of kcon's options: by its kind, as a command's argument of that kind. */
static void shellcomp_value(struct session *s, enum cmd_arg_kind kind, const char *text, bool describe)
{
	if (kind == CMD_ARG_FILE) {
		puts(":file");
		return;
	}
	char **v = complete_kind_names(kind, text, shellcomp_names, s);
	shellcomp_print(v, NULL, describe);
	complete_free(v);
}

/* Ends the process when the bound passes: the shell gets no candidates rather than a hang. */
static void shellcomp_bound(void)
{
	struct itimerval it = { .it_value = { SHELLCOMP_MAX_MS / 1000, (SHELLCOMP_MAX_MS % 1000) * 1000 } };
	signal(SIGALRM, SIG_DFL);
	setitimer(ITIMER_REAL, &it, NULL);
}

int shellcomp_main(int argc, char **argv)
{
	shellcomp_bound();
	bool describe = false;
	int i = 0;
	for (; i < argc && strcmp(argv[i], "--") != 0; i++)
		if (strcmp(argv[i], "--describe") == 0)
			describe = true;
	if (i < argc)
		i++;
	char **words = argv + i;
	int n = argc - i;
	const char *text = n > 0 ? words[n - 1] : "";
	n = n > 0 ? n - 1 : 0; /* the words before the one being completed */

	struct session s = { .timeout_ms = SHELLCOMP_CLUSTER_MS, .format = OUT_TABLE };
	const char *profile = getenv("KCON_PROFILE");
	char *cause = NULL;
	int w = 0;
	/* kcon's own options first: those that say which cluster, and where the store is, are applied */
	struct conf_opt {
		const char *option, *value;
	} *conn = x_calloc((size_t)n + 1, sizeof(*conn));
	int nconn = 0;
	for (; w < n; w++) {
		const struct globalopt *o = globalopt_find(words[w]);
		if (o == NULL)
			break;
		if (o->meta == NULL)
			continue;
		const char *eq = words[w][1] == '-' ? strchr(words[w], '=') : NULL;
		const char *value = eq ? eq + 1 : words[w][1] != '-' && words[w][2] ? words[w] + 2 : NULL;
		if (value == NULL && w + 1 >= n) { /* the word being completed is this option's value */
			shellcomp_value(&s, o->kind, text, describe);
			free(conn);
			fflush(stdout);
			_exit(ferror(stdout) ? 1 : 0);
		}
		if (value == NULL)
			value = words[++w];
		if (o->short_name == 'p')
			profile = value;
		else if (o->name && strcmp(o->name, "state-dir") == 0)
			s.state_dir = x_strdup(value);
		else if (o->short_name == 'X' || o->short_name == 'F')
			conn[nconn++] = (struct conf_opt){ o->short_name == 'X' ? "X" : "F", value };
		else if (o->kind == CMD_ARG_FILE || o->short_name == 'b' ||
			 (o->name && (strcmp(o->name, "user") == 0 || strcmp(o->name, "sasl-mechanism") == 0)))
			conn[nconn++] = (struct conf_opt){ o->name, value };
	}
	if (w == n && text[0] == '-') {
		shellcomp_globals(text, describe);
		free(conn);
		fflush(stdout);
		_exit(0);
	}
	char *path = conf_profile_path();
	if (conf_load_profile(&s.conf, path, profile, &cause) < 0)
		x_free(&cause);
	free(path);
	if (getenv("KCON_BOOTSTRAP") && *getenv("KCON_BOOTSTRAP"))
		conf_set_option(&s.conf, "bootstrap", getenv("KCON_BOOTSTRAP"), &cause);
	x_free(&cause);
	for (int k = 0; k < nconn; k++) {
		if (strcmp(conn[k].option, "F") == 0)
			conf_load_properties(&s.conf, conn[k].value, &cause);
		else if (strcmp(conn[k].option, "password-file") != 0) /* no secret is read to complete a word */
			conf_set_option(&s.conf, conn[k].option, conn[k].value, &cause);
		x_free(&cause);
	}
	free(conn);

	/* The command line after kcon's options, as the REPL's line, completed by the REPL's logic. */
	char *line = parse_join(n - w, words + w);
	char *full = x_asprintf("%s%s", line, n > w ? " " : "");
	char **d = NULL;
	enum cmd_arg_kind kind;
	char **v = complete_described(full, (int)strlen(full), text, shellcomp_names, &s, &d, &kind);
	if (kind == CMD_ARG_FILE)
		puts(":file");
	else
		shellcomp_print(v, d, describe);
	fflush(stdout);
	/* No teardown: closing a client whose brokers do not answer can take long, and the shell waits. */
	_exit(ferror(stdout) ? 1 : 0);
}
