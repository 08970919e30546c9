/* SCRAM users: users, user set, user delete (Describe/AlterUserScramCredentials). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "client_acl.h"
#include "cmd.h"
#include "err.h"
#include "file.h"
#include "session.h"
#include "xalloc.h"

/* Kafka's bounds on a SCRAM credential's iterations (ScramMechanism's minIterations, the broker's cap). */
#define USERS_ITER_MIN 4096
#define USERS_ITER_MAX 16384

static int users_mechanism(struct cmd_ctx *ctx, rd_kafka_ScramMechanism_t *m)
{
	const char *v = cmd_arg(ctx, "mechanism");
	if (v == NULL || strcasecmp(v, "SCRAM-SHA-512") == 0)
		*m = RD_KAFKA_SCRAM_MECHANISM_SHA_512;
	else if (strcasecmp(v, "SCRAM-SHA-256") == 0)
		*m = RD_KAFKA_SCRAM_MECHANISM_SHA_256;
	else
		return cmd_fail(ctx, CMD_USAGE, "--mechanism is SCRAM-SHA-512 (default) or SCRAM-SHA-256",
				"--mechanism: `%.*s` is not a SCRAM mechanism", ERR_QUOTE_MAX, v);
	return CMD_OK;
}

/*
 * The password without echo on the terminal, twice. Only where a person answers at a terminal
 * kcon may read itself (the command line and the REPL: the face set confirm, and the terminal is
 * no face's screen); NULL after cmd_fail() otherwise.
 */
static char *users_prompt(struct cmd_ctx *ctx, const char *user)
{
	if (ctx->session->confirm == NULL || ctx->session->screen_owned) {
		cmd_fail(ctx, CMD_USAGE, "give --password-file FILE (its first line is the password; - is not read)",
			 ctx->session->screen_owned
				 ? "no password: the TUI does not ask for one (the terminal is its screen), kcon reads "
				   "it from --password-file"
				 : "no password: without a terminal to ask on, kcon reads it from --password-file");
		return NULL;
	}
	FILE *tty = fopen("/dev/tty", "r+");
	if (tty == NULL) {
		cmd_fail(ctx, CMD_USAGE, "give --password-file FILE", "no terminal to ask for the password on");
		return NULL;
	}
	struct termios old, quiet;
	bool restore = tcgetattr(fileno(tty), &old) == 0;
	if (restore) {
		quiet = old;
		quiet.c_lflag &= ~(tcflag_t)ECHO;
		quiet.c_lflag |= ECHONL;
		tcsetattr(fileno(tty), TCSAFLUSH, &quiet);
	}
	char *pw[2] = { NULL, NULL };
	for (int i = 0; i < 2; i++) {
		size_t cap = 0;
		fprintf(tty, i == 0 ? "New password for %s: " : "Again: ", user);
		fflush(tty);
		ssize_t n = file_getline(&pw[i], &cap, tty, 4096);
		if (n < 0) {
			free(pw[i]);
			pw[i] = NULL;
			break;
		}
		pw[i][strcspn(pw[i], "\r\n")] = '\0';
	}
	if (restore)
		tcsetattr(fileno(tty), TCSAFLUSH, &old);
	fclose(tty);
	char *out = NULL;
	if (pw[0] == NULL || pw[1] == NULL)
		cmd_fail(ctx, CMD_FAILED, NULL, "no password read: nothing was changed");
	else if (strcmp(pw[0], pw[1]) != 0)
		cmd_fail(ctx, CMD_FAILED, "type the same password twice", "the passwords differ: nothing was changed");
	else if (pw[0][0] == '\0')
		cmd_fail(ctx, CMD_USAGE, "type a password", "an empty password: nothing was changed");
	else
		out = x_strdup(pw[0]);
	for (int i = 0; i < 2; i++)
		if (pw[i]) {
			memset(pw[i], 0, strlen(pw[i]));
			free(pw[i]);
		}
	return out;
}

/* The password from --password-file (its first line) or the terminal; NULL after cmd_fail(). */
static char *users_password(struct cmd_ctx *ctx, const char *user)
{
	const char *path = cmd_arg(ctx, "password-file");
	if (path == NULL)
		return users_prompt(ctx, user);
	char *cause = NULL;
	size_t len = 0;
	char *text = file_read(path, "password file", FILE_CONFIG_MAX, FILE_PIPE_OK, &len, &cause);
	if (text == NULL) {
		cmd_fail(ctx, CMD_FAILED, NULL, "%s", cause);
		free(cause);
		return NULL;
	}
	size_t n = strcspn(text, "\r\n");
	char *pw = NULL;
	if (n == 0 || memchr(text, '\0', n) != NULL)
		cmd_fail(ctx, CMD_USAGE, "put the password on the file's first line",
			 "%s: the first line holds no password", path);
	else
		pw = x_asprintf("%.*s", (int)n, text);
	memset(text, 0, len);
	free(text);
	return pw;
}

