/*
 * config profiles|use|add|remove|show: the profiles of config.json, edited by backend/profiles.h;
 * and profile [NAME]: the session's profile, switched (session_use_profile). They change only that
 * local file or the session, never the cluster: CMD_READ_ONLY, so they run in a --read-only session
 * too (a read-only profile is left by `profile OTHER` or `config use OTHER`).
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "conf.h"
#include "file.h"
#include "profiles.h"
#include "session.h"
#include "store.h"
#include "xalloc.h"

#define CONFIG_HINT "docs/configuration.md shows config.json"

/* The file and its object, or a failure already recorded in ctx. */
static json_t *config_read(struct cmd_ctx *ctx, char **path)
{
	*path = conf_profile_path();
	json_t *root;
	char *cause = NULL;
	if (profiles_read(*path, &root, &cause) < 0) {
		cmd_fail(ctx, CMD_FAILED, "fix the file by hand (" CONFIG_HINT "), then run the command again", "%s",
			 cause);
		free(cause);
		x_free(path);
		return NULL;
	}
	return root;
}

static int config_write(struct cmd_ctx *ctx, const char *path, json_t *root)
{
	char *cause = NULL;
	if (profiles_write(path, root, &cause) < 0) {
		cmd_fail(ctx, CMD_FAILED, "check that the folder exists and is yours, and the free space", "%s", cause);
		free(cause);
		return CMD_FAILED;
	}
	return CMD_OK;
}

/* The profile `name`, or NULL after a failure that lists the known ones. */
static json_t *config_profile(struct cmd_ctx *ctx, json_t *root, const char *name, const char *path)
{
	json_t *p = json_object_get(json_object_get(root, "profiles"), name);
	if (p)
		return p;
	char *known = NULL;
	const char *k;
	json_t *v;
	json_object_foreach(json_object_get(root, "profiles"), k, v)
	{
		char *more = x_asprintf("%s%s%s", known ? known : "", known ? ", " : "", k);
		free(known);
		known = more;
	}
	cmd_fail(ctx, CMD_FAILED, "`config profiles` lists them; `config add NAME -b HOST:PORT` makes one",
		 "no profile `%s` in %s: known profiles: %s", name, path, known ? known : "none");
	free(known);
	return NULL;
}

static bool config_name_ok(struct cmd_ctx *ctx, const char *name)
{
	char *cause = NULL;
	if (profiles_name_ok(name, &cause))
		return true;
	cmd_fail(ctx, CMD_USAGE, "use a name like prod, dev-eu or kafka_2", "%s", cause);
	free(cause);
	return false;
}

static int config_profiles_exec(struct cmd_ctx *ctx)
{
	char *path;
	json_t *root = config_read(ctx, &path);
	if (root == NULL)
		return ctx->status;
	const char *def = json_string_value(json_object_get(root, "default_profile"));
	const char *active = ctx->session->conf.profile;
	json_t *a = json_array();
	const char *k;
	json_t *p;
	json_object_foreach(json_object_get(root, "profiles"), k, p)
	{
		json_t *o = json_pack("{s:s,s:b,s:b}", "name", k, "default", def && strcmp(def, k) == 0, "active",
				      active && strcmp(active, k) == 0);
		static const char *const shown[] = { "bootstrap", "user", "strimzi_user" };
		for (size_t i = 0; i < sizeof(shown) / sizeof(shown[0]); i++) {
			json_t *v = json_object_get(p, shown[i]);
			json_object_set_new(o, shown[i], json_is_string(v) ? json_copy(v) : json_null());
		}
		const char *secret = profiles_secret_state(p);
		json_object_set_new(o, "secret", secret ? json_string(secret) : json_null());
		json_object_set_new(o, "read_only", json_boolean(json_is_true(json_object_get(p, "read_only"))));
		json_object_set_new(o, "strimzi", json_boolean(json_is_true(json_object_get(p, "strimzi"))));
		json_array_append_new(a, o);
	}
	json_t *r = json_pack("{s:s,s:s?,s:o}", "path", path, "default_profile", def, "profiles", a);
	if (def == NULL)
		json_object_set_new(r, "default_profile", json_null());
	json_decref(root);
	free(path);
	return cmd_ok(ctx, r);
}

