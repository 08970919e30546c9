#include "demo.h"

#include <stdlib.h>

#include "cmd.h"

/* Placeholder until the demo lands: says plainly that it is not there. */
struct demo *demo_start(struct err *e)
{
	err_set(e, CMD_FAILED, NULL, "the embedded demo is not built yet");
	return NULL;
}

void demo_stop(struct demo **d)
{
	*d = NULL;
}

const char *demo_bootstrap(const struct demo *d)
{
	(void)d;
	return NULL;
}

int demo_topic_create(struct demo *d, const char *name, int partitions, int rf, struct err *e)
{
	(void)d, (void)name, (void)partitions, (void)rf;
	return err_set(e, CMD_FAILED, NULL, "the embedded demo is not built yet");
}
