#include "cmd.h"

#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "conf.h"
#include "err.h"
#include "lag.h"
#include "names.h"
#include "sbuf.h"
#include "session.h"
#include "suggest.h"
#include "xalloc.h"

extern const struct cmd_entry cmd_cluster_table[];
extern const struct cmd_entry cmd_groups_table[];
extern const struct cmd_entry cmd_help_table[];
extern const struct cmd_entry cmd_tail_table[];
extern const struct cmd_entry cmd_history_table[];
extern const struct cmd_entry cmd_check_table[];
extern const struct cmd_entry cmd_plugins_table[];
extern const struct cmd_entry cmd_schemas_table[];
extern const struct cmd_entry cmd_doctor_table[];
extern const struct cmd_entry cmd_admin_table[];
extern const struct cmd_entry cmd_acl_table[];
extern const struct cmd_entry cmd_users_table[];
extern const struct cmd_entry cmd_complete_table[];
extern const struct cmd_entry cmd_config_table[];

static const struct cmd_entry **cmd_list;
static size_t cmd_count;

static const char *const cmd_metas[] = {
#define X(name, meta) meta,
	CMD_ARG_KINDS(X)
#undef X
};

const char *cmd_arg_kind_meta(enum cmd_arg_kind kind)
{
	return cmd_metas[kind];
}

void cmd_register(const struct cmd_entry *table)
{
	for (const struct cmd_entry *e = table; e->name; e++) {
		cmd_list = x_reallocarray(cmd_list, cmd_count + 1, sizeof(*cmd_list));
		cmd_list[cmd_count++] = e;
	}
}

void cmd_init(void)
{
	if (cmd_count)
		return;
	cmd_register(cmd_cluster_table);
	cmd_register(cmd_groups_table);
	cmd_register(cmd_tail_table);
	cmd_register(cmd_help_table);
	cmd_register(cmd_complete_table);
	cmd_register(cmd_history_table);
	cmd_register(cmd_check_table);
	cmd_register(cmd_plugins_table);
	cmd_register(cmd_schemas_table);
	cmd_register(cmd_doctor_table);
	cmd_register(cmd_admin_table);
	cmd_register(cmd_acl_table);
	cmd_register(cmd_users_table);
	cmd_register(cmd_config_table);
}

const struct cmd_entry *const *cmd_all(size_t *n)
{
	*n = cmd_count;
	return cmd_list;
}

/* Splits "noun verb" into its words' lengths; returns the word count (1 or 2). */
static int cmd_words(const char *name, size_t *len0)
{
	const char *sp = strchr(name, ' ');
	*len0 = sp ? (size_t)(sp - name) : strlen(name);
	return sp ? 2 : 1;
}

/* 2: word equals name[0..len); 1: word is a prefix of it; 0: no match */
static int cmd_match_word(const char *word, const char *name, size_t len)
{
	size_t wl = strlen(word);
	if (wl == 0 || wl > len || strncmp(word, name, wl) != 0)
		return 0;
	return wl == len ? 2 : 1;
}

/* How well argv matches e: 0 none; otherwise higher is better (exact words beat prefixes). */
static int cmd_score(const struct cmd_entry *e, int argc, char *const *argv)
{
	size_t len0;
	int words = cmd_words(e->name, &len0);
	if (words == 1) {
		if (e->alias && strcmp(argv[0], e->alias) == 0)
			return 4;
		int m = cmd_match_word(argv[0], e->name, len0);
		if (m == 1 && (e->flags & CMD_EXACT))
			return 0;
		return m == 2 ? 4 : m;
	}
	if (argc < 2)
		return 0;
	int m0 = cmd_match_word(argv[0], e->name, len0);
	if (m0 == 0 && e->alias && strcmp(argv[0], e->alias) == 0)
		return 6; /* an alias names the whole two-word command */
	const char *verb = e->name + len0 + 1;
	int m1 = cmd_match_word(argv[1], verb, strlen(verb));
	if (m0 == 0 || m1 == 0)
		return 0;
	return m0 + m1 + 1; /* 3..5: both words must match; exact beats prefix */
}

