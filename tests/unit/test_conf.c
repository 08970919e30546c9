/* conf: property files (librdkafka and Java), profiles, TLS/SASL options, defaults. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <fcntl.h>
#include <pwd.h>
#include <sys/stat.h>
#include <sys/wait.h>
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
	assert_string_equal(cause, "bad.properties:2: expected key=value or key: value: is this a properties file?");
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
	assert_true(c.sasl_ssl_implied); /* errors say where the TLS came from */
	assert_string_equal(conf_get(&c, "sasl.mechanism"), "SCRAM-SHA-512");
	assert_string_equal(conf_get(&c, "linger.ms"), "5");
	conf_clear(&c);

	/* SASL with the protocol given: nothing implied */
	assert_int_equal(conf_set_option(&c, "bootstrap", "k:9092", &cause), 0);
	assert_int_equal(conf_set_option(&c, "user", "alice", &cause), 0);
	assert_int_equal(conf_set_option(&c, "X", "security.protocol=SASL_PLAINTEXT", &cause), 0);
	assert_int_equal(conf_finish(&c, &cause), 0);
	assert_string_equal(conf_get(&c, "security.protocol"), "SASL_PLAINTEXT");
	assert_false(c.sasl_ssl_implied);
	conf_clear(&c);

	/* TLS only */
	assert_int_equal(conf_set_option(&c, "bootstrap", "k:9093", &cause), 0);
	assert_int_equal(conf_set_option(&c, "cert", "/u.crt", &cause), 0);
	assert_int_equal(conf_finish(&c, &cause), 0);
	assert_string_equal(conf_get(&c, "security.protocol"), "SSL");
	conf_clear(&c);

	/* TLS without a CA: librdkafka probes the usual CA store paths (a pod's need not be OpenSSL's) */
	static const struct {
		const char *opt, *value, *ca;
	} probes[] = {
		{ "X", "security.protocol=SASL_SSL", "probe" },
		{ "X", "security.protocol=ssl", "probe" },
		{ "cert", "/u.crt", "probe" },
		{ "ca", "/ca.crt", "/ca.crt" },
		{ "X", "ssl.ca.pem=PEM", NULL },
		{ "X", "security.protocol=SASL_PLAINTEXT", NULL },
		{ "X", "linger.ms=5", NULL },
	};
	for (size_t i = 0; i < sizeof(probes) / sizeof(probes[0]); i++) {
		assert_int_equal(conf_set_option(&c, "bootstrap", "k:9093", &cause), 0);
		assert_int_equal(conf_set_option(&c, probes[i].opt, probes[i].value, &cause), 0);
		assert_int_equal(conf_finish(&c, &cause), 0);
		const char *ca = conf_get(&c, "ssl.ca.location");
		if (probes[i].ca ? ca == NULL || strcmp(ca, probes[i].ca) != 0 : ca != NULL)
			fail_msg("%s %s: ssl.ca.location %s, want %s", probes[i].opt, probes[i].value,
				 ca ? ca : "unset", probes[i].ca ? probes[i].ca : "unset");
		conf_clear(&c);
	}

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

/* A file with text and mode; returns its path (caller frees and unlinks). */
static char *test_file(const char *text, mode_t mode)
{
	char *path = strdup("/tmp/kcon-test-conf-XXXXXX");
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	assert_int_equal(fchmod(fd, mode), 0);
	close(fd);
	return path;
}

