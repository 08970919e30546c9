#include "registry.h"

#include <pthread.h>
#include <stdatomic.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#ifndef KCON_NO_REGISTRY
#include <curl/curl.h>

#include "dynlib.h"
#endif

#include "sbuf.h"
#include "xalloc.h"

#define REGISTRY_BODY_MAX (16u << 20) /* an answer larger than this is refused */

struct registry_entry {
	uint32_t id;
	char *type, *schema; /* NULL: a failure, with cause */
	char *cause;
	int64_t retry_ms; /* a failure: when to ask again (INT64_MAX: never, a 404) */
};

struct registry {
	char *url, *user, *password, *token, *ca;
	int timeout_ms;
	pthread_mutex_t lock;
	struct registry_entry *cache;
	size_t ncache;
	sqlite3 *db; /* the store's schema table, or NULL */
	atomic_ulong requests;
};

static _Thread_local const atomic_bool *registry_stop; /* registry_thread_stop_on() */

void registry_thread_stop_on(const atomic_bool *stop)
{
	registry_stop = stop;
}

static bool registry_stopped(void)
{
	return registry_stop && atomic_load(registry_stop);
}

/* Takes r's lock; -1 (not taken) when this thread was stopped meanwhile. */
static int registry_lock(struct registry *r)
{
	if (registry_stop == NULL) {
		pthread_mutex_lock(&r->lock);
		return 0;
	}
	for (;;) { /* another thread's request may hold it up to --timeout */
		if (registry_stopped())
			return -1;
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_nsec += 100 * 1000000L;
		if (ts.tv_nsec >= 1000000000L)
			ts.tv_sec++, ts.tv_nsec -= 1000000000L;
		if (pthread_mutex_timedlock(&r->lock, &ts) == 0)
			return 0;
	}
}

static int64_t registry_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

bool registry_available(void)
{
#ifdef KCON_NO_REGISTRY
	return false;
#else
	return true;
#endif
}

bool registry_url_has_userinfo(const char *url, char **cause)
{
	const char *scheme = url ? strstr(url, "://") : NULL;
	const char *host = scheme ? scheme + 3 : url ? url : "";
	if (memchr(host, '@', strcspn(host, "/?#")) == NULL)
		return false;
	/* never echoed: it may hold a password */
	*cause = x_strdup("the registry URL holds a user name or password (user:password@host): give the host "
			  "alone, and the credentials as the profile's registry_user and registry_password_file, or "
			  "KCON_REGISTRY_USER and KCON_REGISTRY_PASSWORD");
	return true;
}

int registry_url_check(const char *url, char **cause)
{
	if (registry_url_has_userinfo(url, cause))
		return -1;
	if (url == NULL || (strncmp(url, "http://", 7) != 0 && strncmp(url, "https://", 8) != 0)) {
		*cause = x_asprintf("registry URL `%s` is not http:// or https://", url ? url : "");
		return -1;
	}
	return 0;
}

struct registry *registry_new(const struct registry_opts *o, char **cause)
{
	if (registry_url_check(o->url, cause) < 0)
		return NULL;
	struct registry *r = x_calloc(1, sizeof(*r));
	r->url = x_strdup(o->url);
	size_t n = strlen(r->url);
	while (n > 0 && r->url[n - 1] == '/')
		r->url[--n] = '\0';
	r->user = o->user ? x_strdup(o->user) : NULL;
	r->password = o->password ? x_strdup(o->password) : NULL;
	r->token = o->token ? x_strdup(o->token) : NULL;
	r->ca = o->ca ? x_strdup(o->ca) : NULL;
	r->timeout_ms = o->timeout_ms > 0 ? o->timeout_ms : 10000;
	pthread_mutex_init(&r->lock, NULL);
	if (o->store_path) {
		sqlite3 *db = NULL;
		if (sqlite3_open_v2(o->store_path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_FULLMUTEX, NULL) ==
			    SQLITE_OK &&
		    sqlite3_busy_timeout(db, 2000) == SQLITE_OK &&
		    sqlite3_exec(db, "SELECT 1 FROM schema LIMIT 0", NULL, NULL, NULL) == SQLITE_OK)
			r->db = db; /* the table exists: the store was migrated (store_open) */
		else
			sqlite3_close(db);
	}
	return r;
}

static void registry_secret_free(char *s)
{
	if (s) {
		memset(s, 0, strlen(s));
		free(s);
	}
}

