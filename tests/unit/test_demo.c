/*
 * demo: the embedded mock cluster, in process. Commands run through cmd_prepare/cmd_exec on a
 * session pointed at it, as `kcon --demo` does; the groups are checked with librdkafka's own
 * committed-offsets API.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "clock.h"
#include "cmd.h"
#include "demo.h"
#include "session.h"

static struct session sess;

static void nap(int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000 };
	nanosleep(&ts, NULL);
}

/* Runs a command line (words split on spaces) on the demo session; *out gets the JSON or the error. */
static int run(const char *line, json_t **out)
{
	char *copy = strdup(line), *argv[32];
	int argc = 0;
	for (char *t = strtok(copy, " "); t && argc < 31; t = strtok(NULL, " "))
		argv[argc++] = t;
	argv[argc] = NULL;
	struct cmd_ctx ctx = { 0 };
	int rc = cmd_prepare(&ctx, &sess, argc, argv);
	if (rc == CMD_OK)
		rc = cmd_exec(&ctx);
	if (rc == CMD_OK)
		*out = json_incref(ctx.result);
	else
		*out = json_pack("{s:s,s:s?}", "error", ctx.error ? ctx.error : "", "hint", ctx.hint);
	cmd_ctx_clear(&ctx);
	free(copy);
	return rc;
}

static int setup(void **state)
{
	(void)state;
	struct err e = { 0 };
	cmd_init();
	sess = (struct session){ .timeout_ms = 10000, .format = OUT_JSON };
	sess.demo = demo_start(&e);
	if (sess.demo == NULL) {
		fprintf(stderr, "demo_start: %s\n", e.cause);
		err_clear(&e);
		return -1;
	}
	char *cause = NULL;
	if (conf_set_option(&sess.conf, "bootstrap", demo_bootstrap(sess.demo), &cause) < 0) {
		fprintf(stderr, "bootstrap: %s\n", cause);
		free(cause);
		return -1;
	}
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	session_clear(&sess);
	return 0;
}

static const struct {
	const char *name;
	int partitions, rate; /* messages per second */
} seeded[] = { { "orders", 6, 40 }, { "payments", 3, 30 }, { "credit.scores", 12, 40 }, { "ingest.events", 24, 60 } };
#define NSEEDED (sizeof(seeded) / sizeof(seeded[0]))

static json_t *find_named(json_t *array, const char *key, const char *name)
{
	size_t i;
	json_t *o;
	json_array_foreach(array, i, o)
	{
		if (strcmp(json_string_value(json_object_get(o, key)), name) == 0)
			return o;
	}
	return NULL;
}

static void test_demo_topics_seeded(void **state)
{
	(void)state;
	json_t *r;
	assert_int_equal(run("topics", &r), CMD_OK);
	json_t *topics = json_object_get(r, "topics");
	for (size_t i = 0; i < NSEEDED; i++) {
		json_t *t = find_named(topics, "name", seeded[i].name);
		assert_non_null(t);
		assert_int_equal(json_integer_value(json_object_get(t, "partitions")), seeded[i].partitions);
		assert_int_equal(json_integer_value(json_object_get(t, "replication_factor")), 3);
		assert_int_equal(json_integer_value(json_object_get(t, "offline")), 0);
	}
	json_decref(r);
}

static void test_demo_brokers(void **state)
{
	(void)state;
	json_t *r;
	assert_int_equal(run("brokers", &r), CMD_OK);
	json_t *brokers = json_object_get(r, "brokers");
	assert_int_equal(json_array_size(brokers), 3);
	for (size_t i = 0; i < 3; i++) {
		json_t *b = json_array_get(brokers, i);
		assert_string_equal(json_string_value(json_object_get(b, "host")), "127.0.0.1");
		assert_true(json_integer_value(json_object_get(b, "port")) > 0);
	}
	json_decref(r);

	/* cluster answers fast; the mock reports full ISRs, so nothing can be under min ISR (no config asked) */
	int64_t t0 = clock_mono_ms();
	assert_int_equal(run("cluster", &r), CMD_OK);
	assert_true(clock_mono_ms() - t0 < 3000);
	assert_int_equal(json_integer_value(json_object_get(r, "brokers")), 3);
	assert_true(json_integer_value(json_object_get(r, "partitions")) >= 45);
	assert_int_equal(json_integer_value(json_object_get(r, "under_min_isr")), 0);
	json_decref(r);
}