static int config_use_exec(struct cmd_ctx *ctx)
{
	const char *name = cmd_arg(ctx, "name");
	char *path;
	if (!config_name_ok(ctx, name))
		return ctx->status;
	json_t *root = config_read(ctx, &path);
	if (root == NULL)
		return ctx->status;
	int rc = CMD_FAILED;
	if (config_profile(ctx, root, name, path) == NULL)
		goto out;
	json_t *prev = json_object_get(root, "default_profile");
	json_t *r = json_pack("{s:s,s:s,s:o}", "default_profile", name, "path", path, "previous",
			      json_is_string(prev) ? json_copy(prev) : json_null());
	json_object_set_new(root, "default_profile", json_string(name));
	rc = config_write(ctx, path, root);
	if (rc == CMD_OK) {
		const char *env = getenv("KCON_PROFILE");
		if (env && *env && strcmp(env, name) != 0)
			note_send(&ctx->session->note,
				  "KCON_PROFILE is set (to %s): while it is, it wins over the default (unset it)", env);
		rc = cmd_ok(ctx, r);
	} else {
		json_decref(r);
	}
out:
	json_decref(root);
	free(path);
	return rc;
}

/* One row per field, properties as properties.KEY, secrets as "set". */
static void config_rows(json_t *rows, const char *prefix, json_t *o)
{
	const char *k;
	json_t *v;
	json_object_foreach(o, k, v)
	{
		char *key = x_asprintf("%s%s", prefix, k);
		if (json_is_object(v)) {
			char *sub = x_asprintf("%s.", key);
			config_rows(rows, sub, v);
			free(sub);
		} else {
			json_array_append_new(rows, json_pack("{s:s,s:O}", "key", key, "value", v));
		}
		free(key);
	}
}

/* config add's options: the profile field each sets, and how its value is checked. */
enum config_kind { CONFIG_STRING, CONFIG_PATH, CONFIG_DIR, CONFIG_FLAG };
static const struct {
	const char *opt, *field;
	enum config_kind kind;
	const char *conf_opt; /* conf_set_option()'s name: the value is tried as a session would use it */
} config_fields[] = {
	{ "bootstrap", "bootstrap", CONFIG_STRING, "bootstrap" },
	{ "ca", "ca", CONFIG_PATH, "ca" },
	{ "cert", "cert", CONFIG_PATH, "cert" },
	{ "key", "key", CONFIG_PATH, "key" },
	{ "sasl-mechanism", "sasl_mechanism", CONFIG_STRING, "sasl-mechanism" },
	{ "user", "user", CONFIG_STRING, "user" },
	{ "password-file", "password_file", CONFIG_PATH, "password-file" },
	{ "strimzi-user", "strimzi_user", CONFIG_DIR, "strimzi-user" },
	{ "strimzi-ca", "strimzi_ca", CONFIG_DIR, "strimzi-ca" },
	{ "properties-file", "properties_file", CONFIG_PATH, NULL },
	{ "retention", "retention", CONFIG_STRING, NULL },
	{ "read-only", "read_only", CONFIG_FLAG, NULL },
	{ "strimzi", "strimzi", CONFIG_FLAG, NULL },
};

/* Every field config add writes, and the properties object: what --force replaces. */
static bool config_known_field(const char *k)
{
	for (size_t i = 0; i < sizeof(config_fields) / sizeof(config_fields[0]); i++)
		if (strcmp(config_fields[i].field, k) == 0)
			return true;
	return strcmp(k, "properties") == 0;
}