/* A user name Kafka can hold: not empty, at most 255 bytes, no control characters. */
static int users_check_name(struct cmd_ctx *ctx, const char *user)
{
	size_t n = strlen(user);
	bool ok = n > 0 && n <= 255;
	for (size_t i = 0; ok && i < n; i++)
		ok = (unsigned char)user[i] >= 0x20 && user[i] != 0x7f;
	if (!ok)
		return cmd_fail(ctx, CMD_USAGE, "a user name is 1 to 255 printable characters",
				"not a user name Kafka can hold");
	return CMD_OK;
}

/* --- users ---------------------------------------------------------------------------------- */

static int users_cred_cmp(const void *a, const void *b)
{
	const char *x = json_string_value(json_object_get(*(json_t *const *)a, "mechanism"));
	const char *y = json_string_value(json_object_get(*(json_t *const *)b, "mechanism"));
	return strcmp(x ? x : "", y ? y : "");
}

/* A user's credentials by mechanism name: the broker answers them in no fixed order. */
static void users_sort_credentials(json_t *creds)
{
	cmd_rows_sort(creds, users_cred_cmp);
}

static int cmd_users_validate(struct cmd_ctx *ctx)
{
	const char *name = cmd_arg(ctx, "name");
	return name ? users_check_name(ctx, name) : CMD_OK;
}

static int cmd_users_exec(struct cmd_ctx *ctx)
{
	const char *name = cmd_arg(ctx, "name");
	struct client *c = cmd_client(ctx);
	json_t *users = NULL;
	struct err e = { 0 };
	if (c == NULL)
		return ctx->status;
	if (client_scram_describe(c, name ? &name : NULL, name ? 1 : 0, &users, &e) != CMD_OK)
		return cmd_fail_err(ctx, &e);
	if (name && json_array_size(users) == 0) {
		json_decref(users);
		return cmd_fail(ctx, CMD_FAILED, "`users` lists the users with SCRAM credentials",
				"user `%.*s` has no SCRAM credentials", ERR_QUOTE_MAX, name);
	}
	/* a row per user: its mechanisms in one cell for tables */
	size_t i;
	json_t *u;
	json_array_foreach(users, i, u)
	{
		char cell[256] = "";
		size_t j;
		json_t *cr;
		users_sort_credentials(json_object_get(u, "credentials"));
		json_array_foreach(json_object_get(u, "credentials"), j, cr)
		{
			size_t l = strlen(cell);
			snprintf(cell + l, sizeof(cell) - l, "%s%s (%d)", j ? ", " : "",
				 json_string_value(json_object_get(cr, "mechanism")),
				 (int)json_integer_value(json_object_get(cr, "iterations")));
		}
		json_object_set_new(u, "mechanisms", json_string(cell));
	}
	return cmd_ok(ctx, json_pack("{s:o}", "users", users));
}

static const struct out_col users_cols[] = {
	{ "user", "user", 0 },
	{ "mechanisms", "mechanisms (iterations)", 0 },
	{ 0 },
};
static const struct out_table users_tables[] = { { "users", users_cols }, { 0 } };
static const struct out_view users_view = { .tables = users_tables };

/* --- user set / delete ---------------------------------------------------------------------- */

/* The name, --mechanism and --iterations of `user set`; CMD_OK, or a usage error after cmd_fail(). */
static int user_set_args(struct cmd_ctx *ctx, rd_kafka_ScramMechanism_t *mech, long long *iter)
{
	*mech = RD_KAFKA_SCRAM_MECHANISM_UNKNOWN;
	*iter = 0;
	if (users_check_name(ctx, cmd_arg(ctx, "name")) != CMD_OK || users_mechanism(ctx, mech) != CMD_OK ||
	    cmd_arg_int(ctx, "iterations", USERS_ITER_MIN, USERS_ITER_MIN, USERS_ITER_MAX, iter))
		return ctx->status;
	return CMD_OK;
}

static int cmd_user_set_validate(struct cmd_ctx *ctx)
{
	rd_kafka_ScramMechanism_t mech;
	long long iter;
	return user_set_args(ctx, &mech, &iter);
}

