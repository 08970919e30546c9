/* Message commands: tail (stream a topic's messages) and produce. Both stream (CMD_STREAM). */
#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "client.h"
#include "cmd.h"
#include "file.h"
#include "msg.h"
#include "msgfmt.h"
#include "plugin.h"
#include "registry.h"
#include "avroenc.h"
#include "session.h"
#include "tail.h"
#include "xalloc.h"

#define TAIL_COLLECT_MAX 100 /* messages kept when no face streams (the TUI prompt) */

/* 32M, 512K, 1G or plain bytes. */
static int tail_parse_size(const char *s, size_t *out)
{
	char *end;
	errno = 0;
	double v = strtod(s, &end);
	if (errno || end == s || !(v > 0)) /* NaN too */
		return -1;
	double mul = 1;
	if (*end == 'k' || *end == 'K')
		mul = 1024, end++;
	else if (*end == 'm' || *end == 'M')
		mul = 1024 * 1024, end++;
	else if (*end == 'g' || *end == 'G')
		mul = 1024.0 * 1024 * 1024, end++;
	if (*end == 'b' || *end == 'B')
		end++;
	if (*end || !(v * mul <= 16.0 * 1024 * 1024 * 1024))
		return -1;
	*out = (size_t)(v * mul);
	return 0;
}

/* Backslash escapes in a delimiter: \n, \t, \r, \0, \\. */
static char *tail_unescape(const char *s, size_t *len)
{
	struct sbuf sb = SBUF_INIT;
	for (; *s; s++) {
		if (*s != '\\' || s[1] == '\0') {
			sbuf_addc(&sb, *s);
			continue;
		}
		s++;
		sbuf_addc(&sb, *s == 'n' ? '\n' : *s == 't' ? '\t' : *s == 'r' ? '\r' : *s == '0' ? '\0' : *s);
	}
	*len = sb.len;
	return sbuf_release(&sb);
}

/* reason: "end", "count", "interrupted" or "output" (out_err: the errno that stopped the output). */
static json_t *tail_summary(const char *topic, const struct tail_stats *st, const char *reason, int out_err)
{
	json_t *parts = json_array();
	for (int i = 0; i < st->npartitions; i++) {
		const struct tail_partition *p = &st->partitions[i];
		json_array_append_new(parts, json_pack("{s:i,s:I,s:I,s:I}", "partition", p->partition, "start",
						       (json_int_t)p->start, "end", (json_int_t)p->end, "next",
						       (json_int_t)p->next));
	}
	char *why = strcmp(reason, "output") == 0
			    ? x_asprintf("the output failed: %s", strerror(out_err))
			    : x_strdup(strcmp(reason, "end") == 0     ? "reached the end offsets read at start"
				       : strcmp(reason, "count") == 0 ? "reached the count"
								      : "stopped");
	char *text = x_asprintf("tail %s: %lld shown, %lld skipped (%s)", topic, (long long)st->shown,
				(long long)st->skipped, why);
	free(why);
	json_t *o = json_pack("{s:s,s:I,s:I,s:s,s:o,s:s}", "topic", topic, "shown", (json_int_t)st->shown, "skipped",
			      (json_int_t)st->skipped, "reason", reason, "partitions", parts, "message", text);
	if (out_err)
		json_object_set_new(o, "output_error", json_string(strerror(out_err)));
	free(text);
	return o;
}

static int cmd_tail_run(struct cmd_ctx *ctx, struct msgfmt **tmplp);

#define TAIL_DECODE_NOTES 3 /* decoder errors told as notes; the rest only in the records */

/* jansson writes \uXXXX in upper case; kcon's JSON has one case, lower (msg_json_embeddable()). */
static void tail_lower_escapes(char *s)
{
	for (; s && *s; s++) {
		if (*s != '\\' || s[1] == '\0')
			continue;
		if (*++s == 'u')
			for (int k = 1; k <= 4 && s[k]; k++)
				s[k] = (char)tolower((unsigned char)s[k]);
	}
}

/*
 * A decoder's answer r (text in decoded) put into m: text or JSON (checked and made compact in
 * normal, non-ASCII escaped when ascii (-o json) so that it embeds) stands for the value; an error keeps the
 * bytes (shown as hex) with the error beside them. Returns the value's encoding.
 */
static enum msg_encoding tail_decoded(struct msg *m, int r, const struct plugin_auto *chose, struct sbuf *decoded,
				      struct sbuf *normal, enum msg_encoding enc, bool ascii)
{
	m->decoder = chose->decoder;
	m->schema_id = chose->schema_id;
	if (r == KCON_DECODE_ERROR) {
		m->decode_error = sbuf_str(decoded);
		return enc;
	}
	if (r == KCON_DECODE_NOT_MINE) {
		m->decoder = NULL;
		return enc;
	}
	if (r == KCON_DECODE_JSON) {
		json_error_t jerr;
		json_t *j = json_loadb(decoded->buf ? decoded->buf : "", decoded->len, JSON_DECODE_ANY | JSON_ALLOW_NUL,
				       &jerr); /* a protobuf string may hold U+0000 */
		if (j) {
			char *text = json_dumps(j, JSON_COMPACT | JSON_ENCODE_ANY | (ascii ? JSON_ENSURE_ASCII : 0));
			json_decref(j);
			tail_lower_escapes(text);
			sbuf_reset(normal);
			if (text)
				sbuf_add(normal, text);
			free(text);
			m->value = sbuf_str(normal);
			m->value_len = normal->len;
			return MSG_AUTO;
		}
		sbuf_reset(normal);
		sbuf_addf(normal, "the decoder `%s` wrote no valid JSON (%s)", chose->decoder ? chose->decoder : "?",
			  jerr.text);
		m->decode_error = sbuf_str(normal);
		return enc;
	}
	m->value = sbuf_str(decoded);
	m->value_len = decoded->len;
	return MSG_TEXT;
}