void registry_free(struct registry *r)
{
	if (r == NULL)
		return;
	for (size_t i = 0; i < r->ncache; i++) {
		free(r->cache[i].type);
		free(r->cache[i].schema);
		free(r->cache[i].cause);
	}
	free(r->cache);
	if (r->db)
		sqlite3_close(r->db);
	pthread_mutex_destroy(&r->lock);
	free(r->url);
	free(r->user);
	registry_secret_free(r->password);
	registry_secret_free(r->token);
	free(r->ca);
	free(r);
}

const char *registry_url(const struct registry *r)
{
	return r->url;
}

unsigned long registry_requests(struct registry *r)
{
	return atomic_load(&r->requests);
}

/* --- answers ------------------------------------------------------------------------------- */

char *registry_http_cause(long status, const char *body, size_t len)
{
	json_t *j = body ? json_loadb(body, len, 0, NULL) : NULL;
	const char *msg = json_string_value(json_object_get(j, "message"));
	json_int_t code = json_integer_value(json_object_get(j, "error_code"));
	const char *what = status == 401   ? "not authorised: check the registry user and password or token"
			   : status == 403 ? "forbidden: the registry user may not read this"
			   : status == 404 ? "not found"
					   : "the registry failed";
	/* the registry's words go raw: the sink escapes them, once */
	char *cause = msg ? x_asprintf("HTTP %ld, %s (registry error %lld: %s)", status, what, (long long)code, msg)
			  : x_asprintf("HTTP %ld, %s", status, what);
	json_decref(j);
	return cause;
}

int registry_parse_schema(const char *body, size_t len, char **type, char **schema, char **cause)
{
	json_error_t jerr;
	json_t *j = json_loadb(body, len, 0, &jerr);
	if (j == NULL) {
		*cause = x_asprintf("the answer is not JSON (%s at byte %d)", jerr.text, jerr.position);
		return -1;
	}
	const char *s = json_string_value(json_object_get(j, "schema"));
	json_t *t = json_object_get(j, "schemaType");
	int rc = -1;
	if (s == NULL)
		*cause = x_strdup("the answer has no \"schema\" string");
	else if (t && !json_is_string(t))
		*cause = x_strdup("the answer's \"schemaType\" is not a string");
	else {
		const char *ts = t ? json_string_value(t) : "AVRO";
		if (strcmp(ts, "AVRO") != 0 && strcmp(ts, "JSON") != 0 && strcmp(ts, "PROTOBUF") != 0) {
			*cause = x_asprintf("unknown schemaType `%s` (kcon knows AVRO, JSON and PROTOBUF)", ts);
		} else {
			*type = x_strdup(ts);
			*schema = x_strdup(s);
			rc = 0;
		}
	}
	json_decref(j);
	return rc;
}

/* --- HTTP ---------------------------------------------------------------------------------- */

#ifndef KCON_NO_REGISTRY
/* libcurl, opened on the first request (backend/dynlib.h): most commands never make one. */
static struct {
	CURLcode (*global_init)(long flags);
	CURL *(*easy_init)(void);
	CURLcode (*easy_setopt)(CURL *c, CURLoption opt, ...);
	CURLcode (*easy_perform)(CURL *c);
	CURLcode (*easy_getinfo)(CURL *c, CURLINFO info, ...);
	const char *(*easy_strerror)(CURLcode rc);
	void (*easy_cleanup)(CURL *c);
	struct curl_slist *(*slist_append)(struct curl_slist *l, const char *s);
	void (*slist_free_all)(struct curl_slist *l);
} curl;
static char *registry_curl_cause; /* why libcurl could not be loaded, or NULL */
static pthread_once_t registry_curl_once = PTHREAD_ONCE_INIT;

