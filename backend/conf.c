#include "conf.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fnmatch.h>
#include <jansson.h>
#include <sys/stat.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "file.h"
#include "sbuf.h"
#include "tlsfile.h"
#include "xalloc.h"

void conf_clear(struct conf *c)
{
	for (size_t i = 0; i < c->nprops; i++) {
		free(c->props[i].key);
		free(c->props[i].value);
	}
	free(c->props);
	free(c->index);
	for (size_t i = 0; i < c->nwarnings; i++)
		free(c->warnings[i]);
	free(c->warnings);
	free(c->bootstrap);
	free(c->profile);
	free(c->retention);
	free(c->registry);
	free(c->registry_user);
	free(c->registry_password_file);
	free(c->registry_token_file);
	free(c->registry_ca);
	for (size_t i = 0; i < c->ndecode; i++) {
		free(c->decode_topics[i]);
		free(c->decode_names[i]);
	}
	free(c->decode_topics);
	free(c->decode_names);
	memset(c, 0, sizeof(*c));
}

/* FNV-1a */
static size_t conf_hash(const char *key)
{
	size_t h = 14695981039346656037u;
	for (const unsigned char *p = (const unsigned char *)key; *p; p++)
		h = (h ^ *p) * 1099511628211u;
	return h;
}

/* The index slot of key: the one holding it, or the free one where it would go. */
static size_t conf_slot(const struct conf *c, const char *key)
{
	size_t mask = c->index_cap - 1, i = conf_hash(key) & mask;
	while (c->index[i] && strcmp(c->props[c->index[i] - 1].key, key) != 0)
		i = (i + 1) & mask;
	return i;
}

/* Keeps the index at most half full, so that lookups stay short. */
static void conf_index_grow(struct conf *c)
{
	if (2 * (c->nprops + 1) <= c->index_cap)
		return;
	free(c->index);
	c->index_cap = c->index_cap ? 2 * c->index_cap : 64;
	c->index = x_calloc(c->index_cap, sizeof(*c->index));
	for (size_t i = 0; i < c->nprops; i++)
		c->index[conf_slot(c, c->props[i].key)] = i + 1;
}

void conf_set(struct conf *c, const char *key, const char *value)
{
	conf_index_grow(c);
	size_t slot = conf_slot(c, key);
	if (c->index[slot]) {
		struct conf_prop *p = &c->props[c->index[slot] - 1];
		free(p->value);
		p->value = x_strdup(value);
		return;
	}
	if (c->nprops == c->props_cap) {
		c->props_cap = c->props_cap ? 2 * c->props_cap : 16;
		c->props = x_reallocarray(c->props, c->props_cap, sizeof(*c->props));
	}
	c->props[c->nprops].key = x_strdup(key);
	c->props[c->nprops].value = x_strdup(value);
	c->index[slot] = ++c->nprops;
}

static void conf_add_decoder(struct conf *c, const char *topic, const char *decoder)
{
	c->decode_topics = x_reallocarray(c->decode_topics, c->ndecode + 1, sizeof(*c->decode_topics));
	c->decode_names = x_reallocarray(c->decode_names, c->ndecode + 1, sizeof(*c->decode_names));
	c->decode_topics[c->ndecode] = x_strdup(topic);
	c->decode_names[c->ndecode++] = x_strdup(decoder);
}

const char *conf_topic_decoder(const struct conf *c, const char *topic)
{
	for (size_t i = 0; i < c->ndecode; i++)
		if (fnmatch(c->decode_topics[i], topic, 0) == 0)
			return c->decode_names[i];
	return NULL;
}

void conf_copy(struct conf *dst, const struct conf *src)
{
	memset(dst, 0, sizeof(*dst));
	for (size_t i = 0; i < src->nprops; i++)
		conf_set(dst, src->props[i].key, src->props[i].value);
	dst->bootstrap = src->bootstrap ? x_strdup(src->bootstrap) : NULL;
	dst->profile = src->profile ? x_strdup(src->profile) : NULL;
	dst->retention = src->retention ? x_strdup(src->retention) : NULL;
	dst->registry = src->registry ? x_strdup(src->registry) : NULL;
	dst->registry_user = src->registry_user ? x_strdup(src->registry_user) : NULL;
	dst->registry_password_file = src->registry_password_file ? x_strdup(src->registry_password_file) : NULL;
	dst->registry_token_file = src->registry_token_file ? x_strdup(src->registry_token_file) : NULL;
	dst->registry_ca = src->registry_ca ? x_strdup(src->registry_ca) : NULL;
	for (size_t i = 0; i < src->ndecode; i++)
		conf_add_decoder(dst, src->decode_topics[i], src->decode_names[i]);
	dst->read_only = src->read_only;
	dst->strimzi = src->strimzi;
	dst->sasl_ssl_implied = src->sasl_ssl_implied;
}