#define TAIL_DECODE_BATCH 64 /* messages decoded together at most */

/* How the tail command shows messages, and what it keeps while doing so. */
struct tail_show {
	struct cmd_ctx *ctx;
	enum out_format fmt;
	const struct msgfmt *tmpl;
	enum msg_encoding enc;
	const char *delim;
	size_t dlen;
	json_t *collected; /* no face streams: the messages, returned with the summary */
	struct sbuf line, normal;
	int nerrors;
};

/* Shows m; dv is what its decoder made of its value, or NULL when none ran. */
static void tail_show_one(struct tail_show *sh, struct msg *m, struct plugin_value *dv)
{
	struct cmd_stream *st = sh->ctx->stream;
	enum msg_encoding menc = sh->enc;
	sbuf_reset(&sh->line);
	if (dv) { /* the decoder's text stands for the value */
		menc = tail_decoded(m, dv->rc, &dv->chose, &dv->out, &sh->normal, menc, sh->fmt == OUT_JSON);
		if (dv->rc == KCON_DECODE_ERROR && st && sh->nerrors++ < TAIL_DECODE_NOTES) {
			char *n = x_asprintf("offset %lld of partition %d: %s%s", (long long)m->offset,
					     (int)m->partition, m->decode_error,
					     sh->nerrors == TAIL_DECODE_NOTES
						     ? " (further decoder errors only in the records)"
						     : "");
			st->note(st->ud, n);
			free(n);
		}
	}
	if (sh->tmpl && st) /* the TUI's prompt collects JSON */
		msgfmt_render(&sh->line, sh->tmpl, m, menc, sh->fmt == OUT_RAW);
	else if (sh->fmt == OUT_JSON)
		msg_json(&sh->line, m, menc);
	else if (sh->fmt == OUT_RAW)
		msg_raw(&sh->line, m, menc, sh->delim, sh->dlen);
	else
		msg_table(&sh->line, m, menc, st ? st->width : 0);
	if (st)
		st->write(st->ud, sh->line.buf, sh->line.len);
	else
		json_array_append_new(sh->collected, json_loadb(sh->line.buf, sh->line.len, 0, NULL));
}

/* Decodes the *n held messages together (decoder, or auto when NULL), shows them in order and frees them. */
static void tail_show_held(struct tail_show *sh, const struct kcon_decoder *decoder, struct msg **held, int *n)
{
	if (*n == 0)
		return;
	struct plugin_value v[TAIL_DECODE_BATCH];
	int idx[TAIL_DECODE_BATCH], nv = 0; /* held[i]'s value, or -1: a tombstone, nothing to decode */
	for (int i = 0; i < *n; i++) {
		idx[i] = held[i]->value ? nv : -1;
		if (held[i]->value)
			v[nv++] = (struct plugin_value){ .buf = held[i]->value, .len = held[i]->value_len };
	}
	plugin_decode_many(decoder, v, (size_t)nv, NULL);
	for (int i = 0; i < *n; i++) {
		tail_show_one(sh, held[i], idx[i] < 0 ? NULL : &v[idx[i]]);
		free(held[i]);
	}
	for (int i = 0; i < nv; i++)
		sbuf_free(&v[i].out);
	*n = 0;
}

static int cmd_tail_exec(struct cmd_ctx *ctx)
{
	struct msgfmt *tmpl = NULL;
	int status = cmd_tail_run(ctx, &tmpl);
	msgfmt_free(tmpl);
	return status;
}