static void registry_curl_init(void)
{
	const struct dynlib_sym syms[] = {
		{ "curl_global_init", (void **)&curl.global_init },
		{ "curl_easy_init", (void **)&curl.easy_init },
		{ "curl_easy_setopt", (void **)&curl.easy_setopt },
		{ "curl_easy_perform", (void **)&curl.easy_perform },
		{ "curl_easy_getinfo", (void **)&curl.easy_getinfo },
		{ "curl_easy_strerror", (void **)&curl.easy_strerror },
		{ "curl_easy_cleanup", (void **)&curl.easy_cleanup },
		{ "curl_slist_append", (void **)&curl.slist_append },
		{ "curl_slist_free_all", (void **)&curl.slist_free_all },
	};
	if (dynlib_load(KCON_CURL_SONAME, KCON_CURL_PACKAGE, "the Schema Registry client", syms,
			sizeof(syms) / sizeof(syms[0]), &registry_curl_cause) < 0)
		return;
	CURLcode rc = curl.global_init(CURL_GLOBAL_DEFAULT);
	if (rc != CURLE_OK)
		registry_curl_cause = x_asprintf("the Schema Registry client cannot start libcurl (%s): check that "
						 "%s and its TLS library are installed and whole",
						 curl.easy_strerror(rc), KCON_CURL_PACKAGE);
}

/* libcurl asks this about once a second at least, while connecting too: nonzero aborts the transfer. */
static int registry_progress(void *ud, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal, curl_off_t ulnow)
{
	(void)ud, (void)dltotal, (void)dlnow, (void)ultotal, (void)ulnow;
	return registry_stopped();
}

static size_t registry_write(char *ptr, size_t size, size_t nmemb, void *ud)
{
	struct sbuf *sb = ud;
	if (sb->len + nmemb > REGISTRY_BODY_MAX)
		return 0; /* aborts the transfer */
	sbuf_addn(sb, ptr, size * nmemb);
	return size * nmemb;
}
#endif

/*
 * GET (body NULL) or POST (body: JSON) url + path; 0 with the answer's status and body, or -1 with
 * *cause (a transport failure), or -2 with *cause when this thread was stopped (registry_thread_stop_on()).
 */
static int registry_http(struct registry *r, const char *path, const char *post, long *status, struct sbuf *out,
			 char **cause)
{
	atomic_fetch_add(&r->requests, 1);
#ifdef KCON_NO_REGISTRY
	(void)path, (void)post, (void)status, (void)out;
	*cause = x_strdup("this kcon was built without a Schema Registry client (the static build: docs/pods.md)");
	return -1;
#else
	pthread_once(&registry_curl_once, registry_curl_init);
	if (registry_curl_cause) {
		*cause = x_strdup(registry_curl_cause);
		return -1;
	}
	CURL *c = curl.easy_init();
	if (c == NULL) {
		*cause = x_strdup("cannot start an HTTP request (libcurl)");
		return -1;
	}
	/* The one option an older libcurl (before 7.85) refuses: then no request is made at all. */
	CURLcode optrc = curl.easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	if (optrc != CURLE_OK) {
		*cause = x_asprintf("cannot limit the registry's requests to http and https (%s): install %s "
				    "7.85 or newer",
				    curl.easy_strerror(optrc), KCON_CURL_PACKAGE);
		curl.easy_cleanup(c);
		return -1;
	}
	char *url = x_asprintf("%s%s", r->url, path);
	char errbuf[CURL_ERROR_SIZE] = "";
	struct curl_slist *hdrs = curl.slist_append(NULL, "Accept: application/vnd.schemaregistry.v1+json, "
							  "application/json");
	char *bearer = NULL;
	if (r->token) {
		bearer = x_asprintf("Authorization: Bearer %s", r->token);
		hdrs = curl.slist_append(hdrs, bearer);
	}
	if (post)
		hdrs = curl.slist_append(hdrs, "Content-Type: application/vnd.schemaregistry.v1+json");
	curl.easy_setopt(c, CURLOPT_URL, url);
	curl.easy_setopt(c, CURLOPT_HTTPHEADER, hdrs);
	curl.easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
	curl.easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl.easy_setopt(c, CURLOPT_TIMEOUT_MS, (long)r->timeout_ms);
	curl.easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, (long)r->timeout_ms);
	curl.easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
	curl.easy_setopt(c, CURLOPT_WRITEFUNCTION, registry_write);
	curl.easy_setopt(c, CURLOPT_WRITEDATA, out);
	if (r->user) {
		curl.easy_setopt(c, CURLOPT_HTTPAUTH, CURLAUTH_BASIC);
		curl.easy_setopt(c, CURLOPT_USERNAME, r->user);
		curl.easy_setopt(c, CURLOPT_PASSWORD, r->password ? r->password : "");
	}
	if (r->ca)
		curl.easy_setopt(c, CURLOPT_CAINFO, r->ca);
	if (post)
		curl.easy_setopt(c, CURLOPT_POSTFIELDS, post);
	if (registry_stop) {
		curl.easy_setopt(c, CURLOPT_XFERINFOFUNCTION, registry_progress);
		curl.easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
	}
	CURLcode rc = curl.easy_perform(c);
	if (rc == CURLE_OK)
		curl.easy_getinfo(c, CURLINFO_RESPONSE_CODE, status);
	else if (rc == CURLE_OPERATION_TIMEDOUT)
		*cause = x_asprintf("no answer within %d ms (--timeout)", r->timeout_ms);
	else if (rc == CURLE_ABORTED_BY_CALLBACK)
		*cause = x_strdup("stopped before the registry answered");
	else if (rc == CURLE_WRITE_ERROR)
		*cause = x_asprintf("the answer is larger than %u MiB", REGISTRY_BODY_MAX >> 20);
	else
		*cause = x_asprintf("%s", *errbuf ? errbuf : curl.easy_strerror(rc));
	curl.slist_free_all(hdrs);
	if (bearer) {
		memset(bearer, 0, strlen(bearer));
		free(bearer);
	}
	free(url);
	curl.easy_cleanup(c);
	return rc == CURLE_OK ? 0 : rc == CURLE_ABORTED_BY_CALLBACK ? -2 : -1;