static int cmd_user_set_exec(struct cmd_ctx *ctx)
{
	const char *user = cmd_arg(ctx, "name");
	rd_kafka_ScramMechanism_t mech;
	long long iter;
	if (user_set_args(ctx, &mech, &iter) != CMD_OK)
		return ctx->status;
	struct client *c = cmd_client(ctx);
	if (c == NULL)
		return ctx->status;
	char *pw = users_password(ctx, user);
	if (pw == NULL)
		return ctx->status;
	rd_kafka_UserScramCredentialAlteration_t *a = rd_kafka_UserScramCredentialUpsertion_new(
		user, mech, (int32_t)iter, (const unsigned char *)pw, strlen(pw), NULL, 0);
	memset(pw, 0, strlen(pw));
	free(pw);
	struct err e = { 0 };
	int rc = client_scram_alter(c, &a, 1, &e);
	rd_kafka_UserScramCredentialAlteration_destroy(a);
	if (rc != CMD_OK)
		return cmd_fail_err(ctx, &e);
	session_strimzi_note(ctx->session, SESSION_KAFKAUSER, user);
	return cmd_ok(ctx, json_pack("{s:s,s:s,s:I,s:b}", "user", user, "mechanism",
				     mech == RD_KAFKA_SCRAM_MECHANISM_SHA_256 ? "SCRAM-SHA-256" : "SCRAM-SHA-512",
				     "iterations", (json_int_t)iter, "set", 1));
}

/* The credentials `user delete` asks for: --mechanism's, else both; CMD_OK, or a usage error after cmd_fail(). */
static int user_delete_args(struct cmd_ctx *ctx, rd_kafka_ScramMechanism_t mech[2], int *nmech)
{
	mech[0] = RD_KAFKA_SCRAM_MECHANISM_SHA_512, mech[1] = RD_KAFKA_SCRAM_MECHANISM_SHA_256;
	*nmech = 2;
	if (users_check_name(ctx, cmd_arg(ctx, "name")) != CMD_OK)
		return ctx->status;
	if (cmd_has(ctx, "mechanism")) {
		if (users_mechanism(ctx, &mech[0]) != CMD_OK)
			return ctx->status;
		*nmech = 1;
	}
	return CMD_OK;
}

static int cmd_user_delete_validate(struct cmd_ctx *ctx)
{
	rd_kafka_ScramMechanism_t mech[2];
	int nmech;
	return user_delete_args(ctx, mech, &nmech);
}

static int cmd_user_delete_exec(struct cmd_ctx *ctx)
{
	const char *user = cmd_arg(ctx, "name");
	rd_kafka_ScramMechanism_t mech[2];
	int nmech;
	if (user_delete_args(ctx, mech, &nmech) != CMD_OK)
		return ctx->status;
	struct client *c = cmd_client(ctx);
	if (c == NULL)
		return ctx->status;
	/* Delete the credentials the user has: a deletion of one it lacks is refused by the broker. */
	json_t *users = NULL;
	struct err e = { 0 };
	if (client_scram_describe(c, &user, 1, &users, &e) != CMD_OK)
		return cmd_fail_err(ctx, &e);
	rd_kafka_UserScramCredentialAlteration_t *a[2];
	json_t *gone = json_array();
	int na = 0;
	size_t j;
	json_t *cr;
	json_array_foreach(json_object_get(json_array_get(users, 0), "credentials"), j, cr)
	{
		const char *m = json_string_value(json_object_get(cr, "mechanism"));
		for (int k = 0; k < nmech && na < 2; k++) {
			bool is512 = mech[k] == RD_KAFKA_SCRAM_MECHANISM_SHA_512;
			if (strcmp(m, is512 ? "SCRAM-SHA-512" : "SCRAM-SHA-256") == 0) {
				a[na++] = rd_kafka_UserScramCredentialDeletion_new(user, mech[k]);
				json_array_append_new(gone, json_string(m));
			}
		}
	}
	json_decref(users);
	if (na == 0) {
		json_decref(gone);
		return cmd_fail(ctx, CMD_FAILED, "`users` lists the users with SCRAM credentials",
				"user `%.*s` has no %s credentials: nothing to delete", ERR_QUOTE_MAX, user,
				nmech == 1 ? cmd_arg(ctx, "mechanism") : "SCRAM");
	}
	int rc = client_scram_alter(c, a, na, &e);
	for (int i = 0; i < na; i++)
		rd_kafka_UserScramCredentialAlteration_destroy(a[i]);
	if (rc != CMD_OK) {
		json_decref(gone);
		return cmd_fail_err(ctx, &e);
	}
	session_strimzi_note(ctx->session, SESSION_KAFKAUSER, user);
	return cmd_ok(ctx, json_pack("{s:s,s:o,s:b}", "user", user, "mechanisms", gone, "deleted", 1));
}