/* True when word is exactly the noun of a two-word command, as "topic" in "topic describe". */
static bool cmd_is_noun(const char *word)
{
	for (size_t i = 0; i < cmd_count; i++) {
		size_t len0;
		if (cmd_words(cmd_list[i]->name, &len0) == 2 && cmd_match_word(word, cmd_list[i]->name, len0) == 2)
			return true;
	}
	return false;
}

const struct cmd_entry *cmd_find(int argc, char *const *argv, int *consumed, char **cause)
{
	cmd_init();
	*cause = NULL;
	if (argc < 1) {
		*cause = x_strdup("no command given: try `help`");
		return NULL;
	}
	bool noun = cmd_is_noun(argv[0]);
	int best = 0, nbest = 0;
	const struct cmd_entry *found = NULL;
	for (size_t i = 0; i < cmd_count; i++) {
		int s = cmd_score(cmd_list[i], argc, argv);
		if (noun && s > 0 && s < 3)
			s = 0; /* "topic x" must not run "topics" as a prefix */
		if (s > best) {
			best = s, nbest = 1, found = cmd_list[i];
		} else if (s == best && s > 0) {
			nbest++;
		}
	}
	if (best > 0 && nbest == 1) {
		size_t len0;
		*consumed = cmd_words(found->name, &len0) == 2 && best != 6 ? 2 : 1;
		return found;
	}
	struct sbuf sb = SBUF_INIT;
	if (nbest > 1) {
		sbuf_addf(&sb, "ambiguous command `%s%s%s`: it could be", argv[0], argc > 1 && best >= 3 ? " " : "",
			  argc > 1 && best >= 3 ? argv[1] : "");
		const char *sep = " ";
		for (size_t i = 0; i < cmd_count; i++)
			if (cmd_score(cmd_list[i], argc, argv) == best) {
				sbuf_addf(&sb, "%s%s", sep, cmd_list[i]->name);
				sep = ", ";
			}
		sbuf_add(&sb, ": type more letters");
		*cause = sbuf_release(&sb);
		return NULL;
	}
	/* Is argv[0] a noun whose verb is missing or unknown? List that noun's verbs. */
	const char *sep = "";
	for (size_t i = 0; i < cmd_count; i++) {
		size_t len0;
		if (cmd_words(cmd_list[i]->name, &len0) == 2 && cmd_match_word(argv[0], cmd_list[i]->name, len0) == 2) {
			if (sep[0] == '\0')
				sbuf_addf(&sb, "%s `%.*s`: `%.*s` takes one of ",
					  argc > 1 ? "unknown subcommand" : "missing subcommand after", ERR_QUOTE_MAX,
					  argc > 1 ? argv[1] : argv[0], (int)len0, cmd_list[i]->name);
			sbuf_addf(&sb, "%s%s", sep, cmd_list[i]->name + len0 + 1);
			sep = ", ";
		}
	}
	if (sb.len == 0)
		sbuf_addf(&sb, "unknown command `%.*s`: `help` lists the commands", ERR_QUOTE_MAX, argv[0]);
	*cause = sbuf_release(&sb);
	return NULL;
}

