/*
 * The event log (`:log`): what happened while the TUI was open (connection changes, failed loads,
 * the commands run from the prompt and the keys, theme and history trouble), newest last. It keeps
 * the last LOG_MAX events; the text is escaped when drawn. Events may come from any thread (the
 * backend's notes do), so the ring has a lock.
 */
#include <pthread.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "clock.h"
#include "escape.h"
#include "theme.h"
#include "tuihost.h"
#include "view.h"
#include "views.h"
#include "xalloc.h"

#define LOG_MAX 1000

static struct log_event {
	int64_t wall_ms;
	char *kind, *text;
} log_ring[LOG_MAX];
static size_t log_head, log_n; /* the oldest is log_ring[log_head] */
static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;

void view_log_add(const char *kind, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *text = x_vasprintf(fmt, ap);
	va_end(ap);
	struct log_event fresh = { .wall_ms = clock_wall_ms(), .kind = x_strdup(kind), .text = text }, old = { 0 };
	pthread_mutex_lock(&log_lock);
	struct log_event *e = &log_ring[(log_head + log_n) % LOG_MAX];
	if (log_n == LOG_MAX) { /* the oldest goes */
		old = *e;
		log_head = (log_head + 1) % LOG_MAX;
	} else {
		log_n++;
	}
	*e = fresh;
	pthread_mutex_unlock(&log_lock);
	free(old.kind);
	free(old.text);
}

void view_log_note(void *ud, const char *text)
{
	(void)ud;
	view_log_add("note", "%s", text);
}

void view_log_clear(void)
{
	pthread_mutex_lock(&log_lock);
	for (size_t i = 0; i < log_n; i++) {
		struct log_event *e = &log_ring[(log_head + i) % LOG_MAX];
		free(e->kind);
		free(e->text);
	}
	log_head = log_n = 0;
	pthread_mutex_unlock(&log_lock);
}

static const struct log_event *log_at(int row)
{
	return &log_ring[(log_head + (size_t)row) % LOG_MAX];
}

static void log_open(struct view *v, void *arg)
{
	(void)arg;
	view_loaded(v, NULL, NULL);
	view_refilter(v);
	view_move(v, VIEW_MOVE_BOTTOM, 1);
}

static void log_close(struct view *v)
{
	(void)v;
}

static int log_rows(struct view *v)
{
	(void)v;
	pthread_mutex_lock(&log_lock);
	int n = (int)log_n;
	pthread_mutex_unlock(&log_lock);
	return n;
}

static void log_cell(struct view *v, int row, int col, struct sbuf *out)
{
	(void)v;
	pthread_mutex_lock(&log_lock);
	const struct log_event *e = log_at(row);
	if (col == 0) {
		time_t s = (time_t)(e->wall_ms / 1000);
		struct tm tm;
		char buf[16];
		strftime(buf, sizeof(buf), "%H:%M:%S", localtime_r(&s, &tm));
		sbuf_add(out, buf);
	} else {
		const char *s = col == 1 ? e->kind : e->text;
		escape_append(out, s, strlen(s));
	}
	pthread_mutex_unlock(&log_lock);
}

static int log_style(struct view *v, int row)
{
	(void)v;
	pthread_mutex_lock(&log_lock);
	int style = strcmp(log_at(row)->kind, "error") == 0 ? THEME_ERROR : THEME_NONE;
	pthread_mutex_unlock(&log_lock);
	return style;
}

/* New events since the view was drawn: keep following the newest when the selection was on it. */
static void log_reload(struct view *v)
{
	bool follow = v->nmap == 0 || v->sel == v->nmap - 1;
	view_refilter(v);
	if (follow)
		view_move(v, VIEW_MOVE_BOTTOM, 1);
	view_loaded(v, NULL, NULL);
}

static const struct view_col log_cols[] = {
	{ "TIME", 0 },
	{ "KIND", 0 },
	{ "EVENT", VIEW_COL_FILL },
	{ 0 },
};

const struct view_ops view_log_ops = {
	.name = "log",
	.cols = log_cols,
	.open = log_open,
	.close = log_close,
	.rows = log_rows,
	.cell = log_cell,
	.reload = log_reload,
	.style = log_style,
};
