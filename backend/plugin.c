#include "plugin.h"

#include <ctype.h>
#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "decodehelp.h"
#include "escape.h"
#include "xalloc.h"

static pthread_mutex_t plugin_lock = PTHREAD_MUTEX_INITIALIZER;
static void **plugin_handles;
static size_t plugin_nhandles;
static const struct kcon_decoder **plugin_decs;
static const char **plugin_dec_paths;
static char **plugin_dec_notes; /* what a fatal-signal handler says when the decoder crashes */
static size_t plugin_ndecs;
static char **plugin_errs;
static size_t plugin_nerrs;
static bool plugin_all_loaded;
static const char *plugin_loading;                    /* the path being initialised, for register_decoder */
static _Thread_local const char *plugin_running_note; /* the note of the decoder this thread runs */

static int plugin_register_decoder(const struct kcon_host *host, const struct kcon_decoder *d)
{
	(void)host;
	if (d == NULL || d->name == NULL || d->decode == NULL || *d->name == '\0')
		return -1;
	for (const char *p = d->name; *p; p++)
		if (!isalnum((unsigned char)*p) && *p != '-' && *p != '_')
			return -1;
	for (size_t i = 0; i < plugin_ndecs; i++)
		if (strcmp(plugin_decs[i]->name, d->name) == 0)
			return -1; /* the first one loaded keeps the name */
	plugin_decs = x_reallocarray(plugin_decs, plugin_ndecs + 1, sizeof(*plugin_decs));
	plugin_dec_paths = x_reallocarray(plugin_dec_paths, plugin_ndecs + 1, sizeof(*plugin_dec_paths));
	plugin_dec_notes = x_reallocarray(plugin_dec_notes, plugin_ndecs + 1, sizeof(*plugin_dec_notes));
	char *where = escape_str(plugin_loading); /* a file name may hold anything */
	plugin_dec_notes[plugin_ndecs] =
		x_asprintf("kcon: the decoder `%s` (plugin %s) crashed while decoding a message: run without "
			   "`--decode %s`, and fix or remove the plugin\n",
			   d->name, where, d->name);
	free(where);
	plugin_decs[plugin_ndecs] = d;
	plugin_dec_paths[plugin_ndecs++] = x_strdup(plugin_loading);
	return 0;
}

static void plugin_forget_from(size_t first)
{
	for (size_t i = first; i < plugin_ndecs; i++) {
		free((char *)plugin_dec_paths[i]);
		free(plugin_dec_notes[i]);
	}
	plugin_ndecs = first;
}

static plugin_schema_fn plugin_schema_source;
static void *plugin_schema_ud;

void plugin_set_schema_source(plugin_schema_fn fn, void *ud)
{
	pthread_mutex_lock(&plugin_lock);
	plugin_schema_source = fn;
	plugin_schema_ud = ud;
	pthread_mutex_unlock(&plugin_lock);
}

bool plugin_has_schema_source(void)
{
	pthread_mutex_lock(&plugin_lock);
	bool has = plugin_schema_source != NULL;
	pthread_mutex_unlock(&plugin_lock);
	return has;
}

static int plugin_schema_get(uint32_t id, const char **type, const char **schema, char **cause)
{
	pthread_mutex_lock(&plugin_lock);
	plugin_schema_fn fn = plugin_schema_source;
	void *ud = plugin_schema_ud;
	pthread_mutex_unlock(&plugin_lock);
	if (fn == NULL) {
		*cause = x_asprintf("schema id %u: no Schema Registry is set (--registry URL)", (unsigned)id);
		return -1;
	}
	return fn(ud, id, type, schema, cause);
}

static int plugin_host_schema(const struct kcon_host *host, uint32_t id, const char **type, const char **schema,
			      char *err, size_t errlen)
{
	(void)host;
	char *cause = NULL;
	if (plugin_schema_get(id, type, schema, &cause) == 0)
		return 0;
	snprintf(err, errlen, "%s", cause);
	free(cause);
	return -1;
}

