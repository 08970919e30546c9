#include "msgfmt.h"

#include <stdlib.h>
#include <string.h>

#include "escape.h"
#include "xalloc.h"

enum msgfmt_kind {
	MF_TEXT, /* literal text, escapes resolved */
	MF_TOPIC,
	MF_PARTITION,
	MF_OFFSET,
	MF_KEY,
	MF_KEY_LEN,
	MF_VALUE,
	MF_VALUE_LEN,
	MF_TIMESTAMP,
	MF_HEADERS,
	MF_HEADER, /* one header, by name */
};

struct msgfmt_piece {
	enum msgfmt_kind kind;
	char *text; /* MF_TEXT: the text; MF_HEADER: the name */
	size_t len;
};

struct msgfmt {
	struct msgfmt_piece *pieces;
	size_t n;
	bool headers;
};

static const struct {
	char c;
	enum msgfmt_kind kind;
} msgfmt_fields[] = {
	{ 't', MF_TOPIC }, { 'p', MF_PARTITION }, { 'o', MF_OFFSET },    { 'k', MF_KEY },     { 'K', MF_KEY_LEN },
	{ 's', MF_VALUE }, { 'S', MF_VALUE_LEN }, { 'T', MF_TIMESTAMP }, { 'h', MF_HEADERS },
};

#define MSGFMT_HINT_FIELDS                                                                                             \
	"fields: %t %p %o %k %K %s %S %T %h %h{NAME} %%; a backslash before n, r, t or a backslash is an escape "      \
	"(`help tail`, docs/tail.md)"

bool msgfmt_is_template(const char *s)
{
	return strchr(s, '%') != NULL;
}

static void msgfmt_add(struct msgfmt *f, enum msgfmt_kind kind, const char *text, size_t len)
{
	if (kind == MF_TEXT && f->n && f->pieces[f->n - 1].kind == MF_TEXT) { /* one piece per run of text */
		struct msgfmt_piece *p = &f->pieces[f->n - 1];
		p->text = x_reallocarray(p->text, p->len + len + 1, 1);
		memcpy(p->text + p->len, text, len);
		p->len += len;
		p->text[p->len] = '\0';
		return;
	}
	f->pieces = x_reallocarray(f->pieces, f->n + 1, sizeof(*f->pieces));
	f->pieces[f->n++] = (struct msgfmt_piece){ kind, text ? x_strndup(text, len) : NULL, len };
	if (kind == MF_HEADERS || kind == MF_HEADER)
		f->headers = true;
}

static struct msgfmt *msgfmt_fail(struct msgfmt *f, char **cause, char *why)
{
	msgfmt_free(f);
	*cause = why;
	return NULL;
}

struct msgfmt *msgfmt_parse(const char *s, char **cause)
{
	struct msgfmt *f = x_calloc(1, sizeof(*f));
	for (size_t i = 0; s[i];) {
		if (s[i] == '\\') {
			static const char from[] = "nrt\\", to[] = "\n\r\t\\";
			const char *at = s[i + 1] ? strchr(from, s[i + 1]) : NULL;
			if (s[i + 1] == '\0')
				return msgfmt_fail(f, cause,
						   x_asprintf("--format ends in a lone backslash (two stand for one)"));
			if (at == NULL)
				return msgfmt_fail(
					f, cause,
					x_asprintf("--format has an unknown escape at %zu: a backslash before `%c`", i,
						   s[i + 1]));
			msgfmt_add(f, MF_TEXT, &to[at - from], 1);
			i += 2;
			continue;
		}
		if (s[i] != '%') {
			size_t n = strcspn(s + i, "%\\");
			msgfmt_add(f, MF_TEXT, s + i, n);
			i += n;
			continue;
		}
		char c = s[i + 1];
		if (c == '\0')
			return msgfmt_fail(f, cause, x_asprintf("--format ends in a lone %% (write %%%%)"));
		if (c == '%') {
			msgfmt_add(f, MF_TEXT, "%", 1);
			i += 2;
			continue;
		}
		if (c == 'h' && s[i + 2] == '{') {
			const char *name = s + i + 3, *close = strchr(name, '}');
			if (close == NULL)
				return msgfmt_fail(f, cause, x_asprintf("--format: %%h{ at %zu has no closing }", i));
			if (close == name)
				return msgfmt_fail(f, cause, x_asprintf("--format: %%h{} at %zu names no header", i));
			msgfmt_add(f, MF_HEADER, name, (size_t)(close - name));
			i = (size_t)(close - s) + 1;
			continue;
		}
		size_t k = 0, nf = sizeof(msgfmt_fields) / sizeof(msgfmt_fields[0]);
		while (k < nf && msgfmt_fields[k].c != c)
			k++;
		if (k == nf) {
			if ((unsigned char)c < 0x20 ||
			    (unsigned char)c >= 0x7f) /* the cause is escaped, but say it plainly */
				return msgfmt_fail(f, cause, x_asprintf("--format has an unknown field at %zu", i));
			return msgfmt_fail(f, cause, x_asprintf("--format has an unknown field %%%c at %zu", c, i));
		}
		msgfmt_add(f, msgfmt_fields[k].kind, NULL, 0);
		i += 2;
	}
	return f;
}