const char *conf_get(const struct conf *c, const char *key)
{
	if (c->nprops == 0)
		return NULL;
	size_t slot = conf_slot(c, key);
	return c->index[slot] ? c->props[c->index[slot] - 1].value : NULL;
}

bool conf_is_secret(const char *key)
{
	/* the one list of secret words: the profile check, -X warnings and the command history's redaction */
	static const char *const words[] = {
		"password", "passwd",       "pwd",         "passphrase",  "secret",        "token",
		"apikey",   "api-key",      "api_key",     "credential",  "authorization", "jaas",
		"key.pem",  "keystore.key", "private-key", "private_key", "user.info",
	};
	/* where the value is a place, not the secret (sasl.oauthbearer.token.endpoint.url) */
	static const char *const places[] = { ".url", ".location" };
	size_t len = strlen(key);
	for (size_t i = 0; i < sizeof(places) / sizeof(places[0]); i++)
		if (len >= strlen(places[i]) && strcasecmp(key + len - strlen(places[i]), places[i]) == 0)
			return false;
	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (strcasestr(key, words[i]))
			return true;
	return false;
}

static void conf_warn(struct conf *c, char *msg)
{
	c->warnings = x_reallocarray(c->warnings, c->nwarnings + 2, sizeof(char *));
	c->warnings[c->nwarnings++] = msg;
	c->warnings[c->nwarnings] = NULL;
}

/* A properties or password file: a pipe too (-F <(...)), bounded. */
static char *conf_read_file(const char *path, const char *what, char **cause)
{
	return file_read(path, what, FILE_CONFIG_MAX, FILE_PIPE_OK, NULL, cause);
}

/* A Java JAAS line: ... required username="u" password="p"; gives u and p. */
static char *conf_jaas_value(const char *jaas, const char *name)
{
	size_t nl = strlen(name);
	for (const char *p = jaas; (p = strstr(p, name)) != NULL; p += nl) {
		if (p > jaas && (isalnum((unsigned char)p[-1]) || p[-1] == '_'))
			continue;
		const char *q = p + nl;
		while (*q == ' ')
			q++;
		if (*q++ != '=')
			continue;
		while (*q == ' ')
			q++;
		if (*q == '"') {
			const char *end = strchr(q + 1, '"');
			return end ? x_strndup(q + 1, (size_t)(end - q - 1)) : NULL;
		}
		size_t len = strcspn(q, " ;");
		return x_strndup(q, len);
	}
	return NULL;
}

/* Java client keys that librdkafka has no use for: skipped with a note. */
static bool conf_java_only(const char *key)
{
	static const char *const keys[] = { "key.serializer",
					    "value.serializer",
					    "key.deserializer",
					    "value.deserializer",
					    "ssl.truststore.password",
					    "sasl.login.callback.handler.class",
					    "sasl.client.callback.handler.class",
					    "ssl.protocol",
					    "ssl.enabled.protocols",
					    "ssl.trustmanager.algorithm",
					    "ssl.keymanager.algorithm",
					    "sasl.login.class",
					    "schema.registry.url",
					    "basic.auth.credentials.source",
					    "basic.auth.user.info",
					    "default.api.timeout.ms" };
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (strcmp(key, keys[i]) == 0)
			return true;
	return false;
}

