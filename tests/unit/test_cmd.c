/* cmd: lookup by name, alias and unique prefix; argument parsing against the spec. */
#include <setjmp.h>
#include <stdio.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cmd.h"
#include "session.h"

static int exec_echo(struct cmd_ctx *ctx)
{
	json_t *o = json_object();
	const char *v = cmd_arg(ctx, "name");
	json_object_set_new(o, "name", v ? json_string(v) : json_null());
	json_object_set_new(o, "entry", json_string(ctx->entry->name));
	return cmd_ok(ctx, o);
}

/* An ask the data call for: two lines of plan, then the typed name (as topic delete-records). */
static int exec_trim(struct cmd_ctx *ctx)
{
	cmd_plan(ctx, "trim %s:", cmd_arg(ctx, "name"));
	cmd_plan(ctx, "  partition 0: low 0 -> %d", 5);
	if (cmd_confirm(ctx, cmd_arg(ctx, "name"), "this deletes 5 messages", "add --yes") != CMD_OK)
		return ctx->status;
	return exec_echo(ctx);
}

static const struct cmd_pos name_arg[] = { { "name", CMD_ARG_STRING, 0 }, { 0 } };
static const struct cmd_pos opt_arg[] = { { "name", CMD_ARG_STRING, CMD_POS_OPTIONAL }, { 0 } };
static const struct cmd_pos line_args[] = { { "key", CMD_ARG_KEY, 0 },
					    { "command", CMD_ARG_COMMAND, CMD_POS_REST | CMD_POS_LINE },
					    { 0 } };
static const struct cmd_opt zopts[] = {
	{ "count", 'n', CMD_ARG_INT, 0, "a number" },
	{ "tag", 't', CMD_ARG_STRING, CMD_OPT_REPEAT, "tags" },
	{ "force", 'f', CMD_ARG_NONE, 0, "a flag" },
	{ "yes", 'y', CMD_ARG_NONE, 0, "confirm" },
	{ 0 },
};

static const struct cmd_entry ztable[] = {
	{ .name = "zzlist",
	  .alias = "zzl",
	  .group = "test",
	  .args = opt_arg,
	  .opts = zopts,
	  .help = "x",
	  .exec = exec_echo },
	{ .name = "zzthing show", .group = "test", .args = name_arg, .opts = zopts, .help = "x", .exec = exec_echo },
	{ .name = "zzthing shave", .group = "test", .args = name_arg, .help = "x", .exec = exec_echo },
	{ .name = "zzthing drop",
	  .alias = "zzdrop",
	  .group = "test",
	  .args = name_arg,
	  .opts = zopts,
	  .help = "x",
	  .flags = CMD_DESTRUCTIVE,
	  .exec = exec_echo },
	{ .name = "zzthing trim", .group = "test", .args = name_arg, .opts = zopts, .help = "x", .exec = exec_trim },
	{ .name = "zzlisten", .group = "test", .help = "x", .flags = CMD_EXACT, .exec = exec_echo },
	{ .name = "yybind", .group = "test", .args = line_args, .opts = zopts, .help = "x", .exec = exec_echo },
	{ 0 },
};

static int setup(void **state)
{
	(void)state;
	cmd_init();
	static int once;
	if (!once++)
		cmd_register(ztable);
	return 0;
}

/* argv as one string split on spaces; expected entry name (NULL: error containing err) and words used */
static const struct {
	const char *line, *want, *err;
	int consumed;
} lookups[] = {
	{ "zzlist", "zzlist", NULL, 1 },
	{ "zzl", "zzlist", NULL, 1 },  /* alias beats being a prefix */
	{ "zzli", "zzlist", NULL, 1 }, /* unique prefix: zzlisten is found by its whole name only */
	{ "zzlist", "zzlist", NULL, 1 },
	{ "zzlisten", "zzlisten", NULL, 1 },
	{ "zzliste", NULL, "unknown command", 0 },
	{ "zzthing show x", "zzthing show", NULL, 2 },
	{ "zzth sho x", "zzthing show", NULL, 2 },
	{ "zzthing sh x", NULL, "ambiguous", 0 }, /* show or shave */
	{ "zzthing", NULL, "missing subcommand", 0 },
	{ "zzthing frob", NULL, "unknown subcommand `frob`", 0 },
	{ "zzdrop x", "zzthing drop", NULL, 1 },
	{ "zz", "zzlist", NULL, 1 }, /* alone, only one-word commands can match */
	{ "zzthing s", NULL, "ambiguous", 0 },
	{ "nosuchcommand", NULL, "unknown command", 0 },
};

static int split(char *line, char **argv)
{
	int argc = 0;
	for (char *t = strtok(line, " "); t; t = strtok(NULL, " "))
		argv[argc++] = t;
	argv[argc] = NULL;
	return argc;
}

static void test_cmd_find(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(lookups) / sizeof(lookups[0]); i++) {
		char buf[128], *argv[16], *cause = NULL;
		strcpy(buf, lookups[i].line);
		int argc = split(buf, argv), consumed = 0;
		const struct cmd_entry *e = cmd_find(argc, argv, &consumed, &cause);
		if (lookups[i].want) {
			assert_non_null(e);
			assert_string_equal(e->name, lookups[i].want);
			assert_int_equal(consumed, lookups[i].consumed);
		} else {
			assert_null(e);
			if (strstr(cause, lookups[i].err) == NULL)
				fail_msg("%s: got `%s`, want `%s`", lookups[i].line, cause, lookups[i].err);
			free(cause);
		}
	}
}