static const struct kcon_host plugin_host = {
	.abi_major = KCON_PLUGIN_ABI_MAJOR,
	.abi_minor = KCON_PLUGIN_ABI_MINOR,
	.size = sizeof(struct kcon_host),
	.kcon_version = KCON_VERSION,
	.register_decoder = plugin_register_decoder,
	.schema_by_id = plugin_host_schema,
};

/*
 * Trust. dlopen() runs a plugin's constructors (and those of the libraries it needs) before kcon
 * can look at it, so whether a file may be loaded is decided before dlopen, by who can change it:
 * the file and every folder above it must belong to the user running kcon or to root, and be
 * writable by nobody else. A folder above the plugin's own may be world-writable with the sticky
 * bit (/tmp): others cannot rename what is in it.
 */

/* Why st, of the file or folder path, lets others change it (allocated), or NULL. */
static char *plugin_unsafe(const char *path, const struct stat *st, bool sticky_ok)
{
	uid_t me = geteuid();
	if (st->st_uid != me && st->st_uid != 0)
		return x_asprintf("%s belongs to uid %u, neither you (uid %u) nor root: kcon loads only what you or "
				  "root own",
				  path, (unsigned)st->st_uid, (unsigned)me);
	bool sticky = S_ISDIR(st->st_mode) && (st->st_mode & S_ISVTX);
	if (sticky && sticky_ok)
		return NULL;
	if (sticky && (st->st_mode & (S_IWGRP | S_IWOTH)))
		return x_asprintf("%s is writable by others (mode 0%o), a shared folder: keep plugins in a folder only "
				  "you can write",
				  path, (unsigned)(st->st_mode & 07777));
	if (st->st_mode & (S_IWGRP | S_IWOTH))
		return x_asprintf("%s is writable by %s (mode 0%o), so another user could put code into kcon: "
				  "`chmod go-w %s`",
				  path, st->st_mode & S_IWOTH ? "others" : "its group", (unsigned)(st->st_mode & 07777),
				  path);
	return NULL;
}

/* Why a folder of real (a canonical path) or one above it lets others change what is in it, or NULL. */
static char *plugin_unsafe_dirs(const char *real, bool is_dir)
{
	char *dir = x_strdup(real), *why = NULL;
	bool first = true;
	if (!is_dir) {
		char *slash = strrchr(dir, '/');
		slash[slash == dir] = '\0';
	}
	for (;;) {
		struct stat st;
		if (stat(dir, &st) != 0)
			why = x_asprintf("%s: %s", dir, strerror(errno));
		else
			why = plugin_unsafe(dir, &st, !first);
		char *slash = strrchr(dir, '/');
		if (why || slash == NULL || strcmp(dir, "/") == 0)
			break;
		slash[slash == dir] = '\0'; /* "/a" becomes "/" */
		first = false;
	}
	free(dir);
	return why;
}

/* Whether path may be loaded: 0 with *real (allocated, the canonical path to dlopen), or -1 with *cause. */
static int plugin_trust(const char *path, char **real, char **cause)
{
	*real = realpath(path, NULL);
	if (*real == NULL) {
		*cause = x_asprintf("plugin %s: %s", path, strerror(errno));
		return -1;
	}
	struct stat st;
	char *why = NULL;
	if (stat(*real, &st) != 0)
		why = x_asprintf("%s: %s", *real, strerror(errno));
	else if (!S_ISREG(st.st_mode))
		why = x_asprintf("%s is not a regular file", *real);
	else if ((why = plugin_unsafe(*real, &st, false)) == NULL)
		why = plugin_unsafe_dirs(*real, false);
	if (why == NULL)
		return 0;
	*cause = x_asprintf("plugin %s: refused: %s", path, why);
	free(why);
	x_free(real);
	return -1;
}

