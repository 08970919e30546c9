#include "globalopt.h"

#include <string.h>

#define CONN "Connection"
#define OUTB "Output and behaviour"

static const struct globalopt globalopts[] = {
	{ "bootstrap", 'b', "HOST:PORT,...", CMD_ARG_STRING, CONN, NULL, "brokers to start from (or KCON_BOOTSTRAP)" },
	{ "profile", 'p', "NAME", CMD_ARG_PROFILE, CONN, NULL,
	  "a profile of ~/.config/kcon/config.json (or KCON_PROFILE)" },
	{ NULL, 'X', "KEY=VALUE", CMD_ARG_CONFIG, CONN, NULL, "any librdkafka property (repeatable)" },
	{ NULL, 'F', "FILE", CMD_ARG_FILE, CONN, NULL, "librdkafka or Java client.properties file" },
	{ "ca", 0, "FILE", CMD_ARG_FILE, CONN, NULL, "CA certificate (PEM); turns on TLS" },
	{ "cert", 0, "FILE", CMD_ARG_FILE, CONN, "--cert FILE, --key FILE",
	  "client certificate and key (PEM) for mutual TLS" },
	{ "key", 0, "FILE", CMD_ARG_FILE, CONN, NULL, NULL },
	{ "sasl-mechanism", 0, "MECH", CMD_ARG_STRING, CONN, NULL,
	  "PLAIN, SCRAM-SHA-256, SCRAM-SHA-512 (default with --user)" },
	{ "user", 0, "NAME", CMD_ARG_STRING, CONN, NULL, "SASL user" },
	{ "password-file", 0, "FILE", CMD_ARG_FILE, CONN, NULL,
	  "SASL password, first line of FILE (or KCON_PASSWORD; never in argv)" },
	{ "strimzi-user", 0, "DIR", CMD_ARG_FILE, CONN, NULL,
	  "a Strimzi KafkaUser secret (oc extract secret/USER --to=DIR):\n"
	  "SCRAM-SHA-512 user and password, or the TLS client certificate" },
	{ "strimzi-ca", 0, "DIR", CMD_ARG_FILE, CONN, NULL,
	  "the cluster CA secret (CLUSTER-cluster-ca-cert): ca.crt or ca.p12" },
	{ "registry", 0, "URL", CMD_ARG_STRING, CONN, NULL,
	  "the Schema Registry (Confluent API) for decoding (or KCON_REGISTRY)" },
	{ "timeout", 0, "SECONDS", CMD_ARG_INT, CONN, NULL, "give up on the cluster after this long (default 10)" },
	{ "output", 'o', "table|json|csv", CMD_ARG_FORMAT, OUTB, NULL,
	  "how results are printed (default table); json is one document a line (also called ndjson); "
	  "tail also takes raw" },
	{ "read-only", 0, NULL, CMD_ARG_NONE, OUTB, NULL, "refuse commands that change the cluster" },
	{ "theme", 0, "NAME", CMD_ARG_THEME, OUTB, NULL, "TUI colour theme" },
	{ "refresh", 0, "SECONDS", CMD_ARG_INT, OUTB, NULL, "how often the TUI reloads its views (default 5)" },
	{ "no-mouse", 0, NULL, CMD_ARG_NONE, OUTB, NULL, "the TUI leaves the mouse to the terminal (text selection)" },
	{ "state-dir", 0, "DIR", CMD_ARG_FILE, OUTB, NULL, "where the history store lives (or KCON_STATE_DIR)" },
	{ "no-history", 0, NULL, CMD_ARG_NONE, OUTB, NULL, "keep no history store" },
	{ "retention", 0, "SPEC", CMD_ARG_STRING, OUTB, NULL,
	  "history kept: raw=24h,minute=7d,hour=90d (any of them; or the\n"
	  "config file's \"retention\"); applied by watch and history prune" },
	{ "offline", 0, NULL, CMD_ARG_NONE, OUTB, NULL,
	  "do not ask the cluster: cluster, brokers, topics, describe and\n"
	  "`history` show the last stored snapshot, marked stale" },
	{ "verbose", 'v', NULL, CMD_ARG_NONE, OUTB, NULL, "show librdkafka's log on stderr" },
	{ "version", 'V', NULL, CMD_ARG_NONE, OUTB, NULL, "print the version" },
	{ "help", 'h', NULL, CMD_ARG_NONE, OUTB, NULL, "this text; `kcon help` lists the commands" },
	{ "demo", 0, NULL, CMD_ARG_NONE, NULL, NULL, "run on an embedded demo cluster" },
	{ "repl", 0, NULL, CMD_ARG_NONE, NULL, NULL, "the readline REPL" },
	{ NULL, 'e', "'CMD; CMD'", CMD_ARG_STRING, NULL, NULL, "run several commands" },
	{ NULL, 'f', "FILE", CMD_ARG_FILE, NULL, NULL, "run a script of commands (- for stdin)" },
	{ 0 },
};