char *cmd_suggest(int argc, char *const *argv)
{
	cmd_init();
	if (argc < 1)
		return NULL;
	const char **cands = x_calloc(2 * cmd_count + 1, sizeof(char *));
	char **words = x_calloc(cmd_count + 1, sizeof(char *));
	size_t n = 0;
	const char *word = argv[0];
	if (cmd_is_noun(argv[0])) { /* a noun's verb mistyped: its verbs */
		if (argc < 2) {
			free(words);
			free(cands);
			return NULL;
		}
		word = argv[1];
		for (size_t i = 0; i < cmd_count; i++) {
			size_t len0;
			if (cmd_words(cmd_list[i]->name, &len0) == 2 &&
			    cmd_match_word(argv[0], cmd_list[i]->name, len0) == 2)
				cands[n++] = cmd_list[i]->name + len0 + 1;
		}
	} else { /* the first words of the commands, and their aliases */
		for (size_t i = 0; i < cmd_count; i++) {
			size_t len0;
			cmd_words(cmd_list[i]->name, &len0);
			words[i] = x_strndup(cmd_list[i]->name, len0);
			cands[n++] = words[i];
			if (cmd_list[i]->alias)
				cands[n++] = cmd_list[i]->alias;
		}
	}
	char *hint = suggest_hint(word, cands, n, "");
	for (size_t i = 0; i < cmd_count; i++)
		free(words[i]);
	free(words);
	free(cands);
	return hint;
}

static const struct cmd_opt *cmd_find_opt(const struct cmd_entry *e, const char *arg, int *index)
{
	if (e->opts == NULL)
		return NULL;
	for (int i = 0; e->opts[i].name; i++) {
		const struct cmd_opt *o = &e->opts[i];
		if ((arg[1] == '-' && strcmp(arg + 2, o->name) == 0) ||
		    (arg[1] != '-' && arg[2] == '\0' && o->short_name && arg[1] == o->short_name)) {
			*index = i;
			return o;
		}
	}
	return NULL;
}

static int cmd_count_opts(const struct cmd_entry *e)
{
	int n = 0;
	while (e->opts && e->opts[n].name)
		n++;
	return n;
}

/* fmt has one %s: the word, cut to ERR_QUOTE_MAX bytes (a hostile one may be a megabyte). */
static int cmd_usage_error(struct cmd_ctx *ctx, const char *fmt, const char *word)
{
	char *usage = cmd_usage(ctx->entry);
	char *hint = x_asprintf("usage: %s (see `help %s`)", usage, ctx->entry->name);
	char *cut = strlen(word) > ERR_QUOTE_MAX ? x_asprintf("%.*s...", ERR_QUOTE_MAX, word) : NULL;
	cmd_fail(ctx, CMD_USAGE, hint, fmt, cut ? cut : word);
	free(cut);
	free(hint);
	free(usage);
	return CMD_USAGE;
}

/* An unknown --option: the nearest of the command's options (and --output, --yes) leads the usage hint. */
static void cmd_suggest_opt(struct cmd_ctx *ctx, const char *name)
{
	const struct cmd_entry *e = ctx->entry;
	if (name[1] != '-') /* a mistyped -x is one letter: nothing to measure */
		return;
	int n = cmd_count_opts(e);
	const char **cands = x_calloc((size_t)n + 3, sizeof(char *));
	for (int i = 0; i < n; i++)
		cands[i] = e->opts[i].name;
	cands[n] = "output";
	cands[n + 1] = "yes";
	char *near = suggest_hint(name + 2, cands, (size_t)n + 2, "--");
	free(cands);
	if (near == NULL)
		return;
	char *hint = ctx->hint ? x_asprintf("%s %s", near, ctx->hint) : near;
	if (hint != near)
		free(near);
	free(ctx->hint);
	ctx->hint = hint;
}

/*
 * A name argument checked by its kind before any exec sees it: a topic, a topic with partitions,
 * a group id or a principal Kafka cannot hold is a usage error. label: "--topic", or NULL for a
 * positional.
 */
