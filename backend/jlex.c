#include "jlex.h"

#include <stdint.h>
#include <string.h>

#include "escape.h"

static void jlex_emit(struct jlex *j, enum jlex_tok tok, size_t start, int depth)
{
	if (j->token)
		j->token(j, tok, j->s + start, j->pos - start, depth);
}

void jlex_space(struct jlex *j)
{
	while (j->pos < j->len) {
		unsigned char c = j->s[j->pos];
		if (c == ' ' || (!j->strict && (c == '\t' || c == '\n' || c == '\r')))
			j->pos++;
		else
			break;
	}
}

int jlex_hex4(const unsigned char *p)
{
	int v = 0;
	for (int k = 0; k < 4; k++) {
		int d = p[k] >= '0' && p[k] <= '9'   ? p[k] - '0'
			: p[k] >= 'a' && p[k] <= 'f' ? p[k] - 'a' + 10
			: p[k] >= 'A' && p[k] <= 'F' ? p[k] - 'A' + 10
						     : -1;
		if (d < 0)
			return -1;
		v = v * 16 + d;
	}
	return v;
}

bool jlex_string(struct jlex *j)
{
	if (j->pos >= j->len || j->s[j->pos] != '"')
		return false;
	j->pos++;
	while (j->pos < j->len) {
		unsigned char c = j->s[j->pos];
		if (c == '"') {
			j->pos++;
			return true;
		}
		if (c == '\\') {
			if (j->pos + 1 >= j->len)
				return false;
			unsigned char e = j->s[j->pos + 1];
			if (e == 'u') {
				if (j->len - j->pos < 6 || jlex_hex4(j->s + j->pos + 2) < 0)
					return false;
				j->pos += 6;
			} else if (strchr("\"\\/bfnrt", e) && e) {
				j->pos += 2;
			} else {
				return false;
			}
			continue;
		}
		if (c < 0x20)
			return false;
		uint32_t cp = c;
		size_t n = c < 0x80 ? 1 : escape_utf8_decode(j->s + j->pos, j->len - j->pos, &cp);
		if (n == 0 || (j->strict && !escape_cp_allowed(cp)))
			return false;
		j->pos += n;
	}
	return false;
}

static bool jlex_digits(struct jlex *j)
{
	size_t start = j->pos;
	while (j->pos < j->len && j->s[j->pos] >= '0' && j->s[j->pos] <= '9')
		j->pos++;
	return j->pos > start;
}

static bool jlex_number(struct jlex *j)
{
	if (j->pos < j->len && j->s[j->pos] == '-')
		j->pos++;
	if (j->pos < j->len && j->s[j->pos] == '0')
		j->pos++;
	else if (!jlex_digits(j))
		return false;
	if (j->pos < j->len && j->s[j->pos] == '.') {
		j->pos++;
		if (!jlex_digits(j))
			return false;
	}
	if (j->pos < j->len && (j->s[j->pos] == 'e' || j->s[j->pos] == 'E')) {
		j->pos++;
		if (j->pos < j->len && (j->s[j->pos] == '+' || j->s[j->pos] == '-'))
			j->pos++;
		if (!jlex_digits(j))
			return false;
	}
	return true;
}

static bool jlex_literal(struct jlex *j, const char *word)
{
	size_t n = strlen(word);
	if (j->len - j->pos < n || memcmp(j->s + j->pos, word, n) != 0)
		return false;
	j->pos += n;
	return true;
}

/* One token of a container's punctuation: c at pos. */
static bool jlex_punct(struct jlex *j, char c, enum jlex_tok tok, int depth)
{
	if (j->pos >= j->len || j->s[j->pos] != (unsigned char)c)
		return false;
	j->pos++;
	jlex_emit(j, tok, j->pos - 1, depth);
	return true;
}

/* An array or an object at pos, its members or elements at depth + 1. */
static bool jlex_container(struct jlex *j, int depth)
{
	bool object = j->s[j->pos] == '{';
	char close = object ? '}' : ']';
	if (depth >= j->max_depth)
		return false;
	jlex_punct(j, (char)j->s[j->pos], JLEX_OPEN, depth);
	jlex_space(j);
	if (jlex_punct(j, close, JLEX_CLOSE, depth))
		return true;
	for (;;) {
		if (object) {
			size_t key = j->pos;
			if (!jlex_string(j))
				return false;
			jlex_emit(j, JLEX_SCALAR, key, depth + 1);
			jlex_space(j);
			if (!jlex_punct(j, ':', JLEX_COLON, depth + 1))
				return false;
			jlex_space(j);
		}
		if (!jlex_value(j, depth + 1))
			return false;
		jlex_space(j);
		if (jlex_punct(j, close, JLEX_CLOSE, depth))
			return true;
		if (!jlex_punct(j, ',', JLEX_COMMA, depth + 1))
			return false;
		jlex_space(j);
	}
}

bool jlex_value(struct jlex *j, int depth)
{
	if (j->pos >= j->len)
		return false;
	size_t start = j->pos;
	bool ok;
	switch (j->s[j->pos]) {
	case '{':
	case '[':
		return jlex_container(j, depth);
	case '"':
		ok = jlex_string(j);
		break;
	case 't':
		ok = jlex_literal(j, "true");
		break;
	case 'f':
		ok = jlex_literal(j, "false");
		break;
	case 'n':
		ok = jlex_literal(j, "null");
		break;
	default:
		ok = jlex_number(j);
		break;
	}
	if (ok)
		jlex_emit(j, JLEX_SCALAR, start, depth);
	return ok;
}