/* Checks one option's value as a session would read it, and makes a path absolute; sets p's field. */
static int config_add_field(struct cmd_ctx *ctx, json_t *p, struct conf *scratch, size_t i, const char *v)
{
	char *cause = NULL;
	if (config_fields[i].kind == CONFIG_FLAG) {
		json_object_set_new(p, config_fields[i].field, json_true());
		return CMD_OK;
	}
	char *value = NULL;
	if (config_fields[i].kind == CONFIG_STRING) {
		if (*v == '\0')
			return cmd_fail(ctx, CMD_USAGE, NULL, "--%s: the value is empty", config_fields[i].opt);
		value = x_strdup(v);
	} else {
		char buf[PATH_MAX];
		if (realpath(v, buf) == NULL) {
			char *why = file_error(v, "file", errno);
			cmd_fail(ctx, CMD_USAGE, "the profile keeps the absolute path: give a file that exists now",
				 "--%s: %s", config_fields[i].opt, why);
			free(why);
			return CMD_USAGE;
		}
		value = x_strdup(buf);
	}
	int rc = 0;
	if (config_fields[i].conf_opt)
		rc = conf_set_option(scratch, config_fields[i].conf_opt, value, &cause);
	else if (strcmp(config_fields[i].opt, "properties-file") == 0)
		rc = conf_load_properties(scratch, value, &cause);
	else if (strcmp(config_fields[i].opt, "retention") == 0) {
		struct store_opts o = { 0 };
		rc = store_opts_parse(value, &o, &cause);
	}
	if (rc < 0) {
		cmd_fail(ctx, CMD_USAGE, "fix the value: the profile is not written with it", "--%s: %s",
			 config_fields[i].opt, cause);
		free(cause);
		free(value);
		return CMD_USAGE;
	}
	json_t *js = json_string(value);
	free(value);
	if (js == NULL)
		return cmd_fail(ctx, CMD_USAGE, "give it as UTF-8 text: the profile is not written",
				"--%s: the value is not valid UTF-8", config_fields[i].opt);
	json_object_set_new(p, config_fields[i].field, js);
	return CMD_OK;
}

static int config_add_exec(struct cmd_ctx *ctx)
{
	const char *name = cmd_arg(ctx, "name");
	if (!config_name_ok(ctx, name))
		return ctx->status;
	if (!cmd_has(ctx, "bootstrap"))
		return cmd_fail(ctx, CMD_USAGE, "give -b HOST:PORT[,HOST:PORT...]",
				"config add %s: a profile needs its "
				"bootstrap servers",
				name);
	json_t *p = json_object();
	struct conf scratch = { 0 };
	char *path = NULL;
	json_t *root = NULL;
	int rc = CMD_USAGE;
	for (size_t i = 0; i < sizeof(config_fields) / sizeof(config_fields[0]); i++) {
		const char *v = cmd_arg(ctx, config_fields[i].opt);
		if (v && config_add_field(ctx, p, &scratch, i, v) != CMD_OK)
			goto out;
	}
	char *const *props;
	int nprops = cmd_arg_all(ctx, "property", &props);
	json_t *po = json_object();
	for (int i = 0; i < nprops; i++) {
		const char *eq = strchr(props[i], '=');
		if (eq == NULL || eq == props[i]) {
			json_decref(po);
			cmd_fail(ctx, CMD_USAGE, "as in -X client.rack=zone-a", "-X %s: expected key=value", props[i]);
			goto out;
		}
		char *key = x_strndup(props[i], (size_t)(eq - props[i]));
		if (conf_is_secret(key)) {
			cmd_fail(ctx, CMD_USAGE,
				 strcmp(key, "sasl.password") == 0
					 ? "give --password-file FILE (chmod 600): the profile keeps its path"
					 : "put it in a properties file (chmod 600) given with --properties-file",
				 "-X %s: config.json holds no secret", key);
			free(key);
			json_decref(po);
			goto out;
		}
		json_t *js = json_string(eq + 1);
		if (js == NULL || json_object_set_new(po, key, js) != 0) { /* a key not UTF-8 is refused too */
			cmd_fail(ctx, CMD_USAGE, "give it as UTF-8 text: the profile is not written",
				 "-X %s: not valid UTF-8", key);
			free(key);
			json_decref(po);
			goto out;
		}
		free(key);
	}
	if (nprops)
		json_object_set_new(p, "properties", po);
	else
		json_decref(po);

	root = config_read(ctx, &path);
	if (root == NULL) {
		rc = ctx->status;
		goto out;
	}
	json_t *profiles = json_object_get(root, "profiles");
	if (profiles == NULL) {
		profiles = json_object();
		json_object_set_new(root, "profiles", profiles);
	}
	json_t *old = json_object_get(profiles, name);
	if (old && !cmd_has(ctx, "force")) {
		rc = cmd_fail(ctx, CMD_FAILED,
			      "add --force to replace it (its fields kcon does not know are kept), or choose another "
			      "name; `config show NAME` shows it",
			      "profile `%s` exists in %s", name, path);
		goto out;
	}
	if (old && json_is_object(old)) { /* --force: kcon's fields replaced, the others kept */
		json_t *keep = json_object();
		const char *k;
		json_t *v;
		json_object_foreach(old, k, v)
		{
			if (!config_known_field(k))
				json_object_set(keep, k, v);
		}
		json_object_update(p, keep);
		json_decref(keep);
	}
	json_object_set(profiles, name, p);
	/* the first profile is the default until another is chosen */
	bool as_default = cmd_has(ctx, "default") || json_object_get(root, "default_profile") == NULL;
	if (as_default)
		json_object_set_new(root, "default_profile", json_string(name));
	rc = config_write(ctx, path, root);
	if (rc == CMD_OK) {
		json_t *red = profiles_redacted(p), *rows = json_array();
		config_rows(rows, "", red);
		rc = cmd_ok(ctx, json_pack("{s:s,s:s,s:b,s:b,s:o,s:o}", "profile", name, "path", path, "replaced",
					   old != NULL, "default", as_default, "settings", red, "fields", rows));
	}
out:
	conf_clear(&scratch); /* a password read to check the file: wiped with the rest */
	json_decref(p);
	json_decref(root);
	free(path);
	return rc;
}