#endif
}

/* GET path as JSON: the value, or NULL with *cause naming what and the URL. */
static json_t *registry_get_json(struct registry *r, const char *path, const char *what, char **cause)
{
	struct sbuf body = SBUF_INIT;
	long status = 0;
	char *why = NULL;
	json_t *j = NULL;
	if (registry_http(r, path, NULL, &status, &body, &why) == 0) {
		if (status != 200) {
			why = registry_http_cause(status, body.buf, body.len);
		} else {
			json_error_t jerr;
			j = json_loadb(body.buf ? body.buf : "", body.len, 0, &jerr);
			if (j == NULL)
				why = x_asprintf("the answer is not JSON (%s at byte %d)", jerr.text, jerr.position);
		}
	}
	if (j == NULL) {
		*cause = x_asprintf("schema registry %s%s: %s: %s", r->url, path, what, why);
	}
	free(why);
	sbuf_free(&body);
	return j;
}

/* --- schemas by id ------------------------------------------------------------------------- */

static struct registry_entry *registry_find(struct registry *r, uint32_t id)
{
	for (size_t i = 0; i < r->ncache; i++)
		if (r->cache[i].id == id)
			return &r->cache[i];
	return NULL;
}

static struct registry_entry *registry_add(struct registry *r, uint32_t id)
{
	struct registry_entry *e = registry_find(r, id);
	if (e == NULL) {
		r->cache = x_reallocarray(r->cache, r->ncache + 1, sizeof(*r->cache));
		e = &r->cache[r->ncache++];
		memset(e, 0, sizeof(*e));
		e->id = id;
	}
	return e;
}

/* From the store's schema table: 0 with type and schema (allocated), or -1. */
static int registry_db_get(struct registry *r, uint32_t id, char **type, char **schema)
{
	sqlite3_stmt *st;
	int rc = -1;
	if (r->db == NULL ||
	    sqlite3_prepare_v2(r->db, "SELECT type, schema FROM schema WHERE registry = ?1 AND id = ?2", -1, &st,
			       NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_text(st, 1, r->url, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, id);
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0) && sqlite3_column_text(st, 1)) {
		*type = x_strdup((const char *)sqlite3_column_text(st, 0));
		*schema = x_strdup((const char *)sqlite3_column_text(st, 1));
		rc = 0;
	}
	sqlite3_finalize(st);
	return rc;
}

