#include "run.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "parse.h"
#include "sbuf.h"
#include "xalloc.h"

void run_write(const char *text, size_t len)
{
	if (len && fwrite(text, 1, len, stdout) != len && errno == EPIPE)
		_exit(0); /* the reader went away (kcon ... | head): nothing left to say */
	if (fflush(stdout) != 0 && errno == EPIPE)
		_exit(0);
}

static enum out_format run_format(struct session *s, const struct cmd_ctx *ctx, int *status)
{
	if (ctx->args.output == NULL)
		return s->format;
	int f = output_format_parse(ctx->args.output);
	if (f < 0) {
		fprintf(stderr, "kcon: -o %s: unknown output format: use table, json or csv\n", ctx->args.output);
		*status = CMD_USAGE;
		return s->format;
	}
	return (enum out_format)f;
}

int run_argv(struct session *s, int argc, char *const *argv)
{
	struct cmd_ctx ctx;
	struct sbuf out = SBUF_INIT;
	int status = cmd_prepare(&ctx, s, argc, argv);
	enum out_format fmt = run_format(s, &ctx, &status);
	if (status == CMD_OK)
		status = cmd_exec(&ctx);
	if (status == CMD_OK) {
		json_t *md = json_object_get(ctx.result, "markdown");
		if (fmt == OUT_TABLE && json_is_string(md)) /* our own text: printed as it is */
			sbuf_add(&out, json_string_value(md));
		else
			output_render(&out, fmt, ctx.entry ? ctx.entry->view : NULL, ctx.result, s->width);
		run_write(out.buf, out.len);
	} else if (ctx.error) {
		const char *name = ctx.entry ? ctx.entry->name : argv[0];
		if (fmt == OUT_JSON) {
			output_error(&out, OUT_JSON, name, status, ctx.error, ctx.hint);
			run_write(out.buf, out.len);
			sbuf_reset(&out);
		}
		output_error(&out, OUT_TABLE, name, status, ctx.error, ctx.hint);
		fprintf(stderr, "kcon: %s", out.buf);
	}
	sbuf_free(&out);
	cmd_ctx_clear(&ctx);
	return status;
}

static int run_list(struct session *s, struct parse_list *l)
{
	int status = CMD_OK;
	for (size_t i = 0; i < l->n && status == CMD_OK; i++)
		status = run_argv(s, l->cmds[i].argc, l->cmds[i].argv);
	return status;
}

int run_text(struct session *s, const char *src, const char *origin)
{
	struct parse_list l = {0};
	char *cause = NULL;
	if (parse_commands(src, &l, &cause) < 0) {
		fprintf(stderr, "kcon: %s: %s\n", origin, cause);
		free(cause);
		return CMD_USAGE;
	}
	int status = run_list(s, &l);
	parse_list_clear(&l);
	return status;
}

int run_stream(struct session *s, FILE *f, const char *origin)
{
	char *line = NULL;
	size_t cap = 0;
	int status = CMD_OK, lineno = 0;
	while (status == CMD_OK && getline(&line, &cap, f) >= 0) {
		struct parse_list l = {0};
		char *cause = NULL;
		lineno++;
		if (parse_commands(line, &l, &cause) < 0) {
			fprintf(stderr, "kcon: %s:%d: %s\n", origin, lineno, cause);
			free(cause);
			status = CMD_USAGE;
			break;
		}
		status = run_list(s, &l);
		parse_list_clear(&l);
	}
	free(line);
	return status;
}