/* A password file given to -F by mistake, or a bad line: errors name file, line and key, never a value. */
static void test_conf_errors_hide_values(void **state)
{
	(void)state;
	static const struct {
		const char *text, *want;
	} cases[] = {
		{ "hunter2\n", "f.properties:1: expected key=value" },
		{ "# my password\n\nhunter2 secret words\n", "f.properties:3: expected key=value" },
		{ "acks=all\nhunt er2=x\n", "f.properties:2: the key is not a property name" },
		{ "p@ss\\word:x\n", "f.properties:1: the key is not a property name" },
		{ "ssl.truststore.location=/hunter2.jks\n", "f.properties: ssl.truststore.location names a JKS" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct conf c = { 0 };
		char *cause = NULL;
		assert_int_equal(conf_apply_properties(&c, cases[i].text, "f.properties", &cause), -1);
		if (strstr(cause, cases[i].want) == NULL || strstr(cause, "hunter2") || strstr(cause, "word"))
			fail_msg("case %zu: %s", i, cause);
		free(cause);
		conf_clear(&c);
	}
	/* jansson quotes the text near a JSON error: not in ours */
	char *path = test_file("{\"profiles\": {\"p\": {\"user\": hunter2}}}", 0600);
	struct conf c = { 0 };
	char *cause = NULL;
	assert_int_equal(conf_load_profile(&c, path, "p", &cause), -1);
	if (strstr(cause, path) == NULL || strstr(cause, ":1:") == NULL || strstr(cause, "hunter2"))
		fail_msg("%s", cause);
	free(cause);
	conf_clear(&c);
	unlink(path);
	free(path);
}

/* config.json: a field of the wrong type is an error naming it and the type it must have. */
static void test_conf_profile_types(void **state)
{
	(void)state;
	static const struct {
		const char *json, *want;
	} cases[] = {
		{ "{\"default_profile\": 5}", "\"default_profile\" must be a string, not a number" },
		{ "{\"profiles\": []}", "\"profiles\" must be an object, not an array" },
		{ "{\"retention\": true}", "\"retention\" must be a string, not a boolean" },
		{ "{\"profiles\": {\"p\": 3}}", "profile `p` must be an object, not a number" },
		{ "{\"profiles\": {\"p\": {\"bootstrap\": 9092}}}",
		  "profile `p`: \"bootstrap\" must be a string, not a number" },
		{ "{\"profiles\": {\"p\": {\"password_file\": [\"/pw\"]}}}",
		  "profile `p`: \"password_file\" must be a string, not an array" },
		{ "{\"profiles\": {\"p\": {\"properties_file\": null}}}",
		  "profile `p`: \"properties_file\" must be a string, not null" },
		{ "{\"profiles\": {\"p\": {\"properties\": \"acks=all\"}}}",
		  "profile `p`: \"properties\" must be an object, not a string" },
		{ "{\"profiles\": {\"p\": {\"properties\": {\"acks\": 1}}}}",
		  "profile `p`: property acks must be a string, not a number" },
		{ "[1]", "must hold a JSON object, not an array" },
		{ "{\"profiles\": {\"p\": {\"read_only\": \"yes\"}}}",
		  "profile `p`: \"read_only\" must be true or false, not a string" },
		{ "{\"profiles\": {\"p\": {\"strimzi\": 1}}}",
		  "profile `p`: \"strimzi\" must be true or false, not a number" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *path = test_file(cases[i].json, 0600);
		struct conf c = { 0 };
		char *cause = NULL;
		int rc = conf_load_profile(&c, path, strstr(cases[i].json, "\"p\"") ? "p" : NULL, &cause);
		if (rc != -1 || cause == NULL || strstr(cause, cases[i].want) == NULL)
			fail_msg("case %zu: rc %d, %s", i, rc, cause ? cause : "(no cause)");
		free(cause);
		conf_clear(&c);
		unlink(path);
		free(path);
	}
}

/* "read_only" and "strimzi" are booleans of a profile: true sets them, false and absent leave them off. */
static void test_conf_profile_flags(void **state)
{
	(void)state;
	static const struct {
		const char *json;
		bool read_only, strimzi;
	} cases[] = {
		{ "{\"profiles\": {\"p\": {\"read_only\": true}}}", true, false },
		{ "{\"profiles\": {\"p\": {\"strimzi\": true, \"read_only\": false}}}", false, true },
		{ "{\"profiles\": {\"p\": {\"bootstrap\": \"h:1\"}}}", false, false },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *path = test_file(cases[i].json, 0600);
		struct conf c = { 0 }, copy;
		char *cause = NULL;
		assert_int_equal(conf_load_profile(&c, path, "p", &cause), 0);
		assert_int_equal(c.read_only, cases[i].read_only);
		assert_int_equal(c.strimzi, cases[i].strimzi);
		conf_copy(&copy, &c);
		assert_int_equal(copy.read_only, cases[i].read_only);
		assert_int_equal(copy.strimzi, cases[i].strimzi);
		conf_clear(&copy);
		conf_clear(&c);
		unlink(path);
		free(path);
	}
}

/* Profiles hold no secret: a password among "properties" is refused with a hint; a URL is no secret. */
static void test_conf_profile_secret(void **state)
{
	(void)state;
	static const struct {
		const char *prop, *want; /* NULL want: accepted */
	} cases[] = {
		{ "sasl.password", "\"password_file\"" },
		{ "SASL.PASSWORD", "\"properties_file\"" },
		{ "ssl.key.password", "\"properties_file\"" },
		{ "sasl.oauthbearer.client.secret", "\"properties_file\"" },
		{ "sasl.oauthbearer.token.endpoint.url", NULL },
		{ "client.id", NULL },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *json = NULL;
		assert_true(asprintf(&json, "{\"profiles\": {\"p\": {\"properties\": {\"%s\": \"hunter2\"}}}}",
				     cases[i].prop) > 0);
		char *path = test_file(json, 0600);
		struct conf c = { 0 };
		char *cause = NULL;
		int rc = conf_load_profile(&c, path, "p", &cause);
		if (cases[i].want == NULL) {
			assert_int_equal(rc, 0);
			assert_string_equal(conf_get(&c, cases[i].prop), "hunter2");
		} else if (rc != -1 || strstr(cause, cases[i].want) == NULL || strstr(cause, "hunter2")) {
			fail_msg("case %zu: rc %d, %s", i, rc, cause ? cause : "(no cause)");
		}
		free(cause);
		conf_clear(&c);
		unlink(path);
		free(path);
		free(json);
	}
}

/* An unreadable config.json says so, with the path and a hint (as a user other than root). */
static void test_conf_profile_unreadable(void **state)
{
	(void)state;
	char *path = test_file("{}", 0000);
	assert_int_equal(chmod(path, 0000), 0);
	int fds[2];
	assert_int_equal(pipe(fds), 0);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct passwd *nobody = getpwnam("nobody");
		if (geteuid() == 0 && (nobody == NULL || setgid(nobody->pw_gid) < 0 || setuid(nobody->pw_uid) < 0))
			_exit(3);
		struct conf c = { 0 };
		char *cause = NULL;
		int rc = conf_load_profile(&c, path, NULL, &cause);
		if (cause)
			assert_true(write(fds[1], cause, strlen(cause)) >= 0);
		_exit(rc == -1 ? 0 : 1);
	}
	close(fds[1]);
	char buf[1024] = "";
	ssize_t n = read(fds[0], buf, sizeof(buf) - 1);
	buf[n > 0 ? n : 0] = '\0';
	close(fds[0]);
	int st;
	assert_int_equal(waitpid(pid, &st, 0), pid);
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0 || strstr(buf, "permission denied") == NULL ||
	    strstr(buf, path) == NULL || strstr(buf, "ls -l") == NULL || strstr(buf, "profile"))
		fail_msg("status %d: %s", st, buf);
	unlink(path);
	free(path);
}