static int cmd_check_value(struct cmd_ctx *ctx, enum cmd_arg_kind kind, const char *label, const char *value)
{
	struct err e = { 0 };
	switch (kind) {
	case CMD_ARG_TOPIC:
		names_check_topic(value, &e);
		break;
	case CMD_ARG_TOPIC_PARTS: {
		char *topic = NULL, *cause = NULL;
		int32_t *parts = NULL;
		int n;
		if (lag_parse_topic_spec(value, &topic, &parts, &n, &cause) < 0)
			err_set(&e, CMD_USAGE,
				"write TOPIC, or TOPIC:P,P,... with partition numbers or ranges (orders:0,2-4)", "%s",
				cause);
		free(cause);
		free(topic);
		free(parts);
		break;
	}
	case CMD_ARG_GROUP:
		names_check_group(value, &e);
		break;
	case CMD_ARG_PRINCIPAL:
		names_check_principal(value, &e);
		break;
	default:
		return CMD_OK;
	}
	if (e.status == CMD_OK)
		return CMD_OK;
	cmd_fail(ctx, CMD_USAGE, e.hint, "%s%s%s", label ? label : "", label ? ": " : "", e.cause);
	err_clear(&e);
	return CMD_USAGE;
}

/* Every name argument of a parsed command, checked by its kind. */
static int cmd_check_names(struct cmd_ctx *ctx)
{
	const struct cmd_entry *e = ctx->entry;
	const struct cmd_pos *p = e->args;
	for (int i = 0; p && p->name && i < ctx->args.npos; i++) {
		if (cmd_check_value(ctx, p->kind, NULL, ctx->args.pos[i]) != CMD_OK)
			return CMD_USAGE;
		if (!(p->flags & CMD_POS_REST))
			p++;
	}
	for (int i = 0; e->opts && e->opts[i].name; i++)
		for (int j = 0; j < ctx->args.opt[i].n; j++) {
			char label[64];
			snprintf(label, sizeof(label), "--%s", e->opts[i].name);
			if (cmd_check_value(ctx, e->opts[i].kind, label, ctx->args.opt[i].v[j]) != CMD_OK)
				return CMD_USAGE;
		}
	return CMD_OK;
}

