/*
 * registry: the answers' parsing and error causes, and the schema cache: memory, the store's
 * schema table (migration 6), failures remembered; a request ended by its thread's stop flag
 * (against a socket that never answers). The HTTP paths run against the stand-in registry in
 * tests/e2e/test_registry.py.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <sys/socket.h>
#include <time.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "registry.h"
#include "store.h"

static void test_parse_schema(void **state)
{
	(void)state;
	char *type = NULL, *schema = NULL, *cause = NULL;
	const char *avro = "{\"schema\": \"{\\\"type\\\": \\\"long\\\"}\"}";
	assert_int_equal(registry_parse_schema(avro, strlen(avro), &type, &schema, &cause), 0);
	assert_string_equal(type, "AVRO"); /* left out: Avro */
	assert_string_equal(schema, "{\"type\": \"long\"}");
	free(type), free(schema);
	const char *pb = "{\"schema\": \"syntax = \\\"proto3\\\";\", \"schemaType\": \"PROTOBUF\"}";
	assert_int_equal(registry_parse_schema(pb, strlen(pb), &type, &schema, &cause), 0);
	assert_string_equal(type, "PROTOBUF");
	free(type), free(schema);
	static const struct {
		const char *body, *want;
	} bad[] = {
		{ "{\"schema\": ", "the answer is not JSON" },
		{ "[]", "no \"schema\" string" },
		{ "{\"schema\": 5}", "no \"schema\" string" },
		{ "{\"schema\": \"x\", \"schemaType\": 1}", "\"schemaType\" is not a string" },
		{ "{\"schema\": \"x\", \"schemaType\": \"XML\\u001b[2J\"}", "unknown schemaType `XML\x1b[2J`" },
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(registry_parse_schema(bad[i].body, strlen(bad[i].body), &type, &schema, &cause), -1);
		if (strstr(cause, bad[i].want) == NULL)
			fail_msg("%s: %s", bad[i].body, cause);
		free(cause);
	}
}

static void test_http_cause(void **state)
{
	(void)state;
	const char *body = "{\"error_code\": 40403, \"message\": \"Schema not found\"}";
	char *c = registry_http_cause(404, body, strlen(body));
	assert_string_equal(c, "HTTP 404, not found (registry error 40403: Schema not found)");
	free(c);
	c = registry_http_cause(401, "<html>", 6);
	assert_string_equal(c, "HTTP 401, not authorised: check the registry user and password or token");
	free(c);
	c = registry_http_cause(503, NULL, 0);
	assert_string_equal(c, "HTTP 503, the registry failed");
	free(c);
}

static void test_new(void **state)
{
	(void)state;
	char *cause = NULL;
	struct registry_opts o = { .url = "ftp://x" };
	assert_null(registry_new(&o, &cause));
	assert_non_null(strstr(cause, "not http:// or https://"));
	free(cause);
	o.url = "http://host:8081/apis/ccompat/v7//";
	struct registry *r = registry_new(&o, &cause);
	assert_non_null(r);
	assert_string_equal(registry_url(r), "http://host:8081/apis/ccompat/v7");
	registry_free(r);
	/* user info is refused, and the refusal does not repeat the URL (its password) */
	static const char *const userinfo[] = { "http://alice:pw9@host:8081", "https://pw9@host/x",
						"http://a:pw9@h?q" };
	for (size_t i = 0; i < sizeof(userinfo) / sizeof(userinfo[0]); i++) {
		o.url = userinfo[i];
		assert_null(registry_new(&o, &cause));
		assert_non_null(strstr(cause, "user name or password"));
		assert_null(strstr(cause, "pw9"));
		free(cause);
	}
	/* an @ after the host (in the path or the query) is no user info */
	static const char *const fine[] = { "http://host:8081/a@b", "https://host?x=a@b", "http://host#@" };
	for (size_t i = 0; i < sizeof(fine) / sizeof(fine[0]); i++) {
		assert_int_equal(registry_url_check(fine[i], &cause), 0);
	}
}

