/* A plugin whose start fails after registering a decoder: the decoder must go with it. */
#include <stdio.h>

#include "kcon-plugin.h"

const unsigned kcon_plugin_abi_major = KCON_PLUGIN_ABI_MAJOR;
int kcon_plugin_init(const struct kcon_host *host, char *err, size_t errlen);

static int never(void *state, const void *buf, size_t len, struct kcon_plugin_out *out)
{
	(void)state, (void)buf, (void)len, (void)out;
	return KCON_DECODE_NOT_MINE;
}

static const struct kcon_decoder half = { .name = "half-started", .help = "x", .decode = never };

int kcon_plugin_init(const struct kcon_host *host, char *err, size_t errlen)
{
	host->register_decoder(host, &half);
	snprintf(err, errlen, "the licence file is missing");
	return 1;
}