int cmd_prepare(struct cmd_ctx *ctx, struct session *s, int argc, char *const *argv)
{
	int consumed = 0;
	char *cause = NULL;
	memset(ctx, 0, sizeof(*ctx));
	ctx->session = s;
	ctx->entry = cmd_find(argc, argv, &consumed, &cause);
	if (ctx->entry == NULL) {
		ctx->status = CMD_USAGE;
		ctx->error = cause;
		ctx->hint = cmd_suggest(argc, argv);
		return CMD_USAGE;
	}
	const struct cmd_entry *e = ctx->entry;
	struct cmd_args *a = &ctx->args;
	a->opt = x_calloc((size_t)cmd_count_opts(e) + 1, sizeof(*a->opt));
	a->pos = x_calloc((size_t)argc + 1, sizeof(char *));
	bool only_pos = false;
	int line_at = -1; /* the index of a CMD_POS_LINE positional: options end where it starts */
	for (const struct cmd_pos *p = e->args; p && p->name; p++)
		if (p->flags & CMD_POS_LINE)
			line_at = (int)(p - e->args);
	for (int i = consumed; i < argc; i++) {
		const char *w = argv[i];
		if (!only_pos && strcmp(w, "--") == 0) {
			only_pos = true;
			continue;
		}
		if (!only_pos && w[0] == '-' && w[1] != '\0' && !(w[1] >= '0' && w[1] <= '9')) {
			char *name = x_strdup(w), *value = NULL;
			char *eq = w[1] == '-' ? strchr(name, '=') : NULL;
			if (eq)
				*eq = '\0', value = eq + 1;
			int idx;
			const struct cmd_opt *o = cmd_find_opt(e, name, &idx);
			bool is_output = strcmp(name, "-o") == 0 || strcmp(name, "--output") == 0;
			if (o == NULL && (strcmp(name, "--yes") == 0 || strcmp(name, "-y") == 0) && value == NULL) {
				/* every command takes --yes: a script need not know which ones ask */
				a->yes = true;
				free(name);
				continue;
			}
			if (o == NULL && !is_output) {
				cmd_usage_error(ctx, "unknown option `%s`", name);
				cmd_suggest_opt(ctx, name);
				free(name);
				return CMD_USAGE;
			}
			bool takes = is_output || o->kind != CMD_ARG_NONE;
			if (!takes && value) {
				cmd_usage_error(ctx, "option `%s` takes no value", name);
				free(name);
				return CMD_USAGE;
			}
			if (takes && value == NULL) {
				if (i + 1 >= argc) {
					cmd_usage_error(ctx, "option `%s` needs a value", name);
					free(name);
					return CMD_USAGE;
				}
				value = argv[++i];
			}
			if (o && strcmp(o->name, "yes") == 0)
				a->yes = true;
			if (is_output) {
				free(a->output);
				a->output = x_strdup(value);
			} else {
				struct cmd_optval *ov = &a->opt[idx];
				if (ov->n > 0 && !(o->flags & CMD_OPT_REPEAT) && o->kind == CMD_ARG_NONE) {
					free(name);
					continue; /* a repeated flag is harmless */
				}
				ov->v = x_reallocarray(ov->v, (size_t)ov->n + 2, sizeof(char *));
				ov->v[ov->n++] = x_strdup(takes ? value : "");
				ov->v[ov->n] = NULL;
			}
			free(name);
			continue;
		}
		a->pos[a->npos++] = x_strdup(w);
		if (line_at >= 0 && a->npos > line_at)
			only_pos = true;
	}
	/* Check the positional count against the spec. */
	int min = 0, max = 0;
	for (const struct cmd_pos *p = e->args; p && p->name; p++) {
		if (p->flags & CMD_POS_REST)
			max = 1 << 20;
		else
			max++;
		if (!(p->flags & CMD_POS_OPTIONAL))
			min++;
	}
	if (a->npos < min) {
		const struct cmd_pos *p = &e->args[a->npos];
		return cmd_usage_error(ctx, "missing %s", cmd_arg_kind_meta(p->kind));
	}
	if (a->npos > max)
		return cmd_usage_error(ctx, "unexpected argument `%s`", a->pos[max]);
	return cmd_check_names(ctx);
}

bool cmd_writes(const struct cmd_ctx *ctx, const char **opt)
{
	const struct cmd_entry *e = ctx->entry;
	if (opt)
		*opt = NULL;
	if (!(e->flags & CMD_READ_ONLY))
		return true;
	for (int i = 0; e->opts && e->opts[i].name; i++)
		if ((e->opts[i].flags & CMD_OPT_WRITES) && ctx->args.opt[i].n > 0) {
			if (opt)
				*opt = e->opts[i].name;
			return true;
		}
	return false;
}

/* The hint of a command the demo cannot run, when its entry gives none. */
#define CMD_DEMO_HINT "try it on a real cluster (-b HOST:PORT)"

int cmd_check(struct cmd_ctx *ctx)
{
	if (ctx->error)
		return ctx->status;
	const struct cmd_entry *e = ctx->entry;
	const struct session *s = ctx->session;
	const char *opt;
	if (s->read_only && cmd_writes(ctx, &opt)) {
		if (opt == NULL)
			return cmd_fail(ctx, CMD_FAILED, "start kcon without --read-only to change the cluster",
					"`%s` changes the cluster, and this session is read-only", e->name);
		char *hint = x_asprintf("drop --%s, or start kcon without --read-only to change the cluster", opt);
		cmd_fail(ctx, CMD_FAILED, hint, "`%s --%s` changes the cluster, and this session is read-only", e->name,
			 opt);
		free(hint);
		return ctx->status;
	}
	if (!(e->flags & CMD_NEEDS_CLUSTER))
		return e->validate ? e->validate(ctx) : CMD_OK;
	if (s->offline) {
		/* CMD_OFFLINE ones answer from the stored snapshot, which a bootstrap need not name */
		if (e->flags & CMD_OFFLINE)
			return CMD_OK;
		return cmd_fail(ctx, CMD_FAILED,
				"drop --offline to ask the cluster; `history snapshot` shows the last stored state",
				"`%s` needs the cluster, and --offline asks it nothing", e->name);
	}
	char *cause = NULL;
	if (s->demo == NULL && !conf_has_bootstrap(&s->conf, &cause)) {
		cmd_fail(ctx, CMD_USAGE, NULL, "%s", cause);
		free(cause);
		return CMD_USAGE;
	}
	if (e->validate && e->validate(ctx) != CMD_OK)
		return ctx->status;
	if (s->demo && e->demo_missing.api)
		return cmd_fail(ctx, CMD_FAILED, e->demo_missing.hint ? e->demo_missing.hint : CMD_DEMO_HINT,
				"the embedded demo cluster cannot %s (librdkafka's mock cluster has no %s)",
				e->demo_missing.cannot, e->demo_missing.api);
	return CMD_OK;
}