/* Translates the Java client's TLS and SASL keys of one properties text into librdkafka's. */
static int conf_translate(struct conf *c, const struct conf *in, const char *origin, char **cause)
{
	const char *ts_type = conf_get(in, "ssl.truststore.type");
	const char *ks_type = conf_get(in, "ssl.keystore.type");
	for (size_t i = 0; i < in->nprops; i++) {
		const char *k = in->props[i].key, *v = in->props[i].value;
		if (strcmp(k, "sasl.jaas.config") == 0) {
			if (strstr(v, "OAuthBearerLoginModule")) {
				conf_warn(c, x_asprintf("%s: OAUTHBEARER login module skipped: set sasl.oauthbearer.* "
							"properties with -X instead",
							origin));
				continue;
			}
			char *user = conf_jaas_value(v, "username"), *pass = conf_jaas_value(v, "password");
			if (user)
				conf_set(c, "sasl.username", user);
			if (pass)
				conf_set(c, "sasl.password", pass);
			free(user);
			free(pass);
		} else if (strcmp(k, "ssl.truststore.location") == 0) {
			if (ts_type && strcasecmp(ts_type, "PEM") != 0) {
				*cause = x_asprintf(
					"%s: ssl.truststore.location is a %s store, which librdkafka cannot read: "
					"export the CA as PEM (Strimzi: the ca.crt of the cluster CA secret) "
					"and pass it with --ca",
					origin, ts_type);
				return -1;
			}
			if (!ts_type && (strstr(v, ".jks") || strstr(v, ".p12"))) {
				*cause = x_asprintf("%s: ssl.truststore.location names a JKS or PKCS12 truststore (by "
						    "its extension), which librdkafka cannot read: pass the CA "
						    "certificate as PEM with --ca",
						    origin);
				return -1;
			}
			conf_set(c, "ssl.ca.location", v);
		} else if (strcmp(k, "ssl.truststore.certificates") == 0) {
			conf_set(c, "ssl.ca.pem", v);
		} else if (strcmp(k, "ssl.keystore.location") == 0) {
			if (ks_type && strcasecmp(ks_type, "PEM") == 0) {
				conf_set(c, "ssl.certificate.location", v);
				conf_set(c, "ssl.key.location", v);
			} else if (ks_type && strcasecmp(ks_type, "PKCS12") != 0) {
				*cause = x_asprintf(
					"%s: ssl.keystore.location is a %s store, which librdkafka cannot read: "
					"use the PKCS12 file (Strimzi: user.p12) or --cert and --key PEM files",
					origin, ks_type);
				return -1;
			} else {
				conf_set(c, "ssl.keystore.location", v);
			}
		} else if (strcmp(k, "ssl.keystore.certificate.chain") == 0) {
			conf_set(c, "ssl.certificate.pem", v);
		} else if (strcmp(k, "ssl.keystore.key") == 0) {
			conf_set(c, "ssl.key.pem", v);
		} else if (strcmp(k, "ssl.endpoint.identification.algorithm") == 0) {
			conf_set(c, k, *v ? v : "none");
		} else if (strcmp(k, "bootstrap.servers") == 0) {
			free(c->bootstrap);
			c->bootstrap = x_strdup(v);
		} else if (strcmp(k, "ssl.truststore.type") == 0 || strcmp(k, "ssl.keystore.type") == 0) {
			continue; /* read above, with the store locations */
		} else if (conf_java_only(k)) {
			conf_warn(c, x_asprintf("%s: %s is a Java client setting: skipped", origin, k));
		} else {
			conf_set(c, k, v);
		}
	}
	return 0;
}