static int config_remove_exec(struct cmd_ctx *ctx)
{
	const char *name = cmd_arg(ctx, "name");
	char *path;
	if (!config_name_ok(ctx, name))
		return ctx->status;
	json_t *root = config_read(ctx, &path);
	if (root == NULL)
		return ctx->status;
	int rc = CMD_FAILED;
	if (config_profile(ctx, root, name, path) == NULL)
		goto out;
	json_object_del(json_object_get(root, "profiles"), name);
	const char *def = json_string_value(json_object_get(root, "default_profile"));
	bool was_default = def && strcmp(def, name) == 0;
	if (was_default)
		json_object_del(root, "default_profile");
	rc = config_write(ctx, path, root);
	if (rc == CMD_OK)
		rc = cmd_ok(ctx, json_pack("{s:s,s:s,s:b,s:b}", "profile", name, "path", path, "removed", 1,
					   "was_default", was_default));
out:
	json_decref(root);
	free(path);
	return rc;
}

static int config_show_exec(struct cmd_ctx *ctx)
{
	const char *name = cmd_arg(ctx, "name");
	char *path;
	if (name && !config_name_ok(ctx, name))
		return ctx->status;
	json_t *root = config_read(ctx, &path);
	if (root == NULL)
		return ctx->status;
	const char *def = json_string_value(json_object_get(root, "default_profile"));
	if (name == NULL)
		name = ctx->session->conf.profile ? ctx->session->conf.profile : def;
	int rc = CMD_FAILED;
	if (name == NULL) {
		cmd_fail(ctx, CMD_FAILED, "name one (`config show NAME`), or set a default with `config use NAME`",
			 "no profile in use and no default_profile in %s", path);
		goto out;
	}
	json_t *p = config_profile(ctx, root, name, path);
	if (p == NULL)
		goto out;
	json_t *red = profiles_redacted(p), *rows = json_array();
	config_rows(rows, "", red);
	const char *active = ctx->session->conf.profile;
	rc = cmd_ok(ctx, json_pack("{s:s,s:s,s:b,s:b,s:o,s:o}", "name", name, "path", path, "default",
				   def && strcmp(def, name) == 0, "active", active && strcmp(active, name) == 0,
				   "profile", red, "fields", rows));
out:
	json_decref(root);
	free(path);
	return rc;
}

static int config_profile_exec(struct cmd_ctx *ctx)
{
	struct session *s = ctx->session;
	const char *name = cmd_arg(ctx, "name");
	const char *before = s->conf.profile;
	char *was = before ? x_strdup(before) : NULL;
	if (name) {
		struct err e = { 0 };
		if (!config_name_ok(ctx, name)) {
			free(was);
			return ctx->status;
		}
		if (session_use_profile(s, name, &e) != CMD_OK) {
			free(was);
			return cmd_fail_err(ctx, &e);
		}
	}
	json_t *r = json_pack("{s:s?,s:s?,s:s?,s:b}", "profile", s->conf.profile, "previous", name ? was : NULL,
			      "bootstrap", s->demo ? "demo" : s->conf.bootstrap, "read_only", s->read_only);
	static const char *const nullable[] = { "profile", "previous", "bootstrap" };
	for (size_t i = 0; i < sizeof(nullable) / sizeof(nullable[0]); i++)
		if (json_object_get(r, nullable[i]) == NULL)
			json_object_set_new(r, nullable[i], json_null());
	free(was);
	return cmd_ok(ctx, r);
}