bool cmd_unconfirmed(const struct cmd_ctx *ctx)
{
	return (ctx->entry->flags & CMD_DESTRUCTIVE) && !ctx->confirmed && !cmd_has(ctx, "yes");
}

/* The rule both share; refuse_no: another answer refuses as where nobody can answer (CMD_USAGE). */
static int cmd_ask(struct cmd_ctx *ctx, const char *question, const char *expect, const char *refusal, const char *hint,
		   bool refuse_no)
{
	struct session *s = ctx->session;
	if (ctx->confirmed || cmd_has(ctx, "yes"))
		return CMD_OK;
	if (s->confirm == NULL)
		return cmd_fail(ctx, CMD_USAGE, hint, "%s", refusal);
	if (s->confirm(s->confirm_ud, ctx->plan, question, expect))
		return CMD_OK;
	return refuse_no ? cmd_fail(ctx, CMD_USAGE, hint, "%s", refusal)
			 : cmd_fail(ctx, CMD_FAILED, NULL, "not confirmed: nothing was changed");
}

int cmd_confirm_as(struct cmd_ctx *ctx, const char *question, const char *expect, const char *refusal, const char *hint)
{
	return cmd_ask(ctx, question, expect, refusal, hint, false);
}

int cmd_consent(struct cmd_ctx *ctx, const char *question, const char *expect, const char *refusal, const char *hint)
{
	return cmd_ask(ctx, question, expect, refusal, hint, true);
}

int cmd_confirm(struct cmd_ctx *ctx, const char *target, const char *why, const char *hint)
{
	if (ctx->confirmed || cmd_has(ctx, "yes"))
		return CMD_OK;
	char *question = x_asprintf("`%s %s`: %s. Type `%s` to confirm: ", ctx->entry->name, target, why, target);
	char *refusal = x_asprintf("refusing `%s %s` without confirmation: %s", ctx->entry->name, target, why);
	int rc = cmd_confirm_as(ctx, question, target, refusal, hint);
	free(refusal);
	free(question);
	return rc;
}

/* The command whose exec runs on this thread (cmd_exec()), for waits below it (cmd_interrupted_here()). */
static _Thread_local struct cmd_ctx *cmd_here;

bool cmd_interruptible_here(void)
{
	return cmd_here && (cmd_flags(cmd_here) & CMD_INTERRUPT);
}

bool cmd_interrupted_here(void)
{
	return cmd_interruptible_here() && atomic_load(&cmd_here->interrupt);
}

int cmd_exec(struct cmd_ctx *ctx)
{
	if (cmd_check(ctx) != CMD_OK)
		return ctx->status;
	if (cmd_unconfirmed(ctx) &&
	    cmd_confirm(ctx, ctx->args.npos ? ctx->args.pos[0] : ctx->entry->name, "it cannot be undone",
			"add --yes to run it without a terminal") != CMD_OK)
		return ctx->status;
	struct cmd_ctx *outer = cmd_here;
	cmd_here = ctx;
	ctx->status = ctx->entry->exec(ctx);
	cmd_here = outer;
	if (ctx->status == CMD_OK && ctx->result == NULL)
		ctx->result = json_object();
	return ctx->status;
}