/* Called with plugin_lock held. */
static int plugin_load_locked(const char *path, char **cause)
{
	char *real;
	if (plugin_trust(path, &real, cause) < 0)
		return -1;
	void *h = dlopen(real, RTLD_NOW | RTLD_LOCAL);
	free(real);
	if (h == NULL) {
		*cause = x_asprintf("plugin %s: %s: is it a kcon plugin built for this machine?", path, dlerror());
		return -1;
	}
	const unsigned *major = dlsym(h, KCON_PLUGIN_ABI_SYMBOL);
	kcon_plugin_init_fn init = (kcon_plugin_init_fn)(uintptr_t)dlsym(h, KCON_PLUGIN_INIT_SYMBOL);
	if (major == NULL || init == NULL) {
		*cause = x_asprintf("plugin %s: no %s symbol: not a kcon plugin", path,
				    major == NULL ? KCON_PLUGIN_ABI_SYMBOL : KCON_PLUGIN_INIT_SYMBOL);
		dlclose(h);
		return -1;
	}
	if (*major != KCON_PLUGIN_ABI_MAJOR) {
		*cause = x_asprintf("plugin %s: built for plugin ABI %u, this kcon has ABI %d: rebuild it against "
				    "this kcon's kcon-plugin.h",
				    path, *major, KCON_PLUGIN_ABI_MAJOR);
		dlclose(h);
		return -1;
	}
	char err[256] = "";
	size_t before = plugin_ndecs;
	plugin_loading = path;
	int rc = init(&plugin_host, err, sizeof(err));
	plugin_loading = NULL;
	if (rc != 0) {
		*cause = x_asprintf("plugin %s: failed to start: %s", path, *err ? err : "no reason given");
		plugin_forget_from(before); /* what it registered goes with it */
		dlclose(h);
		return -1;
	}
	plugin_handles = x_reallocarray(plugin_handles, plugin_nhandles + 1, sizeof(*plugin_handles));
	plugin_handles[plugin_nhandles++] = h;
	return 0;
}

int plugin_load(const char *path, char **cause)
{
	pthread_mutex_lock(&plugin_lock);
	int rc = plugin_load_locked(path, cause);
	pthread_mutex_unlock(&plugin_lock);
	return rc;
}

static int plugin_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void plugin_error_add(char *msg)
{
	plugin_errs = x_reallocarray(plugin_errs, plugin_nerrs + 1, sizeof(*plugin_errs));
	plugin_errs[plugin_nerrs++] = msg;
}

static void plugin_load_dir(const char *dir)
{
	char *real = realpath(dir, NULL);
	if (real == NULL)
		return; /* a place that does not exist offers nothing */
	char *why = plugin_unsafe_dirs(real, true);
	free(real);
	if (why) { /* one message for the folder, and nothing in it runs */
		plugin_error_add(x_asprintf("plugin folder %s: refused: %s", dir, why));
		free(why);
		return;
	}
	DIR *d = opendir(dir);
	if (d == NULL)
		return;
	char **names = NULL;
	size_t n = 0;
	struct dirent *de;
	while ((de = readdir(d)) != NULL) {
		size_t len = strlen(de->d_name);
		if (len > 3 && strcmp(de->d_name + len - 3, ".so") == 0) {
			names = x_reallocarray(names, n + 1, sizeof(*names));
			names[n++] = x_asprintf("%s/%s", dir, de->d_name);
		}
	}
	closedir(d);
	if (n > 1)
		qsort(names, n, sizeof(*names), plugin_cmp); /* a stable order decides name clashes */
	for (size_t i = 0; i < n; i++) {
		char *cause = NULL;
		if (plugin_load_locked(names[i], &cause) < 0)
			plugin_error_add(cause);
		free(names[i]);
	}
	free(names);
}