/* -X with a secret warns that the process list shows it, without repeating the value. */
static void test_conf_secret_warnings(void **state)
{
	(void)state;
	struct conf c = { 0 };
	char *cause = NULL;
	assert_int_equal(conf_set_option(&c, "X", "linger.ms=5", &cause), 0);
	assert_int_equal(c.nwarnings, 0);
	assert_int_equal(conf_set_option(&c, "X", "sasl.password=hunter2", &cause), 0);
	assert_int_equal(c.nwarnings, 1);
	assert_non_null(strstr(c.warnings[0], "-X sasl.password"));
	assert_non_null(strstr(c.warnings[0], "ps"));
	assert_non_null(strstr(c.warnings[0], "--password-file"));
	assert_non_null(strstr(c.warnings[0], "KCON_PASSWORD"));
	assert_null(strstr(c.warnings[0], "hunter2"));
	assert_int_equal(conf_set_option(&c, "X", "ssl.key.password=hunter2", &cause), 0);
	assert_int_equal(c.nwarnings, 2);
	assert_non_null(strstr(c.warnings[1], "-F"));
	conf_clear(&c);

	/* password, properties and key files that every user may read */
	static const struct {
		const char *option, *text;
		mode_t mode;
		bool warn;
	} files[] = {
		{ "password-file", "hunter2\n", 0600, false },
		{ "password-file", "hunter2\n", 0640, false },
		{ "password-file", "hunter2\n", 0644, true },
		{ "F", "sasl.password=hunter2\n", 0604, true },
		{ "F", "acks=all\n", 0644, false },
		{ "key", "-----BEGIN PRIVATE KEY-----\n", 0644, true },
		{ "key", "-----BEGIN PRIVATE KEY-----\n", 0600, false },
	};
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		char *path = test_file(files[i].text, files[i].mode);
		int rc = strcmp(files[i].option, "F") == 0 ? conf_load_properties(&c, path, &cause)
							   : conf_set_option(&c, files[i].option, path, &cause);
		assert_int_equal(rc, 0);
		conf_check_files(&c);
		if (files[i].warn != (c.nwarnings == 1) ||
		    (files[i].warn && (strstr(c.warnings[0], path) == NULL || strstr(c.warnings[0], "chmod") == NULL ||
				       strstr(c.warnings[0], "hunter2"))))
			fail_msg("case %zu: %zu warnings, %s", i, c.nwarnings, c.nwarnings ? c.warnings[0] : "");
		conf_clear(&c);
		unlink(path);
		free(path);
	}
}