static const struct cmd_pos new_arg[] = { { "name", CMD_ARG_NAME, 0 }, { 0 } };
static const struct cmd_pos name_arg[] = { { "name", CMD_ARG_PROFILE, 0 }, { 0 } };
static const struct cmd_pos name_opt_arg[] = { { "name", CMD_ARG_PROFILE, CMD_POS_OPTIONAL }, { 0 } };

static const struct cmd_opt add_opts[] = {
	{ "bootstrap", 'b', CMD_ARG_STRING, 0, "host:port,... (required)" },
	{ "ca", 0, CMD_ARG_FILE, 0, "the CA that verifies the brokers (PEM): TLS" },
	{ "cert", 0, CMD_ARG_FILE, 0, "client certificate (PEM), for mutual TLS" },
	{ "key", 0, CMD_ARG_FILE, 0, "client key (PEM), for mutual TLS" },
	{ "sasl-mechanism", 0, CMD_ARG_STRING, 0, "PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512" },
	{ "user", 0, CMD_ARG_STRING, 0, "SASL user: SASL_SSL unless -X security.protocol says otherwise" },
	{ "password-file", 0, CMD_ARG_FILE, 0, "the file whose first line is the SASL password: its path is kept" },
	{ "strimzi-user", 0, CMD_ARG_FILE, 0, "a KafkaUser secret's directory (SCRAM or TLS)" },
	{ "strimzi-ca", 0, CMD_ARG_FILE, 0, "the cluster CA secret's directory" },
	{ "properties-file", 0, CMD_ARG_FILE, 0, "librdkafka or Java client properties read like -F" },
	{ "property", 'X', CMD_ARG_CONFIG, CMD_OPT_REPEAT, "a librdkafka property (no secrets)" },
	{ "retention", 0, CMD_ARG_STRING, 0, "the history store's retention, e.g. raw=24h,hour=90d" },
	{ "read-only", 0, CMD_ARG_NONE, 0, "every session of the profile refuses what changes the cluster" },
	{ "strimzi", 0, CMD_ARG_NONE, 0, "Strimzi's operators own the topics and users" },
	{ "default", 0, CMD_ARG_NONE, 0, "make it the default profile (the first profile is anyway)" },
	{ "force", 0, CMD_ARG_NONE, 0, "replace a profile of that name" },
	{ 0 },
};

static const struct out_col profiles_cols[] = {
	{ "name", "profile", 0 },
	{ "default", "default", 0 },
	{ "active", "active", OUT_WIDE },
	{ "bootstrap", "bootstrap", 0 },
	{ "user", "user", 0 },
	{ "strimzi_user", "strimzi user", OUT_WIDE },
	{ "secret", "secret", 0 },
	{ "read_only", "read-only", 0 },
	{ "strimzi", "strimzi", OUT_WIDE },
	{ 0 },
};
static const struct out_table profiles_tables[] = { { "profiles", profiles_cols }, { 0 } };
static const struct out_col profiles_fields[] = {
	{ "path", "File", 0 },
	{ "default_profile", "Default", 0 },
	{ 0 },
};
static const struct out_view profiles_view = { .fields = profiles_fields, .tables = profiles_tables };

static const struct out_col show_fields[] = {
	{ "name", "Profile", 0 }, { "path", "File", 0 }, { "default", "Default", 0 }, { "active", "Active", 0 }, { 0 },
};
static const struct out_col show_cols[] = { { "key", "field", 0 }, { "value", "value", 0 }, { 0 } };
static const struct out_table show_tables[] = { { "fields", show_cols }, { 0 } };
static const struct out_view show_view = { .fields = show_fields, .tables = show_tables };
static const struct out_col add_fields[] = {
	{ "profile", "Profile", 0 },
	{ "path", "File", 0 },
	{ "replaced", "Replaced", 0 },
	{ "default", "Default", 0 },
	{ 0 },
};
static const struct out_view add_view = { .fields = add_fields, .tables = show_tables };

