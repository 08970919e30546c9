/* client: the cause and hint client_error() gives a librdkafka error (no cluster needed). */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "client.h"
#include "cmd.h"
#include "xalloc.h"

static struct client *client_for_test(void)
{
	struct conf conf = { 0 };
	char *cause = NULL;
	conf_set_option(&conf, "bootstrap", "127.0.0.1:1", &cause);
	assert_int_equal(conf_finish(&conf, &cause), 0);
	struct err e = { 0 };
	struct client *c = client_new(&conf, 1000, false, NULL, &e);
	assert_non_null(c);
	conf_clear(&conf);
	return c;
}

static void test_client_error_hints(void **state)
{
	(void)state;
	struct client *c = client_for_test();
	static const struct {
		rd_kafka_resp_err_t err;
		int status;
		const char *cause, *hint; /* hint: a part of it, NULL for none */
	} cases[] = {
		{ RD_KAFKA_RESP_ERR_COORDINATOR_NOT_AVAILABLE, CMD_FAILED, "group g: describe: busy", "coordinator" },
		{ RD_KAFKA_RESP_ERR_COORDINATOR_LOAD_IN_PROGRESS, CMD_FAILED, "group g: describe: busy", "retry" },
		{ RD_KAFKA_RESP_ERR_NOT_COORDINATOR, CMD_FAILED, "group g: describe: busy", "retry" },
		{ RD_KAFKA_RESP_ERR_GROUP_AUTHORIZATION_FAILED, CMD_FAILED, "group g: not authorized: describe: busy",
		  "ACL" },
		{ RD_KAFKA_RESP_ERR_INVALID_PARTITIONS, CMD_FAILED, "group g: describe: busy", NULL },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct err e = { 0 };
		assert_int_equal(client_error(c, cases[i].err, "describe: busy", "group g", &e), cases[i].status);
		assert_int_equal(e.status, cases[i].status);
		assert_string_equal(e.cause, cases[i].cause);
		if (cases[i].hint)
			assert_non_null(strstr(e.hint, cases[i].hint));
		else
			assert_null(e.hint);
		err_clear(&e);
	}
	client_free(&c);
	assert_null(c);
}

/* The librdkafka kcon links: 2.14 or newer, with what its SASL_SSL and compressed topics need, without GSSAPI. */
/* No broker answered: no login, nothing advertised (the doctor's auth step fails, not its metadata step). */
static void test_client_not_logged_in(void **state)
{
	(void)state;
	struct client *c = client_for_test();
	assert_false(client_logged_in(c));
	assert_null(client_advertised(c));
	client_free(&c);
}

static void test_client_library(void **state)
{
	(void)state;
	assert_true(rd_kafka_version() >= 0x020e0000);
	char *line = client_library();
	char prefix[64];
	snprintf(prefix, sizeof(prefix), "librdkafka %s (static), features: ", rd_kafka_version_str());
	assert_int_equal(strncmp(line, prefix, strlen(prefix)), 0);
	char *features = x_asprintf(",%s,", line + strlen(prefix)); /* each feature between commas */
	static const char *const want[] = { "ssl", "sasl_plain", "sasl_scram", "gzip", "snappy", "lz4", "zstd" };
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		char *word = x_asprintf(",%s,", want[i]);
		assert_non_null(strstr(features, word));
		free(word);
	}
	assert_null(strstr(features, "gssapi"));
	free(features);
	free(line);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_client_error_hints),
		cmocka_unit_test(test_client_not_logged_in),
		cmocka_unit_test(test_client_library),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