unsigned cmd_flags(const struct cmd_ctx *ctx)
{
	const struct cmd_entry *e = ctx->entry;
	if (e == NULL)
		return 0;
	unsigned flags = e->flags;
	for (int i = 0; e->opts && e->opts[i].name && ctx->args.opt; i++)
		if ((e->opts[i].flags & CMD_OPT_WAITS) && ctx->args.opt[i].n > 0)
			flags |= CMD_OWN_THREAD | CMD_INTERRUPT;
	return flags;
}

bool cmd_nap(struct cmd_ctx *ctx, int64_t ms)
{
	int64_t until = clock_mono_ms() + (ms > 0 ? ms : 0);
	for (;;) {
		if (atomic_load(&ctx->interrupt))
			return false;
		int64_t left = until - clock_mono_ms();
		if (left <= 0)
			return true;
		/* The byte stays in the pipe: once interrupted, every later nap ends at once too. A
		   signal (the command line's SIGINT) ends poll() early with EINTR. */
		struct pollfd p = { .fd = ctx->wake_fd > 0 ? ctx->wake_fd : -1, .events = POLLIN };
		poll(&p, 1, left > INT_MAX ? INT_MAX : (int)left);
	}
}

void cmd_ctx_clear(struct cmd_ctx *ctx)
{
	struct cmd_args *a = &ctx->args;
	for (int i = 0; i < a->npos; i++)
		free(a->pos[i]);
	free(a->pos);
	if (a->opt && ctx->entry) {
		int n = cmd_count_opts(ctx->entry);
		for (int i = 0; i < n; i++) {
			for (int j = 0; j < a->opt[i].n; j++)
				free(a->opt[i].v[j]);
			free(a->opt[i].v);
		}
	}
	free(a->opt);
	free(a->output);
	json_decref(ctx->result);
	free(ctx->error);
	free(ctx->hint);
	free(ctx->plan);
	memset(ctx, 0, sizeof(*ctx));
}

void cmd_plan(struct cmd_ctx *ctx, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *line = x_vasprintf(fmt, ap);
	va_end(ap);
	note_send(&ctx->session->note, "%s", line);
	char *plan = x_asprintf("%s%s\n", ctx->plan ? ctx->plan : "", line);
	free(ctx->plan);
	ctx->plan = plan;
	free(line);
}

int cmd_fail(struct cmd_ctx *ctx, int status, const char *hint, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	free(ctx->error);
	ctx->error = x_vasprintf(fmt, ap);
	va_end(ap);
	free(ctx->hint);
	ctx->hint = x_strdup(hint);
	ctx->status = status;
	return status;
}

int cmd_fail_err(struct cmd_ctx *ctx, struct err *e)
{
	cmd_fail(ctx, e->status, e->hint, "%s", e->cause);
	err_clear(e);
	return ctx->status;
}

void cmd_rows_sort(json_t *rows, int (*cmp)(const void *, const void *))
{
	size_t n = json_array_size(rows);
	json_t **v = x_calloc(n + 1, sizeof(*v));
	for (size_t i = 0; i < n; i++)
		v[i] = json_incref(json_array_get(rows, i));
	qsort(v, n, sizeof(*v), cmp);
	json_array_clear(rows);
	for (size_t i = 0; i < n; i++)
		json_array_append_new(rows, v[i]);
	free(v);
}

struct client *cmd_client(struct cmd_ctx *ctx)
{
	struct client *c;
	struct err e = { 0 };
	if (session_client(ctx->session, &c, &e) != CMD_OK) {
		cmd_fail_err(ctx, &e);
		return NULL;
	}
	return c;
}

