/*
 * metrics: label escaping, the exposition rendered from a store with hostile group names, and
 * metricsrv's address rules (loopback unless an address is given). groupstatus over the store too.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <cmocka.h>

#include "groupstatus.h"
#include "metrics.h"
#include "metricsrv.h"
#include "model.h"
#include "store.h"

#define T0 1700000000000LL

static void test_label(void **state)
{
	(void)state;
	static const struct {
		const char *in, *out;
	} cases[] = {
		{ "plain", "plain" },
		{ "a\"b", "a\\\"b" },
		{ "back\\slash", "back\\\\slash" },
		{ "new\nline", "new\\nline" },
		{ "tab\tand cr\r", "tab\tand cr\r" }, /* only \\, \" and \n are escaped by the format */
		{ "caf\xc3\xa9", "caf\xc3\xa9" },
		{ "bad\xff", "bad\xef\xbf\xbd" },
		{ "", "" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct sbuf sb = SBUF_INIT;
		metrics_label(&sb, cases[i].in);
		assert_string_equal(sb.buf ? sb.buf : "", cases[i].out);
		sbuf_free(&sb);
	}
}

static void test_addr(void **state)
{
	(void)state;
	static const struct {
		const char *spec;
		int ok;
		int family;
		const char *ip;
		int port;
	} cases[] = {
		{ "9308", 1, AF_INET, "127.0.0.1", 9308 },
		{ ":9308", 1, AF_INET, "127.0.0.1", 9308 },
		{ "localhost:0", 1, AF_INET, "127.0.0.1", 0 },
		{ "0.0.0.0:9308", 1, AF_INET, "0.0.0.0", 9308 },
		{ "10.1.2.3:80", 1, AF_INET, "10.1.2.3", 80 },
		{ "[::1]:9308", 1, AF_INET6, "::1", 9308 },
		{ "[::]:9308", 1, AF_INET6, "::", 9308 },
		{ "example.com:9308", 0, 0, NULL, 0 },
		{ "9308x", 0, 0, NULL, 0 },
		{ "65536", 0, 0, NULL, 0 },
		{ "-1", 0, 0, NULL, 0 },
		{ "", 0, 0, NULL, 0 },
		{ "1.2.3.4:", 0, 0, NULL, 0 },
		{ "[zz]:1", 0, 0, NULL, 0 },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct sockaddr_storage sa;
		socklen_t len = 0;
		char *cause = NULL;
		int rc = metricsrv_parse_addr(cases[i].spec, &sa, &len, &cause);
		if ((rc == 0) != cases[i].ok)
			fail_msg("%s: rc %d (%s)", cases[i].spec, rc, cause ? cause : "");
		if (rc < 0) {
			assert_non_null(cause);
			free(cause);
			continue;
		}
		char ip[INET6_ADDRSTRLEN];
		assert_int_equal(sa.ss_family, cases[i].family);
		if (sa.ss_family == AF_INET) {
			struct sockaddr_in *v4 = (struct sockaddr_in *)&sa;
			inet_ntop(AF_INET, &v4->sin_addr, ip, sizeof(ip));
			assert_int_equal(ntohs(v4->sin_port), cases[i].port);
			assert_int_equal(len, sizeof(*v4));
		} else {
			struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)&sa;
			inet_ntop(AF_INET6, &v6->sin6_addr, ip, sizeof(ip));
			assert_int_equal(ntohs(v6->sin6_port), cases[i].port);
		}
		assert_string_equal(ip, cases[i].ip);
	}
}

static void test_users(void **state)
{
	(void)state;
	static const struct {
		const char *text;
		int n;
		const char *first, *last;
	} cases[] = {
		{ "alice:pw\n", 1, "alice:pw", "alice:pw" },
		{ "# who\n\nalice:p:w:x\r\nbob:b  \n", 2, "alice:p:w:x", "bob:b" },
		{ "carol:c", 1, "carol:c", "carol:c" },
		{ "", 0, NULL, NULL },
		{ "# only a comment\n", 0, NULL, NULL },
		{ "alice\n", -1, NULL, NULL },
		{ ":pw\n", -1, NULL, NULL },
		{ "alice:\n", -1, NULL, NULL },
		{ "ok:1\nbad\n", -2, NULL, NULL },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char **users = NULL, *cause = NULL;
		int n = -5;
		int rc = metricsrv_parse_users(cases[i].text, &users, &n, &cause);
		if (cases[i].n <= 0) {
			assert_int_equal(rc, -1);
			assert_null(users);
			assert_non_null(cause);
			if (cases[i].n < 0)
				assert_non_null(strstr(cause, cases[i].n == -2 ? "line 2" : "line 1"));
			free(cause);
			continue;
		}
		assert_int_equal(rc, 0);
		assert_int_equal(n, cases[i].n);
		assert_string_equal(users[0], cases[i].first);
		assert_string_equal(users[n - 1], cases[i].last);
		for (int k = 0; k < n; k++)
			free(users[k]);
		free(users);
	}
}

