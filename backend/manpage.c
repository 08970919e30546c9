#include "manpage.h"

#include <stdint.h>
#include <string.h>

#include "cmd.h"
#include "globalopt.h"
#include "sbuf.h"
#include "xalloc.h"

/*
 * Text into troff: backslashes and dashes escaped, a line starting with '.' or '\'' guarded,
 * `code` in bold, and every non-ASCII character as \[uXXXX] (groff reads bytes, not UTF-8).
 */
static void man_text(struct sbuf *sb, const char *s)
{
	bool bold = false, bol = sb->len == 0 || sb->buf[sb->len - 1] == '\n';
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (bol && (*p == '.' || *p == '\''))
			sbuf_add(sb, "\\&");
		bol = false;
		if (*p == '\\') {
			sbuf_add(sb, "\\e");
		} else if (*p == '-') {
			sbuf_add(sb, "\\-");
		} else if (*p == '`') {
			sbuf_add(sb, bold ? "\\fR" : "\\fB");
			bold = !bold;
		} else if (*p == '\n') {
			sbuf_add(sb, "\n");
			bol = true;
		} else if (*p >= 0x80) {
			uint32_t cp = 0;
			int more = *p >= 0xf0 ? 3 : *p >= 0xe0 ? 2 : *p >= 0xc0 ? 1 : 0;
			cp = *p & (0x3f >> more);
			for (int i = 0; i < more && (p[1] & 0xc0) == 0x80; i++)
				cp = cp << 6 | (*++p & 0x3f);
			sbuf_addf(sb, "\\[u%04X]", cp);
		} else {
			char c[2] = { (char)*p, 0 };
			sbuf_add(sb, c);
		}
	}
	if (bold)
		sbuf_add(sb, "\\fR");
}

static void man_line(struct sbuf *sb, const char *s)
{
	man_text(sb, s);
	sbuf_add(sb, "\n");
}

/* An example: the command in bold, what it does below it. */
static void man_example(struct sbuf *sb, const char *cmd, const char *what)
{
	sbuf_add(sb, ".TP\n.B ");
	man_line(sb, cmd);
	man_line(sb, what);
}

static void man_options(struct sbuf *sb)
{
	for (const struct globalopt *o = globalopt_all(); o->name || o->short_name; o++) {
		if (o->help == NULL)
			continue;
		struct sbuf spec = SBUF_INIT;
		globalopt_spec(&spec, o);
		sbuf_add(sb, ".TP\n.B ");
		man_line(sb, sbuf_str(&spec));
		sbuf_free(&spec);
		char *help = x_strdup(o->help);
		for (char *nl = strchr(help, '\n'); nl; nl = strchr(nl, '\n'))
			*nl = ' ';
		man_line(sb, help);
		free(help);
	}
}

static void man_commands(struct sbuf *sb)
{
	size_t n;
	const struct cmd_entry *const *all = cmd_all(&n);
	const char *group = "";
	for (size_t i = 0; i < n; i++) {
		const struct cmd_entry *e = all[i];
		if (strcmp(group, e->group) != 0) {
			group = e->group;
			sbuf_addf(sb, ".SS %c%s\n", group[0] - 32, group + 1);
		}
		char *usage = cmd_usage(e);
		sbuf_add(sb, ".TP\n.B ");
		man_line(sb, usage);
		free(usage);
		man_text(sb, e->help);
		if (e->alias) {
			sbuf_add(sb, " (alias ");
			man_text(sb, e->alias);
			sbuf_add(sb, ")");
		}
		sbuf_add(sb, ".\n");
		for (const struct cmd_opt *o = e->opts; o && o->name; o++) {
			struct sbuf spec = SBUF_INIT;
			if (o->short_name)
				sbuf_addf(&spec, "-%c, ", o->short_name);
			sbuf_addf(&spec, "--%s", o->name);
			if (o->kind != CMD_ARG_NONE)
				sbuf_addf(&spec, " %s", cmd_arg_kind_meta(o->kind));
			sbuf_add(sb, ".RS\n.TP\n.B ");
			man_line(sb, sbuf_str(&spec));
			man_text(sb, o->help);
			man_line(sb, o->flags & CMD_OPT_WRITES ? "; changes the cluster" : "");
			sbuf_add(sb, ".RE\n");
			sbuf_free(&spec);
		}
	}
}

