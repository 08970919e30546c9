/*
 * Bundled decoders for JSON, with jansson:
 *   json         a value that must be JSON (checked), shown as JSON (the TUI pretty-prints it);
 *   json-schema  the Schema Registry wire format (magic byte 0, a 4-byte schema id) with a JSON
 *                payload: the id must be known to the registry, the payload valid JSON. The payload
 *                is not checked against the JSON Schema itself (docs/plugins.md).
 * Nesting deeper than jansson's limit (2048) is refused with an error, not followed.
 */
#include <jansson.h>

#include "decode_util.h"

#ifdef KCON_PLUGIN_BUILTIN
#define kcon_plugin_init kcon_builtin_json_init
#else
const unsigned kcon_plugin_abi_major = KCON_PLUGIN_ABI_MAJOR;
#endif
int kcon_plugin_init(const struct kcon_host *host, char *err, size_t errlen);

static const struct kcon_host *json_host;

static int json_emit(const char *what, const void *buf, size_t len, struct kcon_plugin_out *out)
{
	json_error_t jerr;
	json_t *j = json_loadb(buf, len, JSON_DECODE_ANY | JSON_ALLOW_NUL, &jerr);
	if (j == NULL)
		return decode_error(out, "%s: not JSON: %s at byte %d", what, jerr.text, jerr.position);
	char *text = json_dumps(j, JSON_COMPACT | JSON_ENCODE_ANY);
	json_decref(j);
	if (text == NULL)
		return decode_error(out, "%s: out of memory", what);
	out->write(out, text, strlen(text));
	free(text);
	return KCON_DECODE_JSON;
}

static int json_decode(void *state, const void *buf, size_t len, struct kcon_plugin_out *out)
{
	(void)state;
	return json_emit("json", buf, len, out);
}

static int json_schema_decode(void *state, const void *buf, size_t len, struct kcon_plugin_out *out)
{
	(void)state;
	uint32_t id;
	if (!decode_wire_header(buf, len, &id))
		return decode_error(out, "json-schema: not the Schema Registry wire format (magic byte 0 and a "
					 "4-byte schema id)");
	const char *type, *schema;
	char err[512];
	if (decode_schema(json_host, id, &type, &schema, err, sizeof(err)) < 0)
		return decode_error(out, "json-schema: %s", err);
	if (strcmp(type, "JSON") != 0)
		return decode_error(out, "json-schema: schema id %u is %s, not JSON", (unsigned)id, type);
	char what[64];
	snprintf(what, sizeof(what), "json-schema, schema id %u", (unsigned)id);
	return json_emit(what, (const unsigned char *)buf + 5, len - 5, out);
}

static const struct kcon_decoder json_decoder = {
	.name = "json",
	.help = "JSON, checked, shown as JSON (pretty in the TUI)",
	.decode = json_decode,
};

static const struct kcon_decoder json_schema_decoder = {
	.name = "json-schema",
	.help = "JSON in the Schema Registry wire format (magic byte 0, schema id), checked",
	.decode = json_schema_decode,
};

int kcon_plugin_init(const struct kcon_host *host, char *err, size_t errlen)
{
	json_host = host;
	if (host->register_decoder(host, &json_decoder) != 0 ||
	    host->register_decoder(host, &json_schema_decoder) != 0) {
		snprintf(err, errlen, "cannot register the json and json-schema decoders");
		return -1;
	}
	return 0;
}