#define GLOBALOPT_END(o) ((o)->name == NULL && (o)->short_name == 0)

const struct globalopt *globalopt_all(void)
{
	return globalopts;
}

const struct globalopt *globalopt_find(const char *word)
{
	if (word[0] != '-' || word[1] == '\0')
		return NULL;
	for (const struct globalopt *o = globalopts; !GLOBALOPT_END(o); o++) {
		if (word[1] == '-') {
			size_t n = strcspn(word + 2, "=");
			if (o->name && strlen(o->name) == n && strncmp(word + 2, o->name, n) == 0)
				return o;
		} else if (o->short_name && word[1] == o->short_name && (word[2] == '\0' || o->meta)) {
			return o; /* -b HOST, or -bHOST */
		}
	}
	return NULL;
}

void globalopt_spec(struct sbuf *sb, const struct globalopt *o)
{
	if (o->spec) {
		sbuf_add(sb, o->spec);
		return;
	}
	if (o->short_name)
		sbuf_addf(sb, "-%c%s", o->short_name, o->name ? ", " : "");
	if (o->name)
		sbuf_addf(sb, "--%s", o->name);
	if (o->meta)
		sbuf_addf(sb, " %s", o->meta);
}

void globalopt_usage(struct sbuf *sb)
{
	sbuf_add(sb, "usage: kcon [OPTIONS] [COMMAND [ARGS...]]\n"
		     "\n"
		     "  kcon                       the TUI (on a terminal); commands from stdin otherwise\n"
		     "  kcon COMMAND ARGS...       run one command         (kcon topic describe orders)\n"
		     "  kcon -e 'CMD; CMD'         run several             (kcon -e 'topics; groups' -o json)\n"
		     "  kcon -f FILE               run a script of commands\n"
		     "  kcon --repl                the readline REPL\n"
		     "  kcon --demo                any of the above on an embedded demo cluster\n");
	const char *section = "";
	for (const struct globalopt *o = globalopts; !GLOBALOPT_END(o); o++) {
		if (o->section == NULL || o->help == NULL)
			continue;
		if (strcmp(section, o->section) != 0) {
			section = o->section;
			sbuf_addf(sb, "\n%s:\n", section);
		}
		struct sbuf spec = SBUF_INIT;
		if (o->short_name == 0 || o->spec)
			sbuf_add(&spec, "    ");
		globalopt_spec(&spec, o);
		sbuf_addf(sb, "  %-31s", sbuf_str(&spec));
		sbuf_free(&spec);
		for (const char *line = o->help; *line;) {
			size_t n = strcspn(line, "\n");
			if (line != o->help)
				sbuf_addf(sb, "%33s", "");
			sbuf_addf(sb, "%.*s\n", (int)n, line);
			line += n + (line[n] == '\n');
		}
	}
	sbuf_add(sb, "\n"
		     "Exit status: 0 ok, 1 a command failed, 2 usage error, 3 cluster unreachable or timed out;\n"
		     "a script that SIGINT or SIGTERM stops ends by that signal (130, 143).\n");
}
