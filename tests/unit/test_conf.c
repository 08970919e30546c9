/* conf: property files (librdkafka and Java), profiles, TLS/SASL options, defaults. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <unistd.h>

#include <cmocka.h>

#include "conf.h"

static void test_conf_properties_syntax(void **state)
{
	(void)state;
	struct conf c = { 0 };
	char *cause = NULL;
	assert_int_equal(conf_apply_properties(&c,
					       "# comment\n"
					       "! also a comment\n"
					       "\n"
					       "bootstrap.servers = a:9092,b:9092\n"
					       "client.id: me\n"
					       "  socket.timeout.ms=5000  \n"
					       "ssl.ca.location=/a/long\\\n"
					       "    /path.pem\n",
					       "t.properties", &cause),
			 0);
	assert_string_equal(c.bootstrap, "a:9092,b:9092");
	assert_string_equal(conf_get(&c, "client.id"), "me");
	assert_string_equal(conf_get(&c, "socket.timeout.ms"), "5000");
	assert_string_equal(conf_get(&c, "ssl.ca.location"), "/a/long/path.pem");
	assert_int_equal(conf_apply_properties(&c, "a=1\nnonsense line\n", "bad.properties", &cause), -1);
	assert_string_equal(cause, "bad.properties:2: expected key=value, got `nonsense line`");
	free(cause);
	conf_clear(&c);
}

/* Java client.properties keys and what librdkafka gets instead. */
static const struct {
	const char *in;
	const char *key, *value; /* NULL value: key must be absent */
} java[] = {
	{ "sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username=\"alice\" "
	  "password=\"s3cr;et\";",
	  "sasl.username", "alice" },
	{ "sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username=bob password=pw;",
	  "sasl.password", "pw" },
	{ "ssl.truststore.type=PEM\nssl.truststore.location=/ca.crt", "ssl.ca.location", "/ca.crt" },
	{ "ssl.keystore.type=PKCS12\nssl.keystore.location=/user.p12\nssl.keystore.password=x", "ssl.keystore.location",
	  "/user.p12" },
	{ "ssl.keystore.type=PEM\nssl.keystore.location=/both.pem", "ssl.key.location", "/both.pem" },
	{ "ssl.endpoint.identification.algorithm=", "ssl.endpoint.identification.algorithm", "none" },
	{ "key.deserializer=org.apache.kafka.common.serialization.StringDeserializer", "key.deserializer", NULL },
	{ "security.protocol=SASL_SSL", "security.protocol", "SASL_SSL" },
};

static void test_conf_java(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(java) / sizeof(java[0]); i++) {
		struct conf c = { 0 };
		char *cause = NULL;
		assert_int_equal(conf_apply_properties(&c, java[i].in, "client.properties", &cause), 0);
		if (java[i].value)
			assert_string_equal(conf_get(&c, java[i].key), java[i].value);
		else
			assert_null(conf_get(&c, java[i].key));
		conf_clear(&c);
	}
	struct conf c = { 0 };
	char *cause = NULL;
	assert_int_equal(
		conf_apply_properties(&c, "ssl.truststore.location=/x.jks\nssl.truststore.type=JKS", "f", &cause), -1);
	assert_non_null(strstr(cause, "--ca"));
	free(cause);
	conf_clear(&c);
}

