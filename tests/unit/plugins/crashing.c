/* A decoder that crashes on every message, as a buggy decoder does: a write to an unmapped address. */
#include <stdint.h>

#include "kcon-plugin.h"

const unsigned kcon_plugin_abi_major = KCON_PLUGIN_ABI_MAJOR;
int kcon_plugin_init(const struct kcon_host *host, char *err, size_t errlen);

static int crash(void *state, const void *buf, size_t len, struct kcon_plugin_out *out)
{
	(void)state, (void)buf, (void)len, (void)out;
	*(volatile int *)(uintptr_t)16 = 1; /* not NULL: UBSan would stop it as a null store */
	return KCON_DECODE_TEXT;
}

static const struct kcon_decoder crashing = { .name = "crashing", .help = "crashes", .decode = crash };

int kcon_plugin_init(const struct kcon_host *host, char *err, size_t errlen)
{
	(void)err, (void)errlen;
	return host->register_decoder(host, &crashing);
}
