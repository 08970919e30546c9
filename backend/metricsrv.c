#include "metricsrv.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

int metricsrv_parse_addr(const char *spec, struct sockaddr_storage *sa, socklen_t *len, char **cause)
{
	memset(sa, 0, sizeof(*sa));
	const char *colon = strrchr(spec, ':'), *port_s = colon ? colon + 1 : spec;
	char *host = colon ? x_strndup(spec, (size_t)(colon - spec)) : x_strdup("");
	char *end;
	errno = 0;
	long port = strtol(port_s, &end, 10);
	int rc = -1;
	if (*port_s == '\0' || *end || errno || port < 0 || port > 65535) {
		*cause = x_asprintf("`%s`: give PORT, HOST:PORT or [IPV6]:PORT with PORT 0-65535", spec);
		goto out;
	}
	size_t hl = strlen(host);
	struct sockaddr_in *v4 = (struct sockaddr_in *)sa;
	struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)sa;
	if (hl == 0 || strcmp(host, "localhost") == 0) {
		v4->sin_family = AF_INET;
		v4->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	} else if (host[0] == '[' && hl > 2 && host[hl - 1] == ']') {
		host[hl - 1] = '\0';
		if (inet_pton(AF_INET6, host + 1, &v6->sin6_addr) != 1) {
			*cause = x_asprintf("`%s`: `%s` is not an IPv6 address", spec, host + 1);
			goto out;
		}
		v6->sin6_family = AF_INET6;
	} else if (inet_pton(AF_INET, host, &v4->sin_addr) == 1) {
		v4->sin_family = AF_INET;
	} else {
		*cause =
			x_asprintf("`%s`: `%s` is not an IP address (give 127.0.0.1, 0.0.0.0, [::1], ...)", spec, host);
		goto out;
	}
	if (sa->ss_family == AF_INET) {
		v4->sin_port = htons((uint16_t)port);
		*len = sizeof(*v4);
	} else {
		v6->sin6_port = htons((uint16_t)port);
		*len = sizeof(*v6);
	}
	rc = 0;
out:
	free(host);
	return rc;
}

int metricsrv_parse_users(const char *text, char ***users, int *n, char **cause)
{
	*users = NULL;
	*n = 0;
	int lineno = 0;
	for (const char *l = text; *l;) {
		const char *nl = strchr(l, '\n');
		size_t len = nl ? (size_t)(nl - l) : strlen(l);
		lineno++;
		while (len && (l[len - 1] == '\r' || l[len - 1] == ' ' || l[len - 1] == '\t'))
			len--;
		const char *colon = memchr(l, ':', len);
		if (len && l[0] != '#') {
			if (colon == NULL || colon == l || colon == l + len - 1) {
				*cause = x_asprintf("line %d is not user:password", lineno);
				for (int i = 0; i < *n; i++)
					free((*users)[i]);
				x_free(users);
				*n = 0;
				return -1;
			}
			*users = x_reallocarray(*users, (size_t)*n + 1, sizeof(char *));
			(*users)[(*n)++] = x_strndup(l, len);
		}
		l += len;
		while (*l && *l != '\n')
			l++;
		if (*l == '\n')
			l++;
	}
	if (*n == 0) {
		*cause = x_strdup("no user:password line");
		return -1;
	}
	return 0;
}

#ifdef KCON_METRICS

#include <microhttpd.h>
#include <pthread.h>
#include <stdio.h>

#include "dynlib.h"

