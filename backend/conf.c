#include "conf.h"

#include <ctype.h>
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sbuf.h"
#include "xalloc.h"

void conf_clear(struct conf *c)
{
	for (size_t i = 0; i < c->nprops; i++) {
		free(c->props[i].key);
		free(c->props[i].value);
	}
	free(c->props);
	for (size_t i = 0; i < c->nwarnings; i++)
		free(c->warnings[i]);
	free(c->warnings);
	free(c->bootstrap);
	free(c->profile);
	free(c->retention);
	memset(c, 0, sizeof(*c));
}

void conf_set(struct conf *c, const char *key, const char *value)
{
	for (size_t i = 0; i < c->nprops; i++)
		if (strcmp(c->props[i].key, key) == 0) {
			free(c->props[i].value);
			c->props[i].value = xstrdup(value);
			return;
		}
	c->props = xreallocarray(c->props, c->nprops + 1, sizeof(*c->props));
	c->props[c->nprops].key = xstrdup(key);
	c->props[c->nprops].value = xstrdup(value);
	c->nprops++;
}

const char *conf_get(const struct conf *c, const char *key)
{
	for (size_t i = 0; i < c->nprops; i++)
		if (strcmp(c->props[i].key, key) == 0)
			return c->props[i].value;
	return NULL;
}

bool conf_is_secret(const char *key)
{
	static const char *const words[] = { "password", "secret", "token", "jaas", ".pem", "key.pem", "credential" };
	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (strcasestr(key, words[i]))
			return true;
	return false;
}

static void conf_warn(struct conf *c, char *msg)
{
	c->warnings = xreallocarray(c->warnings, c->nwarnings + 2, sizeof(char *));
	c->warnings[c->nwarnings++] = msg;
	c->warnings[c->nwarnings] = NULL;
}

static char *conf_read_file(const char *path, char **cause)
{
	struct sbuf sb = SBUF_INIT;
	if (sbuf_read_path(&sb, path) < 0) {
		*cause = xasprintf("cannot read %s: %s: check the path and its permissions", path, strerror(errno));
		sbuf_free(&sb);
		return NULL;
	}
	return sbuf_release(&sb);
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
			return end ? xstrndup(q + 1, (size_t)(end - q - 1)) : NULL;
		}
		size_t len = strcspn(q, " ;");
		return xstrndup(q, len);
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
				conf_warn(c, xasprintf("%s: OAUTHBEARER login module skipped: set sasl.oauthbearer.* "
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
				*cause = xasprintf(
					"%s: ssl.truststore.location is a %s store, which librdkafka cannot read: "
					"export the CA as PEM (Strimzi: the ca.crt of the cluster CA secret) "
					"and pass it with --ca",
					origin, ts_type);
				return -1;
			}
			if (!ts_type && (strstr(v, ".jks") || strstr(v, ".p12"))) {
				*cause = xasprintf(
					"%s: %s looks like a JKS or PKCS12 truststore, which librdkafka cannot read: "
					"pass the CA certificate as PEM with --ca",
					origin, v);
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
				*cause = xasprintf(
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
			c->bootstrap = xstrdup(v);
		} else if (strcmp(k, "ssl.truststore.type") == 0 || strcmp(k, "ssl.keystore.type") == 0) {
			continue; /* read above, with the store locations */
		} else if (conf_java_only(k)) {
			conf_warn(c, xasprintf("%s: %s is a Java client setting: skipped", origin, k));
		} else {
			conf_set(c, k, v);
		}
	}
	return 0;
}

int conf_apply_properties(struct conf *c, const char *text, const char *origin, char **cause)
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
		size_t klen = strcspn(s, "=:");
		if (s[klen] == '\0') {
			*cause = xasprintf("%s:%d: expected key=value, got `%.40s`", origin, lineno, s);
			rc = -1;
			break;
		}
		char *key = xstrndup(s, klen), *v = s + klen + 1;
		while (klen && isspace((unsigned char)key[klen - 1]))
			key[--klen] = '\0';
		while (isspace((unsigned char)*v))
			v++;
		conf_set(&in, key, v);
		free(key);
		sbuf_reset(&line);
	}
	sbuf_free(&line);
	if (rc == 0)
		rc = conf_translate(c, &in, origin, cause);
	conf_clear(&in);
	return rc;
}

int conf_load_properties(struct conf *c, const char *path, char **cause)
{
	char *text = conf_read_file(path, cause);
	if (text == NULL)
		return -1;
	int rc = conf_apply_properties(c, text, path, cause);
	free(text);
	return rc;
}

static int conf_read_password(struct conf *c, const char *path, char **cause)
{
	char *text = conf_read_file(path, cause);
	if (text == NULL)
		return -1;
	text[strcspn(text, "\r\n")] = '\0'; /* the first line is the password */
	conf_set(c, "sasl.password", text);
	memset(text, 0, strlen(text));
	free(text);
	return 0;
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
		c->bootstrap = xstrdup(value);
		return 0;
	}
	if (strcmp(option, "password-file") == 0)
		return conf_read_password(c, value, cause);
	if (strcmp(option, "X") == 0) {
		const char *eq = strchr(value, '=');
		if (eq == NULL || eq == value) {
			*cause = xasprintf("-X %s: expected key=value, as in -X security.protocol=SSL", value);
			return -1;
		}
		char *key = xstrndup(value, (size_t)(eq - value));
		if (strcmp(key, "bootstrap.servers") == 0) {
			free(c->bootstrap);
			c->bootstrap = xstrdup(eq + 1);
		} else {
			conf_set(c, key, eq + 1);
		}
		free(key);
		return 0;
	}
	*cause = xasprintf("unknown connection option `%s`", option);
	return -1;
}

