/*
 * Plugins (plugins/kcon-plugin.h): loaded with dlopen, checked against the ABI's major version,
 * and registered into kcon's registries (message decoders in ABI 1.0).
 */
#ifndef KCON_PLUGIN_LOADER_H
#define KCON_PLUGIN_LOADER_H

#include <stddef.h>

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
 * @brief Runs decoder d on buf, its text into out (emptied first): KCON_DECODE_TEXT or _JSON, or
 * KCON_DECODE_NOT_MINE (any other answer too) when out is not to be shown.
 */
int plugin_decode(const struct kcon_decoder *d, const void *buf, size_t len, struct sbuf *out);
/**
 * @brief The line (ending in a newline) that names the decoder this thread is running, and its
 * plugin, while plugin_decode() runs a registered decoder; NULL otherwise. Async-signal-safe: for a
 * fatal-signal handler to say which plugin crashed kcon.
 */
const char *plugin_running(void);
/** @brief The registered decoders and, in paths, the file of the plugin that gave each; returns the count. */
size_t plugin_decoders(const struct kcon_decoder *const **decoders, const char *const **paths);
/** @brief Unloads every plugin (at exit). */
void plugin_unload_all(void);

#endif
