#include "names.h"

#include <ctype.h>
#include <fnmatch.h>
#include <string.h>

#include "cmd.h"
#include "err.h"
#include "msg.h"

#define NAMES_TOPIC_HINT                                                                                               \
	"a topic name is 1 to 249 of the characters a-z A-Z 0-9 . _ - (and not . or ..); `topics` lists the topics"
#define NAMES_UTF8_HINT                                                                                                \
	"Kafka holds names as UTF-8 text: a script saved in another encoding (Latin-1) must be saved as UTF-8"

bool names_topic_char(char c)
{
	return isalnum((unsigned char)c) || c == '.' || c == '_' || c == '-';
}

/* The name as a message quotes it: at most ERR_QUOTE_MAX bytes, then "...". */
static int names_quote_len(const char *name)
{
	return strlen(name) > ERR_QUOTE_MAX ? ERR_QUOTE_MAX : (int)strlen(name);
}

static const char *names_more(const char *name)
{
	return strlen(name) > ERR_QUOTE_MAX ? "..." : "";
}

int names_check_topic(const char *name, struct err *e)
{
	size_t len = strlen(name);
	if (len == 0)
		return err_set(e, CMD_USAGE, NAMES_TOPIC_HINT, "the topic name is empty");
	if (len > NAMES_TOPIC_MAX)
		return err_set(e, CMD_USAGE, NAMES_TOPIC_HINT,
			       "the topic name `%.*s%s` is %zu bytes long: Kafka's limit is %d", names_quote_len(name),
			       name, names_more(name), len, NAMES_TOPIC_MAX);
	if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
		return err_set(e, CMD_USAGE, NAMES_TOPIC_HINT, "`%s` cannot be a topic name", name);
	for (size_t i = 0; i < len; i++)
		if (!names_topic_char(name[i]))
			return err_set(e, CMD_USAGE, NAMES_TOPIC_HINT,
				       "`%.*s%s` cannot be a topic name: it holds a character other than a-z A-Z 0-9 "
				       ". _ -",
				       names_quote_len(name), name, names_more(name));
	return CMD_OK;
}

/* A Kafka string: 1..NAMES_STRING_MAX bytes of valid UTF-8. what: "group id", "principal". */
static int names_check_string(const char *name, const char *what, const char *hint, struct err *e)
{
	size_t len = strlen(name);
	if (len == 0)
		return err_set(e, CMD_USAGE, hint, "the %s is empty", what);
	if (len > NAMES_STRING_MAX)
		return err_set(e, CMD_USAGE, hint, "the %s `%.*s%s` is %zu bytes long: Kafka's limit is %d", what,
			       names_quote_len(name), name, names_more(name), len, NAMES_STRING_MAX);
	if (!msg_utf8_valid(name, len))
		return err_set(e, CMD_USAGE, NAMES_UTF8_HINT, "the %s `%.*s%s` is not valid UTF-8", what,
			       names_quote_len(name), name, names_more(name));
	return CMD_OK;
}

int names_check_group(const char *name, struct err *e)
{
	return names_check_string(name, "group id", "give the group's name: `groups` lists them", e);
}

int names_check_principal(const char *name, struct err *e)
{
	static const char *const hint = "write a principal as Type:name, e.g. User:alice";
	if (names_check_string(name, "principal", hint, e) != CMD_OK)
		return e->status;
	const char *colon = strchr(name, ':');
	if (colon == NULL || colon == name || colon[1] == '\0')
		return err_set(e, CMD_USAGE, hint, "the principal `%.*s%s` is not Type:name", names_quote_len(name),
			       name, names_more(name));
	return CMD_OK;
}

bool names_match(const char *pattern, const char *name)
{
	if (pattern == NULL)
		return true;
	if (strpbrk(pattern, "*?[") == NULL)
		return strstr(name, pattern) != NULL;
	return fnmatch(pattern, name, 0) == 0;
}