/* conf_apply_properties(); *secret tells whether the text set a secret. */
static int conf_apply(struct conf *c, const char *text, const char *origin, bool *secret, char **cause)
{
	struct conf in = { 0 };
	struct sbuf line = SBUF_INIT;
	int lineno = 0, rc = 0;
	for (const char *p = text; *p;) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		lineno++;
		sbuf_addn(&line, p, len);
		p += len + (nl != NULL);
		while (line.len && isspace((unsigned char)line.buf[line.len - 1]))
			line.buf[--line.len] = '\0';
		if (line.len && line.buf[line.len - 1] == '\\' && *p) { /* continued */
			line.buf[--line.len] = '\0';
			while (*p == ' ' || *p == '\t')
				p++;
			continue;
		}
		char *s = line.buf ? line.buf : "";
		while (isspace((unsigned char)*s))
			s++;
		if (*s == '\0' || *s == '#' || *s == '!') {
			sbuf_reset(&line);
			continue;
		}
		/* Errors name the file, the line and the key at most, never a value: a password file
		   given by mistake must not end up on the screen. */
		size_t klen = strcspn(s, "=:");
		if (s[klen] == '\0') {
			*cause = x_asprintf("%s:%d: expected key=value or key: value: is this a properties file?",
					    origin, lineno);
			rc = -1;
			break;
		}
		char *key = x_strndup(s, klen), *v = s + klen + 1;
		while (klen && isspace((unsigned char)key[klen - 1]))
			key[--klen] = '\0';
		if (klen == 0 ||
		    key[strspn(key, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-")]) {
			*cause =
				x_asprintf("%s:%d: the key is not a property name (letters, digits, '.', '_', '-'): is "
					   "this a properties file?",
					   origin, lineno);
			free(key);
			rc = -1;
			break;
		}
		while (isspace((unsigned char)*v))
			v++;
		conf_set(&in, key, v);
		free(key);
		sbuf_reset(&line);
	}
	sbuf_free(&line);
	if (rc == 0)
		rc = conf_translate(c, &in, origin, cause);
	*secret = false;
	for (size_t i = 0; i < in.nprops; i++)
		*secret = *secret || conf_is_secret(in.props[i].key);
	conf_clear(&in);
	return rc;
}

int conf_apply_properties(struct conf *c, const char *text, const char *origin, char **cause)
{
	bool secret;
	return conf_apply(c, text, origin, &secret, cause);
}

static void conf_warn_private(struct conf *c, const char *path, const char *what)
{
	char *w = file_check_private(path, what);
	if (w)
		conf_warn(c, w);
}

int conf_load_properties(struct conf *c, const char *path, char **cause)
{
	size_t len;
	char *text = file_read(path, "properties file", FILE_CONFIG_MAX, FILE_PIPE_OK, &len, cause);
	if (text == NULL)
		return -1;
	bool secret;
	int rc = conf_apply(c, text, path, &secret, cause);
	memset(text, 0, len);
	free(text);
	if (rc == 0 && secret)
		conf_warn_private(c, path, "secrets");
	return rc;
}

static int conf_read_password(struct conf *c, const char *path, char **cause)
{
	size_t len;
	char *text = conf_read_file(path, "password file", cause);
	if (text == NULL)
		return -1;
	len = strlen(text);
	text[strcspn(text, "\r\n")] = '\0'; /* the first line is the password */
	conf_set(c, "sasl.password", text);
	memset(text, 0, len);
	free(text);
	conf_warn_private(c, path, "a password");
	return 0;
}

/*
 * The files of a Strimzi secret in dir (names starting with a dot skipped: a mounted secret's
 * ..data links); each name must be one of known[], else an error that says what was expected.
 * have[i] is set for each known[i] present.
 */
static int conf_secret_files(const char *dir, const char *const *known, bool *have, const char *expected, char **cause)
{
	DIR *d = opendir(dir);
	if (d == NULL) {
		*cause = x_asprintf("cannot read the directory %s: %s: expected %s", dir, strerror(errno), expected);
		return -1;
	}
	int rc = 0;
	for (struct dirent *de; rc == 0 && (de = readdir(d)) != NULL;) {
		if (de->d_name[0] == '.')
			continue;
		size_t i = 0;
		while (known[i] && strcmp(known[i], de->d_name) != 0)
			i++;
		if (known[i]) {
			have[i] = true;
			continue;
		}
		*cause = x_asprintf("%s/%s: not a file of this secret: expected %s", dir, de->d_name, expected);
		rc = -1;
	}
	closedir(d);
	return rc;
}

/* The first line of dir/name, for the values Strimzi keeps in files of their own (user.password). */
static char *conf_secret_line(const char *dir, const char *name, char **cause)
{
	char *path = x_asprintf("%s/%s", dir, name), *text = conf_read_file(path, "secret file", cause);
	free(path);
	if (text)
		text[strcspn(text, "\r\n")] = '\0';
	return text;
}

/*
 * A Strimzi KafkaUser secret, mounted or extracted (oc extract secret/USER --to=DIR).
 * SCRAM-SHA-512 users have `password` and `sasl.jaas.config` (whose username is the KafkaUser's
 * name); TLS users have `user.crt`, `user.key`, `user.p12`, `user.password` and `ca.crt` (the
 * clients CA, which signed user.crt: not the CA of the brokers' certificates).
 */
static int conf_strimzi_user(struct conf *c, const char *dir, char **cause)
{
	enum { PASSWORD, JAAS, CRT, KEY, P12, P12PASS, CLIENTS_CA, NFILES };
	static const char *const known[] = { "password", "sasl.jaas.config", "user.crt", "user.key",
					     "user.p12", "user.password",    "ca.crt",   NULL };
	static const char expected[] =
		"a Strimzi KafkaUser secret: password and sasl.jaas.config (SCRAM-SHA-512), or user.crt, user.key, "
		"user.p12, user.password and ca.crt (TLS); the cluster CA secret goes to --strimzi-ca";
	bool have[NFILES] = { 0 };
	if (conf_secret_files(dir, known, have, expected, cause) < 0)
		return -1;
	if (!have[PASSWORD] && !have[JAAS] && !have[CRT] && !have[P12]) {
		*cause = x_asprintf("%s: neither password (SCRAM) nor user.crt or user.p12 (TLS) in it: expected %s",
				    dir, expected);
		return -1;
	}
	if (have[PASSWORD] || have[JAAS]) {
		char *user = NULL;
		if (have[JAAS]) {
			char *jaas = conf_secret_line(dir, "sasl.jaas.config", cause);
			if (jaas == NULL)
				return -1;
			user = conf_jaas_value(jaas, "username");
			char *pass = have[PASSWORD] ? NULL : conf_jaas_value(jaas, "password");
			if (pass)
				conf_set(c, "sasl.password", pass);
			free(pass);
			memset(jaas, 0, strlen(jaas));
			free(jaas);
			if (user == NULL) {
				*cause = x_asprintf("%s/sasl.jaas.config: no username=\"...\" in it: expected the "
						    "ScramLoginModule line Strimzi writes",
						    dir);
				return -1;
			}
		} else {
			/* no sasl.jaas.config (an older Strimzi): the secret is named after the KafkaUser */
			char *path = x_strdup(dir), *end = path + strlen(path);
			while (end > path + 1 && end[-1] == '/')
				*--end = '\0';
			const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
			user = x_strdup(base);
			conf_warn(
				c,
				x_asprintf("%s: no sasl.jaas.config: the user name is taken from the directory's "
					   "name, `%s`; give --user after --strimzi-user if the KafkaUser has another",
					   dir, user));
			free(path);
		}
		if (have[PASSWORD]) {
			char *path = x_asprintf("%s/password", dir);
			int rc = conf_read_password(c, path, cause);
			free(path);
			if (rc < 0) {
				free(user);
				return -1;
			}
		}
		conf_set(c, "sasl.username", user);
		conf_set(c, "sasl.mechanism", "SCRAM-SHA-512");
		free(user);
	}
	if (have[CRT] || have[KEY]) {
		if (!have[CRT] || !have[KEY]) {
			*cause = x_asprintf(
				"%s/%s: missing: expected %s beside %s", dir, have[CRT] ? "user.key" : "user.crt",
				have[CRT] ? "the private key of user.crt (PEM)" : "the certificate of user.key (PEM)",
				have[CRT] ? "user.crt" : "user.key");
			return -1;
		}
		char *crt = x_asprintf("%s/user.crt", dir), *key = x_asprintf("%s/user.key", dir);
		conf_set(c, "ssl.certificate.location", crt);
		conf_set(c, "ssl.key.location", key);
		free(crt);
		free(key);
	} else if (have[P12]) {
		if (!have[P12PASS]) {
			*cause = x_asprintf("%s/user.password: missing: expected the password of user.p12 beside it",
					    dir);
			return -1;
		}
		char *pass = conf_secret_line(dir, "user.password", cause);
		if (pass == NULL)
			return -1;
		char *p12 = x_asprintf("%s/user.p12", dir), *crt = NULL, *key = NULL;
		int rc = tlsfile_p12_pem(p12, pass, &crt, &key, cause);
		if (rc == 0) {
			conf_set(c, "ssl.certificate.pem", crt);
			conf_set(c, "ssl.key.pem", key);
			memset(key, 0, strlen(key));
		}
		memset(pass, 0, strlen(pass));
		free(pass);
		free(p12);
		free(crt);
		free(key);
		if (rc < 0)
			return -1;
	}
	return 0;
}

/* A Strimzi cluster CA secret (CLUSTER-cluster-ca-cert): ca.crt, or ca.p12 and ca.password. */
static int conf_strimzi_ca(struct conf *c, const char *dir, char **cause)
{
	enum { CRT, P12, P12PASS, NFILES };
	static const char *const known[] = { "ca.crt", "ca.p12", "ca.password", NULL };
	static const char expected[] = "the cluster CA secret CLUSTER-cluster-ca-cert: ca.crt, or ca.p12 and "
				       "ca.password (a KafkaUser's secret goes to --strimzi-user)";
	bool have[NFILES] = { 0 };
	if (conf_secret_files(dir, known, have, expected, cause) < 0) {
		char *key = x_asprintf("%s/ca.key", dir);
		struct stat st;
		if (stat(key, &st) == 0) { /* CLUSTER-cluster-ca holds the CA's private key: never needed here */
			free(*cause);
			*cause = x_asprintf("%s: the CA's private key (the CLUSTER-cluster-ca secret): extract the "
					    "certificate's secret, CLUSTER-cluster-ca-cert, instead",
					    key);
		}
		free(key);
		return -1;
	}
	if (have[CRT]) {
		char *crt = x_asprintf("%s/ca.crt", dir);
		conf_set(c, "ssl.ca.location", crt);
		free(crt);
		return 0;
	}
	if (!have[P12] || !have[P12PASS]) {
		*cause = x_asprintf("%s/%s: missing: expected %s", dir, have[P12] ? "ca.password" : "ca.crt",
				    have[P12] ? "the password of ca.p12 beside it" : expected);
		return -1;
	}
	char *pass = conf_secret_line(dir, "ca.password", cause), *pem = NULL;
	if (pass == NULL)
		return -1;
	char *p12 = x_asprintf("%s/ca.p12", dir);
	int rc = tlsfile_p12_pem(p12, pass, &pem, NULL, cause);
	if (rc == 0)
		conf_set(c, "ssl.ca.pem", pem);
	memset(pass, 0, strlen(pass));
	free(pass);
	free(pem);
	free(p12);
	return rc;
}

int conf_set_option(struct conf *c, const char *option, const char *value, char **cause)
{
	static const struct {
		const char *option, *key;
	} direct[] = {
		{ "ca", "ssl.ca.location" },   { "cert", "ssl.certificate.location" },
		{ "key", "ssl.key.location" }, { "sasl-mechanism", "sasl.mechanism" },
		{ "user", "sasl.username" },
	};
	for (size_t i = 0; i < sizeof(direct) / sizeof(direct[0]); i++)
		if (strcmp(option, direct[i].option) == 0) {
			conf_set(c, direct[i].key, value);
			return 0;
		}
	if (strcmp(option, "bootstrap") == 0) {
		free(c->bootstrap);
		c->bootstrap = x_strdup(value);
		return 0;
	}
	if (strcmp(option, "password-file") == 0)
		return conf_read_password(c, value, cause);
	if (strcmp(option, "strimzi-user") == 0)
		return conf_strimzi_user(c, value, cause);
	if (strcmp(option, "strimzi-ca") == 0)
		return conf_strimzi_ca(c, value, cause);
	if (strcmp(option, "X") == 0) {
		const char *eq = strchr(value, '=');
		if (eq == NULL || eq == value) {
			*cause = x_asprintf("-X %s: expected key=value, as in -X security.protocol=SSL", value);
			return -1;
		}
		char *key = x_strndup(value, (size_t)(eq - value));
		if (conf_is_secret(key))
			conf_warn(
				c,
				x_asprintf("-X %s: a value on the command line can be read by every user of this "
					   "machine (ps, /proc/PID/cmdline): %s",
					   key,
					   strcmp(key, "sasl.password") == 0
						   ? "use --password-file FILE, KCON_PASSWORD or --strimzi-user DIR "
						     "instead"
						   : "put it in a properties file (chmod 600) given with -F instead"));
		if (strcmp(key, "bootstrap.servers") == 0) {
			free(c->bootstrap);
			c->bootstrap = x_strdup(eq + 1);
		} else {
			conf_set(c, key, eq + 1);
		}
		free(key);
		return 0;
	}
	*cause = x_asprintf("unknown connection option `%s`", option);
	return -1;
}

char *conf_config_path(const char *name)
{
	const char *xdg = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");
	if (xdg && *xdg)
		return x_asprintf("%s/kcon/%s", xdg, name);
	return home && *home ? x_asprintf("%s/.config/kcon/%s", home, name) : NULL;
}

char *conf_profile_path(void)
{
	char *p = conf_config_path("config.json");
	return p ? p : x_strdup("/nonexistent/.config/kcon/config.json");
}

/* jansson's message without its "near '...'" part, which quotes the file's text. */
static char *conf_json_error(const char *path, const json_error_t *jerr)
{
	const char *near = strstr(jerr->text, " near ");
	int n = near ? (int)(near - jerr->text) : (int)strlen(jerr->text);
	return x_asprintf("%s:%d:%d: %.*s: fix the JSON (docs/configuration.md shows the format)", path, jerr->line,
			  jerr->column, n, jerr->text);
}

static const char *conf_json_type(const json_t *v)
{
	switch (json_typeof(v)) {
	case JSON_OBJECT:
		return "an object";
	case JSON_ARRAY:
		return "an array";
	case JSON_STRING:
		return "a string";
	case JSON_INTEGER:
	case JSON_REAL:
		return "a number";
	case JSON_TRUE:
	case JSON_FALSE:
		return "a boolean";
	default:
		return "null";
	}
}

struct conf_field {
	const char *name;
	json_type type;  /* JSON_STRING or JSON_OBJECT */
	const char *opt; /* the conf_set_option() it feeds, or NULL */
};

/* Every field of o that fields[] names must have its type: a wrong one is an error, never skipped. */
static int conf_json_check(const json_t *o, const struct conf_field *fields, size_t n, const char *where, char **cause)
{
	for (size_t i = 0; i < n; i++) {
		const json_t *v = json_object_get(o, fields[i].name);
		bool ok = v == NULL || json_typeof(v) == fields[i].type ||
			  (fields[i].type == JSON_TRUE && json_is_boolean(v));
		if (!ok) {
			*cause = x_asprintf("%s: \"%s\" must be %s, not %s", where, fields[i].name,
					    fields[i].type == JSON_STRING ? "a string"
					    : fields[i].type == JSON_TRUE ? "true or false"
									  : "an object",
					    conf_json_type(v));
			return -1;
		}
	}
	return 0;
}

int conf_load_profile(struct conf *c, const char *path, const char *name, char **cause)
{
	static const struct conf_field top[] = {
		{ "default_profile", JSON_STRING, NULL },
		{ "profiles", JSON_OBJECT, NULL },
		{ "retention", JSON_STRING, NULL },
	};
	static const struct conf_field fields[] = {
		{ "bootstrap", JSON_STRING, "bootstrap" },
		{ "ca", JSON_STRING, "ca" },
		{ "cert", JSON_STRING, "cert" },
		{ "key", JSON_STRING, "key" },
		{ "sasl_mechanism", JSON_STRING, "sasl-mechanism" },
		{ "user", JSON_STRING, "user" },
		{ "password_file", JSON_STRING, "password-file" },
		{ "strimzi_user", JSON_STRING, "strimzi-user" },
		{ "strimzi_ca", JSON_STRING, "strimzi-ca" },
		{ "properties_file", JSON_STRING, NULL },
		{ "retention", JSON_STRING, NULL },
		{ "properties", JSON_OBJECT, NULL },
		{ "read_only", JSON_TRUE, NULL }, /* a boolean */
		{ "strimzi", JSON_TRUE, NULL },
		{ "registry", JSON_STRING, NULL },
		{ "registry_user", JSON_STRING, NULL },
		{ "registry_password_file", JSON_STRING, NULL },
		{ "registry_token_file", JSON_STRING, NULL },
		{ "registry_ca", JSON_STRING, NULL },
		{ "decoders", JSON_OBJECT, NULL },
	};
	json_error_t jerr;
	size_t len;
	char *text = file_read(path, "config file", FILE_CONFIG_MAX, 0, &len, cause);
	if (text == NULL) {
		if (name == NULL && errno == ENOENT) {
			free(*cause);
			*cause = NULL;
			return 0;
		}
		if (name && errno == ENOENT) {
			free(*cause);
			*cause = x_asprintf(
				"profile `%s` wanted, but there is no %s: create it, or drop -p/KCON_PROFILE", name,
				path);
		}
		return -1;
	}
	json_t *root = json_loadb(text, len, 0, &jerr);
	memset(text, 0, len);
	free(text);
	if (root == NULL) {
		*cause = conf_json_error(path, &jerr);
		return -1;
	}
	int rc = -1;
	char *where = NULL;
	if (!json_is_object(root)) {
		*cause = x_asprintf(
			"%s: the file must hold a JSON object, not %s (docs/configuration.md shows the format)", path,
			conf_json_type(root));
		goto out;
	}
	if (conf_json_check(root, top, sizeof(top) / sizeof(top[0]), path, cause) < 0)
		goto out;
	/* The history store's retention: the file's, or the profile's (below). */
	json_t *ret = json_object_get(root, "retention");
	if (ret) {
		free(c->retention);
		c->retention = x_strdup(json_string_value(ret));
	}
	if (name == NULL)
		name = json_string_value(json_object_get(root, "default_profile"));
	json_t *profiles = json_object_get(root, "profiles");
	json_t *p = name ? json_object_get(profiles, name) : NULL;
	if (name == NULL) {
		rc = 0;
		goto out;
	}
	if (p == NULL) {
		struct sbuf known = SBUF_INIT;
		const char *k;
		json_t *v;
		json_object_foreach(profiles, k, v) sbuf_addf(&known, "%s%s", known.len ? ", " : "", k);
		*cause = x_asprintf("no profile `%s` in %s: known profiles: %s", name, path,
				    known.len ? known.buf : "none");
		sbuf_free(&known);
		goto out;
	}
	where = x_asprintf("%s: profile `%s`", path, name);
	if (!json_is_object(p)) {
		*cause = x_asprintf("%s must be an object, not %s", where, conf_json_type(p));
		goto out;
	}
	if (conf_json_check(p, fields, sizeof(fields) / sizeof(fields[0]), where, cause) < 0)
		goto out;
	const char *k;
	json_t *v;
	json_t *props = json_object_get(p, "properties");
	json_object_foreach(props, k, v)
	{
		if (!json_is_string(v)) {
			*cause = x_asprintf("%s: property %s must be a string, not %s", where, k, conf_json_type(v));
			goto out;
		}
		/* config.json holds no secret: it is shown, copied and shared as settings are */
		if (conf_is_secret(k)) {
			*cause = x_asprintf(
				"%s: property %s holds a secret, and config.json holds none: %s", where, k,
				strcmp(k, "sasl.password") == 0
					? "put the password in a file (chmod 600) named by \"password_file\", "
					  "or set KCON_PASSWORD"
					: "put it in a properties file (chmod 600) named by \"properties_file\"");
			goto out;
		}
	}
	ret = json_object_get(p, "retention");
	if (ret) {
		free(c->retention);
		c->retention = x_strdup(json_string_value(ret));
	}
	const char *pf = json_string_value(json_object_get(p, "properties_file"));
	if (pf && conf_load_properties(c, pf, cause) < 0)
		goto out;
	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
		const char *s = fields[i].opt ? json_string_value(json_object_get(p, fields[i].name)) : NULL;
		if (s && conf_set_option(c, fields[i].opt, s, cause) < 0)
			goto out;
	}
	json_object_foreach(props, k, v) conf_set(c, k, json_string_value(v));
	struct {
		const char *name;
		char **dst;
	} regs[] = {
		{ "registry", &c->registry },
		{ "registry_user", &c->registry_user },
		{ "registry_password_file", &c->registry_password_file },
		{ "registry_token_file", &c->registry_token_file },
		{ "registry_ca", &c->registry_ca },
	};
	for (size_t i = 0; i < sizeof(regs) / sizeof(regs[0]); i++) {
		const char *rv = json_string_value(json_object_get(p, regs[i].name));
		if (rv) {
			free(*regs[i].dst);
			*regs[i].dst = x_strdup(rv);
		}
	}
	json_object_foreach(json_object_get(p, "decoders"), k, v)
	{
		if (!json_is_string(v)) {
			*cause =
				x_asprintf("%s: decoders: the decoder of %s must be a string (a name `plugins` lists), "
					   "not %s",
					   where, k, conf_json_type(v));
			goto out;
		}
		conf_add_decoder(c, k, json_string_value(v));
	}
	c->read_only |= json_is_true(json_object_get(p, "read_only"));
	c->strimzi |= json_is_true(json_object_get(p, "strimzi"));
	free(c->profile);
	c->profile = x_strdup(name);
	rc = 0;
out:
	free(where);
	json_decref(root);
	return rc;
}

