/*
 * A Schema Registry client: the Confluent-compatible REST API (Confluent's registry, Apicurio's
 * /apis/ccompat/v7, Karapace), over libcurl. Schemas are fetched by id once: kept in memory for
 * the process and, when a store path is given, in the history store's `schema` table (store.h,
 * migration 6) so a later tail decodes them without asking. A failed id is remembered too (404
 * for the process, other failures for REGISTRY_RETRY_MS), so a fast tail does not hammer the
 * registry. Thread-safe. Built without libcurl (make static: KCON_NO_REGISTRY), every request
 * fails saying so; cached schemas still answer.
 */
#ifndef KCON_REGISTRY_H
#define KCON_REGISTRY_H

#include <jansson.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#define REGISTRY_RETRY_MS 30000

struct registry_opts {
	const char *url;  /* http(s)://host:port[/prefix], no trailing slash needed */
	const char *user; /* basic auth, with password */
	const char *password;
	const char *token;      /* a bearer token (instead of user and password) */
	const char *ca;         /* a CA file (PEM) for https */
	int timeout_ms;         /* each request's limit (0: 10 s) */
	const char *store_path; /* the history store's file (its schema table), or NULL */
};

struct registry;

/**
 * @brief 0 when url is http(s)://HOST[:PORT][/prefix]; -1 with *cause when it is not, or holds
 * user info (user:password@): a password in the URL would show wherever the URL does (`schemas`,
 * errors, the history store), so credentials come from the profile or the environment only.
 */
int registry_url_check(const char *url, char **cause);
/** @brief True with *cause (which does not repeat the URL) when url holds user info. */
bool registry_url_has_userinfo(const char *url, char **cause);
/** @brief A client for o (copied); NULL with *cause when registry_url_check() refuses the URL. */
struct registry *registry_new(const struct registry_opts *o, char **cause);
void registry_free(struct registry *r);
/** @brief The URL (without credentials). */
const char *registry_url(const struct registry *r);
/** @brief True when kcon was built with the registry client (not the static build). */
bool registry_available(void);

/**
 * @brief The schema with id: 0 with *type ("AVRO", "JSON" or "PROTOBUF") and *schema (its text),
 * both owned by r until registry_free(); or -1 with *cause (allocated) naming the id, the URL and why.
 */
int registry_schema(struct registry *r, uint32_t id, const char **type, const char **schema, char **cause);
/**
 * @brief From now on, this thread's requests (and its waits for another thread's request of the
 * same registry) end within about a second of *stop becoming true, failing with "stopped" (not
 * remembered as the id's failure); NULL: they run their course (--timeout). For a thread that
 * someone may want to join soon (decodeq.h's).
 */
void registry_thread_stop_on(const atomic_bool *stop);
/** @brief How many HTTP requests r made (for tests and -v). */
unsigned long registry_requests(struct registry *r);

/** @brief GET /subjects: a JSON array of names, or NULL with *cause. */
json_t *registry_subjects(struct registry *r, char **cause);
/** @brief GET /subjects/S/versions: a JSON array of version numbers, or NULL with *cause. */
json_t *registry_versions(struct registry *r, const char *subject, char **cause);
/**
 * @brief GET /subjects/S/versions/V (V a number or "latest"): {subject, version, id, schema,
 * schemaType} (schemaType filled in: AVRO when the registry leaves it out), or NULL with *cause.
 */
json_t *registry_version(struct registry *r, const char *subject, const char *version, char **cause);

/**
 * @brief Parses a /schemas/ids/N answer's body: 0 with *type and *schema (allocated), or -1 with
 * *cause (allocated: what is wrong with it). Pure: unit-tested.
 */
int registry_parse_schema(const char *body, size_t len, char **type, char **schema, char **cause);
/** @brief The cause of an HTTP error status with the registry's JSON body {error_code, message}, allocated. */
char *registry_http_cause(long status, const char *body, size_t len);

#endif