/* Total messages of a topic per `topic describe`; -1 on failure. */
static json_int_t topic_messages(const char *topic)
{
	char line[128];
	snprintf(line, sizeof(line), "topic describe %s", topic);
	json_t *r;
	json_int_t n = -1;
	if (run(line, &r) == CMD_OK)
		n = json_integer_value(json_object_get(r, "messages"));
	json_decref(r);
	return n;
}

static void test_demo_messages_grow(void **state)
{
	(void)state;
	/* a fresh demo starts with a minute of history */
	json_int_t first[NSEEDED];
	for (size_t i = 0; i < NSEEDED; i++)
		assert_true((first[i] = topic_messages(seeded[i].name)) >= seeded[i].rate * 60 * 9 / 10);
	/* every seeded topic gets traffic: wait until each one has grown */
	bool grown = false;
	for (int64_t until = clock_mono_ms() + 20000; !grown && clock_mono_ms() < until; nap(100)) {
		grown = true;
		for (size_t i = 0; i < NSEEDED && grown; i++)
			grown = topic_messages(seeded[i].name) > first[i];
	}
	assert_true(grown);

	/* keys spread the messages over the partitions of orders */
	json_t *r;
	for (int64_t until = clock_mono_ms() + 20000;; nap(200)) {
		assert_int_equal(run("topic describe orders", &r), CMD_OK);
		size_t i, used = 0;
		json_t *p;
		json_array_foreach(json_object_get(r, "partitions"), i, p)
		{
			used += json_integer_value(json_object_get(p, "high")) > 0;
			assert_int_equal(json_array_size(json_object_get(p, "replicas")), 3);
		}
		json_decref(r);
		if (used == 6)
			break;
		assert_true(clock_mono_ms() < until);
	}
}

static void test_demo_topic_create(void **state)
{
	(void)state;
	json_t *r;
	assert_int_equal(run("topic create demo.unit -p 4 -r 3", &r), CMD_OK);
	assert_true(json_is_true(json_object_get(r, "created")));
	json_decref(r);

	assert_int_equal(run("topics demo.unit", &r), CMD_OK);
	json_t *t = find_named(json_object_get(r, "topics"), "name", "demo.unit");
	assert_non_null(t);
	assert_int_equal(json_integer_value(json_object_get(t, "partitions")), 4);
	assert_int_equal(json_integer_value(json_object_get(t, "replication_factor")), 3);
	json_decref(r);

	assert_int_equal(run("topic describe demo.unit", &r), CMD_OK);
	assert_int_equal(json_integer_value(json_object_get(r, "partition_count")), 4);
	json_decref(r);

	/* without -r the demo replicates to its 3 brokers, and says so */
	assert_int_equal(run("topic create demo.default", &r), CMD_OK);
	assert_int_equal(json_integer_value(json_object_get(r, "replication_factor")), 3);
	json_decref(r);
	assert_int_equal(run("topics demo.default", &r), CMD_OK);
	t = find_named(json_object_get(r, "topics"), "name", "demo.default");
	assert_non_null(t);
	assert_int_equal(json_integer_value(json_object_get(t, "partitions")), 1);
	assert_int_equal(json_integer_value(json_object_get(t, "replication_factor")), 3);
	json_decref(r);

	/* -r places the replicas as asked */
	assert_int_equal(run("topic create demo.rf1 -r 1", &r), CMD_OK);
	assert_int_equal(json_integer_value(json_object_get(r, "replication_factor")), 1);
	json_decref(r);
	assert_int_equal(run("topics demo.rf1", &r), CMD_OK);
	t = find_named(json_object_get(r, "topics"), "name", "demo.rf1");
	assert_non_null(t);
	assert_int_equal(json_integer_value(json_object_get(t, "replication_factor")), 1);
	json_decref(r);

	/* what the mock would accept but Kafka would not is refused with a reason */
	static const struct {
		const char *line, *error;
	} refused[] = {
		{ "topic create demo.unit -p 1 -r 3", "already exists" },
		{ "topic create orders", "already exists" },
		{ "topic create demo.rf -r 4", "replication factor 4" },
		{ "topic create demo.cfg -c retention.ms=1000", "cannot set topic configs" },
		{ "topic create demo.huge -p 100000", "cannot make a topic of 100000 partitions" },
	};
	for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
		assert_int_equal(run(refused[i].line, &r), CMD_FAILED);
		assert_non_null(strstr(json_string_value(json_object_get(r, "error")), refused[i].error));
		assert_non_null(json_string_value(json_object_get(r, "hint")));
		json_decref(r);
	}
	/* a name Kafka cannot hold is a usage error before the demo sees it */
	assert_int_equal(run("topic create demo/slash", &r), CMD_USAGE);
	assert_non_null(strstr(json_string_value(json_object_get(r, "error")), "cannot be a topic name"));
	json_decref(r);
}