static struct model *test_model(void)
{
	int32_t r[] = { 1 };
	rd_kafka_metadata_partition_t p[] = {
		{ .id = 0, .leader = 1, .replica_cnt = 1, .replicas = r, .isr_cnt = 1, .isrs = r },
		{ .id = 1, .leader = -1, .replica_cnt = 1, .replicas = r, .isr_cnt = 0, .isrs = r }
	};
	rd_kafka_metadata_topic_t topics[] = { { .topic = "orders", .partition_cnt = 2, .partitions = p } };
	rd_kafka_metadata_broker_t brokers[] = { { 1, "a", 9092 } };
	struct rd_kafka_metadata md = { .broker_cnt = 1, .brokers = brokers, .topic_cnt = 1, .topics = topics };
	return model_new(&md, "cid", 1, T0);
}

static const char *const hostile = "g \"q\" \\b\nnl";

/* Ticks at T0 + i s: the hostile group commits nothing while orders:0 grows 10 a tick. */
static struct store *test_store(int ticks)
{
	char *notice = NULL, *cause = NULL;
	struct store *s = store_open(":memory:", NULL, &notice, &cause);
	assert_non_null(s);
	struct model *m = test_model();
	for (int i = 0; i < ticks; i++) {
		struct store_tick *t = store_tick_begin(s, "cid", "b:9092", T0 + i * 1000LL);
		store_tick_model(t, m);
		store_tick_topic_partition(t, "orders", 0, 100 + 10 * i);
		store_tick_topic_partition(t, "orders", 1, -1);
		store_tick_group(t, hostile, "Empty", "classic");
		store_tick_group_partition(t, hostile, "orders", 0, 100, 100 + 10 * i);
		store_tick_group(t, "busy", "Stable", "consumer");
		store_tick_group_partition(t, "busy", "orders", 0, 100 + 10 * i, 100 + 10 * i);
		assert_int_equal(store_tick_commit(&t, &cause), 0);
	}
	model_unref(&m);
	return s;
}

static void test_render(void **state)
{
	(void)state;
	struct store *s = test_store(4);
	/* log starts as watch keeps them: sorted; orders:1's unknown, a topic the metadata lacks */
	struct sample_start starts[] = { { "gone", 0, 7 }, { "orders", 0, 42 }, { "orders", 1, -1 } };
	struct metrics_tick t = { .up = true,
				  .duration_s = 0.25,
				  .failures = 2,
				  .last_ok_ms = T0 + 3000,
				  .under_min_isr = 0,
				  .window_ms = 60000,
				  .starts = starts,
				  .nstarts = 3 };
	char *cause = NULL;
	char *text = metrics_render(s, "cid", &t, T0 + 3500, &cause);
	assert_non_null(text);
	static const char *const want[] = {
		"# TYPE kafka_brokers gauge\nkafka_brokers 1\n",
		"kafka_topic_partitions{topic=\"orders\"} 2\n",
		"kafka_topic_partition_current_offset{topic=\"orders\",partition=\"0\"} 130\n",
		"# TYPE kafka_topic_partition_oldest_offset gauge\n"
		"kafka_topic_partition_oldest_offset{topic=\"orders\",partition=\"0\"} 42\n",
		"kafka_topic_partition_leader{topic=\"orders\",partition=\"1\"} -1\n",
		"kafka_topic_partition_in_sync_replica{topic=\"orders\",partition=\"0\"} 1\n",
		"kafka_consumergroup_current_offset{consumergroup=\"g \\\"q\\\" "
		"\\\\b\\nnl\",topic=\"orders\",partition=\"0\"} "
		"100\n",
		"kafka_consumergroup_lag{consumergroup=\"g \\\"q\\\" \\\\b\\nnl\",topic=\"orders\",partition=\"0\"} "
		"30\n",
		"kafka_consumergroup_lag{consumergroup=\"busy\",topic=\"orders\",partition=\"0\"} 0\n",
		"kafka_consumergroup_lag_sum{consumergroup=\"g \\\"q\\\" \\\\b\\nnl\",topic=\"orders\"} 30\n",
		"kcon_consumergroup_status{consumergroup=\"g \\\"q\\\" \\\\b\\nnl\",status=\"STOP\"} 1\n",
		"kcon_consumergroup_status{consumergroup=\"g \\\"q\\\" \\\\b\\nnl\",status=\"OK\"} 0\n",
		"kcon_consumergroup_status{consumergroup=\"busy\",status=\"OK\"} 1\n",
		"kcon_consumergroup_lag_seconds{consumergroup=\"busy\"} 0\n",
		"kcon_topic_messages_per_second{topic=\"orders\"} 10\n",
		"kcon_partitions_offline 1\n",
		"kcon_partitions_under_min_isr 0\n",
		"kcon_sample_duration_seconds 0.25\n",
		"# TYPE kcon_sample_failures_total counter\nkcon_sample_failures_total 2\n",
		"kcon_last_sample_timestamp_seconds 1700000003\n",
		"kcon_up 1\n",
	};
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++)
		if (strstr(text, want[i]) == NULL)
			fail_msg("missing %s in:\n%s", want[i], text);
	/* an unknown log start, and one of a topic the metadata lacks, have no sample */
	assert_null(strstr(text, "kafka_topic_partition_oldest_offset{topic=\"orders\",partition=\"1\"}"));
	assert_null(strstr(text, "topic=\"gone\""));
	/* every line is a comment or a sample, and no raw line feed splits a label */
	for (const char *l = text; *l; l = strchr(l, '\n') + 1)
		assert_true(*l == '#' || strncmp(l, "kafka_", 6) == 0 || strncmp(l, "kcon_", 5) == 0);
	free(text);
	/* a watch that never reached the cluster: its own metrics only */
	struct metrics_tick down = { .failures = 1, .under_min_isr = -1, .window_ms = 60000 };
	text = metrics_render(s, NULL, &down, T0, &cause);
	assert_non_null(text);
	assert_non_null(strstr(text, "kcon_up 0\n"));
	assert_null(strstr(text, "kafka_"));
	assert_null(strstr(text, "kcon_last_sample_timestamp_seconds"));
	free(text);
	store_close(&s);
}

