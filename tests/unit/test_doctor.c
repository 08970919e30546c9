/* doctor: what a port's first bytes say, bootstrap addresses, the TLS settings, the report. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "doctor.h"

#define CORR 0x6b636f6e

static const struct {
	const char *what;
	unsigned char bytes[12];
	size_t len;
	enum doctor_answer want;
} answers[] = {
	{ "a Kafka response", { 0, 0, 1, 0x20, 0x6b, 0x63, 0x6f, 0x6e }, 8, DOCTOR_ANSWER_KAFKA },
	{ "another request's response", { 0, 0, 1, 0x20, 0, 0, 0, 1 }, 8, DOCTOR_ANSWER_OTHER },
	{ "a TLS alert", { 0x15, 0x03, 0x03, 0, 2, 2, 10 }, 7, DOCTOR_ANSWER_TLS },
	{ "a TLS handshake", { 0x16, 0x03, 0x01 }, 3, DOCTOR_ANSWER_TLS },
	{ "one byte of an alert", { 0x15 }, 1, DOCTOR_ANSWER_TLS },
	{ "nothing", { 0 }, 0, DOCTOR_ANSWER_CLOSED },
	{ "HTTP", { 'H', 'T', 'T', 'P', '/', '1', '.', '1' }, 8, DOCTOR_ANSWER_OTHER },
	{ "a short Kafka answer", { 0, 0, 1 }, 3, DOCTOR_ANSWER_OTHER },
	{ "a size too large", { 0x7f, 0, 0, 0, 0x6b, 0x63, 0x6f, 0x6e }, 8, DOCTOR_ANSWER_OTHER },
};

static void test_doctor_classify(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(answers) / sizeof(answers[0]); i++)
		if (doctor_classify(answers[i].bytes, answers[i].len, CORR) != answers[i].want)
			fail_msg("%s: classified as %d", answers[i].what,
				 doctor_classify(answers[i].bytes, answers[i].len, CORR));
}

static const struct {
	const char *in, *host;
	int port;
} hostports[] = {
	{ "kafka:9092", "kafka", 9092 },
	{ "my-cluster-kafka-bootstrap.ns.svc:9093", "my-cluster-kafka-bootstrap.ns.svc", 9093 },
	{ "[::1]:9094", "::1", 9094 },
	{ " 127.0.0.1:1", "127.0.0.1", 1 },
	{ "kafka", NULL, 0 },
	{ "kafka:", NULL, 0 },
	{ "kafka:0", NULL, 0 },
	{ "kafka:65536", NULL, 0 },
	{ "kafka:90x", NULL, 0 },
	{ ":9092", NULL, 0 },
	{ "[::1]9092", NULL, 0 },
};

static void test_doctor_hostport(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(hostports) / sizeof(hostports[0]); i++) {
		char *host = NULL, *cause = NULL;
		int port = 0;
		int rc = doctor_hostport(hostports[i].in, &host, &port, &cause);
		if (hostports[i].host == NULL) {
			assert_int_equal(rc, -1);
			assert_non_null(strstr(cause, "is not HOST:PORT"));
			free(cause);
			continue;
		}
		if (rc != 0)
			fail_msg("`%s`: %s", hostports[i].in, cause);
		assert_string_equal(host, hostports[i].host);
		assert_int_equal(port, hostports[i].port);
		free(host);
	}
}

static void test_doctor_tls_of(void **state)
{
	(void)state;
	struct conf c = { 0 };
	struct doctor_tls t;
	doctor_tls_of(&c, &t);
	assert_false(t.on);
	assert_true(t.verify && t.check_host);
	conf_set(&c, "security.protocol", "sasl_ssl");
	conf_set(&c, "ssl.ca.location", "probe");
	conf_set(&c, "enable.ssl.certificate.verification", "false");
	conf_set(&c, "ssl.endpoint.identification.algorithm", "none");
	doctor_tls_of(&c, &t);
	assert_true(t.on);
	assert_null(t.ca_location); /* probe: the system's store */
	assert_false(t.verify || t.check_host);
	conf_clear(&c);
}

static void test_doctor_report(void **state)
{
	(void)state;
	struct doctor_report r = { 0 }, more = { 0 };
	doctor_add(&r, "bootstrap a:1", -1, "dns", DOCTOR_OK, 3, NULL, "a resolves to %s", "10.0.0.1");
	doctor_add(&more, "broker 2 b:1", 2, "tcp", DOCTOR_FAILED, -1, "check", "refused");
	doctor_add(&more, "cluster", -1, "clock", DOCTOR_SKIPPED, -1, NULL, "not measurable");
	doctor_report_move(&r, &more);
	assert_int_equal(more.n, 0);
	assert_int_equal(r.n, 3);
	assert_int_equal(doctor_failures(&r), 1);
	assert_string_equal(r.rows[0].detail, "a resolves to 10.0.0.1");
	assert_string_equal(r.rows[1].hint, "check");
	assert_int_equal(r.rows[1].broker, 2);
	assert_string_equal(doctor_status_name(r.rows[2].status), "skipped");
	doctor_report_clear(&r);
	assert_int_equal(r.n, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_doctor_classify),
		cmocka_unit_test(test_doctor_hostport),
		cmocka_unit_test(test_doctor_tls_of),
		cmocka_unit_test(test_doctor_report),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
