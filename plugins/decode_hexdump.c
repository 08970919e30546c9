/*
 * A bundled decoder: the classic hex dump, 16 bytes a line with offsets and printable ASCII.
 * A plugin (decode_hexdump.so); the static build (make static) also compiles it into kcon, with
 * KCON_PLUGIN_BUILTIN, as the built-in kcon_builtin_hexdump_init, through the same host API.
 */
#include <stdio.h>

#include "kcon-plugin.h"

#ifdef KCON_PLUGIN_BUILTIN
#define kcon_plugin_init kcon_builtin_hexdump_init
#else
const unsigned kcon_plugin_abi_major = KCON_PLUGIN_ABI_MAJOR;
#endif
int kcon_plugin_init(const struct kcon_host *host, char *err, size_t errlen);

static int hexdump_decode(void *state, const void *buf, size_t len, struct kcon_plugin_out *out)
{
	(void)state;
	const unsigned char *p = buf;
	char line[96];
	for (size_t off = 0; off < len; off += 16) {
		int n = snprintf(line, sizeof(line), "%s%08zx ", off ? " " : "", off);
		for (size_t i = 0; i < 16; i++)
			n += off + i < len ? snprintf(line + n, sizeof(line) - (size_t)n, " %02x", p[off + i])
					   : snprintf(line + n, sizeof(line) - (size_t)n, "   ");
		n += snprintf(line + n, sizeof(line) - (size_t)n, "  |");
		for (size_t i = 0; i < 16 && off + i < len; i++)
			line[n++] = p[off + i] >= 0x20 && p[off + i] < 0x7f ? (char)p[off + i] : '.';
		line[n++] = '|';
		out->write(out, line, (size_t)n);
	}
	return KCON_DECODE_TEXT;
}

static const struct kcon_decoder hexdump = {
	.name = "hexdump",
	.help = "offsets, hex bytes and printable ASCII, 16 bytes a group",
	.decode = hexdump_decode,
};

int kcon_plugin_init(const struct kcon_host *host, char *err, size_t errlen)
{
	if (host->register_decoder(host, &hexdump) != 0) {
		snprintf(err, errlen, "cannot register the hexdump decoder");
		return -1;
	}
	return 0;
}