static void registry_db_put(struct registry *r, uint32_t id, const char *type, const char *schema)
{
	sqlite3_stmt *st;
	if (r->db == NULL || sqlite3_prepare_v2(r->db,
						"INSERT OR REPLACE INTO schema(registry, id, type, schema, fetched_ms) "
						"VALUES (?1, ?2, ?3, ?4, ?5)",
						-1, &st, NULL) != SQLITE_OK)
		return;
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	sqlite3_bind_text(st, 1, r->url, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, id);
	sqlite3_bind_text(st, 3, type, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, schema, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 5, (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000);
	sqlite3_step(st); /* a busy or full store only costs a request next time */
	sqlite3_finalize(st);
}

int registry_schema(struct registry *r, uint32_t id, const char **type, const char **schema, char **cause)
{
	/* held across the request: one request per id, however many ask */
	if (registry_lock(r) < 0) {
		*cause = x_asprintf("schema id %u: stopped before the registry answered", (unsigned)id);
		return -1;
	}
	struct registry_entry *e = registry_find(r, id);
	if (e && e->schema) {
		*type = e->type, *schema = e->schema;
		pthread_mutex_unlock(&r->lock);
		return 0;
	}
	if (e && e->cause && registry_now_ms() < e->retry_ms) {
		*cause = x_strdup(e->cause);
		pthread_mutex_unlock(&r->lock);
		return -1;
	}
	char *t = NULL, *s = NULL, *why = NULL;
	long status = 0;
	if (registry_db_get(r, id, &t, &s) != 0) {
		char path[40];
		snprintf(path, sizeof(path), "/schemas/ids/%u", (unsigned)id);
		struct sbuf body = SBUF_INIT;
		int rc = registry_stopped() ? -2 : registry_http(r, path, NULL, &status, &body, &why);
		if (rc == -2) { /* not the id's failure: asked again next time */
			sbuf_free(&body);
			pthread_mutex_unlock(&r->lock);
			*cause = x_asprintf("schema id %u: stopped before the registry answered", (unsigned)id);
			free(why);
			return -1;
		}
		if (rc == 0 && status != 200)
			why = registry_http_cause(status, body.buf, body.len);
		else if (rc == 0 && registry_parse_schema(body.buf ? body.buf : "", body.len, &t, &s, &why) == 0)
			registry_db_put(r, id, t, s);
		sbuf_free(&body);
	}
	e = registry_add(r, id);
	int rc = 0;
	if (why == NULL) {
		free(e->type), free(e->schema), free(e->cause);
		e->type = t, e->schema = s, e->cause = NULL;
		*type = e->type, *schema = e->schema;
	} else {
		free(e->cause);
		e->cause =
			x_asprintf("schema id %u from %s/schemas/ids/%u: %s", (unsigned)id, r->url, (unsigned)id, why);
		e->retry_ms = status == 404 ? INT64_MAX : registry_now_ms() + REGISTRY_RETRY_MS;
		*cause = x_strdup(e->cause);
		free(why);
		rc = -1;
	}
	pthread_mutex_unlock(&r->lock);
	return rc;
}

/* --- subjects ------------------------------------------------------------------------------ */

static char *registry_escape_path(const char *s)
{
	struct sbuf sb = SBUF_INIT;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
		    strchr("-._~", *p))
			sbuf_addc(&sb, (char)*p);
		else
			sbuf_addf(&sb, "%%%02X", *p);
	}
	return sbuf_release(&sb);
}

json_t *registry_subjects(struct registry *r, char **cause)
{
	json_t *j = registry_get_json(r, "/subjects", "listing the subjects", cause);
	if (j && !json_is_array(j)) {
		json_decref(j);
		*cause = x_asprintf("schema registry %s/subjects: the answer is not a JSON array", r->url);
		return NULL;
	}
	return j;
}

json_t *registry_versions(struct registry *r, const char *subject, char **cause)
{
	char *s = registry_escape_path(subject);
	char *path = x_asprintf("/subjects/%s/versions", s);
	char *what = x_asprintf("the versions of subject %s", subject);
	json_t *j = registry_get_json(r, path, what, cause);
	if (j && !json_is_array(j)) {
		json_decref(j);
		*cause = x_asprintf("schema registry %s%s: the answer is not a JSON array", r->url, path);
		j = NULL;
	}
	free(what);
	free(path);
	free(s);
	return j;
}

json_t *registry_version(struct registry *r, const char *subject, const char *version, char **cause)
{
	char *s = registry_escape_path(subject), *v = registry_escape_path(version);
	char *path = x_asprintf("/subjects/%s/versions/%s", s, v);
	char *what = x_asprintf("version %s of subject %s", version, subject);
	json_t *j = registry_get_json(r, path, what, cause);
	if (j && (!json_is_object(j) || !json_is_string(json_object_get(j, "schema")))) {
		json_decref(j);
		*cause = x_asprintf("schema registry %s%s: the answer has no \"schema\" string", r->url, path);
		j = NULL;
	}
	if (j && json_object_get(j, "schemaType") == NULL)
		json_object_set_new(j, "schemaType", json_string("AVRO"));
	free(what);
	free(path);
	free(s);
	free(v);
	return j;
}