#ifdef KCON_BUILTIN_HEXDUMP /* make static: plugins/decode_hexdump.c compiled in */
int kcon_builtin_hexdump_init(const struct kcon_host *host, char *err, size_t errlen);
#endif
#ifdef KCON_BUILTIN_DECODERS /* make static: json, json-schema and protobuf compiled in (not avro: docs/pods.md) */
int kcon_builtin_json_init(const struct kcon_host *host, char *err, size_t errlen);
int kcon_builtin_protobuf_init(const struct kcon_host *host, char *err, size_t errlen);
#endif

/* The decoders compiled into kcon (the static build's): registered first, as from the plugin PLUGIN_BUILTIN. */
static const kcon_plugin_init_fn plugin_builtins[] = {
#ifdef KCON_BUILTIN_HEXDUMP
	kcon_builtin_hexdump_init,
#endif
#ifdef KCON_BUILTIN_DECODERS
	kcon_builtin_json_init,
	kcon_builtin_protobuf_init,
#endif
	NULL,
};

static void plugin_load_builtins(void)
{
	for (size_t i = 0; plugin_builtins[i]; i++) {
		char err[256] = "";
		size_t before = plugin_ndecs;
		plugin_loading = PLUGIN_BUILTIN;
		if (plugin_builtins[i](&plugin_host, err, sizeof(err)) != 0) {
			plugin_forget_from(before);
			plugin_error_add(x_asprintf("built-in decoder: failed to start: %s", *err ? err : "no reason"));
		}
		plugin_loading = NULL;
	}
}

void plugin_load_all(void)
{
	pthread_mutex_lock(&plugin_lock);
	if (plugin_all_loaded) {
		pthread_mutex_unlock(&plugin_lock);
		return;
	}
	plugin_all_loaded = true;
	plugin_load_builtins();
	const char *env = getenv("KCON_PLUGIN_PATH");
	if (env) {
		char *copy = x_strdup(env), *save = NULL;
		for (char *dir = strtok_r(copy, ":", &save); dir; dir = strtok_r(NULL, ":", &save))
			plugin_load_dir(dir);
		free(copy);
	} else {
		const char *xdg = getenv("XDG_DATA_HOME"), *home = getenv("HOME");
		char *user =
			xdg && *xdg ? x_asprintf("%s/kcon/plugins", xdg)
				    : x_asprintf("%s/.local/share/kcon/plugins", home && *home ? home : "/nonexistent");
		plugin_load_dir(user);
		free(user);
		plugin_load_dir(KCON_PLUGINDIR);
	}
	pthread_mutex_unlock(&plugin_lock);
}

const char *const *plugin_errors(size_t *n)
{
	*n = plugin_nerrs;
	return (const char *const *)plugin_errs;
}

const struct kcon_decoder *plugin_decoder_find(const char *name)
{
	const struct kcon_decoder *d = NULL;
	pthread_mutex_lock(&plugin_lock);
	for (size_t i = 0; i < plugin_ndecs && d == NULL; i++)
		if (strcmp(plugin_decs[i]->name, name) == 0)
			d = plugin_decs[i];
	pthread_mutex_unlock(&plugin_lock);
	return d;
}

const struct kcon_decoder *plugin_decoder_load(const char *name, char **cause)
{
	plugin_load_all();
	const struct kcon_decoder *d = plugin_decoder_find(name);
	if (d)
		return d;
	pthread_mutex_lock(&plugin_lock);
	if (plugin_nerrs == 0)
		*cause = x_asprintf("no decoder called `%s`", name);
	else /* it may be in a plugin that was refused: say so here, not only in `plugins` */
		*cause = x_asprintf("no decoder called `%s`; %zu plugin%s or folder%s refused or failed to load, "
				    "the first: %s",
				    name, plugin_nerrs, plugin_nerrs == 1 ? "" : "s", plugin_nerrs == 1 ? "" : "s",
				    plugin_errs[0]);
	pthread_mutex_unlock(&plugin_lock);
	return NULL;
}

static void plugin_out_write(struct kcon_plugin_out *out, const void *buf, size_t len)
{
	sbuf_addn(out->opaque, buf, len);
}

