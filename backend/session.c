#include "session.h"

#include <string.h>

#include "cmd.h"
#include "demo.h"
#include "store.h"
#include "xalloc.h"

int session_client(struct session *s, struct client **out, struct err *e)
{
	if (s->offline)
		return err_set(e, CMD_UNREACHABLE,
			       "`history snapshot` shows the last stored state; drop --offline to ask",
			       "--offline: not asking the cluster");
	if (s->client == NULL) {
		char *cause = NULL;
		if (conf_finish(&s->conf, &cause) < 0) {
			err_set(e, CMD_USAGE, NULL, "%s", cause);
			free(cause);
			return CMD_USAGE;
		}
		s->client = client_new(&s->conf, s->timeout_ms, s->verbose, &s->note, e);
		if (s->client == NULL)
			return e->status;
	}
	*out = s->client;
	return CMD_OK;
}

void session_clear(struct session *s)
{
	client_free(&s->client);
	demo_stop(&s->demo);
	conf_clear(&s->conf);
	store_close(&s->store);
	x_free(&s->state_dir);
	x_free(&s->retention);
}
