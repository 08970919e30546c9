/*
 * Connection settings: the bootstrap list and librdkafka properties, gathered from a profile
 * ($XDG_CONFIG_HOME/kcon/config.json), KCON_BOOTSTRAP, -F property files (librdkafka's or a
 * Java client.properties, translated), -X and the TLS/SASL options. Later sources win.
 */
#ifndef KCON_CONF_H
#define KCON_CONF_H

#include <stdbool.h>
#include <stddef.h>

struct conf_prop {
	char *key;
	char *value;
};

struct conf {
	char *bootstrap;         /* host:port,... or NULL */
	struct conf_prop *props; /* librdkafka properties, in the order first set */
	size_t nprops;
	size_t props_cap;
	size_t *index; /* open-addressing hash of props: i + 1, 0 for a free slot */
	size_t index_cap;
	char *profile;         /* the profile used, or NULL */
	char *retention;       /* the history store's retention (store_opts_parse) from the config file, or NULL */
	bool read_only;        /* the profile's "read_only": true: the session refuses what changes the cluster */
	bool strimzi;          /* the profile's "strimzi": true: topics and users belong to Strimzi's operators */
	bool sasl_ssl_implied; /* conf_finish chose SASL_SSL because SASL was asked for (--user) */
	/* The Schema Registry (registry.h): the profile's "registry" (URL), "registry_user",
	 * "registry_password_file", "registry_token_file", "registry_ca"; --registry sets the URL. */
	char *registry, *registry_user, *registry_password_file, *registry_token_file, *registry_ca;
	/* The profile's "decoders": {"TOPIC or glob": "decoder"}: tail's --decode when it is not given. */
	char **decode_topics, **decode_names;
	size_t ndecode;
	char **warnings; /* things skipped on the way (Java-only keys), NULL-terminated */
	size_t nwarnings;
};

/** @brief The decoder the profile maps topic to ("decoders", the first pattern that matches), or NULL. */
const char *conf_topic_decoder(const struct conf *c, const char *topic);
/** @brief Frees what c holds and empties it. */
void conf_clear(struct conf *c);
/** @brief Sets a librdkafka property, replacing an earlier value (a hash lookup: 50k keys are fine). */
void conf_set(struct conf *c, const char *key, const char *value);
/** @brief Makes dst a copy of src's bootstrap, properties, profile and retention (not its warnings). */
void conf_copy(struct conf *dst, const struct conf *src);
/** @brief The value of a property, or NULL. */
const char *conf_get(const struct conf *c, const char *key);
/**
 * @brief True when a key names a secret: it holds, in any case, a word of the one list of secret
 * words (password, passwd, pwd, secret, token, api key, credential, authorization, jaas, PEM, ...).
 */
bool conf_is_secret(const char *key);

/**
 * @brief Reads property text ("k=v" or "k: v" lines, # and ! comments, \ continuation) and
 * applies it, translating the Java client's keys (sasl.jaas.config, PEM/PKCS12 stores, ...).
 * @param origin named in messages, e.g. the file name
 * @return 0, or -1 with *cause saying which line is wrong and what to do
 */
int conf_apply_properties(struct conf *c, const char *text, const char *origin, char **cause);
/**
 * @brief Reads a properties file (a regular file or a pipe, at most FILE_CONFIG_MAX) and applies it
 * (conf_apply_properties); warns when it holds secrets and others may read it.
 */
int conf_load_properties(struct conf *c, const char *path, char **cause);
/**
 * @brief Applies one kcon connection option: "bootstrap", "ca", "cert", "key",
 * "sasl-mechanism", "user", "password-file", "X" (value "key=value"), "strimzi-user" (a KafkaUser
 * secret's directory: SCRAM-SHA-512 user and password, or the TLS client certificate) or
 * "strimzi-ca" (the cluster CA secret's directory).
 * @return 0, or -1 with *cause naming the file that is wrong and what was expected
 */
int conf_set_option(struct conf *c, const char *option, const char *value, char **cause);
/**
 * @brief Applies profile `name` (NULL: the file's "default_profile", if any) from the JSON file at path.
 * A missing file is not an error unless a name was asked for; a field of the wrong type is, and so
 * is a secret among a profile's "properties" (config.json holds none).
 */
int conf_load_profile(struct conf *c, const char *path, const char *name, char **cause);
/** @brief Adds a warning for each key file (ssl.key.location, ssl.keystore.location) others may read. */
void conf_check_files(struct conf *c);
/**
 * @brief $XDG_CONFIG_HOME/kcon/NAME (or ~/.config/kcon/NAME): kcon's configuration files (config.json,
 * kconrc, themes/); NULL when neither variable is set. Caller frees.
 */
char *conf_config_path(const char *name);
/** @brief conf_config_path("config.json"), never NULL; caller frees. */
char *conf_profile_path(void);
/**
 * @brief Whether a bootstrap list is known; when not, *cause (callee allocates) says where to
 * give one.
 */
bool conf_has_bootstrap(const struct conf *c, char **cause);
/**
 * @brief Completes the settings: bootstrap.servers, and security.protocol derived from the
 * TLS and SASL settings when not given.
 * @return 0, or -1 with *cause when no bootstrap is known
 */
int conf_finish(struct conf *c, char **cause);

#endif