static const struct {
	const char *line;
	int status;
	const char *err;
} parses[] = {
	{ "zzlist", CMD_OK, NULL },
	{ "zzlist a", CMD_OK, NULL },
	{ "zzlist a b", CMD_USAGE, "unexpected argument `b`" },
	{ "zzthing show", CMD_USAGE, "missing TEXT" },
	{ "zzlist --count", CMD_USAGE, "needs a value" },
	{ "zzlist --force=1", CMD_USAGE, "takes no value" },
	{ "zzlist --bogus", CMD_USAGE, "unknown option `--bogus`" },
	{ "zzlist -x", CMD_USAGE, "unknown option `-x`" },
	{ "zzlist -o json a", CMD_OK, NULL },
	{ "zzlist -- -notanoption", CMD_OK, NULL },
};

/* "Did you mean": a mistyped command, subcommand or option gets the nearest names in its hint. */
static const struct {
	const char *line;
	const char *hint; /* a part of the hint; NULL: no hint */
} suggestions[] = {
	{ "zzlsit", "did you mean `zzlist`" },
	{ "zzlisst", "did you mean `zzlist`" },
	{ "zzthing shwo x", "did you mean `show`?" },
	{ "zzthing dorp x", "did you mean `drop`?" },
	{ "zzlist --conut 3", "did you mean `--count`? usage: zzlist" },
	{ "zzlist --ouptut json", "did you mean `--output`?" },
	{ "zzlist --yse", "did you mean `--yes`?" },
	{ "qqqqqqqqqq", NULL },
	{ "zzthing qqqqqqq x", NULL },
};

static void test_cmd_suggest(void **state)
{
	(void)state;
	struct session s = { 0 };
	for (size_t i = 0; i < sizeof(suggestions) / sizeof(suggestions[0]); i++) {
		char buf[128], *argv[16];
		strcpy(buf, suggestions[i].line);
		int argc = split(buf, argv);
		struct cmd_ctx ctx;
		assert_int_equal(cmd_prepare(&ctx, &s, argc, argv), CMD_USAGE);
		const char *want = suggestions[i].hint;
		bool none = ctx.hint == NULL || strstr(ctx.hint, "did you mean") == NULL;
		if (want ? ctx.hint == NULL || strstr(ctx.hint, want) == NULL : !none)
			fail_msg("%s: hint `%s`, want `%s`", suggestions[i].line, ctx.hint ? ctx.hint : "NULL",
				 want ? want : "none");
		cmd_ctx_clear(&ctx);
	}
}

/* A CMD_POS_LINE positional ends the options: what follows belongs to the bound command line. */
static void test_cmd_line_arg(void **state)
{
	(void)state;
	struct cmd_ctx ctx;
	char *argv[] = { "yybind", "-n", "1", "k", "zzlist", "--count", "3", "--", "x", NULL };
	assert_int_equal(cmd_prepare(&ctx, NULL, 9, argv), CMD_OK);
	assert_string_equal(cmd_arg(&ctx, "count"), "1");
	assert_int_equal(ctx.args.npos, 6);
	assert_string_equal(ctx.args.pos[0], "k");
	assert_string_equal(ctx.args.pos[2], "--count");
	assert_string_equal(ctx.args.pos[4], "--");
	cmd_ctx_clear(&ctx);
	char *missing[] = { "yybind", "k", NULL };
	assert_int_equal(cmd_prepare(&ctx, NULL, 2, missing), CMD_USAGE);
	assert_non_null(strstr(ctx.error, "missing COMMAND"));
	cmd_ctx_clear(&ctx);
}

static void test_cmd_prepare(void **state)
{
	(void)state;
	struct session s = { 0 };
	for (size_t i = 0; i < sizeof(parses) / sizeof(parses[0]); i++) {
		char buf[128], *argv[16];
		strcpy(buf, parses[i].line);
		int argc = split(buf, argv);
		struct cmd_ctx ctx;
		int rc = cmd_prepare(&ctx, &s, argc, argv);
		if (rc != parses[i].status)
			fail_msg("%s: status %d, want %d (%s)", parses[i].line, rc, parses[i].status, ctx.error);
		if (parses[i].err) {
			assert_non_null(strstr(ctx.error, parses[i].err));
			if (ctx.entry) /* usage errors on a known command carry its usage as the hint */
				assert_non_null(strstr(ctx.hint, "usage: "));
		}
		cmd_ctx_clear(&ctx);
	}
}

static void test_cmd_args(void **state)
{
	(void)state;
	struct session s = { 0 };
	char buf[] = "zzthing show NAME -n 42 --tag=a -t b --force --count=7 -o csv";
	char *argv[20];
	int argc = split(buf, argv);
	struct cmd_ctx ctx;
	assert_int_equal(cmd_prepare(&ctx, &s, argc, argv), CMD_OK);
	assert_string_equal(cmd_arg(&ctx, "name"), "NAME");
	assert_string_equal(cmd_arg(&ctx, "count"), "7"); /* the last value wins */
	char *const *tags;
	assert_int_equal(cmd_arg_all(&ctx, "tag", &tags), 2);
	assert_string_equal(tags[0], "a");
	assert_string_equal(tags[1], "b");
	assert_true(cmd_has(&ctx, "force"));
	assert_false(cmd_has(&ctx, "yes"));
	assert_true(cmd_takes(ctx.entry, "yes"));
	assert_false(cmd_takes(ctx.entry, "execute"));
	assert_string_equal(ctx.args.output, "csv");
	long long n;
	assert_int_equal(cmd_arg_int(&ctx, "count", 0, 0, 100, &n), 0);
	assert_int_equal(n, 7);
	assert_int_equal(cmd_arg_int(&ctx, "count", 0, 10, 100, &n), CMD_USAGE); /* out of range */
	assert_non_null(strstr(ctx.hint, "from 10 to 100"));
	assert_int_equal(cmd_exec(&ctx), CMD_USAGE); /* a recorded error is not run over */
	cmd_ctx_clear(&ctx);
}