int cmd_ok(struct cmd_ctx *ctx, json_t *data)
{
	json_decref(ctx->result);
	ctx->result = NULL;
	if (data == NULL) /* json_pack() and json_string() answer NULL for text that is not UTF-8 */
		return cmd_fail(ctx, CMD_FAILED, "JSON holds only UTF-8 text: check the names and values given",
				"`%s` could not build its result (a name or value that is not valid UTF-8?)",
				ctx->entry ? ctx->entry->name : "?");
	ctx->result = data;
	return CMD_OK;
}

static int cmd_opt_index(const struct cmd_entry *e, const char *name)
{
	for (int i = 0; e->opts && e->opts[i].name; i++)
		if (strcmp(e->opts[i].name, name) == 0)
			return i;
	return -1;
}

const char *cmd_arg(const struct cmd_ctx *ctx, const char *name)
{
	const struct cmd_entry *e = ctx->entry;
	int i = 0;
	for (const struct cmd_pos *p = e->args; p && p->name; p++, i++)
		if (strcmp(p->name, name) == 0)
			return i < ctx->args.npos ? ctx->args.pos[i] : NULL;
	int idx = cmd_opt_index(e, name);
	if (idx < 0 || ctx->args.opt[idx].n == 0)
		return NULL;
	return ctx->args.opt[idx].v[ctx->args.opt[idx].n - 1];
}

int cmd_arg_all(const struct cmd_ctx *ctx, const char *name, char *const **values)
{
	int idx = cmd_opt_index(ctx->entry, name);
	if (idx < 0 || ctx->args.opt[idx].n == 0) {
		*values = NULL;
		return 0;
	}
	*values = ctx->args.opt[idx].v;
	return ctx->args.opt[idx].n;
}

bool cmd_takes(const struct cmd_entry *e, const char *name)
{
	for (const struct cmd_opt *o = e->opts; o && o->name; o++)
		if (strcmp(o->name, name) == 0)
			return true;
	return false;
}

bool cmd_has(const struct cmd_ctx *ctx, const char *name)
{
	if (ctx->args.yes && strcmp(name, "yes") == 0)
		return true;
	return cmd_arg(ctx, name) != NULL;
}

int cmd_arg_int(struct cmd_ctx *ctx, const char *name, long long def, long long min, long long max, long long *out)
{
	const char *v = cmd_arg(ctx, name);
	*out = def;
	if (v == NULL)
		return 0;
	char *end;
	errno = 0;
	long long n = strtoll(v, &end, 10);
	if (errno || end == v || *end != '\0' || n < min || n > max) {
		char *hint = x_asprintf("give a whole number from %lld to %lld", min, max);
		cmd_fail(ctx, CMD_USAGE, hint, "--%s: `%s` is not a valid number", name, v);
		free(hint);
		return CMD_USAGE;
	}
	*out = n;
	return 0;
}

char *cmd_usage(const struct cmd_entry *e)
{
	struct sbuf sb = SBUF_INIT;
	sbuf_add(&sb, e->name);
	for (const struct cmd_pos *p = e->args; p && p->name; p++) {
		const char *meta = cmd_arg_kind_meta(p->kind);
		if (p->flags & CMD_POS_REST)
			sbuf_addf(&sb, " [%s...]", meta);
		else if (p->flags & CMD_POS_OPTIONAL)
			sbuf_addf(&sb, " [%s]", meta);
		else
			sbuf_addf(&sb, " %s", meta);
	}
	for (const struct cmd_opt *o = e->opts; o && o->name; o++) {
		sbuf_addf(&sb, " [--%s", o->name);
		if (o->kind != CMD_ARG_NONE)
			sbuf_addf(&sb, " %s", cmd_arg_kind_meta(o->kind));
		sbuf_add(&sb, o->flags & CMD_OPT_REPEAT ? "]..." : "]");
	}
	return sbuf_release(&sb);
}