/* d on buf, here in this process; NOT_MINE for an unknown answer. */
static int plugin_decode_here(const struct kcon_decoder *d, const void *buf, size_t len, struct sbuf *out)
{
	struct kcon_plugin_out o = { .write = plugin_out_write, .opaque = out };
	sbuf_reset(out);
	const char *note = NULL;
	pthread_mutex_lock(&plugin_lock);
	for (size_t i = 0; i < plugin_ndecs && note == NULL; i++)
		if (plugin_decs[i] == d)
			note = plugin_dec_notes[i];
	pthread_mutex_unlock(&plugin_lock);
	plugin_running_note = note; /* for a fatal-signal handler, should the decoder crash */
	int rc = d->decode(d->state, buf, len, &o);
	plugin_running_note = NULL;
	return rc == KCON_DECODE_TEXT || rc == KCON_DECODE_JSON || rc == KCON_DECODE_ERROR ? rc : KCON_DECODE_NOT_MINE;
}

/* The wire format's schema id of buf, or -1. */
static int64_t plugin_wire_id(const void *buf, size_t len)
{
	const unsigned char *p = buf;
	if (buf == NULL || len < 5 || p[0] != 0)
		return -1;
	return (int64_t)((uint32_t)p[1] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 8 | p[4]);
}

/* What one value needs on its way to the decoder: which, and the schema that goes with it. */
struct plugin_step {
	const struct kcon_decoder *d; /* NULL: answered already */
	const char *type, *schema;    /* schema id's, or NULL; type "" and schema why, when kcon could not get it */
	char *cause;                  /* owns that why */
	int64_t id;                   /* the schema's id, or -1 */
};

/* Chooses v's decoder (d, or auto's by the wire format) and its schema; answers v at once when it cannot be decoded. */
static void plugin_prepare(const struct kcon_decoder *d, struct plugin_value *v, struct plugin_step *step, bool helper,
			   bool has_source)
{
	*step = (struct plugin_step){ .id = -1 };
	v->chose = (struct plugin_auto){ .decoder = d ? d->name : NULL, .schema_id = -1 };
	sbuf_reset(&v->out);
	int64_t id = plugin_wire_id(v->buf, v->len);
	if (d) {
		step->d = d;
		/* The helper has no registry: the record's own schema goes with it, or why there is none
		 * (an empty type), for the decoder to say should it ask. */
		if (!helper || id < 0 || !has_source)
			return;
		step->id = id; /* chose.schema_id stays -1: the caller named the decoder */
		if (plugin_schema_get((uint32_t)id, &step->type, &step->schema, &step->cause) < 0)
			step->type = "", step->schema = step->cause;
		return;
	}
	v->rc = KCON_DECODE_NOT_MINE;
	if (id < 0 || !has_source)
		return;
	v->chose.schema_id = step->id = id;
	v->rc = KCON_DECODE_ERROR;
	char *cause = NULL;
	if (plugin_schema_get((uint32_t)id, &step->type, &step->schema, &cause) < 0) {
		sbuf_add(&v->out, cause);
		free(cause);
		return;
	}
	const char *name = strcmp(step->type, "AVRO") == 0       ? "avro"
			   : strcmp(step->type, "PROTOBUF") == 0 ? "protobuf"
								 : "json-schema";
	plugin_load_all();
	step->d = plugin_decoder_find(name);
	if (step->d == NULL)
		sbuf_addf(&v->out, "schema id %u is %s, and no decoder `%s` is loaded (`plugins` lists them)",
			  (unsigned)id, step->type, name);
	else
		v->chose.decoder = step->d->name;
}

/* v is not decoded: the caller stopped. */
static void plugin_stopped(struct plugin_value *v, const struct kcon_decoder *d, struct plugin_step *step)
{
	*step = (struct plugin_step){ .id = -1 };
	v->chose = (struct plugin_auto){ .decoder = d ? d->name : NULL, .schema_id = -1 };
	sbuf_reset(&v->out);
	sbuf_add(&v->out, "stopped before it was decoded");
	v->rc = KCON_DECODE_ERROR;
}