/* Many properties: set and found through a hash, not a walk of all of them per key. */
static void test_conf_many_properties(void **state)
{
	(void)state;
	enum { N = 50000 };
	char *text = malloc((size_t)N * 32);
	size_t len = 0;
	for (int i = 0; i < N; i++)
		len += (size_t)sprintf(text + len, "key.number.%d=%d\n", i, i);
	sprintf(text + len, "key.number.7=again\n");
	struct conf c = { 0 };
	char *cause = NULL;
	assert_int_equal(conf_apply_properties(&c, text, "big.properties", &cause), 0);
	assert_int_equal(c.nprops, N);
	assert_string_equal(conf_get(&c, "key.number.7"), "again");
	assert_string_equal(conf_get(&c, "key.number.49999"), "49999");
	assert_string_equal(c.props[0].key, "key.number.0"); /* in the order first set */
	assert_null(conf_get(&c, "key.number.50000"));
	conf_clear(&c);
	free(text);
}

/* Makes dir/NAME (a fresh directory under /tmp) holding files "name=content" separated by '|'. */
static char *strimzi_dir(const char *name, const char *files)
{
	char tmpl[] = "/tmp/kcon-test-strimzi-XXXXXX";
	assert_non_null(mkdtemp(tmpl));
	char *dir = malloc(strlen(tmpl) + strlen(name) + 2);
	sprintf(dir, "%s/%s", tmpl, name);
	assert_int_equal(mkdir(dir, 0700), 0);
	char *list = strdup(files), *save = NULL;
	for (char *f = strtok_r(list, "|", &save); f; f = strtok_r(NULL, "|", &save)) {
		char *eq = strchr(f, '=');
		*eq = '\0';
		char path[512];
		snprintf(path, sizeof(path), "%s/%s", dir, f);
		if (strcmp(f, "..data") == 0) { /* a mounted secret's link */
			assert_int_equal(mkdir(path, 0700), 0);
			continue;
		}
		int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		assert_true(fd >= 0);
		assert_int_equal(write(fd, eq + 1, strlen(eq + 1)), (ssize_t)strlen(eq + 1));
		close(fd);
	}
	free(list);
	return dir;
}