/* --- the table ------------------------------------------------------------------------------ */

static const struct cmd_pos users_args[] = { { "name", CMD_ARG_NAME, CMD_POS_OPTIONAL }, { 0 } };
static const struct cmd_pos user_args[] = { { "name", CMD_ARG_NAME, 0 }, { 0 } };
static const struct cmd_opt user_set_opts[] = {
	{ "mechanism", 'm', CMD_ARG_STRING, 0, "SCRAM-SHA-512 (default) or SCRAM-SHA-256" },
	{ "password-file", 0, CMD_ARG_FILE, 0,
	  "the new password is this file's first line (without it: asked twice on the terminal, no echo)" },
	{ "iterations", 0, CMD_ARG_INT, 0, "SCRAM iterations, 4096 (default) to 16384" },
	{ 0 },
};
static const struct cmd_opt user_delete_opts[] = {
	{ "mechanism", 'm', CMD_ARG_STRING, 0, "only this mechanism's credential (default: every one the user has)" },
	{ "yes", 'y', CMD_ARG_NONE, 0, "do not ask for confirmation" },
	{ 0 },
};

#define USERS_REFUSALS_DOC                                                                                             \
	" Refused on the --demo cluster (librdkafka's mock cluster has no SCRAM APIs) and with --offline; a "          \
	"principal without Describe (users) or Alter (user set, user delete) on the cluster gets "                     \
	"CLUSTER_AUTHORIZATION_FAILED, exit 1."

const struct cmd_entry cmd_users_table[] = {
	{
		.name = "users",
		.group = "security",
		.args = users_args,
		.help = "the users with SCRAM credentials, their mechanisms and iterations (NAME: one user)",
		.doc = "JSON: {users: [{user, credentials: [{mechanism (SCRAM-SHA-256, SCRAM-SHA-512), iterations}], "
		       "mechanisms (the same as one string)}]}. Users without SCRAM credentials (TLS, OAuth, PLAIN "
		       "from a JAAS file) are not listed: Kafka keeps no record of them. A NAME without "
		       "credentials exits 1." USERS_REFUSALS_DOC,
		.flags = CMD_READ_ONLY | CMD_NEEDS_CLUSTER,
		.view = &users_view,
		.demo_missing = { "list SCRAM users", "DescribeUserScramCredentials", NULL },
		.validate = cmd_users_validate,
		.exec = cmd_users_exec,
	},
	{
		.name = "user set",
		.group = "security",
		.args = user_args,
		.opts = user_set_opts,
		.help = "create a SCRAM user or change its password (from --password-file or asked, never argv)",
		.doc = "JSON: {user, mechanism, iterations, set: true}. The password is the first line of "
		       "--password-file (a pipe too: --password-file <(pass show kafka/x)), or, on a terminal, "
		       "asked twice without echo; it is never an argument, so it stays out of ps, shell history "
		       "and kcon's history. librdkafka salts and hashes it; the broker gets no clear text. A "
		       "profile with \"strimzi\": true adds a note that the User Operator reverts the change "
		       "unless the KafkaUser changes." USERS_REFUSALS_DOC,
		.flags = CMD_NEEDS_CLUSTER,
		.demo_missing = { "change SCRAM users", "AlterUserScramCredentials", NULL },
		.validate = cmd_user_set_validate,
		.exec = cmd_user_set_exec,
	},
	{
		.name = "user delete",
		.group = "security",
		.args = user_args,
		.opts = user_delete_opts,
		.help = "delete a user's SCRAM credentials (asks for the name, or --yes)",
		.doc = "JSON: {user, mechanisms: [the credentials deleted], deleted: true}. Deletes every SCRAM "
		       "credential the user has (or only --mechanism's); the user can no longer log in with "
		       "SCRAM. Its ACLs stay: `acl delete --principal User:NAME` removes them. A user without "
		       "credentials exits 1." USERS_REFUSALS_DOC,
		.flags = CMD_NEEDS_CLUSTER | CMD_DESTRUCTIVE,
		.demo_missing = { "change SCRAM users", "AlterUserScramCredentials", NULL },
		.validate = cmd_user_delete_validate,
		.exec = cmd_user_delete_exec,
	},
	{ 0 },
};
