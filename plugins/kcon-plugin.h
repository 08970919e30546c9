/*
 * kcon's plugin ABI. A plugin is a shared object that kcon dlopen()s (RTLD_NOW | RTLD_LOCAL); it
 * sees only this header. It exports two symbols:
 *
 *   const unsigned kcon_plugin_abi_major = KCON_PLUGIN_ABI_MAJOR;
 *   int kcon_plugin_init(const struct kcon_host *host, char *err, size_t errlen);
 *
 * kcon refuses a plugin built for another major version before calling it (its constructors have
 * run by then: kcon decides whether to load a file at all by its owner and mode). Minor versions
 * only append members to struct kcon_host: a plugin checks host->size (or abi_minor) before using
 * a member newer than the ones it was built with. kcon_plugin_init registers what the plugin
 * offers through the host and returns 0, or non-zero with a message in err (then kcon unloads it).
 *
 * Version 1.0 offers message decoders: `kcon tail TOPIC --decode NAME` shows each value as the
 * decoder's text. Decoders see untrusted bytes: they must never read past len; their output is
 * escaped by kcon like any message byte.
 *
 * Version 1.1 adds the Schema Registry (host->schema_by_id) and KCON_DECODE_ERROR: kcon shows the
 * bytes as hex with the decoder's message. `--decode auto` (the default when a registry is set)
 * reads the wire format's magic byte 0 and 4-byte schema id itself and picks the decoder named
 * after the schema's type: `avro`, `json-schema` or `protobuf`. A decoder runs in a helper process
 * (kcon --decode-helper): if it crashes or hangs, its message is shown undecoded with the crash, and a
 * new helper takes the next one; in kcon's own process (no /proc, KCON_DECODE_IN_PROCESS=1) a crash
 * puts the terminal back, names the decoder and ends kcon (docs/plugins.md).
 */
#ifndef KCON_PLUGIN_H
#define KCON_PLUGIN_H

#include <stddef.h>
#include <stdint.h>

#define KCON_PLUGIN_ABI_MAJOR 1
#define KCON_PLUGIN_ABI_MINOR 1

/** Where a decoder writes its text. */
struct kcon_plugin_out {
	void (*write)(struct kcon_plugin_out *out, const void *buf, size_t len);
	void *opaque; /* kcon's */
};

/** What a decoder's decode() returns. */
enum kcon_decode_result {
	KCON_DECODE_NOT_MINE = -1, /* not in this format: kcon shows the bytes its own way */
	KCON_DECODE_TEXT = 0,      /* out holds text (UTF-8) */
	KCON_DECODE_JSON = 1,      /* out holds one JSON value, embedded as JSON in `-o json` */
	KCON_DECODE_ERROR = 2,     /* 1.1: out holds why the bytes could not be decoded; kcon shows them as hex */
};

/** A message decoder. */
struct kcon_decoder {
	const char *name; /* `--decode NAME`: letters, digits, '-' and '_' */
	const char *help; /* one line */
	int (*decode)(void *state, const void *buf, size_t len, struct kcon_plugin_out *out);
	void *state;
};

/** What kcon offers a plugin. Append-only within a major version. */
struct kcon_host {
	uint16_t abi_major;
	uint16_t abi_minor;
	uint32_t size; /* sizeof(struct kcon_host) as kcon was built */
	const char *kcon_version;
	/* 1.0 */
	int (*register_decoder)(const struct kcon_host *host, const struct kcon_decoder *decoder);
	void *host_private;
	/* 1.1: the schema with id from the session's Schema Registry (cached): 0 with *type ("AVRO",
	 * "JSON" or "PROTOBUF") and *schema (its text; both valid while the plugin is loaded), or -1
	 * with why in err. Blocks up to kcon's --timeout on the first ask for an id. */
	int (*schema_by_id)(const struct kcon_host *host, uint32_t id, const char **type, const char **schema,
			    char *err, size_t errlen);
};

#define KCON_PLUGIN_ABI_SYMBOL  "kcon_plugin_abi_major"
#define KCON_PLUGIN_INIT_SYMBOL "kcon_plugin_init"

typedef int (*kcon_plugin_init_fn)(const struct kcon_host *host, char *err, size_t errlen);

#endif