/* libmicrohttpd, opened when a server starts (backend/dynlib.h): most commands never start one. */
static struct {
	char *(*basic_auth_get_username_password)(struct MHD_Connection *conn, char **password);
	void (*free)(void *ptr);
	struct MHD_Response *(*create_response_from_buffer)(size_t size, void *buffer,
							    enum MHD_ResponseMemoryMode mode);
	struct MHD_Response *(*create_response_from_buffer_with_free_callback_cls)(size_t size, void *buffer,
										   MHD_ContentReaderFreeCallback crfc,
										   void *crfc_cls);
	enum MHD_Result (*add_response_header)(struct MHD_Response *r, const char *header, const char *content);
	enum MHD_Result (*queue_response)(struct MHD_Connection *conn, unsigned int status, struct MHD_Response *r);
	enum MHD_Result (*queue_basic_auth_fail_response)(struct MHD_Connection *conn, const char *realm,
							  struct MHD_Response *r);
	void (*destroy_response)(struct MHD_Response *r);
	struct MHD_Daemon *(*start_daemon)(unsigned int flags, uint16_t port, MHD_AcceptPolicyCallback apc,
					   void *apc_cls, MHD_AccessHandlerCallback dh, void *dh_cls, ...);
	const union MHD_DaemonInfo *(*get_daemon_info)(struct MHD_Daemon *d, enum MHD_DaemonInfoType type, ...);
	void (*stop_daemon)(struct MHD_Daemon *d);
} mhd;
static char *metricsrv_mhd_cause; /* why libmicrohttpd could not be loaded, or NULL */
static pthread_once_t metricsrv_mhd_once = PTHREAD_ONCE_INIT;

static void metricsrv_mhd_init(void)
{
	const struct dynlib_sym syms[] = {
		{ "MHD_basic_auth_get_username_password", (void **)&mhd.basic_auth_get_username_password },
		{ "MHD_free", (void **)&mhd.free },
		{ "MHD_create_response_from_buffer", (void **)&mhd.create_response_from_buffer },
		{ "MHD_create_response_from_buffer_with_free_callback_cls",
		  (void **)&mhd.create_response_from_buffer_with_free_callback_cls },
		{ "MHD_add_response_header", (void **)&mhd.add_response_header },
		{ "MHD_queue_response", (void **)&mhd.queue_response },
		{ "MHD_queue_basic_auth_fail_response", (void **)&mhd.queue_basic_auth_fail_response },
		{ "MHD_destroy_response", (void **)&mhd.destroy_response },
		{ "MHD_start_daemon", (void **)&mhd.start_daemon },
		{ "MHD_get_daemon_info", (void **)&mhd.get_daemon_info },
		{ "MHD_stop_daemon", (void **)&mhd.stop_daemon },
	};
	dynlib_load(KCON_MHD_SONAME, KCON_MHD_PACKAGE, "the metrics server (--metrics)", syms,
		    sizeof(syms) / sizeof(syms[0]), &metricsrv_mhd_cause);
}

/* A published exposition, shared by the scrapes sending it. */
struct metricsrv_snap {
	atomic_int refs;
	size_t len;
	char *text;
};

struct metricsrv {
	struct MHD_Daemon *d;
	pthread_mutex_t lock;
	struct metricsrv_snap *snap; /* under lock */
	atomic_llong scrapes;
	char *url;
	char **users; /* "user:password", or NULL: no auth */
	int nusers;
};

/* a == b in a time that depends on their lengths only. */
static bool metricsrv_same(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	unsigned char d = la != lb;
	for (size_t i = 0; i < la; i++)
		d |= (unsigned char)(a[i] ^ (i < lb ? b[i] : 0));
	return d == 0;
}

/* Whether the request's basic auth names a user of the password file with its password. */
static bool metricsrv_authorized(struct metricsrv *m, struct MHD_Connection *conn)
{
	char *pass = NULL, *user = mhd.basic_auth_get_username_password(conn, &pass);
	bool ok = false;
	if (user && pass) {
		char *both = x_asprintf("%s:%s", user, pass);
		for (int i = 0; i < m->nusers; i++)
			ok |= metricsrv_same(both, m->users[i]);
		free(both);
	}
	if (user)
		mhd.free(user);
	if (pass)
		mhd.free(pass);
	return ok;
}

static void metricsrv_unref(void *cls)
{
	struct metricsrv_snap *s = cls;
	if (s && atomic_fetch_sub(&s->refs, 1) == 1) {
		free(s->text);
		free(s);
	}
}

static struct metricsrv_snap *metricsrv_snap_new(char *text)
{
	struct metricsrv_snap *s = x_calloc(1, sizeof(*s));
	atomic_init(&s->refs, 1);
	s->text = text;
	s->len = strlen(text);
	return s;
}