char *conf_config_path(const char *name)
{
	const char *xdg = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");
	if (xdg && *xdg)
		return xasprintf("%s/kcon/%s", xdg, name);
	return home && *home ? xasprintf("%s/.config/kcon/%s", home, name) : NULL;
}

char *conf_profile_path(void)
{
	char *p = conf_config_path("config.json");
	return p ? p : xstrdup("/nonexistent/.config/kcon/config.json");
}

int conf_load_profile(struct conf *c, const char *path, const char *name, char **cause)
{
	json_error_t jerr;
	FILE *f = fopen(path, "r");
	if (f == NULL) {
		if (name == NULL && errno == ENOENT)
			return 0;
		*cause =
			xasprintf("profile `%s` wanted, but %s cannot be read (%s): create it, or drop -p/KCON_PROFILE",
				  name ? name : "", path, strerror(errno));
		return -1;
	}
	json_t *root = json_loadf(f, 0, &jerr);
	fclose(f);
	if (root == NULL) {
		*cause = xasprintf("%s:%d: %s: fix the JSON (docs/configuration.md shows the format)", path, jerr.line,
				   jerr.text);
		return -1;
	}
	int rc = -1;
	/* The history store's retention: the file's, or the profile's (below). */
	json_t *ret = json_object_get(root, "retention");
	if (ret && !json_is_string(ret)) {
		*cause = xasprintf("%s: retention must be a string like \"raw=24h,minute=7d,hour=90d\"", path);
		goto out;
	}
	if (ret) {
		free(c->retention);
		c->retention = xstrdup(json_string_value(ret));
	}
	if (name == NULL)
		name = json_string_value(json_object_get(root, "default_profile"));
	json_t *profiles = json_object_get(root, "profiles");
	json_t *p = name ? json_object_get(profiles, name) : NULL;
	if (name == NULL) {
		rc = 0;
		goto out;
	}
	if (!json_is_object(p)) {
		struct sbuf known = SBUF_INIT;
		const char *k;
		json_t *v;
		json_object_foreach(profiles, k, v) sbuf_addf(&known, "%s%s", known.len ? ", " : "", k);
		*cause = xasprintf("no profile `%s` in %s: known profiles: %s", name, path,
				   known.len ? known.buf : "none");
		sbuf_free(&known);
		goto out;
	}
	static const struct {
		const char *field, *option;
	} fields[] = {
		{ "bootstrap", "bootstrap" },
		{ "ca", "ca" },
		{ "cert", "cert" },
		{ "key", "key" },
		{ "sasl_mechanism", "sasl-mechanism" },
		{ "user", "user" },
		{ "password_file", "password-file" },
	};
	ret = json_object_get(p, "retention");
	if (ret && !json_is_string(ret)) {
		*cause = xasprintf("%s: profile `%s`: retention must be a string like \"raw=24h,minute=7d,hour=90d\"",
				   path, name);
		goto out;
	}
	if (ret) {
		free(c->retention);
		c->retention = xstrdup(json_string_value(ret));
	}
	const char *pf = json_string_value(json_object_get(p, "properties_file"));
	if (pf && conf_load_properties(c, pf, cause) < 0)
		goto out;
	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
		const char *v = json_string_value(json_object_get(p, fields[i].field));
		if (v && conf_set_option(c, fields[i].option, v, cause) < 0)
			goto out;
	}
	const char *k;
	json_t *v;
	json_object_foreach(json_object_get(p, "properties"), k, v)
	{
		if (!json_is_string(v)) {
			*cause = xasprintf("%s: profile `%s`: property %s must be a string", path, name, k);
			goto out;
		}
		conf_set(c, k, json_string_value(v));
	}
	free(c->profile);
	c->profile = xstrdup(name);
	rc = 0;
out:
	json_decref(root);
	return rc;
}

int conf_finish(struct conf *c, char **cause)
{
	if (c->bootstrap == NULL || *c->bootstrap == '\0') {
		*cause = xstrdup("no bootstrap servers: give -b host:port, set KCON_BOOTSTRAP, or define a profile in "
				 "~/.config/kcon/config.json (or run `kcon --demo` to try kcon without a cluster)");
		return -1;
	}
	conf_set(c, "bootstrap.servers", c->bootstrap);
	if (conf_get(c, "security.protocol") == NULL) {
		bool sasl = conf_get(c, "sasl.mechanism") || conf_get(c, "sasl.username");
		bool tls = conf_get(c, "ssl.ca.location") || conf_get(c, "ssl.certificate.location") ||
			   conf_get(c, "ssl.keystore.location") || conf_get(c, "ssl.ca.pem");
		if (sasl)
			conf_set(c, "security.protocol", "SASL_SSL");
		else if (tls)
			conf_set(c, "security.protocol", "SSL");
	}
	if (conf_get(c, "sasl.username") && conf_get(c, "sasl.mechanism") == NULL)
		conf_set(c, "sasl.mechanism", "SCRAM-SHA-512"); /* what Strimzi's KafkaUser uses */
	return 0;
}