#define CONFIG_FILE_DOC                                                                                                \
	"config.json is $XDG_CONFIG_HOME/kcon/config.json (~/.config/kcon/config.json). It is written whole and "      \
	"atomically (a temporary file in its folder, fsync, rename), mode 0600, with the keys kcon does not know "     \
	"kept; a file that does not parse is refused and left as it is. These commands change only that file, "        \
	"never the cluster, so a --read-only session (or a read-only profile) runs them too."

#define CONFIG_WRITE_DOC "It writes config.json atomically, as `config profiles` says, and only that file."

const struct cmd_entry cmd_config_table[] = {
	{
		.name = "config profiles",
		.group = "config",
		.help = "the profiles of config.json, the default marked; secrets show as \"set\"",
		.doc = CONFIG_FILE_DOC
		" JSON: {path, default_profile, profiles: [{name, default, active, bootstrap, "
		"user, strimzi_user, secret (\"set\" when a password file, key or secret property "
		"is configured, else null), read_only, strimzi}]}",
		.flags = CMD_READ_ONLY,
		.view = &profiles_view,
		.exec = config_profiles_exec,
	},
	{
		.name = "config use",
		.group = "config",
		.args = name_arg,
		.help = "make a profile the default (config.json's default_profile)",
		.doc = "The next kcon without -p or KCON_PROFILE uses it; a running session switches with `profile "
		       "NAME`. " CONFIG_WRITE_DOC " JSON: {default_profile, path, previous}",
		.flags = CMD_READ_ONLY,
		.exec = config_use_exec,
	},
	{
		.name = "config add",
		.group = "config",
		.args = new_arg,
		.opts = add_opts,
		.help = "write a profile: -b HOST:PORT and the connection options; --force replaces one",
		.doc = "Each file or directory is read now as a session would read it (a missing file, a bad "
		       "KafkaUser secret or a bad retention is refused) and kept as an absolute path. A password is "
		       "never kept: give --password-file (its path is kept), --strimzi-user, or KCON_PASSWORD when "
		       "connecting; -X with a secret key is refused. With --force the fields kcon does not know are "
		       "kept. " CONFIG_WRITE_DOC " JSON: {profile, path, replaced, default, settings (secrets as "
		       "\"set\"), fields: [{key, value}]}",
		.view = &add_view,
		.flags = CMD_READ_ONLY,
		.exec = config_add_exec,
	},
	{
		.name = "config remove",
		.group = "config",
		.args = name_arg,
		.help = "delete a profile from config.json (and the default, if it was)",
		.doc = CONFIG_WRITE_DOC " JSON: {profile, path, removed, was_default}",
		.flags = CMD_READ_ONLY,
		.exec = config_remove_exec,
	},
	{
		.name = "config show",
		.group = "config",
		.args = name_opt_arg,
		.help = "one profile's settings, secrets as \"set\" (default: the one in use, else the default)",
		.doc = "JSON: {name, path, default, active, profile (the profile's object, secrets as \"set\"), "
		       "fields: [{key, value}]}",
		.flags = CMD_READ_ONLY,
		.view = &show_view,
		.exec = config_show_exec,
	},
	{
		.name = "profile",
		.group = "config",
		.args = name_opt_arg,
		.help = "the session's profile; with NAME, switch to it and reconnect",
		.doc = "Switches the running session (REPL, TUI's prompt, a script) to another profile of config.json: "
		       "its settings alone (-b, -X, --ca and the other connection options of the command line, "
		       "KCON_BOOTSTRAP and KCON_PASSWORD belonged to the first), and a new connection. --read-only "
		       "stays on; a profile's \"read_only\" comes and goes with it. The history store is the same: "
		       "its data is kept per cluster (by the cluster's id), so each cluster's history stays its own. "
		       "Not on --demo. JSON: {profile, previous, bootstrap, read_only}",
		.flags = CMD_READ_ONLY,
		.exec = config_profile_exec,
	},
	{ 0 },
};