static void strimzi_rm(char *dir)
{
	char *cmd = malloc(strlen(dir) + 32);
	*strrchr(dir, '/') = '\0'; /* the mkdtemp directory */
	sprintf(cmd, "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
	free(cmd);
	free(dir);
}

/* Strimzi secrets as `oc extract` writes them, and what each sets (or why it is refused). */
static const struct {
	const char *option, *name, *files;
	const char *key1, *value1, *key2, *value2; /* value "DIR/x": the directory's file x */
	const char *error;                         /* NULL: accepted */
	const char *warning;
} strimzi[] = {
	{ .option = "strimzi-user",
	  .name = "alice",
	  .files = "password=pw1\n|sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required "
		   "username=\"app-user\" password=\"pw1\";|..data=",
	  .key1 = "sasl.username",
	  .value1 = "app-user",
	  .key2 = "sasl.password",
	  .value2 = "pw1" },
	{ .option = "strimzi-user",
	  .name = "bob",
	  .files = "password=pw2",
	  .key1 = "sasl.username",
	  .value1 = "bob",
	  .key2 = "sasl.mechanism",
	  .value2 = "SCRAM-SHA-512",
	  .warning = "user name is taken from the directory's name, `bob`" },
	{ .option = "strimzi-user",
	  .name = "u",
	  .files = "sasl.jaas.config=ScramLoginModule required username=\"x\" password=\"pw3\";",
	  .key1 = "sasl.password",
	  .value1 = "pw3",
	  .key2 = "sasl.username",
	  .value2 = "x" },
	{ .option = "strimzi-user",
	  .name = "t",
	  .files = "user.crt=C|user.key=K|user.p12=P|user.password=pp|ca.crt=CA",
	  .key1 = "ssl.certificate.location",
	  .value1 = "DIR/user.crt",
	  .key2 = "ssl.key.location",
	  .value2 = "DIR/user.key" },
	{ .option = "strimzi-user",
	  .name = "t",
	  .files = "user.p12=P|user.password=pp\n",
	  .error = "/user.p12: not a PKCS12 store" }, /* a real one: tests/e2e/test_strimzi.py */
	{ .option = "strimzi-user",
	  .name = "t",
	  .files = "user.crt=C|ca.crt=CA",
	  .error = "/user.key: missing: expected the private key of user.crt (PEM) beside user.crt" },
	{ .option = "strimzi-user",
	  .name = "t",
	  .files = "user.p12=P",
	  .error = "/user.password: missing: expected the password of user.p12" },
	{ .option = "strimzi-user",
	  .name = "t",
	  .files = "password=x|notes.txt=y",
	  .error = "/notes.txt: not a file of this secret: expected a Strimzi KafkaUser secret: password and "
		   "sasl.jaas.config" },
	{ .option = "strimzi-user",
	  .name = "t",
	  .files = "ca.crt=CA",
	  .error = "neither password (SCRAM) nor user.crt" },
	{ .option = "strimzi-user",
	  .name = "t",
	  .files = "ca.p12=X|ca.password=Y",
	  .error = "/ca.p12: not a file of this secret" },
	{ .option = "strimzi-user",
	  .name = "t",
	  .files = "sasl.jaas.config=ScramLoginModule required;",
	  .error = "/sasl.jaas.config: no username=\"...\" in it" },
	{ .option = "strimzi-ca",
	  .name = "c",
	  .files = "ca.crt=CA|ca.p12=P|ca.password=pw",
	  .key1 = "ssl.ca.location",
	  .value1 = "DIR/ca.crt" },
	{ .option = "strimzi-ca",
	  .name = "c",
	  .files = "ca.p12=P",
	  .error = "/ca.password: missing: expected the password of ca.p12 beside it" },
	{ .option = "strimzi-ca",
	  .name = "c",
	  .files = "ca.p12=not pkcs12|ca.password=pw",
	  .error = "/ca.p12: not a PKCS12 store" },
	{ .option = "strimzi-ca",
	  .name = "c",
	  .files = "ca.crt=CA|ca.key=K",
	  .error = "/ca.key: the CA's private key (the CLUSTER-cluster-ca secret)" },
	{ .option = "strimzi-ca",
	  .name = "c",
	  .files = "user.crt=C",
	  .error = "/user.crt: not a file of this secret: expected the cluster CA secret" },
};

static void strimzi_expect(const char *dir, const struct conf *c, const char *key, const char *value)
{
	if (key == NULL)
		return;
	const char *got = conf_get(c, key);
	assert_non_null(got);
	if (strncmp(value, "DIR/", 4) == 0) {
		assert_memory_equal(got, dir, strlen(dir));
		assert_string_equal(got + strlen(dir) + 1, value + 4);
	} else {
		assert_string_equal(got, value);
	}
}

static void test_conf_strimzi(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(strimzi) / sizeof(strimzi[0]); i++) {
		char *dir = strimzi_dir(strimzi[i].name, strimzi[i].files);
		struct conf c = { 0 };
		char *cause = NULL;
		int rc = conf_set_option(&c, strimzi[i].option, dir, &cause);
		if (strimzi[i].error) {
			assert_int_equal(rc, -1);
			if (strstr(cause, strimzi[i].error) == NULL)
				fail_msg("case %zu: `%s` lacks `%s`", i, cause, strimzi[i].error);
			assert_non_null(strstr(cause, dir)); /* the message names the file */
			free(cause);
		} else {
			if (rc != 0)
				fail_msg("case %zu: %s", i, cause);
			strimzi_expect(dir, &c, strimzi[i].key1, strimzi[i].value1);
			strimzi_expect(dir, &c, strimzi[i].key2, strimzi[i].value2);
			if (strcmp(strimzi[i].option, "strimzi-user") == 0 && conf_get(&c, "sasl.username"))
				assert_string_equal(conf_get(&c, "sasl.mechanism"), "SCRAM-SHA-512");
			assert_null(conf_get(&c, "ssl.ca.location") && strcmp(strimzi[i].option, "strimzi-user") == 0
					    ? "the clients CA is no trust store"
					    : NULL);
			if (strimzi[i].warning)
				assert_non_null(c.nwarnings ? strstr(c.warnings[0], strimzi[i].warning) : NULL);
			else
				assert_int_equal(c.nwarnings, 0);
		}
		conf_clear(&c);
		strimzi_rm(dir);
	}
	struct conf c = { 0 };
	char *cause = NULL;
	assert_int_equal(conf_set_option(&c, "strimzi-user", "/nonexistent/kcon-user", &cause), -1);
	assert_non_null(strstr(cause, "cannot read the directory /nonexistent/kcon-user"));
	free(cause);
	conf_clear(&c);
}