static bool confirm_answer;
static char confirm_expect[64], confirm_plan[256];
static bool fake_confirm(void *ud, const char *plan, const char *question, const char *expect)
{
	(void)ud;
	assert_non_null(strstr(question, expect));
	strcpy(confirm_expect, expect);
	snprintf(confirm_plan, sizeof(confirm_plan), "%s", plan ? plan : "(none)");
	return confirm_answer;
}

static char notes[256];
static void note_keep(void *ud, const char *text)
{
	(void)ud;
	size_t n = strlen(notes);
	snprintf(notes + n, sizeof(notes) - n, "%s|", text);
}

/* cmd_plan(): each line a note at once, and the whole plan handed to the face with the question. */
static void test_cmd_plan(void **state)
{
	(void)state;
	struct session s = { .confirm = fake_confirm };
	note_set(&s.note, note_keep, NULL);
	char *argv[] = { "zzthing", "trim", "t1", NULL, NULL };
	struct cmd_ctx ctx;
	notes[0] = '\0';
	confirm_answer = false;
	cmd_prepare(&ctx, &s, 3, argv);
	assert_int_equal(cmd_exec(&ctx), CMD_FAILED);
	assert_string_equal(ctx.error, "not confirmed: nothing was changed");
	assert_string_equal(confirm_plan, "trim t1:\n  partition 0: low 0 -> 5\n");
	assert_string_equal(notes, "trim t1:|  partition 0: low 0 -> 5|");
	assert_string_equal(confirm_expect, "t1");
	cmd_ctx_clear(&ctx);

	confirm_answer = true;
	cmd_prepare(&ctx, &s, 3, argv);
	assert_int_equal(cmd_exec(&ctx), CMD_OK);
	assert_null(ctx.error);
	cmd_ctx_clear(&ctx);
	assert_null(ctx.plan);

	/* --yes: the plan is still told (notes), nobody is asked */
	strcpy(confirm_plan, "untouched");
	argv[3] = "--yes";
	cmd_prepare(&ctx, &s, 4, argv);
	assert_int_equal(cmd_exec(&ctx), CMD_OK);
	assert_string_equal(confirm_plan, "untouched");
	cmd_ctx_clear(&ctx);
}

static void test_cmd_destructive(void **state)
{
	(void)state;
	struct session s = { 0 };
	char *argv[] = { "zzthing", "drop", "victim", NULL, NULL };
	struct cmd_ctx ctx;

	/* no terminal: refused with a usage status and a hint to add --yes */
	cmd_prepare(&ctx, &s, 3, argv);
	assert_int_equal(cmd_exec(&ctx), CMD_USAGE);
	assert_non_null(strstr(ctx.hint, "--yes"));
	cmd_ctx_clear(&ctx);

	/* a person who types something else: nothing done */
	s.confirm = fake_confirm;
	confirm_answer = false;
	cmd_prepare(&ctx, &s, 3, argv);
	assert_int_equal(cmd_exec(&ctx), CMD_FAILED);
	assert_string_equal(confirm_expect, "victim");
	assert_null(ctx.result);
	cmd_ctx_clear(&ctx);

	confirm_answer = true;
	cmd_prepare(&ctx, &s, 3, argv);
	assert_int_equal(cmd_exec(&ctx), CMD_OK);
	cmd_ctx_clear(&ctx);

	/* --yes needs nobody */
	s.confirm = NULL;
	argv[3] = "--yes";
	cmd_prepare(&ctx, &s, 4, argv);
	assert_int_equal(cmd_exec(&ctx), CMD_OK);
	cmd_ctx_clear(&ctx);

	/* read-only sessions refuse anything that is not READ_ONLY */
	s.read_only = true;
	cmd_prepare(&ctx, &s, 4, argv);
	assert_int_equal(cmd_exec(&ctx), CMD_FAILED);
	assert_non_null(strstr(ctx.error, "read-only"));
	cmd_ctx_clear(&ctx);
}

static void assert_refused(const struct cmd_ctx *ctx, int status, int got, const char *cause, const char *hint);

/* A validate hook: --force is needed. */
static int validate_force(struct cmd_ctx *ctx)
{
	return cmd_has(ctx, "force") ? CMD_OK : cmd_fail(ctx, CMD_USAGE, "add --force", "--force is needed");
}

/*
 * An entry's validate runs in cmd_check() after the session's refusals (read-only, --offline, no
 * bootstrap) and before the demo's, so a malformed line is a usage error on the demo too.
 */
static void test_cmd_validate(void **state)
{
	(void)state;
	int demo_dummy;
	struct session demo = { .demo = (struct demo *)&demo_dummy }, offline = { .offline = true };
	char *argv[] = { "zzthing", "show", "x", NULL, NULL };
	struct cmd_ctx ctx;
	struct cmd_entry e;
	for (int round = 0; round < 3; round++) {
		int argc = round == 1 ? 4 : 3;
		argv[3] = round == 1 ? "--force" : NULL;
		assert_int_equal(cmd_prepare(&ctx, round == 2 ? &offline : &demo, argc, argv), CMD_OK);
		e = *ctx.entry;
		e.flags |= CMD_NEEDS_CLUSTER;
		e.demo_missing = (struct cmd_demo_gap){ "show things", "ShowThings", NULL };
		e.validate = validate_force;
		ctx.entry = &e;
		int rc = cmd_exec(&ctx);
		if (round == 0) /* the usage error first */
			assert_refused(&ctx, CMD_USAGE, rc, "--force is needed", "add --force");
		else if (round == 1) /* a good line: the demo's refusal */
			assert_non_null(strstr(ctx.error, "mock cluster has no ShowThings"));
		else /* --offline is refused before the arguments are looked at */
			assert_non_null(strstr(ctx.error, "--offline asks it nothing"));
		cmd_ctx_clear(&ctx);
	}
}

