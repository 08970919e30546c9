#include "session.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "clock.h"
#include "cmd.h"
#include "decodehelp.h"
#include "demo.h"
#include "file.h"
#include "model.h"
#include "plugin.h"
#include "registry.h"
#include "store.h"
#include "xalloc.h"

/*
 * The worker and a command on a thread of its own (group lag --wait-max) may both ask for the
 * client first: one makes it. The client itself serves several threads (client.h).
 */
static pthread_mutex_t session_client_lock = PTHREAD_MUTEX_INITIALIZER;

int session_client(struct session *s, struct client **out, struct err *e)
{
	if (s->offline)
		return err_set(e, CMD_UNREACHABLE,
			       "`history snapshot` shows the last stored state; drop --offline to ask",
			       "--offline: not asking the cluster");
	pthread_mutex_lock(&session_client_lock);
	if (s->client == NULL) {
		char *cause = NULL;
		if (conf_finish(&s->conf, &cause) < 0) {
			pthread_mutex_unlock(&session_client_lock);
			err_set(e, CMD_USAGE, NULL, "%s", cause);
			free(cause);
			return CMD_USAGE;
		}
		s->client = client_new(&s->conf, s->timeout_ms, s->verbose, &s->note, e);
	}
	*out = s->client;
	pthread_mutex_unlock(&session_client_lock);
	return *out ? CMD_OK : e->status;
}

/* The path of the session's store: its state dir made when make (a fallback dir told), else only
   found (NULL when not there yet: nothing made, nothing told). */
static char *session_store_file(struct session *s, bool make, struct err *e)
{
	if (s->no_history) {
		err_set(e, CMD_FAILED, "run without --no-history", "history is off (--no-history)");
		return NULL;
	}
	char *notice = NULL, *cause = NULL;
	char *dir = make ? store_state_dir(s->state_dir, &notice, &cause) : store_state_dir_found(s->state_dir);
	if (dir == NULL) {
		if (make)
			err_set(e, CMD_FAILED, "give --state-dir DIR or KCON_STATE_DIR, or --no-history", "%s", cause);
		free(cause);
		return NULL;
	}
	if (notice)
		note_send(&s->note, "%s", notice);
	free(notice);
	char *path = x_asprintf("%s/history.db", dir);
	free(dir);
	return path;
}

char *session_store_path(struct session *s, struct err *e)
{
	return session_store_file(s, true, e);
}

bool session_store_missing(struct session *s)
{
	if (s->no_history)
		return true;
	if (s->store)
		return false;
	struct err e = { 0 };
	char *path = session_store_file(s, false, &e); /* makes no dir: only looks */
	bool missing = path == NULL || access(path, F_OK) != 0;
	free(path);
	err_clear(&e);
	return missing;
}

/*
 * The session's store, opened on first use; a read-only one is opened again for writing when write.
 * With no writable state dir and none asked for (no HOME, no /tmp: a pod's read-only root), history
 * is off for the session, said once.
 */
static int session_store_open(struct session *s, bool write, struct store **out, struct err *e)
{
	*out = NULL;
	if (s->history_off)
		return err_set(e, CMD_FAILED, "give --state-dir DIR or KCON_STATE_DIR",
			       "history is off: no writable state dir");
	if (s->store && write && store_readonly(s->store))
		store_close(&s->store);
	if (s->store == NULL) {
		char *path = session_store_path(s, e);
		const char *env = getenv("KCON_STATE_DIR");
		if (path == NULL && !s->no_history && s->state_dir == NULL && (env == NULL || *env == '\0')) {
			note_send(&s->note, "history is off: %s", e->cause);
			s->history_off = true;
		}
		if (path == NULL)
			return e->status;
		struct store_opts opts = { 0 };
		const char *spec = s->retention ? s->retention : s->conf.retention;
		char *notice = NULL, *cause = NULL;
		if (spec && store_opts_parse(spec, &opts, &cause) < 0) {
			err_set(e, CMD_USAGE, "fix --retention or the config file's retention (docs/history.md)", "%s",
				cause);
			free(cause);
			free(path);
			return CMD_USAGE;
		}
		s->store = write ? store_open(path, &opts, &notice, &cause)
				 : store_open_read(path, &opts, &notice, &cause);
		if (notice)
			note_send(&s->note, "%s", notice);
		free(notice);
		if (s->store == NULL) {
			const char *hint = store_hint(path);
			err_set(e, CMD_FAILED,
				hint ? hint
				     : "try again; if it persists, move history.db aside (docs/history.md), or run "
				       "with "
				       "--no-history",
				"%s", cause);
			free(cause);
			free(path);
			return CMD_FAILED;
		}
		free(path);
	}
	*out = s->store;
	return CMD_OK;
}