void conf_check_files(struct conf *c)
{
	static const char *const keys[] = { "ssl.key.location", "ssl.keystore.location" };
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		const char *path = conf_get(c, keys[i]);
		if (path)
			conf_warn_private(c, path, "a private key");
	}
}

bool conf_has_bootstrap(const struct conf *c, char **cause)
{
	if (c->bootstrap && *c->bootstrap)
		return true;
	*cause = x_strdup("no bootstrap servers: give -b host:port, set KCON_BOOTSTRAP, or define a profile in "
			  "~/.config/kcon/config.json (or run `kcon --demo` to try kcon without a cluster)");
	return false;
}

int conf_finish(struct conf *c, char **cause)
{
	if (!conf_has_bootstrap(c, cause))
		return -1;
	conf_set(c, "bootstrap.servers", c->bootstrap);
	if (conf_get(c, "security.protocol") == NULL) {
		bool sasl = conf_get(c, "sasl.mechanism") || conf_get(c, "sasl.username");
		bool tls = conf_get(c, "ssl.ca.location") || conf_get(c, "ssl.certificate.location") ||
			   conf_get(c, "ssl.keystore.location") || conf_get(c, "ssl.ca.pem") ||
			   conf_get(c, "ssl.certificate.pem");
		if (sasl) {
			conf_set(c, "security.protocol", "SASL_SSL");
			c->sasl_ssl_implied = true;
		} else if (tls)
			conf_set(c, "security.protocol", "SSL");
	}
	if (conf_get(c, "sasl.username") && conf_get(c, "sasl.mechanism") == NULL)
		conf_set(c, "sasl.mechanism", "SCRAM-SHA-512"); /* what Strimzi's KafkaUser uses */
	/* TLS and no CA given: librdkafka looks for the system's CA store in the usual places (UBI's
	   /etc/pki/tls, Debian's /etc/ssl/certs, ...), then where its OpenSSL was built to look: the
	   static build's OpenSSL is Debian's, whose places a pod need not have. */
	const char *proto = conf_get(c, "security.protocol");
	if (proto && (strcasecmp(proto, "SSL") == 0 || strcasecmp(proto, "SASL_SSL") == 0) &&
	    conf_get(c, "ssl.ca.location") == NULL && conf_get(c, "ssl.ca.pem") == NULL)
		conf_set(c, "ssl.ca.location", "probe");
	return 0;
}