/* cmd_confirm_as(): cmd_confirm()'s rule in the command's own words. */
/* A result json_pack() could not build (text not UTF-8) fails the command: never nothing and 0. */
static void test_cmd_ok_null(void **state)
{
	(void)state;
	struct session s = { 0 };
	char *argv[] = { "zzthing", "show", "x", NULL, NULL };
	struct cmd_ctx ctx;
	cmd_prepare(&ctx, &s, 3, argv);
	assert_int_equal(cmd_ok(&ctx, json_pack("{s:s}", "name", "\xff")), CMD_FAILED);
	assert_int_equal(ctx.status, CMD_FAILED);
	assert_null(ctx.result);
	assert_non_null(strstr(ctx.error, "not valid UTF-8"));
	cmd_ctx_clear(&ctx);
	cmd_prepare(&ctx, &s, 3, argv);
	assert_int_equal(cmd_ok(&ctx, json_pack("{s:s}", "name", "x")), CMD_OK);
	assert_non_null(ctx.result);
	cmd_ctx_clear(&ctx);
}

static void test_cmd_confirm_as(void **state)
{
	(void)state;
	struct session s = { 0 };
	char *argv[] = { "zzthing", "show", "x", NULL, NULL };
	struct cmd_ctx ctx;
	cmd_prepare(&ctx, &s, 3, argv);
	assert_int_equal(cmd_confirm_as(&ctx, "Type 2: ", "2", "refusing two", "add --yes"), CMD_USAGE);
	assert_string_equal(ctx.error, "refusing two");
	assert_string_equal(ctx.hint, "add --yes");
	cmd_ctx_clear(&ctx);
	s.confirm = fake_confirm;
	for (int yes = 0; yes < 2; yes++) {
		confirm_answer = yes;
		cmd_prepare(&ctx, &s, 3, argv);
		assert_int_equal(cmd_confirm_as(&ctx, "Type 2: ", "2", "refusing two", "add --yes"),
				 yes ? CMD_OK : CMD_FAILED);
		assert_string_equal(confirm_expect, "2");
		cmd_ctx_clear(&ctx);
	}
	s.confirm = NULL; /* --yes asks nobody */
	argv[3] = "--yes";
	cmd_prepare(&ctx, &s, 4, argv);
	assert_int_equal(cmd_confirm_as(&ctx, "Type 2: ", "2", "refusing two", "add --yes"), CMD_OK);
	cmd_ctx_clear(&ctx);
}

static int rows_by_n(const void *a, const void *b)
{
	json_int_t x = json_integer_value(*(json_t *const *)a), y = json_integer_value(*(json_t *const *)b);
	return (x > y) - (x < y);
}

/* cmd_rows_sort(): in place, the rows kept (their references too); empty arrays are fine. */
static void test_cmd_rows_sort(void **state)
{
	(void)state;
	json_t *rows = json_pack("[iii]", 3, 1, 2), *empty = json_array();
	json_t *first = json_array_get(rows, 0);
	cmd_rows_sort(rows, rows_by_n);
	cmd_rows_sort(empty, rows_by_n);
	assert_int_equal(json_array_size(rows), 3);
	for (size_t i = 0; i < 3; i++)
		assert_int_equal(json_integer_value(json_array_get(rows, i)), (json_int_t)i + 1);
	assert_ptr_equal(json_array_get(rows, 2), first);
	assert_int_equal(json_array_size(empty), 0);
	json_decref(rows);
	json_decref(empty);
}

/* cmd_consent(): as cmd_confirm_as(), but another answer refuses as where nobody can answer. */
static void test_cmd_consent(void **state)
{
	(void)state;
	struct session s = { 0 };
	char *argv[] = { "zzthing", "show", "x", NULL, NULL };
	struct cmd_ctx ctx;
	for (int asked = 0; asked < 2; asked++) {
		s.confirm = asked ? fake_confirm : NULL;
		confirm_answer = 0;
		cmd_prepare(&ctx, &s, 3, argv);
		assert_int_equal(cmd_consent(&ctx, "Type raw: ", "raw", "refusing raw", "add --yes"), CMD_USAGE);
		assert_int_equal(ctx.status, CMD_USAGE);
		assert_string_equal(ctx.error, "refusing raw");
		assert_string_equal(ctx.hint, "add --yes");
		cmd_ctx_clear(&ctx);
	}
	confirm_answer = 1;
	cmd_prepare(&ctx, &s, 3, argv);
	assert_int_equal(cmd_consent(&ctx, "Type raw: ", "raw", "refusing raw", "add --yes"), CMD_OK);
	assert_string_equal(confirm_expect, "raw");
	cmd_ctx_clear(&ctx);
	s.confirm = NULL; /* --yes asks nobody */
	argv[3] = "--yes";
	cmd_prepare(&ctx, &s, 4, argv);
	assert_int_equal(cmd_consent(&ctx, "Type raw: ", "raw", "refusing raw", "add --yes"), CMD_OK);
	cmd_ctx_clear(&ctx);
}

/* Builds argv: the command's words, a value for each required positional, then extra (NULL: none). */
static int read_only_argv(const struct cmd_entry *e, char *words, char **argv, const struct cmd_opt *extra)
{
	strcpy(words, e->name);
	int argc = split(words, argv);
	for (const struct cmd_pos *p = e->args; p && p->name; p++)
		if (!(p->flags & CMD_POS_OPTIONAL))
			argv[argc++] = "x";
	/* the options a command's validate wants among themselves */
	static char *const acl_create[] = { "--principal", "User:a", "--operation", "Read", "--topic", "t", NULL };
	static char *const acl_delete[] = { "--principal", "User:a", NULL };
	char *const *more = strcmp(e->name, "acl create") == 0   ? acl_create
			    : strcmp(e->name, "acl delete") == 0 ? acl_delete
								 : NULL;
	for (int i = 0; more && more[i]; i++)
		argv[argc++] = more[i];
	if (extra) {
		static char flag[64];
		snprintf(flag, sizeof(flag), "--%s", extra->name);
		argv[argc++] = flag;
		if (extra->kind != CMD_ARG_NONE)
			argv[argc++] = "1";
	}
	argv[argc] = NULL;
	return argc;
}