int session_store(struct session *s, struct store **out, struct err *e)
{
	return session_store_open(s, true, out, e);
}

int session_store_read(struct session *s, struct store **out, struct err *e)
{
	return session_store_open(s, false, out, e);
}

char *session_store_cluster(struct session *s, struct store *store, const char *key, struct err *e)
{
	char *cause = NULL;
	char *out = store_cluster(store, key, key ? NULL : s->conf.bootstrap, &cause);
	if (out == NULL) {
		err_set(e, CMD_FAILED, key ? "`history sql \"SELECT key FROM cluster\"` lists the clusters" : NULL,
			"%s", cause);
		free(cause);
	}
	return out;
}

char *session_store_cluster_shown(struct session *s, struct store *store, char **cause)
{
	return s->conf.bootstrap ? store_cluster_of(store, s->conf.bootstrap) : store_cluster(store, NULL, NULL, cause);
}

static pthread_mutex_t session_pending_lock = PTHREAD_MUTEX_INITIALIZER;

/* Records one snapshot (the store writes it only when it changed, and not at all when fresh). */
static void session_history_write(struct session *s, const char *key, const char *bootstrap, const struct model *m)
{
	struct store *store;
	struct err e = { 0 };
	int64_t now = clock_wall_ms();
	/*
	 * A read first: a fresh identical snapshot costs no write, no transaction, no sync. With no store
	 * open yet (one command), the file is asked without the open's full check, which reads the whole
	 * file (a 6 MB store: 14 M instructions, most of what was left of history's cost); the write
	 * below opens it checked.
	 */
	if (s->history_off)
		return;
	if (s->store == NULL) {
		char *path = session_store_path(s, &e);
		bool fresh = path && store_snapshot_fresh_at(path, key, bootstrap, m, now, SESSION_SNAPSHOT_FRESH_MS);
		free(path);
		err_clear(&e);
		if (fresh)
			return;
	} else if (store_snapshot_fresh(s->store, key, bootstrap, m, now, SESSION_SNAPSHOT_FRESH_MS)) {
		return;
	}
	if (session_store(s, &store, &e) != CMD_OK) {
		err_clear(&e);
		return;
	}
	char *cause = NULL;
	struct store_tick *t = store_tick_begin(store, key, bootstrap, m->fetched_ms);
	store_tick_model(t, m);
	if (store_tick_commit(&t, &cause) < 0)
		free(cause); /* busy: the next command records it */
}

void session_history_defer(struct session *s, const char *key, const char *bootstrap, struct model *m)
{
	pthread_mutex_lock(&session_pending_lock);
	struct model *was = s->pending_model;
	char *was_key = s->pending_key, *was_boot = s->pending_bootstrap;
	s->pending_model = model_ref(m);
	s->pending_key = x_strdup(key);
	s->pending_bootstrap = bootstrap ? x_strdup(bootstrap) : NULL;
	pthread_mutex_unlock(&session_pending_lock);
	if (was && strcmp(was_key, key) != 0) /* another cluster's: recorded now */
		session_history_write(s, was_key, was_boot, was);
	model_unref(&was);
	free(was_key);
	free(was_boot);
}

void session_history_flush(struct session *s)
{
	pthread_mutex_lock(&session_pending_lock);
	struct model *m = s->pending_model;
	char *key = s->pending_key, *boot = s->pending_bootstrap;
	s->pending_model = NULL;
	s->pending_key = s->pending_bootstrap = NULL;
	pthread_mutex_unlock(&session_pending_lock);
	if (m)
		session_history_write(s, key, boot, m);
	model_unref(&m);
	free(key);
	free(boot);
}

static pthread_mutex_t session_registry_lock = PTHREAD_MUTEX_INITIALIZER;

void session_conf_copy(struct session *s, struct conf *dst)
{
	pthread_mutex_lock(&session_client_lock);
	conf_copy(dst, &s->conf);
	pthread_mutex_unlock(&session_client_lock);
}

void session_settings_copy(struct session *s, struct conf *dst, int *timeout_ms, bool *verbose)
{
	pthread_mutex_lock(&session_client_lock);
	conf_copy(dst, &s->conf);
	*timeout_ms = s->timeout_ms;
	*verbose = s->verbose;
	pthread_mutex_unlock(&session_client_lock);
}

