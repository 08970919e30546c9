/* Fatal signals: see fatal.h. */
#include "fatal.h"

#include <signal.h>
#include <stdbool.h>
#include <string.h>
#include <unistd.h>

#include "plugin.h"

static struct termios fatal_tio;
static char fatal_reset[512];
static size_t fatal_reset_len;
static volatile sig_atomic_t fatal_has_tio, fatal_has_reset;

static void fatal_write(int fd, const char *s, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, s, len);
		if (n <= 0)
			return; /* nothing more can be done */
		s += n;
		len -= (size_t)n;
	}
}

static void fatal_on_signal(int signo)
{
	if (fatal_has_tio)
		tcsetattr(STDIN_FILENO, TCSANOW, &fatal_tio);
	if (fatal_has_reset)
		fatal_write(STDOUT_FILENO, fatal_reset, fatal_reset_len);
	const char *culprit = plugin_running(); /* after the reset: on the terminal's own screen */
	if (culprit)
		fatal_write(STDERR_FILENO, culprit, strlen(culprit));
	/* SA_RESETHAND made the action the default one: the signal, raised again or (a fault) met
	 * again on return, ends the process as it would have without us. */
	raise(signo);
}

void fatal_catch(void)
{
	static const int fatal[] = { SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT, SIGQUIT };
	for (size_t i = 0; i < sizeof(fatal) / sizeof(fatal[0]); i++) {
		struct sigaction sa = { .sa_handler = fatal_on_signal, .sa_flags = SA_RESETHAND | SA_NODEFER };
		sigemptyset(&sa.sa_mask);
		sigaction(fatal[i], &sa, NULL);
	}
}

void fatal_terminal(const struct termios *tio, const char *reset)
{
	fatal_has_tio = fatal_has_reset = 0; /* the handler never sees them half made */
	if (tio) {
		fatal_tio = *tio;
		fatal_has_tio = 1;
	}
	size_t len = reset ? strlen(reset) : 0;
	if (len > 0 && len < sizeof(fatal_reset)) {
		memcpy(fatal_reset, reset, len);
		fatal_reset_len = len;
		fatal_has_reset = 1;
	}
}