const char *msgfmt_hint(void)
{
	return MSGFMT_HINT_FIELDS;
}

bool msgfmt_wants_headers(const struct msgfmt *f)
{
	return f->headers;
}

/* Bytes in the encoding, raw or escaped; NULL shows nothing. */
static void msgfmt_bytes(struct sbuf *sb, const void *buf, size_t len, enum msg_encoding enc, bool raw)
{
	if (buf == NULL)
		return;
	if (enc == MSG_HEX)
		msg_hex(sb, buf, len);
	else if (enc == MSG_BASE64)
		msg_base64(sb, buf, len);
	else if (raw)
		sbuf_addn(sb, buf, len);
	else
		escape_append(sb, buf, len);
}

void msgfmt_render(struct sbuf *sb, const struct msgfmt *f, const struct msg *m, enum msg_encoding enc, bool raw)
{
	for (size_t i = 0; i < f->n; i++) {
		const struct msgfmt_piece *p = &f->pieces[i];
		switch (p->kind) {
		case MF_TEXT:
			sbuf_addn(sb, p->text, p->len);
			break;
		case MF_TOPIC:
			msgfmt_bytes(sb, m->topic, strlen(m->topic), MSG_TEXT, raw);
			break;
		case MF_PARTITION:
			msg_int(sb, m->partition);
			break;
		case MF_OFFSET:
			msg_int(sb, m->offset);
			break;
		case MF_KEY:
			msgfmt_bytes(sb, m->key, m->key_len, enc, raw);
			break;
		case MF_KEY_LEN:
			msg_int(sb, m->key ? (int64_t)m->key_len : -1);
			break;
		case MF_VALUE:
			msgfmt_bytes(sb, m->value, m->value_len, enc, raw);
			break;
		case MF_VALUE_LEN:
			msg_int(sb, m->value ? (int64_t)m->value_len : -1);
			break;
		case MF_TIMESTAMP:
			msg_int(sb, m->timestamp >= 0 && m->ts_type > 0 ? m->timestamp : -1);
			break;
		case MF_HEADERS:
			for (size_t h = 0; h < m->nheaders; h++) {
				if (h)
					sbuf_addc(sb, ',');
				msgfmt_bytes(sb, m->headers[h].name, strlen(m->headers[h].name), MSG_TEXT, raw);
				sbuf_addc(sb, '=');
				msgfmt_bytes(sb, m->headers[h].value, m->headers[h].len, enc, raw);
			}
			break;
		case MF_HEADER:
			for (size_t h = 0; h < m->nheaders; h++)
				if (strcmp(m->headers[h].name, p->text) == 0) {
					msgfmt_bytes(sb, m->headers[h].value, m->headers[h].len, enc, raw);
					break;
				}
			break;
		}
	}
}

void msgfmt_free(struct msgfmt *f)
{
	if (f == NULL)
		return;
	for (size_t i = 0; i < f->n; i++)
		free(f->pieces[i].text);
	free(f->pieces);
	free(f);
}