static int cmd_tail_run(struct cmd_ctx *ctx, struct msgfmt **tmplp)
{
	struct cmd_stream *st = ctx->stream;
	struct tail_opts o = { .topic = cmd_arg(ctx, "topic"), .group = cmd_arg(ctx, "group") };
	enum out_format fmt = st ? st->format : OUT_JSON;
	if (fmt == OUT_CSV)
		return cmd_fail(ctx, CMD_USAGE, "use -o table, -o json or -o raw", "tail does not print CSV");
	/* --format: a template (it has a %), or an encoding's name as --encoding takes (its older spelling) */
	const char *fmtarg = cmd_arg(ctx, "format"), *encarg = cmd_arg(ctx, "encoding");
	bool templated = fmtarg && msgfmt_is_template(fmtarg);
	if (fmtarg && !templated) {
		if (encarg)
			return cmd_fail(ctx, CMD_USAGE,
					"give a template with %-fields to --format, e.g. '%k %s' (docs/tail.md)",
					"--format `%s` is no template, and --encoding is given", fmtarg);
		if (msg_encoding_parse(fmtarg) < 0)
			return cmd_fail(ctx, CMD_USAGE,
					"give a template with %-fields, e.g. --format '%t %p %o %k %s' (docs/tail.md), "
					"or an encoding: --encoding auto, text, hex or base64",
					"unknown --format `%s`", fmtarg);
		encarg = fmtarg;
	}
	int enc = encarg ? msg_encoding_parse(encarg) : MSG_AUTO;
	if (enc < 0)
		return cmd_fail(ctx, CMD_USAGE, "use --encoding auto, text, hex or base64", "unknown --encoding `%s`",
				encarg);
	struct msgfmt *tmpl = NULL;
	if (templated) {
		if (st && fmt == OUT_JSON)
			return cmd_fail(ctx, CMD_USAGE,
					"leave out -o json (a template prints text: escaped, or raw with -o raw)",
					"--format TEMPLATE and -o json exclude each other");
		if (cmd_has(ctx, "delimiter"))
			return cmd_fail(ctx, CMD_USAGE, "end the template with what you need after each message",
					"--format TEMPLATE and --delimiter exclude each other");
		char *why = NULL;
		if ((tmpl = *tmplp = msgfmt_parse(fmtarg, &why)) == NULL) {
			cmd_fail(ctx, CMD_USAGE, msgfmt_hint(), "%s", why);
			free(why);
			return ctx->status;
		}
	}
	const struct kcon_decoder *decoder = NULL;
	const char *dname =
		cmd_has(ctx, "decode") ? cmd_arg(ctx, "decode") : conf_topic_decoder(&ctx->session->conf, o.topic);
	if (dname == NULL) /* no --decode, and the profile's "decoders" name none for the topic */
		dname = "auto";
	bool autodec = strcmp(dname, "auto") == 0;
	if (strcmp(dname, "none") != 0 && session_has_registry(ctx->session)) { /* where decoders get schemas */
		struct registry *reg;
		struct err re = { 0 };
		if (session_registry(ctx->session, &reg, &re) != CMD_OK)
			return cmd_fail_err(ctx, &re);
	}
	if (!autodec && strcmp(dname, "none") != 0) {
		char *why = NULL;
		decoder = plugin_decoder_load(dname, &why);
		if (decoder == NULL) {
			int failed =
				cmd_fail(ctx, CMD_USAGE,
					 "`plugins` lists the decoders and the plugins that failed to load", "%s", why);
			free(why);
			return failed;
		}
	}
	long long count;
	if (cmd_arg_int(ctx, "count", 0, 0, INT64_MAX, &count))
		return ctx->status;
	o.count = count;
	if (cmd_has(ctx, "follow") && cmd_has(ctx, "to-end"))
		return cmd_fail(ctx, CMD_USAGE, "give one of them", "--follow and --to-end contradict each other");
	o.follow = cmd_has(ctx, "follow") || (!cmd_has(ctx, "to-end") && st && st->tty);
	if (st == NULL) { /* no face streams: a bounded list */
		o.follow = false;
		if (o.count == 0 || o.count > TAIL_COLLECT_MAX)
			o.count = TAIL_COLLECT_MAX;
	}
	const char *from = cmd_arg(ctx, "from");
	if (from == NULL)
		from = o.group ? "committed" : o.follow ? "end" : "beginning";
	char *cause = NULL;
	if (tail_parse_from(from, (int64_t)time(NULL) * 1000, &o.from, &cause) < 0) {
		cmd_fail(ctx, CMD_USAGE, "see `help tail` and docs/tail.md for the start points", "%s", cause);
		free(cause);
		return ctx->status;
	}
	int32_t *parts = NULL;
	if (cmd_has(ctx, "partition") &&
	    tail_parse_partitions(cmd_arg(ctx, "partition"), &parts, &o.npartitions, &cause) < 0) {
		cmd_fail(ctx, CMD_USAGE, "write --partition 0,2,5-7", "%s", cause);
		free(cause);
		return ctx->status;
	}
	o.partitions = parts;
	o.max_bytes = TAIL_DEFAULT_MAX_BYTES;
	if (cmd_has(ctx, "max-bytes") &&
	    (tail_parse_size(cmd_arg(ctx, "max-bytes"), &o.max_bytes) < 0 || o.max_bytes < (1u << 20))) {
		free(parts);
		return cmd_fail(ctx, CMD_USAGE, "give a size of at least 1M, e.g. --max-bytes 64M",
				"bad --max-bytes `%s`", cmd_arg(ctx, "max-bytes"));
	}
	o.grep = cmd_arg(ctx, "grep");
	o.key = cmd_arg(ctx, "key");
	o.nheader_filters = cmd_arg_all(ctx, "header", &o.header_filters);
	o.headers = fmt == OUT_JSON || (tmpl && msgfmt_wants_headers(tmpl));
	size_t dlen = 1;
	char *delim = cmd_has(ctx, "delimiter") ? tail_unescape(cmd_arg(ctx, "delimiter"), &dlen) : x_strdup("\n");

	if (fmt == OUT_RAW && st->tty &&
	    cmd_consent(
		    ctx,
		    "-o raw writes message bytes to the terminal unescaped; they can drive it. Type `raw` to go on: ",
		    "raw", "refusing to write raw message bytes to a terminal",
		    "pipe the output elsewhere, or add --yes") != CMD_OK) {
		free(parts);
		free(delim);
		return ctx->status;
	}

	struct err e = { 0 };
	struct client *c;
	struct tail *t = NULL;
	if (session_client(ctx->session, &c, &e) == CMD_OK)
		t = tail_open(c, &ctx->session->conf, ctx->session->verbose, &ctx->session->note, &o, &e);
	free(parts);
	if (t == NULL) {
		free(delim);
		return cmd_fail_err(ctx, &e);
	}
	if (st && st->tty && o.follow) {
		char *note = x_asprintf("tailing %s from %s; Ctrl-C stops", o.topic, from); /* the sink escapes */
		st->note(st->ud, note);
		free(note);
	}

	struct tail_show show = { .ctx = ctx,
				  .fmt = fmt,
				  .tmpl = tmpl,
				  .enc = (enum msg_encoding)enc,
				  .delim = delim,
				  .dlen = dlen,
				  .collected = st ? NULL : json_array() };
	/* Decoding: the messages waiting (up to TAIL_DECODE_BATCH) are decoded together, one round trip to the
	 * decoder helper for the lot; a batch ends where the consumer has nothing more at once. */
	bool decoding = decoder || (autodec && plugin_has_schema_source()); /* auto without a registry: nothing to do */
	struct msg *held[TAIL_DECODE_BATCH];
	int nheld = 0;
	const char *reason = "end";
	int status = CMD_OK;
	for (;;) {
		if (st && st->stopped(st->ud)) {
			tail_show_held(&show, decoder, held, &nheld);
			reason = "interrupted";
			break;
		}
		struct msg m;
		const char *note;
		enum tail_event ev = tail_next(t, nheld ? 0 : 200, &m, &note, &e);
		if (ev == TAIL_MSG && decoding) {
			held[nheld++] = msg_copy(&m);
			if (nheld == TAIL_DECODE_BATCH)
				tail_show_held(&show, decoder, held, &nheld);
			continue;
		}
		tail_show_held(&show, decoder, held, &nheld); /* before what comes after them */
		if (ev == TAIL_MSG) {
			tail_show_one(&show, &m, NULL);
		} else if (ev == TAIL_IDLE) {
			if (st)
				st->flush(st->ud);
		} else if (ev == TAIL_NOTE) {
			if (st)
				st->note(st->ud, note);
		} else if (ev == TAIL_END) {
			struct tail_stats ts = tail_stats(t);
			reason = o.count > 0 && ts.shown >= o.count ? "count" : "end";
			break;
		} else {
			status = cmd_fail_err(ctx, &e);
			break;
		}
	}
	json_t *collected = show.collected;
	sbuf_free(&show.line);
	sbuf_free(&show.normal);
	free(delim);
	int out_err = 0;
	int64_t written = -1;
	if (st && st->written) { /* shown: what reached the output, not what was formatted for it */
		st->flush(st->ud);
		written = st->written(st->ud, &out_err);
		if (out_err)
			reason = "output";
	}
	/* the group's commit answered before the summary: one that fails is the command's failure */
	bool uncommitted = status == CMD_OK && tail_commit_final(t) < 0;
	struct tail_stats ts = tail_stats(t);
	if (written >= 0)
		ts.shown = written;
	if (uncommitted)
		status = cmd_fail(ctx, CMD_FAILED,
				  "Kafka refuses the commit while the group has members (`group describe` lists "
				  "them), and from a principal without Read on the group (`acl create --consumer`)",
				  "the positions were not committed to group `%s`: %s", o.group, ts.commit_error);
	json_t *summary = status == CMD_OK ? tail_summary(o.topic, &ts, reason, out_err) : NULL;
	tail_close(&t);
	if (status != CMD_OK) {
		json_decref(collected);
		return status;
	}
	if (collected)
		json_object_set_new(summary, "messages", collected);
	return cmd_ok(ctx, summary);
}