static void test_conf_options_and_finish(void **state)
{
	(void)state;
	struct conf c = { 0 };
	char *cause = NULL;
	assert_int_equal(conf_finish(&c, &cause), -1);
	assert_non_null(strstr(cause, "-b host:port"));
	free(cause);

	char path[] = "/tmp/kcon-test-pw-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "hunter2\nignored\n", 16), 16);
	close(fd);
	assert_int_equal(conf_set_option(&c, "bootstrap", "k:9093", &cause), 0);
	assert_int_equal(conf_set_option(&c, "ca", "/ca.crt", &cause), 0);
	assert_int_equal(conf_set_option(&c, "user", "alice", &cause), 0);
	assert_int_equal(conf_set_option(&c, "password-file", path, &cause), 0);
	assert_int_equal(conf_set_option(&c, "X", "linger.ms=5", &cause), 0);
	assert_int_equal(conf_set_option(&c, "X", "nonsense", &cause), -1);
	free(cause);
	unlink(path);
	assert_int_equal(conf_finish(&c, &cause), 0);
	assert_string_equal(conf_get(&c, "bootstrap.servers"), "k:9093");
	assert_string_equal(conf_get(&c, "sasl.password"), "hunter2");
	assert_string_equal(conf_get(&c, "security.protocol"), "SASL_SSL");
	assert_string_equal(conf_get(&c, "sasl.mechanism"), "SCRAM-SHA-512");
	assert_string_equal(conf_get(&c, "linger.ms"), "5");
	conf_clear(&c);

	/* TLS only */
	assert_int_equal(conf_set_option(&c, "bootstrap", "k:9093", &cause), 0);
	assert_int_equal(conf_set_option(&c, "cert", "/u.crt", &cause), 0);
	assert_int_equal(conf_finish(&c, &cause), 0);
	assert_string_equal(conf_get(&c, "security.protocol"), "SSL");
	conf_clear(&c);

	assert_true(conf_is_secret("sasl.password"));
	assert_true(conf_is_secret("ssl.key.password"));
	assert_true(conf_is_secret("sasl.oauthbearer.client.secret"));
	assert_false(conf_is_secret("bootstrap.servers"));
}

static void test_conf_profile(void **state)
{
	(void)state;
	char path[] = "/tmp/kcon-test-profile-XXXXXX";
	int fd = mkstemp(path);
	const char *json = "{\"default_profile\": \"dev\", \"profiles\": {"
			   "\"dev\": {\"bootstrap\": \"dev:9092\", \"properties\": {\"client.id\": \"dev-kcon\"}},"
			   "\"prod\": {\"bootstrap\": \"prod:9093\", \"ca\": \"/etc/ca.crt\", \"user\": \"ops\"}}}";
	assert_int_equal(write(fd, json, strlen(json)), (ssize_t)strlen(json));
	close(fd);
	struct conf c = { 0 };
	char *cause = NULL;
	assert_int_equal(conf_load_profile(&c, path, NULL, &cause), 0);
	assert_string_equal(c.profile, "dev");
	assert_string_equal(c.bootstrap, "dev:9092");
	assert_string_equal(conf_get(&c, "client.id"), "dev-kcon");
	conf_clear(&c);
	assert_int_equal(conf_load_profile(&c, path, "prod", &cause), 0);
	assert_string_equal(c.bootstrap, "prod:9093");
	assert_string_equal(conf_get(&c, "ssl.ca.location"), "/etc/ca.crt");
	conf_clear(&c);
	assert_int_equal(conf_load_profile(&c, path, "nope", &cause), -1);
	assert_non_null(strstr(cause, "known profiles: dev, prod"));
	free(cause);
	conf_clear(&c);
	/* no file: fine unless a profile was asked for */
	assert_int_equal(conf_load_profile(&c, "/nonexistent/config.json", NULL, &cause), 0);
	assert_int_equal(conf_load_profile(&c, "/nonexistent/config.json", "dev", &cause), -1);
	free(cause);
	/* broken JSON says where */
	fd = open(path, O_WRONLY | O_TRUNC);
	assert_int_equal(write(fd, "{\n\"profiles\": [,]}", 18), 18);
	close(fd);
	assert_int_equal(conf_load_profile(&c, path, NULL, &cause), -1);
	assert_non_null(strstr(cause, ":2:"));
	free(cause);
	unlink(path);
	conf_clear(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_conf_properties_syntax),
		cmocka_unit_test(test_conf_java),
		cmocka_unit_test(test_conf_options_and_finish),
		cmocka_unit_test(test_conf_profile),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
