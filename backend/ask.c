#include "ask.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "xalloc.h"

/*
 * One question at a time: an asker waits for `busy` to clear, puts its question, writes the
 * wake-up byte and waits for `answered`. The answerer takes it (taken), then answers.
 */
struct ask {
	pthread_mutex_t mu;
	pthread_cond_t cond;
	int wake[2];
	bool busy, taken, answered, yes, closed;
	char *plan, *question, *expect;
};

struct ask *ask_new(char **cause)
{
	struct ask *a = x_calloc(1, sizeof(*a));
	*cause = NULL;
	if (pipe(a->wake) < 0) {
		*cause = x_asprintf("cannot make a pipe: %s", strerror(errno));
		free(a);
		return NULL;
	}
	for (int i = 0; i < 2; i++) {
		fcntl(a->wake[i], F_SETFL, fcntl(a->wake[i], F_GETFL) | O_NONBLOCK);
		fcntl(a->wake[i], F_SETFD, FD_CLOEXEC);
	}
	pthread_mutex_init(&a->mu, NULL);
	pthread_cond_init(&a->cond, NULL);
	return a;
}

void ask_free(struct ask **ap)
{
	struct ask *a = *ap;
	if (a == NULL)
		return;
	close(a->wake[0]);
	close(a->wake[1]);
	pthread_mutex_destroy(&a->mu);
	pthread_cond_destroy(&a->cond);
	free(a->plan);
	free(a->question);
	free(a->expect);
	free(a);
	*ap = NULL;
}

int ask_fd(const struct ask *a)
{
	return a->wake[0];
}

bool ask_confirm(void *ud, const char *plan, const char *question, const char *expect)
{
	struct ask *a = ud;
	pthread_mutex_lock(&a->mu);
	while (a->busy && !a->closed)
		pthread_cond_wait(&a->cond, &a->mu);
	if (a->closed) {
		pthread_mutex_unlock(&a->mu);
		return false;
	}
	a->busy = true;
	a->taken = a->answered = a->yes = false;
	a->plan = plan ? x_strdup(plan) : NULL;
	a->question = x_strdup(question);
	a->expect = x_strdup(expect);
	/* A full pipe already wakes the answerer: a lost byte loses nothing. */
	ssize_t w = write(a->wake[1], "?", 1);
	(void)w;
	while (!a->answered && !a->closed)
		pthread_cond_wait(&a->cond, &a->mu);
	bool yes = a->answered && a->yes;
	x_free(&a->plan);
	x_free(&a->question);
	x_free(&a->expect);
	a->busy = false;
	pthread_cond_broadcast(&a->cond); /* the next asker's turn */
	pthread_mutex_unlock(&a->mu);
	return yes;
}

bool ask_take(struct ask *a, char **plan, char **question, char **expect)
{
	pthread_mutex_lock(&a->mu);
	bool got = a->busy && !a->taken && !a->answered && !a->closed;
	if (got) {
		a->taken = true;
		*plan = a->plan ? x_strdup(a->plan) : NULL;
		*question = x_strdup(a->question);
		*expect = x_strdup(a->expect);
	}
	pthread_mutex_unlock(&a->mu);
	return got;
}

void ask_answer(struct ask *a, const char *line)
{
	pthread_mutex_lock(&a->mu);
	if (a->busy && a->taken && !a->answered) {
		a->yes = line && strcmp(line, a->expect) == 0;
		a->answered = true;
		pthread_cond_broadcast(&a->cond);
	}
	pthread_mutex_unlock(&a->mu);
}

void ask_close(struct ask *a)
{
	pthread_mutex_lock(&a->mu);
	a->closed = true;
	pthread_cond_broadcast(&a->cond);
	pthread_mutex_unlock(&a->mu);
}