/* --- produce --------------------------------------------------------------------------------- */

struct produce {
	rd_kafka_t *rk;
	struct cmd_stream *st;
	json_t *collected;
	const char *topic;
	long long sent, delivered, failed;
	char *first_error;
	rd_kafka_resp_err_t first_err;
	int32_t last_partition;
	int64_t last_offset;
	/* --value-schema-id / --subject: values are JSON, encoded against this schema and framed in the wire format */
	const char *schema_type, *schema;
	uint32_t schema_id;
	struct sbuf framed;
};

static void produce_dr(rd_kafka_t *rk, const rd_kafka_message_t *m, void *opaque)
{
	(void)rk;
	struct produce *p = opaque;
	long long n = (long long)(intptr_t)m->_private;
	if (m->err) {
		p->failed++;
		if (p->first_error == NULL) {
			p->first_error = x_asprintf("message %lld: %s", n, rd_kafka_err2str(m->err));
			p->first_err = m->err;
		}
		return;
	}
	p->delivered++;
	p->last_partition = m->partition;
	p->last_offset = m->offset;
	if (p->st && p->st->format == OUT_JSON) {
		struct sbuf sb = SBUF_INIT;
		sbuf_add(&sb, "{\"topic\":");
		msg_json_string(&sb, p->topic, strlen(p->topic));
		sbuf_addf(&sb, ",\"partition\":%d,\"offset\":%lld,\"n\":%lld}\n", (int)m->partition,
			  (long long)m->offset, n);
		p->st->write(p->st->ud, sb.buf, sb.len);
		sbuf_free(&sb);
	} else if (p->collected && json_array_size(p->collected) < TAIL_COLLECT_MAX) {
		json_array_append_new(p->collected, json_pack("{s:i,s:I,s:I}", "partition", m->partition, "offset",
							      (json_int_t)m->offset, "n", (json_int_t)n));
	}
}