/*
 * Every command of the table takes --yes (and -y): "no questions", so a script need not know which
 * commands ask. Given or not, the command parses as before; cmd_has(ctx, "yes") tells.
 */
static void test_cmd_yes_everywhere(void **state)
{
	(void)state;
	size_t n;
	const struct cmd_entry *const *all = cmd_all(&n);
	struct session s = { 0 };
	for (size_t i = 0; i < n; i++) {
		const struct cmd_entry *e = all[i];
		for (int form = 0; form < 2; form++) {
			char words[128], *argv[16];
			strcpy(words, e->name);
			int argc = split(words, argv);
			argv[argc++] = form ? "-y" : "--yes";
			for (const struct cmd_pos *p = e->args; p && p->name; p++)
				if (!(p->flags & CMD_POS_OPTIONAL))
					argv[argc++] = "x";
			argv[argc] = NULL;
			struct cmd_ctx ctx;
			if (cmd_prepare(&ctx, &s, argc, argv) != CMD_OK)
				fail_msg("`%s %s`: %s", e->name, argv[argc - 1], ctx.error);
			assert_true(cmd_has(&ctx, "yes"));
			cmd_ctx_clear(&ctx);
		}
	}
	/* without it, no command has it; with a value it is a usage error */
	char buf[] = "zzlist --yes=1";
	char *argv[4];
	int argc = split(buf, argv);
	struct cmd_ctx ctx;
	assert_int_equal(cmd_prepare(&ctx, &s, argc, argv), CMD_USAGE);
	cmd_ctx_clear(&ctx);
	argv[1] = NULL;
	assert_int_equal(cmd_prepare(&ctx, &s, 1, argv), CMD_OK);
	assert_false(cmd_has(&ctx, "yes"));
	cmd_ctx_clear(&ctx);
}

/*
 * A read-only session refuses, before exec runs, every command that is not READ_ONLY and every
 * READ_ONLY command given an option that writes (CMD_OPT_WRITES). The walk is over the table, so a
 * new writing command or option is covered without a new test.
 */
static void test_cmd_read_only_table(void **state)
{
	(void)state;
	size_t n;
	const struct cmd_entry *const *all = cmd_all(&n);
	struct session s = { .read_only = true };
	bool tail_group = false, reset_execute = false;
	/* The admin commands write: a dropped flag would let them through a read-only session. */
	static const char *const admin[] = { "topic alter", "topic partitions", "topic delete-records", "broker alter",
					     "leaders elect" };
	size_t admin_refused = 0;
	int refused = 0, security = 0;
	for (size_t i = 0; i < n; i++) {
		const struct cmd_entry *e = all[i];
		char words[128], *argv[16];
		struct cmd_ctx ctx;
		const char *opt = "?";
		int argc = read_only_argv(e, words, argv, NULL);
		assert_int_equal(cmd_prepare(&ctx, &s, argc, argv), CMD_OK);
		if (!(e->flags & CMD_READ_ONLY)) {
			assert_true(cmd_writes(&ctx, &opt));
			assert_null(opt);
			assert_int_equal(cmd_exec(&ctx), CMD_FAILED);
			assert_non_null(strstr(ctx.error, "read-only"));
			assert_null(ctx.result);
			refused++;
			for (size_t k = 0; k < sizeof(admin) / sizeof(admin[0]); k++)
				admin_refused += strcmp(e->name, admin[k]) == 0;
			security += strcmp(e->group, "security") == 0;
		} else {
			assert_false(cmd_writes(&ctx, &opt));
		}
		cmd_ctx_clear(&ctx);
		for (const struct cmd_opt *o = e->opts; o && o->name; o++) {
			if (!(o->flags & CMD_OPT_WRITES))
				continue;
			tail_group |= strcmp(e->name, "tail") == 0 && strcmp(o->name, "group") == 0;
			reset_execute |= strcmp(e->name, "group reset") == 0 && strcmp(o->name, "execute") == 0;
			argc = read_only_argv(e, words, argv, o);
			assert_int_equal(cmd_prepare(&ctx, &s, argc, argv), CMD_OK);
			assert_true(cmd_writes(&ctx, &opt));
			if (e->flags & CMD_READ_ONLY)
				assert_string_equal(opt, o->name);
			assert_int_equal(cmd_exec(&ctx), CMD_FAILED);
			assert_non_null(strstr(ctx.error, "read-only"));
			assert_null(ctx.result);
			if (e->flags & CMD_READ_ONLY) { /* the cause and the hint name the option */
				assert_non_null(strstr(ctx.error, argv[argc - (o->kind != CMD_ARG_NONE) - 1]));
				assert_non_null(strstr(ctx.hint, argv[argc - (o->kind != CMD_ARG_NONE) - 1]));
			}
			cmd_ctx_clear(&ctx);
			refused++;
		}
	}
	/* The options known to write carry the flag (a dropped flag must not pass unnoticed). */
	assert_true(tail_group);
	assert_true(reset_execute);
	assert_int_equal(admin_refused, sizeof(admin) / sizeof(admin[0]));
	assert_true(refused >= 5);     /* topic create, topic delete, produce, group delete, ... */
	assert_int_equal(security, 4); /* acl create, acl delete, user set, user delete */
}

