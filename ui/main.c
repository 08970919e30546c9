/* kcon: a terminal admin console for Apache Kafka. One command language, three faces. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <unistd.h>

#include "client.h"
#include "cmd.h"
#include "demo.h"
#include "faces.h"
#include "decodehelp.h"
#include "escape.h"
#include "fatal.h"
#include "file.h"
#include "globalopt.h"
#include "registry.h"
#include "run.h"
#include "sbuf.h"
#include "session.h"
#include "shellcomp.h"
#include "store.h"
#include "uicmd.h"
#include "xalloc.h"

/* `kcon --help`: from the table of kcon's options (backend/globalopt.h), as the man page is. */
static void main_usage(FILE *f)
{
	struct sbuf sb = SBUF_INIT;
	globalopt_usage(&sb);
	fputs(sbuf_str(&sb), f);
	sbuf_free(&sb);
}

enum {
	OPT_CA = 256,
	OPT_CERT,
	OPT_KEY,
	OPT_SASL_MECH,
	OPT_USER,
	OPT_PASSWORD_FILE,
	OPT_STRIMZI_USER,
	OPT_STRIMZI_CA,
	OPT_TIMEOUT,
	OPT_DEMO,
	OPT_REPL,
	OPT_READ_ONLY,
	OPT_THEME,
	OPT_REFRESH,
	OPT_NO_MOUSE,
	OPT_STATE_DIR,
	OPT_NO_HISTORY,
	OPT_OFFLINE,
	OPT_RETENTION,
	OPT_REGISTRY,
};