static rd_kafka_t *produce_new(struct produce *p, const struct conf *conf, struct err *e)
{
	char max[32];
	snprintf(max, sizeof(max), "%zu", FILE_MESSAGE_MAX); /* as big as produce reads a message */
	const struct client_prop defaults[] = {
		{ "partitioner", "murmur2_random" }, /* as Java clients place keys */
		{ "linger.ms", "5" },
		{ "message.max.bytes", max },
		{ 0 },
	};
	const struct client_handle h = { .type = RD_KAFKA_PRODUCER,
					 .client_id = "kcon-produce",
					 .what = "producer",
					 .defaults = defaults,
					 .opaque = p,
					 .dr_msg_cb = produce_dr };
	return client_handle_new(&h, conf, e);
}

/* Queues one message; waits while librdkafka's queue is full. */
/*
 * The value of in as the schema wants it: the wire format's magic byte and schema id, then the
 * JSON encoded to Avro (AVRO), or the JSON checked (JSON). CMD_USAGE with the field path when it
 * does not match: nothing of it is sent.
 */
static int produce_frame(struct produce *p, const struct msg_in *in, struct err *e)
{
	sbuf_reset(&p->framed);
	unsigned char hdr[5] = { 0, (unsigned char)(p->schema_id >> 24), (unsigned char)(p->schema_id >> 16),
				 (unsigned char)(p->schema_id >> 8), (unsigned char)p->schema_id };
	sbuf_addn(&p->framed, hdr, 5);
	char *cause = NULL;
	const char *v = in->value.buf ? in->value.buf : "";
	if (strcmp(p->schema_type, "AVRO") == 0) {
		int rc = avroenc_encode(p->schema, v, in->value.len, &p->framed, &cause);
		if (rc == 0)
			return CMD_OK;
		if (rc == -2) {
			err_set(e, CMD_USAGE, "`schema SUBJECT` shows the schema",
				"schema id %u cannot encode records: %s (nothing was sent)", (unsigned)p->schema_id,
				cause);
			free(cause);
			return CMD_USAGE;
		}
	} else {
		json_error_t jerr;
		json_t *j = json_loadb(v, in->value.len, JSON_DECODE_ANY, &jerr);
		if (j) {
			json_decref(j);
			sbuf_addn(&p->framed, v, in->value.len);
			return CMD_OK;
		}
		cause = x_asprintf("the record is not JSON: %s", jerr.text);
	}
	err_set(e, CMD_USAGE, "`schema SUBJECT` shows the schema; each value is one JSON record",
		"message %lld does not match schema id %u: %s (nothing of it was sent)", p->sent + 1,
		(unsigned)p->schema_id, cause);
	free(cause);
	return CMD_USAGE;
}

static int produce_send(struct produce *p, int32_t partition, const struct msg_in *in0, struct err *e)
{
	struct msg_in framed;
	const struct msg_in *in = in0;
	if (p->schema && in0->has_value) {
		if (produce_frame(p, in0, e) != CMD_OK)
			return e->status;
		framed = *in0;
		framed.value = p->framed;
		in = &framed;
	}
	rd_kafka_headers_t *hdrs = NULL;
	if (in->nheaders) {
		hdrs = rd_kafka_headers_new((size_t)in->nheaders);
		for (int i = 0; i < in->nheaders; i++)
			rd_kafka_header_add(hdrs, in->headers[i].name, -1,
					    in->headers[i].has_value ? sbuf_str(&in->headers[i].value) : NULL,
					    in->headers[i].has_value ? (ssize_t)in->headers[i].value.len : 0);
	}
	long long n = ++p->sent;
	for (;;) {
		rd_kafka_resp_err_t err = rd_kafka_producev(
			p->rk, RD_KAFKA_V_TOPIC(p->topic), RD_KAFKA_V_PARTITION(partition),
			RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
			RD_KAFKA_V_KEY(in->has_key ? in->key.buf ? in->key.buf : "" : NULL,
				       in->has_key ? in->key.len : 0),
			RD_KAFKA_V_VALUE(in->has_value ? in->value.buf ? in->value.buf : "" : NULL,
					 in->has_value ? in->value.len : 0),
			RD_KAFKA_V_TIMESTAMP(in->timestamp > 0 ? in->timestamp : 0), RD_KAFKA_V_HEADERS(hdrs),
			RD_KAFKA_V_OPAQUE((void *)(intptr_t)n), RD_KAFKA_V_END);
		if (err == RD_KAFKA_RESP_ERR__QUEUE_FULL) {
			rd_kafka_poll(p->rk, 100);
			continue;
		}
		if (err) { /* the headers stay ours; librdkafka's destroy takes no NULL */
			if (hdrs)
				rd_kafka_headers_destroy(hdrs);
			return err_set(e, CMD_FAILED,
				       err == RD_KAFKA_RESP_ERR_MSG_SIZE_TOO_LARGE
					       ? "the broker's message.max.bytes is the limit"
					       : NULL,
				       "message %lld: %s", n, rd_kafka_err2str(err));
		}
		break;
	}
	rd_kafka_poll(p->rk, 0);
	return CMD_OK;
}