char *session_topic_decoder(struct session *s, const char *topic)
{
	pthread_mutex_lock(&session_client_lock);
	const char *d = conf_topic_decoder(&s->conf, topic);
	char *out = d ? x_strdup(d) : NULL;
	pthread_mutex_unlock(&session_client_lock);
	return out;
}

static const char *session_registry_url_of(const struct conf *c)
{
	const char *env = getenv("KCON_REGISTRY");
	return c->registry && *c->registry ? c->registry : env && *env ? env : NULL;
}

int session_use_profile(struct session *s, const char *name, struct err *e)
{
	if (s->demo)
		return err_set(e, CMD_USAGE, "start kcon with -p NAME instead of --demo",
			       "the demo cluster has no profile to switch from");
	struct conf nc = { 0 };
	char *path = conf_profile_path(), *cause = NULL;
	int rc = conf_load_profile(&nc, path, name, &cause);
	free(path);
	if (rc == 0 && !conf_has_bootstrap(&nc, &cause))
		rc = -1;
	if (rc < 0) {
		err_set(e, CMD_FAILED, "`config profiles` lists the profiles; `config show NAME` shows one", "%s",
			cause);
		free(cause);
		conf_clear(&nc);
		return CMD_FAILED;
	}
	conf_check_files(&nc);
	for (size_t i = 0; i < nc.nwarnings; i++)
		note_send(&s->note, "%s", nc.warnings[i]);
	const char *was_url = session_registry_url_of(&s->conf), *new_url = session_registry_url_of(&nc);
	bool new_registry = (was_url == NULL) != (new_url == NULL) || (was_url && strcmp(was_url, new_url) != 0);
	pthread_mutex_lock(&session_client_lock);
	if (s->threads) {
		s->retired_clients = x_reallocarray(s->retired_clients, s->nretired + 1, sizeof(*s->retired_clients));
		s->retired_confs = x_reallocarray(s->retired_confs, s->nretired + 1, sizeof(*s->retired_confs));
		s->retired_clients[s->nretired] = s->client;
		s->retired_confs[s->nretired++] = s->conf;
	} else { /* the REPL, a script: this thread is the only one that runs commands */
		client_free(&s->client);
		conf_clear(&s->conf);
	}
	s->client = NULL;
	s->conf = nc;
	s->read_only = s->read_only_cli || nc.read_only;
	pthread_mutex_unlock(&session_client_lock);
	pthread_mutex_lock(&session_registry_lock); /* the new profile's registry, if any, is made on next use */
	if (s->registry) {
		plugin_set_schema_source(NULL, NULL);
		if (s->threads) { /* a decoder on another thread may still hold it */
			s->retired_registries = x_reallocarray(s->retired_registries, s->nretired_registries + 1,
							       sizeof(*s->retired_registries));
			s->retired_registries[s->nretired_registries++] = s->registry;
		} else {
			registry_free(s->registry);
		}
		s->registry = NULL;
	}
	/*
	 * Schema ids are the registry's: the helper's copies of the schemas it was sent (and the list
	 * of those sent) belong to the old one. It starts again on the next message.
	 */
	if (new_registry)
		decodehelp_stop();
	pthread_mutex_unlock(&session_registry_lock);
	return CMD_OK;
}

bool session_has_registry(const struct session *s)
{
	pthread_mutex_lock(&session_client_lock);
	bool has = session_registry_url_of(&s->conf) != NULL;
	pthread_mutex_unlock(&session_client_lock);
	return has;
}

/* A secret: the first line of the file named by the profile, else the one read from the environment at
 * start-up (allocated). */
static char *session_registry_secret(const char *file, const char *env, char **cause)
{
	if (file) {
		char *t = file_read(file, "registry secret file", FILE_CONFIG_MAX, FILE_PIPE_OK, NULL, cause);
		if (t)
			t[strcspn(t, "\r\n")] = '\0';
		return t;
	}
	return env && *env ? x_strdup(env) : NULL;
}

static int session_schema_source(void *ud, uint32_t id, const char **type, const char **schema, char **cause)
{
	return registry_schema(ud, id, type, schema, cause);
}