static const struct option main_options[] = {
	{ "bootstrap", required_argument, NULL, 'b' },
	{ "profile", required_argument, NULL, 'p' },
	{ "output", required_argument, NULL, 'o' },
	{ "ca", required_argument, NULL, OPT_CA },
	{ "cert", required_argument, NULL, OPT_CERT },
	{ "key", required_argument, NULL, OPT_KEY },
	{ "sasl-mechanism", required_argument, NULL, OPT_SASL_MECH },
	{ "user", required_argument, NULL, OPT_USER },
	{ "password-file", required_argument, NULL, OPT_PASSWORD_FILE },
	{ "strimzi-user", required_argument, NULL, OPT_STRIMZI_USER },
	{ "strimzi-ca", required_argument, NULL, OPT_STRIMZI_CA },
	{ "timeout", required_argument, NULL, OPT_TIMEOUT },
	{ "demo", no_argument, NULL, OPT_DEMO },
	{ "repl", no_argument, NULL, OPT_REPL },
	{ "read-only", no_argument, NULL, OPT_READ_ONLY },
	{ "theme", required_argument, NULL, OPT_THEME },
	{ "refresh", required_argument, NULL, OPT_REFRESH },
	{ "no-mouse", no_argument, NULL, OPT_NO_MOUSE },
	{ "state-dir", required_argument, NULL, OPT_STATE_DIR },
	{ "no-history", no_argument, NULL, OPT_NO_HISTORY },
	{ "offline", no_argument, NULL, OPT_OFFLINE },
	{ "retention", required_argument, NULL, OPT_RETENTION },
	{ "registry", required_argument, NULL, OPT_REGISTRY },
	{ "verbose", no_argument, NULL, 'v' },
	{ "version", no_argument, NULL, 'V' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

/* Connection options are applied after the profile, in the order given. */
struct main_connopt {
	const char *option;
	char *value; /* in argv: a secret's is overwritten once read */
};

/* Asks on the terminal (stderr and /dev/tty) for a typed confirmation; the plan is on stderr already (notes). */
static bool main_confirm(void *ud, const char *plan, const char *question, const char *expect)
{
	(void)ud, (void)plan;
	FILE *tty = fopen("/dev/tty", "r");
	if (tty == NULL)
		return false;
	fprintf(stderr, "%s", question);
	char *line = NULL;
	size_t cap = 0;
	bool ok = getline(&line, &cap, tty) > 0 && strncmp(line, expect, strlen(expect)) == 0 &&
		  (line[strlen(expect)] == '\n' || line[strlen(expect)] == '\0');
	free(line);
	fclose(tty);
	return ok;
}

static int main_timeout(const char *v, int *ms)
{
	char *end;
	errno = 0;
	double secs = strtod(v, &end);
	if (errno || end == v || (*end && strcmp(end, "s") != 0) || !(secs > 0 && secs <= 3600)) /* NaN too */
		return -1;
	*ms = (int)(secs * 1000);
	return 0;
}

/*
 * A standard stream the caller closed (`kcon topics >&-`) is held by /dev/null, so no file kcon
 * opens later (the history store) becomes stdout. Held read-only, a closed stdout still fails
 * every write (EBADF): the output is lost, and kcon says so and exits 1.
 */
static void main_hold_std_fds(void)
{
	for (int fd = 0; fd <= 2; fd++)
		if (fcntl(fd, F_GETFD) < 0 && errno == EBADF) {
			int got = open("/dev/null", fd == 2 ? O_WRONLY : O_RDONLY);
			if (got >= 0 && got != fd)
				close(got); /* fds are taken lowest first: only a race gets here */
		}
}

/*
 * A script that a signal stopped ends as a shell does: by that signal, once stdout is flushed and
 * the session closed, so $? is 128 + N (130 for SIGINT, 143 for SIGTERM) and a calling shell
 * script stops too.
 */
static int main_end_by_signal(int signo, int status)
{
	if (signo == 0)
		return status;
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, signo);
	signal(signo, SIG_DFL);
	sigprocmask(SIG_UNBLOCK, &set, NULL);
	raise(signo);
	return 128 + signo; /* not reached unless the signal cannot end the process */
}

/*
 * kcon holds the SASL password in memory: no core file, and (PR_SET_DUMPABLE 0) no ptrace, /proc/PID/mem
 * or /proc/PID/environ for the user's other processes, unless KCON_CORE_DUMPS=1 asks for a debuggable
 * process (docs/configuration.md).
 */
static void main_protect(void)
{
	const char *want = getenv("KCON_CORE_DUMPS");
	if (want && strcmp(want, "1") == 0)
		return;
	const struct rlimit none = { 0, 0 };
	setrlimit(RLIMIT_CORE, &none);
	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
}

/* KCON_PASSWORD: taken (a copy, caller frees) and wiped from the environment, as nothing else needs it. */
static char *main_env_secret(const char *name)
{
	char *pw = getenv(name);
	if (pw == NULL)
		return NULL;
	char *copy = *pw ? x_strdup(pw) : NULL;
	memset(pw, 0, strlen(pw)); /* /proc/PID/environ shows the original block */
	unsetenv(name);            /* nor does the decoder helper inherit it */
	return copy;
}

/* A -X secret's value in argv (/proc/PID/cmdline) overwritten now that it was read; conf_set_option warned. */
static void main_scrub(char *value)
{
	char *eq = strchr(value, '=');
	if (eq == NULL)
		return;
	*eq = '\0';
	bool secret = conf_is_secret(value);
	*eq = '=';
	if (secret)
		memset(eq + 1, '*', strlen(eq + 1));
}

/*
 * Decoders run in a helper process (backend/decodehelp.h): this binary again, found through
 * /proc/self/exe. Without /proc (a bare chroot), or with KCON_DECODE_IN_PROCESS=1, they run here.
 */
static void main_decode_helper(void)
{
	const char *inproc = getenv("KCON_DECODE_IN_PROCESS");
	if (inproc && strcmp(inproc, "1") == 0)
		return;
	if (access("/proc/self/exe", X_OK) != 0)
		return;
	decodehelp_enable("/proc/self/exe"); /* this very file, even if a new kcon replaced its path */
}

int main(int argc, char **argv)
{
	main_protect();
	if (argc == 2 && strcmp(argv[1], DECODEHELP_ARG) == 0)
		return decodehelp_serve();
	main_decode_helper();
	if (argc >= 2 && strcmp(argv[1], "__complete") == 0) { /* a shell's Tab: hidden, bounded (shellcomp.h) */
		uicmd_register();
		return shellcomp_main(argc - 2, argv + 2);
	}
	char *env_password = main_env_secret("KCON_PASSWORD");
	struct session s = { .timeout_ms = 10000, .format = OUT_TABLE };
	const char *registry = NULL;
	note_set(&s.note, run_note, NULL); /* the TUI sends them to its :log instead: stderr is its screen */
	struct main_connopt *conn = x_calloc((size_t)argc + 1, sizeof(*conn));
	const char *profile = getenv("KCON_PROFILE"), *script_text = NULL, *script_file = NULL, *theme = NULL;
	bool demo = false, repl = false, mouse = true;
	int nconn = 0, status = CMD_OK, c, refresh_ms = 0;
	char *cause = NULL;

	s.registry_password_env = main_env_secret("KCON_REGISTRY_PASSWORD");
	s.registry_token_env = main_env_secret("KCON_REGISTRY_TOKEN");
	main_hold_std_fds();
	signal(SIGPIPE, SIG_IGN);
	fatal_catch();
	while ((c = getopt_long(argc, argv, "+b:p:o:X:F:e:f:vVh", main_options, NULL)) != -1) {
		switch (c) {
		case 'b':
			conn[nconn++] = (struct main_connopt){ "bootstrap", optarg };
			break;
		case 'X':
			conn[nconn++] = (struct main_connopt){ "X", optarg };
			break;
		case 'F':
			conn[nconn++] = (struct main_connopt){ "F", optarg };
			break;
		case OPT_CA:
			conn[nconn++] = (struct main_connopt){ "ca", optarg };
			break;
		case OPT_CERT:
			conn[nconn++] = (struct main_connopt){ "cert", optarg };
			break;
		case OPT_KEY:
			conn[nconn++] = (struct main_connopt){ "key", optarg };
			break;
		case OPT_SASL_MECH:
			conn[nconn++] = (struct main_connopt){ "sasl-mechanism", optarg };
			break;
		case OPT_USER:
			conn[nconn++] = (struct main_connopt){ "user", optarg };
			break;
		case OPT_PASSWORD_FILE:
			conn[nconn++] = (struct main_connopt){ "password-file", optarg };
			break;
		case OPT_STRIMZI_USER:
			conn[nconn++] = (struct main_connopt){ "strimzi-user", optarg };
			break;
		case OPT_STRIMZI_CA:
			conn[nconn++] = (struct main_connopt){ "strimzi-ca", optarg };
			break;
		case 'p':
			profile = optarg;
			break;
		case 'o': {
			int f = strcmp(optarg, "raw") == 0 ? OUT_RAW : output_format_parse(optarg); /* raw: tail only */
			if (f < 0) {
				fprintf(stderr, "kcon: -o %s: unknown output format: use table, json or csv\n", optarg);
				status = CMD_USAGE;
				goto out;
			}
			s.format = (enum out_format)f;
			break;
		}
		case 'e':
			script_text = optarg;
			break;
		case 'f':
			script_file = optarg;
			break;
		case OPT_TIMEOUT:
			if (main_timeout(optarg, &s.timeout_ms) < 0) {
				fprintf(stderr, "kcon: --timeout %s: give seconds, e.g. --timeout 30 or 2.5\n", optarg);
				status = CMD_USAGE;
				goto out;
			}
			break;
		case OPT_DEMO:
			demo = true;
			break;
		case OPT_REPL:
			repl = true;
			break;
		case OPT_READ_ONLY:
			s.read_only = s.read_only_cli = true;
			break;
		case OPT_THEME:
			theme = optarg;
			break;
		case OPT_REFRESH:
			if (main_timeout(optarg, &refresh_ms) < 0 || refresh_ms < 500) {
				fprintf(stderr, "kcon: --refresh %s: give seconds, at least 0.5, e.g. --refresh 10\n",
					optarg);
				status = CMD_USAGE;
				goto out;
			}
			break;
		case OPT_NO_MOUSE:
			mouse = false;
			break;
		case OPT_STATE_DIR:
			free(s.state_dir);
			s.state_dir = x_strdup(optarg);
			break;
		case OPT_NO_HISTORY:
			s.no_history = true;
			break;
		case OPT_OFFLINE:
			s.offline = true;
			break;
		case OPT_REGISTRY:
			registry = optarg;
			break;
		case OPT_RETENTION:
			free(s.retention);
			s.retention = x_strdup(optarg);
			break;
		case 'v':
			s.verbose = true;
			break;
		case 'V': {
			char *library = client_library();
			printf("kcon %s (librdkafka %s)\n%s\n", KCON_VERSION, rd_kafka_version_str(), library);
			free(library);
			goto out;
		}
		case 'h':
			main_usage(stdout);
			goto out;
		default:
			fprintf(stderr, "kcon: `kcon --help` shows the options\n");
			status = CMD_USAGE;
			goto out;
		}
	}

	/* Settings: profile, then KCON_BOOTSTRAP, then the command line in order. */
	char *path = conf_profile_path();
	if (conf_load_profile(&s.conf, path, profile, &cause) < 0) {
		/* `config ...` edits the file: a broken profile (or file) must not stop the command that fixes it;
		   it reads the file itself and says what is wrong with it */
		bool config = optind < argc && strcmp(argv[optind], "config") == 0;
		if (!config) {
			free(path);
			goto conf_error;
		}
		x_free(&cause);
		conf_clear(&s.conf);
	}
	free(path);
	s.read_only |= s.conf.read_only; /* a profile's "read_only": true is --read-only */
	if (getenv("KCON_BOOTSTRAP") && *getenv("KCON_BOOTSTRAP"))
		conf_set_option(&s.conf, "bootstrap", getenv("KCON_BOOTSTRAP"), &cause);
	if (env_password)
		conf_set(&s.conf, "sasl.password", env_password);
	if (registry) {                                          /* wins over the profile's */
		if (registry_url_has_userinfo(registry, &cause)) /* at once: the rest is checked where it is used */
			goto conf_error;
		free(s.conf.registry);
		s.conf.registry = x_strdup(registry);
	}
	for (int i = 0; i < nconn; i++) {
		int rc = strcmp(conn[i].option, "F") == 0
				 ? conf_load_properties(&s.conf, conn[i].value, &cause)
				 : conf_set_option(&s.conf, conn[i].option, conn[i].value, &cause);
		if (strcmp(conn[i].option, "X") == 0)
			main_scrub(conn[i].value);
		if (rc < 0)
			goto conf_error;
	}
	conf_check_files(&s.conf);
	for (size_t i = 0; i < s.conf.nwarnings; i++) {
		char *safe = escape_str(s.conf.warnings[i]);
		fprintf(stderr, "kcon: %s\n", safe);
		free(safe);
	}
	struct store_opts retention = { 0 }; /* checked now: a typo must not wait for the first sample */
	const char *spec = s.retention ? s.retention : s.conf.retention;
	if (spec && store_opts_parse(spec, &retention, &cause) < 0) {
		if (!s.retention) {
			char *why = x_asprintf("the config file's %s", cause);
			free(cause);
			cause = why;
		}
		goto conf_error;
	}

	if (demo) {
		struct err e = { 0 };
		s.demo = demo_start(&e);
		if (s.demo == NULL) {
			fprintf(stderr, "kcon: --demo: %s\n", e.cause);
			err_clear(&e);
			status = CMD_FAILED;
			goto out;
		}
		demo_set_verbose(s.demo, s.verbose ? &s.note : NULL);
		conf_set_option(&s.conf, "bootstrap", demo_bootstrap(s.demo), &cause);
	}

	struct winsize ws;
	if (isatty(STDOUT_FILENO) && ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
		s.width = ws.ws_col;
	if (isatty(STDIN_FILENO))
		s.confirm = main_confirm;

	uicmd_register(); /* the built-in commands and the faces' */
	if (optind < argc) {
		status = run_only(&s, argc - optind, argv + optind);
	} else if (script_text) {
		status = run_text(&s, script_text, "-e");
	} else if (script_file) {
		FILE *f = strcmp(script_file, "-") == 0 ? stdin : fopen(script_file, "r");
		if (f == NULL) {
			fprintf(stderr, "kcon: -f %s: %s\n", script_file, strerror(errno));
			status = CMD_USAGE;
		} else {
			status = run_stream(&s, f, script_file);
			if (f != stdin)
				fclose(f);
		}
	} else if (repl) {
		status = repl_run(&s);
	} else if (!isatty(STDIN_FILENO)) {
		status = run_stream(&s, stdin, "stdin");
	} else if (!isatty(STDOUT_FILENO)) {
		fprintf(stderr, "kcon: the TUI needs a terminal on stdout: give a command, -e, or --repl\n");
		status = CMD_USAGE;
	} else {
		status = tui_run(&s, theme, refresh_ms, mouse);
	}
	goto out;

conf_error:; /* the cause is raw (a profile's name, a file's words): escaped here, once */
	char *safe = escape_str(cause);
	fprintf(stderr, "kcon: %s\n", safe);
	free(safe);
	free(cause);
	status = CMD_USAGE;
out:
	if (env_password) {
		memset(env_password, 0, strlen(env_password));
		free(env_password);
	}
	decodehelp_stop();
	session_clear(&s);
	free(conn);
	status = run_finish(status);
	/* One command (`kcon tail T`) ends with its own status: Ctrl-C is how a follow stops. */
	return main_end_by_signal(optind < argc ? 0 : run_signal(), status);
}