/* --value-schema-id N or --subject S: the schema from the registry into p (version holds --subject's answer). */
static int produce_schema(struct cmd_ctx *ctx, struct produce *p, json_t **version)
{
	if (cmd_has(ctx, "value-schema-id") && cmd_has(ctx, "subject"))
		return cmd_fail(ctx, CMD_USAGE, "give one of them",
				"--value-schema-id and --subject exclude each other");
	if (cmd_has(ctx, "null-value"))
		return cmd_fail(ctx, CMD_USAGE, "drop --null-value", "a tombstone has no value to encode");
	struct registry *r;
	struct err e = { 0 };
	if (session_registry(ctx->session, &r, &e) != CMD_OK)
		return cmd_fail_err(ctx, &e);
	char *cause = NULL;
	if (cmd_has(ctx, "subject")) {
		*version = registry_version(r, cmd_arg(ctx, "subject"), "latest", &cause);
		json_int_t id = json_integer_value(json_object_get(*version, "id"));
		if (*version && (id <= 0 || id > UINT32_MAX)) {
			cause = x_asprintf("the registry's answer for subject %s has no schema id",
					   cmd_arg(ctx, "subject"));
			json_decref(*version);
			*version = NULL;
		}
		if (*version) {
			p->schema_id = (uint32_t)id;
			p->schema = json_string_value(json_object_get(*version, "schema"));
			p->schema_type = json_string_value(json_object_get(*version, "schemaType"));
		}
	} else {
		long long id;
		if (cmd_arg_int(ctx, "value-schema-id", 0, 1, UINT32_MAX, &id))
			return ctx->status;
		p->schema_id = (uint32_t)id;
		if (registry_schema(r, p->schema_id, &p->schema_type, &p->schema, &cause) < 0)
			p->schema = NULL;
	}
	if (p->schema == NULL || p->schema_type == NULL) {
		int rc = cmd_fail(ctx, CMD_FAILED, "`schemas` lists the subjects and their ids", "%s",
				  cause ? cause : "no schema");
		free(cause);
		return rc;
	}
	if (strcmp(p->schema_type, "PROTOBUF") == 0)
		return cmd_fail(ctx, CMD_USAGE, "produce Protobuf with its own encoder; kcon encodes Avro and JSON",
				"schema id %u is PROTOBUF", (unsigned)p->schema_id);
	return CMD_OK;
}

