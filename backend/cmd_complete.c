/*
 * completion: the shell completion scripts. Each is a thin script that hands the words typed to
 * `kcon __complete` (ui/shellcomp.h), which answers from the command table by the REPL's own
 * completion logic: the scripts never go stale as commands and options change.
 */
#include <string.h>

#include "cmd.h"

static const char complete_bash[] =
	"# bash completion for kcon: `kcon completion bash` prints it (`make install` installs it).\n"
	"# Every Tab asks `kcon __complete`, which answers from kcon's command table within 3 s.\n"
	"_kcon() {\n"
	"    local cur words cword out IFS=$'\\n'\n"
	"    if declare -F _get_comp_words_by_ref >/dev/null; then\n"
	"        _get_comp_words_by_ref -n =: cur words cword\n"
	"    else\n"
	"        cur=${COMP_WORDS[COMP_CWORD]} words=(\"${COMP_WORDS[@]}\") cword=$COMP_CWORD\n"
	"    fi\n"
	"    out=$(\"${words[0]/#\\~/$HOME}\" __complete -- \"${words[@]:1:cword-1}\" \"$cur\" 2>/dev/null) || return "
	"0\n"
	"    if [[ $out == :file ]]; then\n"
	"        compopt -o filenames 2>/dev/null\n"
	"        COMPREPLY=($(compgen -f -- \"$cur\"))\n"
	"        return 0\n"
	"    fi\n"
	"    COMPREPLY=($out)\n"
	"    if declare -F __ltrim_colon_completions >/dev/null; then\n"
	"        __ltrim_colon_completions \"$cur\"\n"
	"    fi\n"
	"}\n"
	"complete -F _kcon kcon\n";

static const char complete_zsh[] =
	"#compdef kcon\n"
	"# zsh completion for kcon: `kcon completion zsh` prints it (`make install` puts it in site-functions\n"
	"# as _kcon). Every Tab asks `kcon __complete`, which answers from kcon's command table within 3 s.\n"
	"_kcon() {\n"
	"    local out line\n"
	"    local -a described plain\n"
	"    out=$(${words[1]} __complete --describe -- \"${(@)words[2,CURRENT-1]}\" \"$PREFIX\" 2>/dev/null) || "
	"return 1\n"
	"    if [[ $out == :file ]]; then\n"
	"        _files\n"
	"        return\n"
	"    fi\n"
	"    for line in ${(f)out}; do\n"
	"        if [[ $line == *$'\\t'* ]]; then\n"
	"            described+=(\"${${line%%$'\\t'*}//:/\\\\:}:${line#*$'\\t'}\")\n"
	"        else\n"
	"            plain+=(\"$line\")\n"
	"        fi\n"
	"    done\n"
	"    (( ${#described} )) && _describe -t kcon-words 'kcon' described\n"
	"    (( ${#plain} )) && compadd -a plain\n"
	"    return 0\n"
	"}\n"
	"if [[ ${funcstack[1]} == _kcon ]]; then\n"
	"    _kcon \"$@\"\n"
	"else\n"
	"    compdef _kcon kcon\n"
	"fi\n";

static const char complete_fish[] =
	"# fish completion for kcon: `kcon completion fish` prints it (`make install` puts it in\n"
	"# vendor_completions.d). Every Tab asks `kcon __complete`, which answers from kcon's command table\n"
	"# within 3 s.\n"
	"function __kcon_complete\n"
	"    set -l words (commandline -opc)\n"
	"    set -l kcon $words[1]\n"
	"    set -e words[1]\n"
	"    set -l out (command $kcon __complete --describe -- $words (commandline -ct) 2>/dev/null)\n"
	"    if test \"$out\" = :file\n"
	"        __fish_complete_path (commandline -ct)\n"
	"        return\n"
	"    end\n"
	"    printf '%s\\n' $out\n"
	"end\n"
	"complete -c kcon -f -a '(__kcon_complete)'\n";

static int cmd_completion_exec(struct cmd_ctx *ctx)
{
	const char *shell = ctx->args.pos[0];
	const char *script = strcmp(shell, "bash") == 0   ? complete_bash
			     : strcmp(shell, "zsh") == 0  ? complete_zsh
			     : strcmp(shell, "fish") == 0 ? complete_fish
							  : NULL;
	if (script == NULL)
		return cmd_fail(ctx, CMD_USAGE, "give bash, zsh or fish", "no completion for the shell `%.*s`", 64,
				shell);
	return cmd_ok(ctx, json_pack("{s:s,s:s}", "shell", shell, "text", script));
}

static const struct cmd_pos completion_args[] = { { "shell", CMD_ARG_SHELL, 0 }, { 0 } };

const struct cmd_entry cmd_complete_table[] = {
	{
		.name = "completion",
		.group = "general",
		.args = completion_args,
		.help = "print the shell completion script for bash, zsh or fish",
		.doc = "`source <(kcon completion bash)` in ~/.bashrc (zsh: `source <(kcon completion zsh)` after "
		       "compinit; fish: `kcon completion fish | source`); `make install` puts them where each "
		       "shell looks. The scripts complete commands, subcommands and options (with their help in "
		       "zsh and fish), and topic, group, profile and theme names: each Tab runs `kcon __complete`, "
		       "which reads topic names from the history store's last snapshot first, asks the cluster "
		       "for at most 1.5 s otherwise, and never takes more than 3 s. JSON: {shell, text}",
		.flags = CMD_READ_ONLY,
		.exec = cmd_completion_exec,
	},
	{ 0 },
};