/* A confirmation that must never be asked: the command is refused before it. */
static bool confirm_never(void *ud, const char *plan, const char *question, const char *expect)
{
	(void)ud, (void)expect, (void)plan;
	fail_msg("asked to confirm a refused command: %s", question);
	return false;
}

/* Prepares e with a value for each required positional and runs cmd_exec(); ctx is left to check. */
static int precondition_exec(const struct cmd_entry *e, struct session *s, struct cmd_ctx *ctx)
{
	char words[128], *argv[16];
	int argc = read_only_argv(e, words, argv, NULL);
	assert_int_equal(cmd_prepare(ctx, s, argc, argv), CMD_OK);
	return cmd_exec(ctx);
}

/* Asserts the command was refused before exec: status, the exact cause and hint, no result. */
static void assert_refused(const struct cmd_ctx *ctx, int status, int got, const char *cause, const char *hint)
{
	if (got != status || ctx->error == NULL || strcmp(ctx->error, cause) != 0)
		fail_msg("%s: want %d `%s`, got %d `%s`", ctx->entry->name, status, cause, got,
			 ctx->error ? ctx->error : "(none)");
	if (hint)
		assert_string_equal(ctx->hint, hint);
	else
		assert_null(ctx->hint);
	assert_null(ctx->result);
}

/*
 * Each declared precondition refuses, before exec runs, with its cause and hint: needs a cluster
 * (no bootstrap), works offline (--offline), not on the demo (demo_missing), destructive (no
 * confirmation). A command that declares none passes cmd_check() with no cluster at all. The
 * walk is over the table, so a new command is covered without a new test.
 */
static void test_cmd_preconditions_table(void **state)
{
	(void)state;
	size_t n;
	const struct cmd_entry *const *all = cmd_all(&n);
	char *no_bootstrap = NULL;
	struct session bare = { 0 };
	assert_false(conf_has_bootstrap(&bare.conf, &no_bootstrap));
	int demo_dummy;
	struct session none = { 0 }, offline = { .offline = true }, demo = { .demo = (struct demo *)&demo_dummy },
		       boot = { .conf.bootstrap = "127.0.0.1:9" };
	demo.confirm = confirm_never;
	int needs = 0, on_demo = 0, destructive = 0, offline_ok = 0;
	for (size_t i = 0; i < n; i++) {
		const struct cmd_entry *e = all[i];
		struct cmd_ctx ctx;
		int rc;
		bool cluster = e->flags & CMD_NEEDS_CLUSTER;
		assert_false((e->flags & CMD_OFFLINE) && !cluster); /* OFFLINE says how a NEEDS_CLUSTER one answers */
		assert_false(e->demo_missing.api && !cluster);
		assert_true((e->demo_missing.api == NULL) == (e->demo_missing.cannot == NULL));

		/* needs a cluster: no bootstrap and no demo */
		if (cluster) {
			rc = precondition_exec(e, &none, &ctx);
			assert_refused(&ctx, CMD_USAGE, rc, no_bootstrap, NULL);
			cmd_ctx_clear(&ctx);
			needs++;
		} else { /* works with no cluster at all: nothing stops it before exec */
			char words[128], *argv[16];
			assert_int_equal(cmd_prepare(&ctx, &none, read_only_argv(e, words, argv, NULL), argv), CMD_OK);
			assert_int_equal(cmd_check(&ctx), CMD_OK);
			cmd_ctx_clear(&ctx);
		}

		/* works offline: with --offline only CMD_OFFLINE ones (and those that need no cluster) run */
		if (cluster && !(e->flags & CMD_OFFLINE)) {
			char *cause = NULL;
			assert_true(asprintf(&cause, "`%s` needs the cluster, and --offline asks it nothing", e->name) >
				    0);
			rc = precondition_exec(e, &offline, &ctx);
			assert_refused(
				&ctx, CMD_FAILED, rc, cause,
				"drop --offline to ask the cluster; `history snapshot` shows the last stored state");
			free(cause);
		} else {
			char words[128], *argv[16];
			assert_int_equal(cmd_prepare(&ctx, &offline, read_only_argv(e, words, argv, NULL), argv),
					 CMD_OK);
			assert_int_equal(cmd_check(&ctx), CMD_OK);
			offline_ok += cluster;
		}
		cmd_ctx_clear(&ctx);

		/* not on the demo: named by the request the mock lacks; refused before any confirmation */
		if (e->demo_missing.api) {
			char *cause = NULL;
			assert_true(
				asprintf(&cause,
					 "the embedded demo cluster cannot %s (librdkafka's mock cluster has no %s)",
					 e->demo_missing.cannot, e->demo_missing.api) > 0);
			rc = precondition_exec(e, &demo, &ctx);
			assert_refused(&ctx, CMD_FAILED, rc, cause,
				       e->demo_missing.hint ? e->demo_missing.hint
							    : "try it on a real cluster (-b HOST:PORT)");
			free(cause);
			cmd_ctx_clear(&ctx);
			on_demo++;
		}

		/* destructive: refused without --yes where nobody can confirm; --yes and a face's word pass */
		char words[128], *argv[16];
		int argc = read_only_argv(e, words, argv, NULL);
		assert_int_equal(cmd_prepare(&ctx, &boot, argc, argv), CMD_OK);
		assert_int_equal(cmd_check(&ctx), CMD_OK);
		assert_int_equal(cmd_unconfirmed(&ctx), (e->flags & CMD_DESTRUCTIVE) != 0);
		ctx.confirmed = true;
		assert_false(cmd_unconfirmed(&ctx));
		cmd_ctx_clear(&ctx);
		if (e->flags & CMD_DESTRUCTIVE) {
			char *cause = NULL;
			assert_true(cmd_takes(e, "yes"));
			assert_true(asprintf(&cause, "refusing `%s x` without confirmation: it cannot be undone",
					     e->name) > 0);
			rc = precondition_exec(e, &boot, &ctx);
			assert_refused(&ctx, CMD_USAGE, rc, cause, "add --yes to run it without a terminal");
			free(cause);
			cmd_ctx_clear(&ctx);
			argv[argc++] = "--yes";
			argv[argc] = NULL;
			assert_int_equal(cmd_prepare(&ctx, &boot, argc, argv), CMD_OK);
			assert_false(cmd_unconfirmed(&ctx));
			cmd_ctx_clear(&ctx);
			destructive++;
		}
	}
	free(no_bootstrap);
	/* The declarations known today are there (a dropped one must not pass unnoticed). */
	const struct {
		const char *name;
		unsigned flags;
		const char *api;
	} known[] = {
		{ "cluster", CMD_NEEDS_CLUSTER | CMD_OFFLINE, NULL },
		{ "topics", CMD_NEEDS_CLUSTER | CMD_OFFLINE, NULL },
		{ "topic describe", CMD_NEEDS_CLUSTER | CMD_OFFLINE, NULL },
		{ "topic config", CMD_NEEDS_CLUSTER, "DescribeConfigs" },
		{ "topic delete", CMD_NEEDS_CLUSTER | CMD_DESTRUCTIVE, "DeleteTopics" },
		{ "group describe", CMD_NEEDS_CLUSTER, "DescribeGroups" },
		{ "group delete", CMD_NEEDS_CLUSTER | CMD_DESTRUCTIVE, "DeleteGroups or OffsetDelete" },
		{ "group delete-offsets", CMD_NEEDS_CLUSTER | CMD_DESTRUCTIVE, "DeleteGroups or OffsetDelete" },
		{ "group lag", CMD_NEEDS_CLUSTER, NULL },
		{ "doctor", CMD_NEEDS_CLUSTER, NULL },
		{ "history snapshot", 0, NULL },
		{ "topic alter", CMD_NEEDS_CLUSTER, "DescribeConfigs or IncrementalAlterConfigs" },
		{ "topic partitions", CMD_NEEDS_CLUSTER, "CreatePartitions" },
		{ "topic delete-records", CMD_NEEDS_CLUSTER, "DeleteRecords" },
		{ "broker config", CMD_NEEDS_CLUSTER, "DescribeConfigs" },
		{ "broker alter", CMD_NEEDS_CLUSTER, "DescribeConfigs or IncrementalAlterConfigs" },
		{ "leaders elect", CMD_NEEDS_CLUSTER, "ElectLeaders" },
		{ "howto", 0, NULL },
		{ "acls", CMD_NEEDS_CLUSTER, "DescribeAcls" },
		{ "acl create", CMD_NEEDS_CLUSTER, "CreateAcls" },
		{ "acl delete", CMD_NEEDS_CLUSTER, "DeleteAcls" },
		{ "users", CMD_NEEDS_CLUSTER, "DescribeUserScramCredentials" },
		{ "user set", CMD_NEEDS_CLUSTER, "AlterUserScramCredentials" },
		{ "user delete", CMD_NEEDS_CLUSTER | CMD_DESTRUCTIVE, "AlterUserScramCredentials" },
	};
	for (size_t k = 0; k < sizeof(known) / sizeof(known[0]); k++) {
		int consumed;
		char *cause = NULL, words[64], *argv[4];
		strcpy(words, known[k].name);
		const struct cmd_entry *e = cmd_find(split(words, argv), argv, &consumed, &cause);
		assert_non_null(e);
		if ((e->flags & (CMD_NEEDS_CLUSTER | CMD_OFFLINE | CMD_DESTRUCTIVE)) != known[k].flags)
			fail_msg("%s: flags %#x", known[k].name, e->flags);
		if (known[k].api)
			assert_string_equal(e->demo_missing.api, known[k].api);
		else
			assert_null(e->demo_missing.api);
	}
	assert_true(needs >= 21 && offline_ok >= 4 && on_demo == 17 && destructive >= 3);
}