static int cmd_produce_exec(struct cmd_ctx *ctx)
{
	struct cmd_stream *st = ctx->stream;
	const char *topic = cmd_arg(ctx, "topic"), *value = cmd_arg(ctx, "value"), *file = cmd_arg(ctx, "file");
	const char *input = cmd_has(ctx, "input") ? cmd_arg(ctx, "input") : "text";
	bool json_in = strcmp(input, "json") == 0, null_value = cmd_has(ctx, "null-value");
	if (!json_in && strcmp(input, "text") != 0)
		return cmd_fail(ctx, CMD_USAGE, "use --input text or --input json", "unknown --input `%s`", input);
	if (st && st->format != OUT_TABLE && st->format != OUT_JSON)
		return cmd_fail(ctx, CMD_USAGE, "use -o table or -o json", "produce prints table or json");
	if ((value != NULL) + (file != NULL) + null_value > 1)
		return cmd_fail(ctx, CMD_USAGE, "give the value one way",
				"VALUE, --file and --null-value exclude each other");
	long long partition;
	if (cmd_arg_int(ctx, "partition", -1, 0, INT32_MAX, &partition))
		return ctx->status;
	size_t dlen = 1;
	char *delim = cmd_has(ctx, "delimiter") ? tail_unescape(cmd_arg(ctx, "delimiter"), &dlen) : x_strdup("\n");
	if (dlen == 0) {
		free(delim);
		return cmd_fail(ctx, CMD_USAGE, "give a delimiter of at least one byte", "empty --delimiter");
	}
	/* The file before any connection: a regular file or a pipe, at most one message's worth. */
	struct sbuf fvalue = SBUF_INIT;
	if (file) {
		char *cause = NULL;
		fvalue.buf = file_read(file, "message file", FILE_MESSAGE_MAX, FILE_PIPE_OK, &fvalue.len, &cause);
		if (fvalue.buf == NULL) {
			cmd_fail(ctx, CMD_USAGE,
				 errno == EFBIG ? "a message is at most the producer's message.max.bytes" : NULL,
				 "--file: %s", cause);
			free(cause);
			free(delim);
			return ctx->status;
		}
		fvalue.cap = fvalue.len + 1;
	}

	/* The message template: key and headers from the options. */
	struct msg_in tmpl = { .partition = -1 };
	const char *key = cmd_arg(ctx, "key");
	if (key) {
		tmpl.has_key = true;
		sbuf_add(&tmpl.key, key);
	}
	char *const *hv;
	int nh = cmd_arg_all(ctx, "header", &hv);
	for (int i = 0; i < nh; i++) {
		const char *eq = strchr(hv[i], '=');
		if (eq == NULL || eq == hv[i]) {
			msg_in_clear(&tmpl);
			free(delim);
			return cmd_fail(ctx, CMD_USAGE, "write --header name=value", "bad --header `%s`", hv[i]);
		}
		tmpl.headers = x_reallocarray(tmpl.headers, (size_t)tmpl.nheaders + 1, sizeof(*tmpl.headers));
		struct msg_in_header *h = &tmpl.headers[tmpl.nheaders++];
		memset(h, 0, sizeof(*h));
		h->name = x_strndup(hv[i], (size_t)(eq - hv[i]));
		h->has_value = true;
		sbuf_add(&h->value, eq + 1);
	}

	struct err e = { 0 };
	struct client *c;
	struct model *m = NULL;
	struct produce p = { .st = st, .topic = topic, .last_partition = -1, .collected = st ? NULL : json_array() };
	int status = CMD_OK;
	json_t *version = NULL; /* --subject's: holds the schema text */
	if (cmd_has(ctx, "value-schema-id") || cmd_has(ctx, "subject")) {
		status = produce_schema(ctx, &p, &version);
		if (status != CMD_OK)
			goto out;
	}
	if (session_client(ctx->session, &c, &e) != CMD_OK || client_metadata(c, 0, &m, &e) != CMD_OK) {
		status = cmd_fail_err(ctx, &e);
		goto out;
	}
	const struct model_topic *mt = model_topic_find(m, topic);
	if (mt == NULL || mt->err == RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART) {
		status = cmd_fail(ctx, CMD_FAILED, "`topics` lists the topics; `topic create` makes one",
				  "unknown topic `%s`", topic);
		goto out;
	}
	if ((p.rk = produce_new(&p, &ctx->session->conf, &e)) == NULL) {
		status = cmd_fail_err(ctx, &e);
		goto out;
	}
	int32_t part = partition < 0 ? RD_KAFKA_PARTITION_UA : (int32_t)partition;
	if (value || file || null_value) { /* one message */
		struct msg_in one = tmpl;
		struct sbuf v = SBUF_INIT;
		one.has_value = !null_value;
		if (file) {
			v = fvalue;
			fvalue = (struct sbuf)SBUF_INIT;
		} else if (value) {
			sbuf_add(&v, value);
		}
		one.value = v;
		if (produce_send(&p, part, &one, &e) != CMD_OK)
			status = cmd_fail_err(ctx, &e);
		sbuf_free(&v);
	} else { /* one message per line (or per delimiter) of stdin */
		char *rec = NULL;
		size_t cap = 0;
		ssize_t n;
		long long lineno = 0;
		while (status == CMD_OK && !(st && st->stopped(st->ud)) &&
		       (n = file_getdelim(&rec, &cap, (unsigned char)delim[0], stdin, FILE_MESSAGE_MAX + 1)) != -1) {
			lineno++;
			if (n == -2 && errno != EFBIG) {
				status = cmd_fail(ctx, CMD_FAILED, NULL, "cannot read stdin (record %lld): %s", lineno,
						  strerror(errno));
				break;
			}
			size_t len = n < 0 ? SIZE_MAX : (size_t)n;
			if (n > 0 && rec[len - 1] == delim[0])
				len--;
			if (len > FILE_MESSAGE_MAX) {
				char words[32];
				status = cmd_fail(ctx, CMD_USAGE,
						  "a message is at most the producer's message.max.bytes; is the "
						  "--delimiter right?",
						  "stdin record %lld is longer than %s", lineno,
						  file_size_words(FILE_MESSAGE_MAX, words, sizeof(words)));
				break;
			}
			if (json_in) {
				struct msg_in in;
				char *cause = NULL;
				if (len == 0)
					continue;
				if (msg_parse_json(rec, len, &in, &cause) < 0) {
					status = cmd_fail(ctx, CMD_USAGE,
							  "each line must be a message as `tail -o json` prints it",
							  "stdin line %lld: %s", lineno, cause);
					free(cause);
					break;
				}
				if (produce_send(&p, part, &in, &e) != CMD_OK)
					status = cmd_fail_err(ctx, &e);
				msg_in_clear(&in);
			} else {
				struct msg_in one = tmpl;
				one.has_value = true;
				one.value = (struct sbuf){ rec, len, cap };
				if (produce_send(&p, part, &one, &e) != CMD_OK)
					status = cmd_fail_err(ctx, &e);
			}
		}
		free(rec);
	}
	if (rd_kafka_flush(p.rk, client_timeout(c) + 5000) != RD_KAFKA_RESP_ERR_NO_ERROR && status == CMD_OK)
		status = cmd_fail(ctx, CMD_UNREACHABLE, "check that the brokers are up; raise --timeout",
				  "%lld of %lld messages were not delivered in time", p.sent - p.delivered - p.failed,
				  p.sent);
	if (status == CMD_OK && p.failed)
		status = cmd_fail(
			ctx, CMD_FAILED,
			p.first_err == RD_KAFKA_RESP_ERR_MSG_SIZE_TOO_LARGE
				? "the topic's max.message.bytes is the limit (`topic config TOPIC` shows it)"
				: "`topic describe TOPIC` shows the partitions' leaders and ISR; an ACL can also "
				  "refuse writes",
			"%lld of %lld messages failed: %s", p.failed, p.sent, p.first_error);
	if (status == CMD_OK) {
		char *text = p.delivered == 1 ? x_asprintf("produced 1 message to %s (partition %d, offset %lld)",
							   topic, (int)p.last_partition, (long long)p.last_offset)
					      : x_asprintf("produced %lld messages to %s", p.delivered, topic);
		json_t *r = json_pack("{s:s,s:I,s:s}", "topic", topic, "produced", (json_int_t)p.delivered, "message",
				      text);
		if (p.delivered == 1) {
			json_object_set_new(r, "partition", json_integer(p.last_partition));
			json_object_set_new(r, "offset", json_integer(p.last_offset));
		}
		if (p.collected) {
			json_object_set_new(r, "messages", p.collected);
			p.collected = NULL;
		}
		free(text);
		status = cmd_ok(ctx, r);
	}
out:
	sbuf_free(&fvalue);
	sbuf_free(&p.framed);
	json_decref(version);
	if (p.rk)
		rd_kafka_destroy(p.rk);
	json_decref(p.collected);
	free(p.first_error);
	model_unref(&m);
	msg_in_clear(&tmpl);
	free(delim);
	return status;
}

/* --- the table ----------------------------------------------------------------------------- */

