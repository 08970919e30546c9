/* A decoder that never answers, as a decoder stuck in a loop does. */
#include <unistd.h>

#include "kcon-plugin.h"

const unsigned kcon_plugin_abi_major = KCON_PLUGIN_ABI_MAJOR;
int kcon_plugin_init(const struct kcon_host *host, char *err, size_t errlen);

static int hang(void *state, const void *buf, size_t len, struct kcon_plugin_out *out)
{
	(void)state, (void)buf, (void)len, (void)out;
	for (;;)
		pause();
	return KCON_DECODE_TEXT;
}

static const struct kcon_decoder hanging = { .name = "hanging", .help = "never answers", .decode = hang };

int kcon_plugin_init(const struct kcon_host *host, char *err, size_t errlen)
{
	(void)err, (void)errlen;
	return host->register_decoder(host, &hanging);
}