/* A profile names the secrets' directories like the options do. */
static void test_conf_strimzi_profile(void **state)
{
	(void)state;
	char *user = strimzi_dir("carol", "user.crt=C|user.key=K"), *ca = strimzi_dir("ca", "ca.crt=CA");
	char path[] = "/tmp/kcon-test-profile-XXXXXX";
	int fd = mkstemp(path);
	char json[2048];
	snprintf(json, sizeof(json),
		 "{\"profiles\": {\"pod\": {\"bootstrap\": \"my-cluster-kafka-bootstrap:9093\", "
		 "\"strimzi_user\": \"%s\", \"strimzi_ca\": \"%s\"}}}",
		 user, ca);
	assert_int_equal(write(fd, json, strlen(json)), (ssize_t)strlen(json));
	close(fd);
	struct conf c = { 0 };
	char *cause = NULL;
	assert_int_equal(conf_load_profile(&c, path, "pod", &cause), 0);
	strimzi_expect(user, &c, "ssl.certificate.location", "DIR/user.crt");
	strimzi_expect(ca, &c, "ssl.ca.location", "DIR/ca.crt");
	assert_int_equal(conf_finish(&c, &cause), 0);
	assert_string_equal(conf_get(&c, "security.protocol"), "SSL");
	conf_clear(&c);
	unlink(path);
	strimzi_rm(user);
	strimzi_rm(ca);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_conf_properties_syntax),  cmocka_unit_test(test_conf_java),
		cmocka_unit_test(test_conf_options_and_finish), cmocka_unit_test(test_conf_profile),
		cmocka_unit_test(test_conf_errors_hide_values), cmocka_unit_test(test_conf_profile_types),
		cmocka_unit_test(test_conf_profile_flags),      cmocka_unit_test(test_conf_profile_secret),
		cmocka_unit_test(test_conf_profile_unreadable), cmocka_unit_test(test_conf_secret_warnings),
		cmocka_unit_test(test_conf_many_properties),    cmocka_unit_test(test_conf_strimzi),
		cmocka_unit_test(test_conf_strimzi_profile),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