static void test_cache(void **state)
{
	(void)state;
	char dir[] = "/tmp/kcon-test-registry-XXXXXX";
	assert_non_null(mkdtemp(dir));
	char path[128];
	snprintf(path, sizeof(path), "%s/history.db", dir);
	char *notice = NULL, *cause = NULL;
	struct store *st = store_open(path, NULL, &notice, &cause); /* migrated: the schema table */
	assert_non_null(st);
	store_close(&st);
	/* a registry nobody listens on (port 1), with id 7 in the store's cache */
	const char *url = "http://127.0.0.1:1";
	sqlite3 *db;
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db,
				      "INSERT INTO schema(registry, id, type, schema, fetched_ms) VALUES "
				      "('http://127.0.0.1:1', 7, 'AVRO', '\"long\"', 1)",
				      NULL, NULL, NULL),
			 SQLITE_OK);
	sqlite3_close(db);
	struct registry_opts o = { .url = url, .timeout_ms = 2000, .store_path = path };
	struct registry *r = registry_new(&o, &cause);
	assert_non_null(r);
	const char *type, *schema;
	assert_int_equal(registry_schema(r, 7, &type, &schema, &cause), 0);
	assert_string_equal(type, "AVRO");
	assert_string_equal(schema, "\"long\"");
	assert_int_equal(registry_requests(r), 0); /* from the store */
	assert_int_equal(registry_schema(r, 8, &type, &schema, &cause), -1);
	if (strstr(cause, "schema id 8 from http://127.0.0.1:1/schemas/ids/8: ") == NULL)
		fail_msg("%s", cause);
	free(cause);
	assert_int_equal(registry_requests(r), 1);
	assert_int_equal(registry_schema(r, 8, &type, &schema, &cause), -1); /* remembered: not asked again */
	free(cause);
	assert_int_equal(registry_requests(r), 1);
	registry_free(r);
	/* the same store, another registry URL: its ids are its own */
	o.url = "http://127.0.0.1:2";
	r = registry_new(&o, &cause);
	assert_int_equal(registry_schema(r, 7, &type, &schema, &cause), -1);
	free(cause);
	registry_free(r);
	unlink(path);
	char side[160];
	snprintf(side, sizeof(side), "%s-wal", path);
	unlink(side);
	snprintf(side, sizeof(side), "%s-shm", path);
	unlink(side);
	rmdir(dir);
	free(notice);
}

struct stop_req {
	struct registry *r;
	atomic_bool stop;
	int rc;
	char *cause;
};

static void *stop_req_run(void *arg)
{
	struct stop_req *q = arg;
	const char *type, *schema;
	registry_thread_stop_on(&q->stop);
	q->rc = registry_schema(q->r, 5, &type, &schema, &q->cause);
	registry_thread_stop_on(NULL);
	return NULL;
}

static int64_t mono_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* A request to a registry that never answers ends soon after its thread's stop flag is set, and is not remembered. */
static void test_stop(void **state)
{
	(void)state;
	int s = socket(AF_INET, SOCK_STREAM, 0); /* listening, never accepting: the kernel connects, nobody answers */
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t alen = sizeof(a);
	assert_int_equal(bind(s, (struct sockaddr *)&a, sizeof(a)), 0);
	assert_int_equal(listen(s, 4), 0);
	assert_int_equal(getsockname(s, (struct sockaddr *)&a, &alen), 0);
	char url[64];
	snprintf(url, sizeof(url), "http://127.0.0.1:%d", ntohs(a.sin_port));
	char *cause = NULL;
	struct registry_opts o = { .url = url, .timeout_ms = 60000 };
	struct stop_req q = { .r = registry_new(&o, &cause) };
	assert_non_null(q.r);
	atomic_init(&q.stop, false);
	pthread_t t;
	assert_int_equal(pthread_create(&t, NULL, stop_req_run, &q), 0);
	while (registry_requests(q.r) == 0) /* the request has begun */
		sched_yield();
	int64_t t0 = mono_ms();
	atomic_store(&q.stop, true);
	pthread_join(t, NULL);
	assert_true(mono_ms() - t0 < 5000); /* not the 60 s --timeout */
	assert_int_equal(q.rc, -1);
	if (strstr(q.cause, "schema id 5: stopped before the registry answered") == NULL)
		fail_msg("%s", q.cause);
	free(q.cause);
	/* not remembered as the id's failure: asked again (nobody listens now: refused at once) */
	close(s);
	const char *type, *schema;
	assert_int_equal(registry_schema(q.r, 5, &type, &schema, &cause), -1);
	assert_null(strstr(cause, "stopped"));
	free(cause);
	assert_int_equal(registry_requests(q.r), 2);
	registry_free(q.r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_schema), cmocka_unit_test(test_http_cause), cmocka_unit_test(test_new),
		cmocka_unit_test(test_cache),        cmocka_unit_test(test_stop),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