static void test_demo_topic_delete_refused(void **state)
{
	(void)state;
	json_t *r;
	assert_int_equal(run("topic delete orders --yes", &r), CMD_FAILED);
	assert_non_null(strstr(json_string_value(json_object_get(r, "error")), "mock"));
	assert_non_null(strstr(json_string_value(json_object_get(r, "error")), "cannot delete"));
	json_decref(r);
	/* and orders is still there */
	assert_true(topic_messages("orders") >= 0);
}

/*
 * The ACL and SCRAM commands on the demo: its mock cluster has none of their APIs, so each says so
 * (exit 1) instead of waiting for a timeout; their usage errors come first, without the cluster.
 */
static void test_demo_acls_and_users_refused(void **state)
{
	(void)state;
	static const struct {
		const char *line;
		int status;
		const char *error;
	} cases[] = {
		{ "acls", CMD_FAILED, "mock cluster" },
		{ "acls --topic orders --pattern match", CMD_FAILED, "mock cluster" },
		{ "acl create --principal User:a --operation Read --topic orders", CMD_FAILED, "mock cluster" },
		{ "acl create --consumer --principal User:a --topic orders --group g", CMD_FAILED, "mock cluster" },
		{ "acl delete --principal User:a --yes", CMD_FAILED, "mock cluster" },
		{ "users", CMD_FAILED, "mock cluster" },
		{ "user set bob --password-file /dev/null", CMD_FAILED, "mock cluster" },
		{ "user delete bob --yes", CMD_FAILED, "mock cluster" },
		/* usage, before any request */
		{ "acls --topic a --group b", CMD_USAGE, "one resource at a time" },
		{ "acls --pattern match", CMD_USAGE, "needs a resource name" },
		{ "acls --pattern sideways", CMD_USAGE, "not a pattern type" },
		{ "acls --operation Fly", CMD_USAGE, "unknown operation" },
		{ "acls --permission maybe", CMD_USAGE, "not allow or deny" },
		{ "acls --principal alice", CMD_USAGE, "" },
		{ "acl create --operation Read --topic t", CMD_USAGE, "--principal is needed" },
		{ "acl create --principal User:a --topic t", CMD_USAGE, "--operation is needed" },
		{ "acl create --principal User:a --operation Read", CMD_USAGE, "which resource" },
		{ "acl create --principal User:a --operation Any --topic t", CMD_USAGE, "unknown operation" },
		{ "acl create --principal User:a --operation Read --topic t --pattern match", CMD_USAGE,
		  "not a pattern type" },
		{ "acl create --consumer --principal User:a --topic t", CMD_USAGE, "--consumer needs --group" },
		{ "acl create --consumer --principal User:a --group g", CMD_USAGE, "needs --topic" },
		{ "acl create --producer --principal User:a --topic t --operation Read", CMD_USAGE, "fixed set" },
		{ "acl create --producer --principal User:a --topic t --deny", CMD_USAGE, "--deny goes without" },
		{ "acl delete --yes", CMD_USAGE, "every ACL" },
		{ "acl delete --operation Read --yes", CMD_USAGE, "every ACL" },
		{ "user set bob --mechanism PLAIN --password-file /dev/null", CMD_USAGE, "not a SCRAM mechanism" },
		{ "user set bob --iterations 12 --password-file /dev/null", CMD_USAGE, "not a valid number" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		json_t *r;
		int rc = run(cases[i].line, &r);
		const char *err = json_string_value(json_object_get(r, "error"));
		if (rc != cases[i].status || err == NULL || strstr(err, cases[i].error) == NULL)
			fail_msg("`%s`: status %d, error %s", cases[i].line, rc, err ? err : "(none)");
		json_decref(r);
	}
	/* a hostile value is quoted cut short, not whole */
	char line[4200] = "acls --operation ";
	memset(line + strlen(line), 'A', 4096);
	json_t *r;
	assert_int_equal(run(line, &r), CMD_USAGE);
	assert_true(strlen(json_string_value(json_object_get(r, "error"))) < 200);
	json_decref(r);
}

/*
 * Lag of group on topic: the sum of high - committed over the partitions it has committed on
 * (the slow group reaches every partition in time, not at once); -1 before any commit.
 */
static int64_t group_lag(const char *group, const char *topic, int partitions)
{
	char errstr[256];
	rd_kafka_conf_t *kc = rd_kafka_conf_new();
	rd_kafka_conf_set(kc, "bootstrap.servers", demo_bootstrap(sess.demo), NULL, 0);
	rd_kafka_conf_set(kc, "group.id", group, NULL, 0);
	rd_kafka_conf_set(kc, "log_level", "0", NULL, 0);
	rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_CONSUMER, kc, errstr, sizeof(errstr));
	assert_non_null(rk);
	rd_kafka_topic_partition_list_t *parts = rd_kafka_topic_partition_list_new(partitions);
	for (int p = 0; p < partitions; p++)
		rd_kafka_topic_partition_list_add(parts, topic, p);
	int64_t lag = -1;
	if (rd_kafka_committed(rk, parts, 5000) != RD_KAFKA_RESP_ERR_NO_ERROR)
		goto out;
	for (int p = 0; p < partitions; p++) {
		int64_t lo, hi;
		if (parts->elems[p].err || parts->elems[p].offset < 0)
			continue;
		assert_int_equal(rd_kafka_query_watermark_offsets(rk, topic, p, &lo, &hi, 5000), 0);
		assert_true(hi >= parts->elems[p].offset);
		lag = (lag < 0 ? 0 : lag) + hi - parts->elems[p].offset;
	}
out:
	rd_kafka_topic_partition_list_destroy(parts);
	rd_kafka_destroy_flags(rk, RD_KAFKA_DESTROY_F_NO_CONSUMER_CLOSE);
	return lag;
}