static void test_groupstatus(void **state)
{
	(void)state;
	struct store *s = test_store(4);
	struct groupstatus g;
	char *cause = NULL;
	assert_int_equal(groupstatus_eval(s, "cid", hostile, T0 + 3500, 60000, &g, &cause), 0);
	assert_int_equal(g.code, STATUS_STOP);
	assert_int_equal(g.nparts, 1);
	assert_string_equal(g.parts[0].topic, "orders");
	assert_int_equal(g.parts[0].r.lag, 30);
	assert_string_equal(g.state, "Empty");
	groupstatus_clear(&g);
	assert_int_equal(groupstatus_eval(s, "cid", "busy", T0 + 3500, 60000, &g, &cause), 0);
	assert_int_equal(g.code, STATUS_OK);
	groupstatus_clear(&g);
	/* a window after the last tick: nothing to judge */
	assert_int_equal(groupstatus_eval(s, "cid", "busy", T0 + 3600 * 1000LL, 60000, &g, &cause), 0);
	assert_int_equal(g.code, STATUS_UNKNOWN);
	assert_int_equal(g.newest_ms, 0);
	groupstatus_clear(&g);
	/* a window shorter than the ticks' spacing of rows: it starts at the row stored before it */
	assert_int_equal(groupstatus_eval(s, "cid", hostile, T0 + 3500, 1500, &g, &cause), 0);
	assert_int_equal(g.code, STATUS_STOP);
	assert_int_equal(g.parts[0].r.samples, 2); /* the row at 0 s and the newest values at 3 s */
	groupstatus_clear(&g);
	/* an outage after the ticks: nothing after it to judge; a tick after it is judged alone */
	assert_int_equal(store_gap(s, "cid", T0 + 4000, "down", &cause), 0);
	assert_int_equal(groupstatus_eval(s, "cid", hostile, T0 + 4500, 60000, &g, &cause), 0);
	assert_int_equal(g.code, STATUS_UNKNOWN);
	groupstatus_clear(&g);
	struct model *m = test_model();
	struct store_tick *t = store_tick_begin(s, "cid", "b:9092", T0 + 6000);
	store_tick_model(t, m);
	store_tick_group(t, hostile, "Empty", "classic");
	store_tick_group_partition(t, hostile, "orders", 0, 100, 190);
	assert_int_equal(store_tick_commit(&t, &cause), 0);
	model_unref(&m);
	assert_int_equal(groupstatus_eval(s, "cid", hostile, T0 + 6500, 60000, &g, &cause), 0);
	assert_int_equal(g.code, STATUS_UNKNOWN); /* one sample after the gap, with lag */
	assert_int_equal(g.parts[0].r.lag, 90);
	groupstatus_clear(&g);
	assert_int_equal(groupstatus_members("Stable"), STATUS_MEMBERS_SOME);
	assert_int_equal(groupstatus_members("Empty"), STATUS_MEMBERS_NONE);
	assert_int_equal(groupstatus_members(NULL), STATUS_MEMBERS_UNKNOWN);
	char **names = NULL;
	int n = 0;
	assert_int_equal(store_groups(s, "cid", T0 + 3000, &names, &n, &cause), 0);
	assert_int_equal(n, 2);
	assert_string_equal(names[0], "busy");
	assert_string_equal(names[1], hostile);
	for (int i = 0; i < n; i++)
		free(names[i]);
	free(names);
	assert_int_equal(store_groups(s, "cid", T0 + 10000, &names, &n, &cause), 0);
	assert_int_equal(n, 0);
	free(names);
	store_close(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_label),  cmocka_unit_test(test_addr),        cmocka_unit_test(test_users),
		cmocka_unit_test(test_render), cmocka_unit_test(test_groupstatus),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