char *manpage_render(void)
{
	struct sbuf sb = SBUF_INIT;
	cmd_init();
	sbuf_add(
		&sb,
		".\\\" Generated from kcon's command table by `kcon help --man`: edit the source, then `make docs`.\n");
	sbuf_add(&sb, ".TH KCON 1 \"\" \"kcon " KCON_VERSION "\" \"User Commands\"\n");
	sbuf_add(&sb, ".SH NAME\nkcon \\- a terminal admin console for Apache Kafka\n");
	sbuf_add(&sb, ".SH SYNOPSIS\n"
		      ".B kcon\n[\\fIOPTIONS\\fR] [\\fICOMMAND\\fR [\\fIARGS\\fR...]]\n.br\n"
		      ".B kcon\n[\\fIOPTIONS\\fR] \\fB\\-e\\fR \\fI'CMD; CMD'\\fR | \\fB\\-f\\fR \\fIFILE\\fR | "
		      "\\fB\\-\\-repl\\fR | \\fB\\-\\-demo\\fR\n.br\n"
		      ".B kcon completion\n\\fBbash\\fR|\\fBzsh\\fR|\\fBfish\\fR\n");
	sbuf_add(&sb, ".SH DESCRIPTION\n");
	man_line(&sb, "kcon shows and changes an Apache Kafka cluster: brokers, topics and partitions with leader, "
		      "replicas and ISR, consumer groups and their lag (kept over time in a SQLite history), a live "
		      "tail of messages with every byte escaped, and what an operator changes: topics, configs, "
		      "partitions, records, offsets, ACLs and SCRAM users.");
	sbuf_add(&sb, ".PP\n");
	man_line(&sb, "It has three faces over one command language. Without a command, on a terminal, it opens "
		      "the TUI (views, a `:` command line, a `/` filter); `--repl` opens a readline REPL; a command "
		      "after the options, `-e`, `-f` or commands on stdin run as a script. Words may be shortened "
		      "to a unique prefix (`top desc orders`); a mistyped command or option gets the nearest names "
		      "in its hint.");
	sbuf_add(&sb, ".SH OPTIONS\n");
	man_options(&sb);
	sbuf_add(&sb, ".SH COMMANDS\n");
	man_line(&sb, "Every command runs the same as `kcon COMMAND ARGS`, in the REPL, at the TUI's `:` prompt, "
		      "with `-e`, `-f` and on stdin. Every command takes `-o table|json|csv` and `--yes` (`-y`): no "
		      "questions. `kcon help COMMAND` shows one; docs/commands.md has each one's JSON shape.");
	man_commands(&sb);
	sbuf_add(&sb, ".SH EXIT STATUS\n");
	man_example(&sb, "0", "ok");
	man_example(&sb, "1", "a command failed, or its output could not be written");
	man_example(&sb, "2",
		    "usage error: an unknown command or option, a missing argument, a name Kafka "
		    "cannot hold");
	man_example(&sb, "3", "the cluster was unreachable, the login failed, or it timed out (`--timeout`)");
	man_example(&sb, "130, 143", "a script that SIGINT or SIGTERM stopped ends by that signal");
	sbuf_add(&sb, ".SH ENVIRONMENT\n");
	man_example(&sb, "KCON_BOOTSTRAP", "brokers to start from, when `-b` is not given");
	man_example(&sb, "KCON_PROFILE", "the profile of config.json to use, when `-p` is not given");
	man_example(&sb, "KCON_PASSWORD", "the SASL password (read, then wiped from the environment)");
	man_example(&sb, "KCON_STATE_DIR",
		    "where the history store lives (else $XDG_STATE_HOME/kcon, "
		    "~/.local/state/kcon)");
	man_example(&sb, "KCON_PLUGIN_PATH", "colon-separated folders of decoder plugins");
	man_example(&sb, "KCON_CORE_DUMPS", "1: allow core dumps and ptrace (kcon holds passwords: off by default)");
	man_example(&sb, "XDG_CONFIG_HOME", "where config.json, kconrc and themes/ are (default ~/.config)");
	sbuf_add(&sb, ".SH FILES\n");
	man_example(&sb, "~/.config/kcon/config.json",
		    "profiles: bootstrap, TLS, SASL user, properties, read_only, "
		    "retention (no secrets)");
	man_example(&sb, "~/.config/kcon/kconrc",
		    "lines of the command language the TUI runs at start: key "
		    "bindings, theme");
	man_example(&sb, "~/.config/kcon/themes/",
		    "your TUI colour themes, beside the installed ones in "
		    "share/kcon/themes");
	man_example(&sb, "~/.local/state/kcon/",
		    "the SQLite history: snapshots, lag over time, events, the "
		    "lines typed at the REPL and the TUI");
	sbuf_add(&sb, ".SH EXAMPLES\n");
	man_example(&sb, "kcon -b kafka:9092", "the TUI");
	man_example(&sb, "kcon -b kafka:9092 topics 'orders*'", "one command");
	man_example(&sb, "kcon -b kafka:9092 topic describe orders -o json", "one command, as JSON");
	man_example(&sb, "kcon -e 'cluster; topics --under-replicated' -o json", "a script on the command line");
	man_example(&sb, "kcon -p prod group lag billing -o json", "with a profile: a group's lag per partition");
	man_example(&sb, "kcon --ca ca.crt --user ops --password-file pw doctor",
		    "SASL_SSL, and why it does (not) connect, step by step");
	man_example(&sb, "kcon tail orders --from -10 -o json", "the last ten messages of each partition");
	man_example(&sb, "kcon --demo", "the TUI on an embedded demo cluster");
	man_example(&sb, "source <(kcon completion bash)",
		    "Tab completion in bash (zsh alike; fish: "
		    "`kcon completion fish | source`)");
	sbuf_add(&sb, ".SH SEE ALSO\n");
	man_line(&sb, "The README and docs/ (commands.md, configuration.md, tui.md, tail.md, history.md, "
		      "admin.md), installed in share/doc/kcon.");
	return sbuf_release(&sb);
}