static void test_demo_groups(void **state)
{
	(void)state;
	size_t n;
	const char *const *groups = demo_groups(sess.demo, &n);
	assert_int_equal(n, 2);
	assert_string_equal(groups[0], "fraud-detector");
	assert_string_equal(groups[1], "payments-ledger");
	assert_string_equal(demo_group_topic("fraud-detector"), "credit.scores");
	assert_string_equal(demo_group_topic("payments-ledger"), "payments");
	assert_null(demo_group_topic("nobody"));

	/* fraud-detector starts 40% behind on a minute of history and falls further behind */
	int64_t fraud = -1, ledger = -1;
	for (int64_t until = clock_mono_ms() + 40000; clock_mono_ms() < until; nap(500)) {
		fraud = group_lag("fraud-detector", "credit.scores", 12);
		ledger = group_lag("payments-ledger", "payments", 3);
		if (fraud > 500 && ledger >= 0)
			break;
	}
	assert_true(fraud > 500);
	/* payments-ledger keeps up: at most about a commit interval (1 s at 30 msg/s) behind */
	assert_true(ledger >= 0);
	assert_true(ledger < 300);
	assert_true(ledger < fraud);
	int64_t later = -1;
	for (int64_t until = clock_mono_ms() + 20000; clock_mono_ms() < until; nap(500))
		if ((later = group_lag("fraud-detector", "credit.scores", 12)) > fraud)
			break;
	assert_true(later > fraud);
}