static const struct cmd_pos tail_args[] = { { "topic", CMD_ARG_TOPIC, 0 }, { 0 } };
static const struct cmd_opt tail_opts[] = {
	{ "from", 0, CMD_ARG_STRING, 0,
	  "beginning, end, OFFSET, -N (N before the end), @ISO8601, @-15m, committed (with --group)" },
	{ "partition", 'p', CMD_ARG_STRING, 0, "only these partitions: 0,2,5-7" },
	{ "count", 'n', CMD_ARG_INT, 0, "stop after COUNT messages shown" },
	{ "follow", 'f', CMD_ARG_NONE, 0, "keep waiting for new messages (default on a terminal)" },
	{ "to-end", 'e', CMD_ARG_NONE, 0, "stop at the end offsets read at start (default in scripts)" },
	{ "grep", 0, CMD_ARG_STRING, 0, "only values matching this extended regex" },
	{ "key", 'k', CMD_ARG_STRING, 0, "only keys matching this extended regex" },
	{ "header", 'H', CMD_ARG_STRING, CMD_OPT_REPEAT, "only messages with a header name=REGEX" },
	{ "format", 0, CMD_ARG_STRING, 0,
	  "a line per message from a template: '%t %p %o %k %s %h{NAME} %T' and escapes (docs/tail.md)" },
	{ "encoding", 0, CMD_ARG_STRING, 0, "how keys and values are shown: auto (default), text, hex, base64" },
	{ "decode", 0, CMD_ARG_STRING, 0,
	  "auto (the default: Schema Registry wire format by its magic byte, when a registry is set), none, or a "
	  "plugin's decoder (`plugins` lists them)" },
	{ "delimiter", 'D', CMD_ARG_STRING, 0, "after each value with -o raw (default: a newline)" },
	{ "group", 'g', CMD_ARG_GROUP, CMD_OPT_WRITES, "commit what was shown to this group (never joins it)" },
	{ "max-bytes", 0, CMD_ARG_STRING, 0, "memory for prefetched messages (default 32M)" },
	{ "yes", 'y', CMD_ARG_NONE, 0, "write -o raw to a terminal without asking" },
	{ 0 },
};
static const struct cmd_pos produce_args[] = { { "topic", CMD_ARG_TOPIC, 0 },
					       { "value", CMD_ARG_STRING, CMD_POS_OPTIONAL },
					       { 0 } };
static const struct cmd_opt produce_opts[] = {
	{ "key", 'k', CMD_ARG_STRING, 0, "the key of every message" },
	{ "header", 'H', CMD_ARG_STRING, CMD_OPT_REPEAT, "a header name=value on every message" },
	{ "partition", 'p', CMD_ARG_INT, 0, "this partition (default: by key, as Java clients do)" },
	{ "file", 'F', CMD_ARG_FILE, 0, "the whole file as one message" },
	{ "delimiter", 'D', CMD_ARG_STRING, 0, "split stdin at this byte rather than at newlines" },
	{ "null-value", 0, CMD_ARG_NONE, 0, "a tombstone (null value)" },
	{ "input", 0, CMD_ARG_FORMAT, 0, "text (default) or json: lines as `tail -o json` prints them" },
	{ "value-schema-id", 0, CMD_ARG_INT, 0,
	  "values are JSON records, encoded against this Schema Registry schema (Avro; JSON checked) in the wire "
	  "format" },
	{ "subject", 0, CMD_ARG_STRING, 0, "as --value-schema-id, with the subject's latest schema" },
	{ 0 },
};

const struct cmd_entry cmd_tail_table[] = {
	{
		.name = "tail",
		.group = "messages",
		.args = tail_args,
		.opts = tail_opts,
		.help = "stream a topic's messages (never joins a group, never commits)",
		.doc = "One line per message: -o table (time, partition, offset, key, size, value), -o json "
		       "({topic, partition, offset, timestamp, timestamp_type, key, key_encoding?, headers: [{name, "
		       "value, encoding?}], value, encoding?}: JSON values embedded, UTF-8 as strings, other bytes "
		       "base64), -o raw (value bytes and a delimiter), or --format TEMPLATE, e.g. '%t %p %o %k %s' (%t "
		       "topic, "
		       "%p partition, %o offset, %k key, %K key length, %s value, %S value length, %T timestamp in ms, "
		       "%h "
		       "headers as name=value,..., %h{NAME} one header's value, %% a percent sign; a backslash "
		       "before n, r, t or a backslash is an escape, as in C; no newline is added), message bytes "
		       "escaped as in tables, or raw with -o raw. The summary goes to stderr: {topic, shown, "
		       "skipped, reason, partitions: [{partition, start, end, next}], message, output_error?}: shown "
		       "counts "
		       "what reached the output. See docs/tail.md.",
		.flags = CMD_READ_ONLY | CMD_NEEDS_CLUSTER | CMD_STREAM,
		.exec = cmd_tail_exec,
	},
	{
		.name = "produce",
		.group = "messages",
		.args = produce_args,
		.opts = produce_opts,
		.help = "produce messages: VALUE, --file, --null-value, or stdin lines (--input json replays a tail)",
		.doc = "-o json prints {topic, partition, offset, n} per delivered message (n: its place in the "
		       "input), in delivery order. The summary goes to stderr: {topic, produced, partition?, offset?, "
		       "message}.",
		.flags = CMD_NEEDS_CLUSTER | CMD_STREAM,
		.exec = cmd_produce_exec,
	},
	{ 0 },
};