void plugin_decode_many(const struct kcon_decoder *d, struct plugin_value *values, size_t n, const atomic_bool *stop)
{
	bool helper = decodehelp_enabled(), has_source = plugin_has_schema_source();
	struct plugin_step *steps = x_calloc(n + 1, sizeof(*steps));
	struct decodehelp_item *items = helper ? x_calloc(n + 1, sizeof(*items)) : NULL;
	size_t nitems = 0;
	for (size_t i = 0; i < n; i++) {
		struct plugin_value *v = &values[i];
		if (stop && atomic_load(stop)) { /* between values: a new schema id may cost a registry request */
			plugin_stopped(v, d, &steps[i]);
			continue;
		}
		plugin_prepare(d, v, &steps[i], helper, has_source);
		if (steps[i].d == NULL)
			continue;
		if (!helper) {
			v->rc = plugin_decode_here(steps[i].d, v->buf, v->len, &v->out);
			continue;
		}
		items[nitems++] = (struct decodehelp_item){ .name = steps[i].d->name,
							    .schema_id = steps[i].id,
							    .type = steps[i].type,
							    .schema = steps[i].schema,
							    .buf = v->buf,
							    .len = v->len,
							    .out = &v->out };
	}
	if (nitems)
		decodehelp_decode_many(items, nitems, stop);
	for (size_t i = 0, k = 0; i < n; i++) {
		struct plugin_value *v = &values[i];
		if (steps[i].d && helper) {
			int rc = items[k++].rc;
			v->rc = rc == KCON_DECODE_TEXT || rc == KCON_DECODE_JSON || rc == KCON_DECODE_ERROR
					? rc
					: KCON_DECODE_NOT_MINE;
		}
		if (d == NULL && steps[i].d && v->rc == KCON_DECODE_NOT_MINE) { /* auto chose it: it must take it */
			sbuf_reset(&v->out);
			sbuf_addf(&v->out, "the decoder `%s` did not take it", steps[i].d->name);
			v->rc = KCON_DECODE_ERROR;
		}
		free(steps[i].cause);
	}
	free(items);
	free(steps);
}

int plugin_decode(const struct kcon_decoder *d, const void *buf, size_t len, struct sbuf *out)
{
	struct plugin_value v = { .buf = buf, .len = len, .out = *out };
	plugin_decode_many(d, &v, 1, NULL);
	*out = v.out;
	return v.rc;
}

int plugin_decode_auto(const void *buf, size_t len, struct sbuf *out, struct plugin_auto *chose)
{
	struct plugin_value v = { .buf = buf, .len = len, .out = *out };
	plugin_decode_many(NULL, &v, 1, NULL);
	*out = v.out;
	*chose = v.chose;
	return v.rc;
}

const char *plugin_running(void)
{
	return plugin_running_note;
}

size_t plugin_decoders(const struct kcon_decoder *const **decoders, const char *const **paths)
{
	*decoders = plugin_decs;
	*paths = plugin_dec_paths;
	return plugin_ndecs;
}

void plugin_unload_all(void)
{
	pthread_mutex_lock(&plugin_lock);
	for (size_t i = 0; i < plugin_nhandles; i++)
		dlclose(plugin_handles[i]);
	plugin_forget_from(0);
	for (size_t i = 0; i < plugin_nerrs; i++)
		free(plugin_errs[i]);
	x_free(&plugin_handles);
	x_free(&plugin_decs);
	x_free(&plugin_dec_paths);
	x_free(&plugin_dec_notes);
	x_free(&plugin_errs);
	plugin_nhandles = plugin_ndecs = plugin_nerrs = 0;
	plugin_all_loaded = false;
	pthread_mutex_unlock(&plugin_lock);
}