int session_registry(struct session *s, struct registry **out, struct err *e)
{
	pthread_mutex_lock(&session_registry_lock);
	if (s->registry) {
		*out = s->registry;
		pthread_mutex_unlock(&session_registry_lock);
		return 0;
	}
	struct conf c; /* `profile NAME` on another thread may replace s->conf meanwhile */
	session_conf_copy(s, &c);
	const char *url = session_registry_url_of(&c);
	if (url == NULL) {
		pthread_mutex_unlock(&session_registry_lock);
		conf_clear(&c);
		return err_set(e, CMD_USAGE,
			       "give --registry URL, a profile's \"registry\" or KCON_REGISTRY (docs/plugins.md)",
			       "no Schema Registry is set");
	}
	if (!registry_available()) {
		pthread_mutex_unlock(&session_registry_lock);
		conf_clear(&c);
		return err_set(e, CMD_FAILED, "use the dynamically linked kcon, with its plugins (docs/pods.md)",
			       "this kcon was built without a Schema Registry client (the static build)");
	}
	char *cause = NULL, *pass = NULL, *token = NULL;
	pass = session_registry_secret(c.registry_password_file, s->registry_password_env, &cause);
	if (cause == NULL)
		token = session_registry_secret(c.registry_token_file, s->registry_token_env, &cause);
	if (cause) {
		pthread_mutex_unlock(&session_registry_lock);
		conf_clear(&c);
		err_set(e, CMD_USAGE, "fix the registry's secret file in the profile", "%s", cause);
		free(cause);
		free(pass);
		return e->status;
	}
	const char *user = c.registry_user ? c.registry_user : getenv("KCON_REGISTRY_USER");
	const char *ca = c.registry_ca ? c.registry_ca : getenv("KCON_REGISTRY_CA");
	char *path = NULL;
	struct store *st;
	struct err ignored = { 0 };
	if (!s->no_history && session_store(s, &st, &ignored) == 0) /* migrated: the schema table is there */
		path = session_store_path(s, &ignored);
	err_clear(&ignored);
	struct registry_opts o = { .url = url,
				   .user = user && *user ? user : NULL,
				   .password = pass,
				   .token = token,
				   .ca = ca && *ca ? ca : NULL,
				   .timeout_ms = s->timeout_ms,
				   .store_path = path };
	s->registry = registry_new(&o, &cause);
	conf_clear(&c);
	free(path);
	if (pass)
		memset(pass, 0, strlen(pass));
	if (token)
		memset(token, 0, strlen(token));
	free(pass);
	free(token);
	if (s->registry == NULL) {
		pthread_mutex_unlock(&session_registry_lock);
		/* the URL's credentials call for another hint than its form */
		bool creds = cause && strstr(cause, "user name or password");
		err_set(e, CMD_USAGE,
			creds ? "keep credentials out of the URL (docs/plugins.md)"
			      : "write the registry as http://HOST:PORT or https://HOST:PORT",
			"%s", cause);
		free(cause);
		return e->status;
	}
	plugin_set_schema_source(session_schema_source, s->registry);
	*out = s->registry;
	pthread_mutex_unlock(&session_registry_lock);
	return 0;
}

void session_clear(struct session *s)
{
	for (size_t i = 0; i < s->nretired; i++) {
		client_free(&s->retired_clients[i]);
		conf_clear(&s->retired_confs[i]);
	}
	x_free(&s->retired_clients);
	x_free(&s->retired_confs);
	s->nretired = 0;
	for (size_t i = 0; i < s->nretired_registries; i++)
		registry_free(s->retired_registries[i]);
	x_free(&s->retired_registries);
	s->nretired_registries = 0;
	if (s->registry) {
		plugin_set_schema_source(NULL, NULL);
		registry_free(s->registry);
		s->registry = NULL;
	}
	client_free(&s->client);
	session_history_flush(s);
	demo_stop(&s->demo);
	conf_clear(&s->conf);
	store_close(&s->store);
	x_free(&s->state_dir);
	x_free(&s->retention);
	if (s->registry_password_env)
		memset(s->registry_password_env, 0, strlen(s->registry_password_env));
	if (s->registry_token_env)
		memset(s->registry_token_env, 0, strlen(s->registry_token_env));
	x_free(&s->registry_password_env);
	x_free(&s->registry_token_env);
}

void session_strimzi_note(struct session *s, enum session_strimzi_kind kind, const char *name)
{
	if (!s->conf.strimzi)
		return;
	if (kind == SESSION_KAFKATOPIC)
		note_send(&s->note,
			  "strimzi: the Topic Operator reverts changes made outside a KafkaTopic: make them in the "
			  "resource (oc edit kafkatopic/%s; its name may differ from the topic's where the topic's has "
			  "characters Kubernetes refuses), or this change is undone",
			  name);
	else
		note_send(
			&s->note,
			"strimzi: the User Operator reverts changes to a KafkaUser's credentials and ACLs made outside "
			"it: make them in the resource (oc edit kafkauser/%s: spec.authentication, "
			"spec.authorization.acls), or this change is undone",
			name);
}