static enum MHD_Result metricsrv_reply(struct MHD_Connection *conn, unsigned status, const char *type, const char *body)
{
	struct MHD_Response *r =
		mhd.create_response_from_buffer(strlen(body), (void *)(uintptr_t)body, MHD_RESPMEM_PERSISTENT);
	if (r == NULL)
		return MHD_NO;
	mhd.add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, type);
	if (status == MHD_HTTP_METHOD_NOT_ALLOWED)
		mhd.add_response_header(r, MHD_HTTP_HEADER_ALLOW, "GET, HEAD");
	enum MHD_Result ret = mhd.queue_response(conn, status, r);
	mhd.destroy_response(r);
	return ret;
}

static enum MHD_Result metricsrv_handle(void *cls, struct MHD_Connection *conn, const char *url, const char *method,
					const char *version, const char *upload_data, size_t *upload_size,
					void **con_cls)
{
	struct metricsrv *m = cls;
	(void)version;
	(void)upload_data;
	if (m->nusers && !metricsrv_authorized(m, conn)) {
		static const char body[] = "unauthorized: give a user and password of watch's --metrics-auth file\n";
		struct MHD_Response *r = mhd.create_response_from_buffer(sizeof(body) - 1, (void *)(uintptr_t)body,
									 MHD_RESPMEM_PERSISTENT);
		if (r == NULL)
			return MHD_NO;
		mhd.add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, "text/plain; charset=utf-8");
		enum MHD_Result ret = mhd.queue_basic_auth_fail_response(conn, "kcon", r);
		mhd.destroy_response(r);
		return ret;
	}
	if (strcmp(method, MHD_HTTP_METHOD_GET) != 0 && strcmp(method, MHD_HTTP_METHOD_HEAD) != 0) {
		if (*upload_size) { /* a body is read and dropped before the answer */
			*upload_size = 0;
			return MHD_YES;
		}
		if (*con_cls == NULL) {
			*con_cls = m;
			return MHD_YES;
		}
		return metricsrv_reply(conn, MHD_HTTP_METHOD_NOT_ALLOWED, "text/plain; charset=utf-8",
				       "method not allowed: only GET\n");
	}
	if (strcmp(url, "/") == 0)
		return metricsrv_reply(conn, MHD_HTTP_OK, "text/html; charset=utf-8",
				       "<!DOCTYPE html>\n<html><head><title>kcon watch</title></head><body>"
				       "<h1>kcon watch</h1><p><a href=\"/metrics\">/metrics</a></p></body></html>\n");
	if (strcmp(url, "/metrics") != 0)
		return metricsrv_reply(conn, MHD_HTTP_NOT_FOUND, "text/plain; charset=utf-8",
				       "not found: kcon serves /metrics\n");
	pthread_mutex_lock(&m->lock);
	struct metricsrv_snap *s = m->snap;
	atomic_fetch_add(&s->refs, 1);
	pthread_mutex_unlock(&m->lock);
	struct MHD_Response *r =
		mhd.create_response_from_buffer_with_free_callback_cls(s->len, s->text, metricsrv_unref, s);
	if (r == NULL) {
		metricsrv_unref(s);
		return MHD_NO;
	}
	mhd.add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8");
	atomic_fetch_add(&m->scrapes, 1);
	enum MHD_Result ret = mhd.queue_response(conn, MHD_HTTP_OK, r);
	mhd.destroy_response(r);
	return ret;
}

bool metricsrv_available(void)
{
	return true;
}