/* A demo of its own, stopped with traffic flowing: demo_stop returns within its bound. */
static void test_demo_stop_prompt(void **state)
{
	(void)state;
	struct err e = { 0 };
	int64_t t0 = clock_mono_ms();
	struct demo *d = demo_start(&e);
	assert_non_null(d);
	assert_true(clock_mono_ms() - t0 < 11000);
	assert_non_null(strchr(demo_bootstrap(d), ':'));
	/* a second demo is a second cluster */
	assert_string_not_equal(demo_bootstrap(d), demo_bootstrap(sess.demo));
	/* stop it mid-stream: once orders has messages */
	char errstr[256];
	rd_kafka_conf_t *kc = rd_kafka_conf_new();
	rd_kafka_conf_set(kc, "bootstrap.servers", demo_bootstrap(d), NULL, 0);
	rd_kafka_conf_set(kc, "log_level", "0", NULL, 0);
	rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_PRODUCER, kc, errstr, sizeof(errstr));
	assert_non_null(rk);
	int64_t lo = 0, hi = 0;
	for (int64_t until = clock_mono_ms() + 10000; hi == 0 && clock_mono_ms() < until; nap(50))
		for (int p = 0; p < 6 && hi == 0; p++)
			rd_kafka_query_watermark_offsets(rk, "orders", p, &lo, &hi, 2000);
	rd_kafka_destroy(rk);
	assert_true(hi > 0);
	t0 = clock_mono_ms();
	demo_stop(&d);
	assert_null(d);
	assert_true(clock_mono_ms() - t0 < 6000);
	demo_stop(&d); /* NULL is fine */
}

/* The watchdog: with no time allowed, seeding gives up with a clear error, and nothing hangs or leaks. */
static void test_demo_deadline_start(void **state)
{
	(void)state;
	struct err e = { 0 };
	struct demo *d = NULL;
	demo_set_deadline(0);
	/* the mock may, rarely, answer before the first look: then try again */
	for (int i = 0; i < 5 && (d = demo_start(&e)) != NULL; i++)
		demo_stop(&d);
	demo_set_deadline(10000);
	assert_null(d);
	assert_int_equal(e.status, CMD_UNREACHABLE);
	assert_non_null(strstr(e.cause, "did not create topic"));
	assert_non_null(strstr(e.cause, "mock"));
	assert_non_null(e.hint);
	err_clear(&e);
}

static void test_demo_deadline_create(void **state)
{
	(void)state;
	struct err e = { 0 };
	struct demo *d = demo_start(&e);
	assert_non_null(d);
	demo_set_deadline(0);
	int rc = CMD_OK;
	char name[32];
	for (int i = 0; i < 5 && rc == CMD_OK; i++) {
		snprintf(name, sizeof(name), "demo.slow%d", i);
		rc = demo_topic_create(d, name, 1, 3, &e);
	}
	demo_set_deadline(10000);
	assert_int_equal(rc, CMD_UNREACHABLE);
	assert_non_null(strstr(e.cause, "did not create topic"));
	err_clear(&e);
	/* after a timeout the demo does not call into the mock again */
	assert_int_equal(demo_topic_create(d, "demo.after", 1, 3, &e), CMD_FAILED);
	assert_non_null(strstr(e.cause, "stopped answering"));
	err_clear(&e);
	int64_t t0 = clock_mono_ms();
	demo_stop(&d);
	assert_null(d);
	assert_true(clock_mono_ms() - t0 < 6000);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_demo_topics_seeded),
		cmocka_unit_test(test_demo_brokers),
		cmocka_unit_test(test_demo_messages_grow),
		cmocka_unit_test(test_demo_topic_create),
		cmocka_unit_test(test_demo_topic_delete_refused),
		cmocka_unit_test(test_demo_acls_and_users_refused),
		cmocka_unit_test(test_demo_groups),
		cmocka_unit_test(test_demo_stop_prompt),
		cmocka_unit_test(test_demo_deadline_start),
		cmocka_unit_test(test_demo_deadline_create),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
