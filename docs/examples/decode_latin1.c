/* A kcon decoder: ISO-8859-1 (Latin-1) bytes shown as UTF-8 text. */
#include <stdio.h>

#include "kcon-plugin.h"

const unsigned kcon_plugin_abi_major = KCON_PLUGIN_ABI_MAJOR;
int kcon_plugin_init(const struct kcon_host *host, char *err, size_t errlen);

static int latin1_decode(void *state, const void *buf, size_t len, struct kcon_plugin_out *out)
{
	(void)state;
	const unsigned char *p = buf;
	if (len > 0 && p[0] == 0) /* magic byte 0: the Schema Registry's, not text */
		return KCON_DECODE_NOT_MINE;
	for (size_t i = 0; i < len; i++) { /* never read past len */
		unsigned char u[2] = { p[i], 0 };
		size_t n = 1;
		if (p[i] >= 0x80) /* U+0080..U+00FF take two bytes in UTF-8 */
			u[0] = (unsigned char)(0xc0 | p[i] >> 6), u[1] = (unsigned char)(0x80 | (p[i] & 0x3f)), n = 2;
		out->write(out, u, n); /* kcon escapes what it shows */
	}
	return KCON_DECODE_TEXT;
}

static const struct kcon_decoder latin1 = {
	.name = "latin1",
	.help = "ISO-8859-1 text, shown as UTF-8",
	.decode = latin1_decode,
};

int kcon_plugin_init(const struct kcon_host *host, char *err, size_t errlen)
{
	if (host->register_decoder(host, &latin1) != 0) {
		snprintf(err, errlen, "the name latin1 is taken");
		return -1;
	}
	return 0;
}