struct metricsrv *metricsrv_start(const char *spec, const struct metricsrv_opts *o, char **cause)
{
	struct sockaddr_storage sa;
	socklen_t len;
	if (metricsrv_parse_addr(spec, &sa, &len, cause) < 0)
		return NULL;
	pthread_once(&metricsrv_mhd_once, metricsrv_mhd_init);
	if (metricsrv_mhd_cause) {
		*cause = x_strdup(metricsrv_mhd_cause);
		return NULL;
	}
	struct metricsrv *m = x_calloc(1, sizeof(*m));
	pthread_mutex_init(&m->lock, NULL);
	m->snap = metricsrv_snap_new(x_strdup(""));
	bool tls = o && o->cert_pem && o->key_pem;
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_AUTO |
			 (sa.ss_family == AF_INET6 ? MHD_USE_IPv6 : 0) | (tls ? MHD_USE_TLS : 0);
	for (int i = 0; o && i < o->nusers; i++) {
		m->users = x_reallocarray(m->users, (size_t)m->nusers + 1, sizeof(char *));
		m->users[m->nusers++] = x_strdup(o->users[i]);
	}
	/* The TLS options last: without MHD_USE_TLS they would be refused, so they are not given then. */
	m->d = mhd.start_daemon(flags, 0, NULL, NULL, metricsrv_handle, m, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa,
				MHD_OPTION_CONNECTION_LIMIT, (unsigned)64, MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)10,
				tls ? MHD_OPTION_HTTPS_MEM_KEY : MHD_OPTION_END, tls ? o->key_pem : NULL,
				MHD_OPTION_HTTPS_MEM_CERT, tls ? o->cert_pem : NULL, MHD_OPTION_END);
	if (m->d == NULL) {
		int err = errno;
		*cause = x_asprintf("--metrics %s: cannot serve there: %s", spec,
				    err ? strerror(err) : "libmicrohttpd refused it");
		metricsrv_unref(m->snap);
		pthread_mutex_destroy(&m->lock);
		for (int i = 0; i < m->nusers; i++)
			free(m->users[i]);
		free(m->users);
		free(m);
		return NULL;
	}
	const union MHD_DaemonInfo *info = mhd.get_daemon_info(m->d, MHD_DAEMON_INFO_BIND_PORT);
	unsigned port = info ? info->port : 0;
	char host[INET6_ADDRSTRLEN] = "?";
	if (sa.ss_family == AF_INET)
		inet_ntop(AF_INET, &((struct sockaddr_in *)&sa)->sin_addr, host, sizeof(host));
	else
		inet_ntop(AF_INET6, &((struct sockaddr_in6 *)&sa)->sin6_addr, host, sizeof(host));
	m->url = x_asprintf(sa.ss_family == AF_INET ? "%s://%s:%u/metrics" : "%s://[%s]:%u/metrics",
			    tls ? "https" : "http", host, port);
	return m;
}

const char *metricsrv_url(const struct metricsrv *m)
{
	return m->url;
}

void metricsrv_publish(struct metricsrv *m, char *text)
{
	struct metricsrv_snap *s = metricsrv_snap_new(text), *old;
	pthread_mutex_lock(&m->lock);
	old = m->snap;
	m->snap = s;
	pthread_mutex_unlock(&m->lock);
	metricsrv_unref(old);
}

int64_t metricsrv_scrapes(const struct metricsrv *m)
{
	return atomic_load(&m->scrapes);
}

void metricsrv_stop(struct metricsrv **mp)
{
	struct metricsrv *m = *mp;
	if (m == NULL)
		return;
	mhd.stop_daemon(m->d);
	metricsrv_unref(m->snap);
	pthread_mutex_destroy(&m->lock);
	for (int i = 0; i < m->nusers; i++)
		free(m->users[i]);
	free(m->users);
	free(m->url);
	free(m);
	*mp = NULL;
}

#else /* built without libmicrohttpd: the static pod binary */

bool metricsrv_available(void)
{
	return false;
}

struct metricsrv *metricsrv_start(const char *spec, const struct metricsrv_opts *o, char **cause)
{
	(void)spec;
	(void)o;
	*cause = x_strdup("this kcon was built without the metrics server (the static pod binary has none: "
			  "docs/pods.md)");
	return NULL;
}

const char *metricsrv_url(const struct metricsrv *m)
{
	(void)m;
	return "";
}

void metricsrv_publish(struct metricsrv *m, char *text)
{
	(void)m;
	free(text);
}

int64_t metricsrv_scrapes(const struct metricsrv *m)
{
	(void)m;
	return 0;
}

void metricsrv_stop(struct metricsrv **m)
{
	*m = NULL;
}

#endif