static void test_cmd_usage(void **state)
{
	(void)state;
	char *u = cmd_usage(&ztable[1]);
	assert_string_equal(u, "zzthing show TEXT [--count N] [--tag TEXT]... [--force] [--yes]");
	free(u);
}

/* A name of kind k that Kafka can hold, for the arguments a test does not aim at. */
static const char *good_value(enum cmd_arg_kind k)
{
	switch (k) {
	case CMD_ARG_TOPIC:
		return "orders";
	case CMD_ARG_TOPIC_PARTS:
		return "orders:0,2-3";
	case CMD_ARG_GROUP:
		return "g";
	case CMD_ARG_PRINCIPAL:
		return "User:alice";
	case CMD_ARG_INT:
		return "1";
	default:
		return "x";
	}
}

static bool is_name_kind(enum cmd_arg_kind k)
{
	return k == CMD_ARG_TOPIC || k == CMD_ARG_TOPIC_PARTS || k == CMD_ARG_GROUP || k == CMD_ARG_PRINCIPAL;
}

/*
 * The command line of e with every required positional filled in, position `bad_pos` (or the
 * option `bad_opt`) given `bad`; returns argc.
 */
static int name_line(const struct cmd_entry *e, int bad_pos, const struct cmd_opt *bad_opt, const char *bad,
		     char **argv, char *words)
{
	int argc = 0;
	strcpy(words, e->name);
	argv[argc++] = words;
	char *sp = strchr(words, ' ');
	if (sp) {
		*sp = '\0';
		argv[argc++] = sp + 1;
	}
	int i = 0;
	for (const struct cmd_pos *p = e->args; p && p->name; p++, i++) {
		if ((p->flags & CMD_POS_OPTIONAL) && i != bad_pos)
			continue;
		argv[argc++] = (char *)(i == bad_pos ? bad : good_value(p->kind));
	}
	if (bad_opt) {
		static char opt[64];
		snprintf(opt, sizeof(opt), "--%s", bad_opt->name);
		argv[argc++] = opt;
		argv[argc++] = (char *)bad;
	}
	argv[argc] = NULL;
	return argc;
}

