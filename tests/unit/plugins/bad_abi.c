/* A plugin built for another ABI major: kcon must refuse it without calling it. */
#include <stdlib.h>

#include "kcon-plugin.h"

const unsigned kcon_plugin_abi_major = KCON_PLUGIN_ABI_MAJOR + 98;
int kcon_plugin_init(const struct kcon_host *host, char *err, size_t errlen);

int kcon_plugin_init(const struct kcon_host *host, char *err, size_t errlen)
{
	(void)host, (void)err, (void)errlen;
	abort(); /* never called */
}
