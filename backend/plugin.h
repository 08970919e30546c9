/*
 * Plugins (plugins/kcon-plugin.h): loaded with dlopen, checked against the ABI's major version,
 * and registered into kcon's registries (message decoders in ABI 1.0).
 */
#ifndef KCON_PLUGIN_LOADER_H
#define KCON_PLUGIN_LOADER_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kcon-plugin.h"
#include "sbuf.h"

/* Where a decoder compiled into kcon comes from, in place of a plugin's path (make static). */
#define PLUGIN_BUILTIN "(built in)"

/**
 * @brief Loads the plugin at path; 0, or -1 with *cause (callee allocates) saying why and what to
 * do. A file that another user could change (owned by someone other than the user or root, or
 * writable by its group or others, itself or a folder above it) is refused before dlopen, which
 * runs its constructors.
 */
int plugin_load(const char *path, char **cause);
/**
 * @brief Loads every *.so of the plugin path once: KCON_PLUGIN_PATH (colon-separated) if set, else
 * $XDG_DATA_HOME/kcon/plugins (~/.local/share/kcon/plugins) and the installed LIBDIR/kcon/plugins.
 * A folder others could change is refused whole. Failures are kept for plugin_errors().
 */
void plugin_load_all(void);
/** @brief The messages of plugins that failed to load; *n gets the count. */
const char *const *plugin_errors(size_t *n);
/** @brief The decoder called name, or NULL. */
const struct kcon_decoder *plugin_decoder_find(const char *name);
/**
 * @brief Loads the plugin path (plugin_load_all()) and returns the decoder called name; or NULL
 * with *cause (allocated) saying that there is none, and which plugins were refused or failed.
 */
const struct kcon_decoder *plugin_decoder_load(const char *name, char **cause);
/**
 * @brief Runs decoder d on buf, its text into out (emptied first): KCON_DECODE_TEXT or _JSON,
 * KCON_DECODE_ERROR (out: why), or KCON_DECODE_NOT_MINE (any other answer too) when out is not to
 * be shown.
 */
int plugin_decode(const struct kcon_decoder *d, const void *buf, size_t len, struct sbuf *out);
/**
 * @brief The line (ending in a newline) that names the decoder this thread is running, and its
 * plugin, while plugin_decode() runs a registered decoder; NULL otherwise. Async-signal-safe: for a
 * fatal-signal handler to say which plugin crashed kcon.
 */
const char *plugin_running(void);
/** Where plugins get schemas (host->schema_by_id): the session's registry (session_registry()). */
typedef int (*plugin_schema_fn)(void *ud, uint32_t id, const char **type, const char **schema, char **cause);
/** @brief Sets (or, with NULL, removes) where plugins get schemas. */
void plugin_set_schema_source(plugin_schema_fn fn, void *ud);
/** @brief True when a schema source is set. */
bool plugin_has_schema_source(void);

/** What plugin_decode_auto() chose. */
struct plugin_auto {
	const char *decoder; /* the decoder's name, or NULL */
	int64_t schema_id;   /* the wire format's schema id, or -1 */
};
/**
 * @brief `--decode auto`: a value in the Schema Registry wire format (magic byte 0, a 4-byte
 * big-endian schema id, with a schema source set) goes to the decoder named after its schema's
 * type (AVRO: avro, JSON: json-schema, PROTOBUF: protobuf). KCON_DECODE_NOT_MINE for anything
 * else; KCON_DECODE_ERROR with why in out when the schema or the decoder is missing or it fails.
 */
int plugin_decode_auto(const void *buf, size_t len, struct sbuf *out, struct plugin_auto *chose);
/** One value of plugin_decode_many(). */
struct plugin_value {
	const void *buf; /* the bytes */
	size_t len;
	int rc;                   /* out: as plugin_decode() and plugin_decode_auto() return */
	struct plugin_auto chose; /* out: auto's choice; a named decoder's name, schema id -1 */
	struct sbuf out;          /* out: the text, or why it failed (the caller frees it) */
};
/**
 * @brief Decodes n values: plugin_decode() with d, plugin_decode_auto() when d is NULL. In the
 * decoder helper, in as few round trips as it takes (decodehelp_decode_many()), so a batch costs
 * about one. Each value's schema is asked for first: this may wait on the Schema Registry (up to
 * --timeout per new id), never call it from a thread that must not wait. With stop (may be NULL):
 * once *stop is true, the values not decoded yet are not (KCON_DECODE_ERROR "stopped"); a registry
 * request under way ends only if the thread called registry_thread_stop_on(stop).
 */
void plugin_decode_many(const struct kcon_decoder *d, struct plugin_value *values, size_t n, const atomic_bool *stop);
/** @brief The registered decoders and, in paths, the file of the plugin that gave each; returns the count. */
size_t plugin_decoders(const struct kcon_decoder *const **decoders, const char *const **paths);
/** @brief Unloads every plugin (at exit). */
void plugin_unload_all(void);

#endif