/*
 * Every topic, group or principal any command takes, positional or option, is checked by its kind
 * before exec: a name Kafka cannot hold (not UTF-8, empty, illegal characters) never reaches it.
 */
static void test_cmd_names_checked_everywhere(void **state)
{
	(void)state;
	static const char *const bad[] = { "\xff", "", "\xe9t\xe9" /* Latin-1 */ };
	static char covered[4096];
	size_t n;
	const struct cmd_entry *const *all = cmd_all(&n);
	for (size_t c = 0; c < n; c++) {
		const struct cmd_entry *e = all[c];
		if (e->group && strcmp(e->group, "test") == 0)
			continue;
		char words[128], *argv[32];
		struct cmd_ctx ctx;
		/* the line with only good names is taken */
		int argc = name_line(e, -1, NULL, NULL, argv, words);
		if (cmd_prepare(&ctx, NULL, argc, argv) != CMD_OK)
			fail_msg("`%s` with good names: %s", e->name, ctx.error);
		cmd_ctx_clear(&ctx);
		int i = 0;
		for (const struct cmd_pos *p = e->args; p && p->name; p++, i++) {
			if (!is_name_kind(p->kind))
				continue;
			for (size_t b = 0; b < sizeof(bad) / sizeof(bad[0]); b++) {
				argc = name_line(e, i, NULL, bad[b], argv, words);
				if (cmd_prepare(&ctx, NULL, argc, argv) != CMD_USAGE)
					fail_msg("`%s` took %s `%s`", e->name, p->name, bad[b]);
				assert_non_null(ctx.hint);
				cmd_ctx_clear(&ctx);
			}
			snprintf(covered + strlen(covered), sizeof(covered) - strlen(covered), "%s %s|", e->name,
				 p->name);
		}
		for (const struct cmd_opt *o = e->opts; o && o->name; o++) {
			if (!is_name_kind(o->kind))
				continue;
			for (size_t b = 0; b < sizeof(bad) / sizeof(bad[0]); b++) {
				argc = name_line(e, -1, o, bad[b], argv, words);
				if (cmd_prepare(&ctx, NULL, argc, argv) != CMD_USAGE)
					fail_msg("`%s` took --%s `%s`", e->name, o->name, bad[b]);
				assert_non_null(strstr(ctx.error, o->name));
				cmd_ctx_clear(&ctx);
			}
			snprintf(covered + strlen(covered), sizeof(covered) - strlen(covered), "%s --%s|", e->name,
				 o->name);
		}
	}
	/* the places the issue names are among them */
	static const char *const must[] = {
		"group lag group|",
		"group lag --topic|",
		"group describe group|",
		"group delete group|",
		"group reset group|",
		"group reset --topic|",
		"group delete-offsets group|",
		"group delete-offsets --topic|",
		"tail topic|",
		"tail --group|",
		"produce topic|",
		"topic describe topic|",
		"topic create topic|",
		"topic delete topic|",
		"topic config topic|",
	};
	for (size_t i = 0; i < sizeof(must) / sizeof(must[0]); i++)
		if (strstr(covered, must[i]) == NULL)
			fail_msg("`%s` is not checked (checked: %s)", must[i], covered);
}

static void test_cmd_topic_parts(void **state)
{
	(void)state;
	static const struct {
		const char *spec, *err;
	} cases[] = {
		{ "orders", NULL },
		{ "orders:0,2-4", NULL },
		{ "orders:", "not a list of partitions" },
		{ "orders:99999999999", "not a list of partitions" },
		{ "orders:2147483647-2147483647", NULL },
		{ ":0", "topic name is empty" },
		{ "a b:0", "cannot be a topic name" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *argv[] = { "group", "delete-offsets", "g", "--topic", (char *)cases[i].spec, NULL };
		struct cmd_ctx ctx;
		int rc = cmd_prepare(&ctx, NULL, 5, argv);
		if (cases[i].err == NULL && rc != CMD_OK)
			fail_msg("%s: %s", cases[i].spec, ctx.error);
		if (cases[i].err && (rc != CMD_USAGE || strstr(ctx.error, cases[i].err) == NULL))
			fail_msg("%s: %d %s", cases[i].spec, rc, ctx.error ? ctx.error : "");
		cmd_ctx_clear(&ctx);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cmd_find),
		cmocka_unit_test(test_cmd_prepare),
		cmocka_unit_test(test_cmd_suggest),
		cmocka_unit_test(test_cmd_args),
		cmocka_unit_test(test_cmd_destructive),
		cmocka_unit_test(test_cmd_validate),
		cmocka_unit_test(test_cmd_confirm_as),
		cmocka_unit_test(test_cmd_consent),
		cmocka_unit_test(test_cmd_rows_sort),
		cmocka_unit_test(test_cmd_ok_null),
		cmocka_unit_test(test_cmd_plan),
		cmocka_unit_test(test_cmd_usage),
		cmocka_unit_test(test_cmd_read_only_table),
		cmocka_unit_test(test_cmd_line_arg),
		cmocka_unit_test(test_cmd_names_checked_everywhere),
		cmocka_unit_test(test_cmd_topic_parts),
		cmocka_unit_test(test_cmd_yes_everywhere),
		cmocka_unit_test(test_cmd_preconditions_table),
	};
	return cmocka_run_group_tests(tests, setup, NULL);
}
