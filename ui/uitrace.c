/* The TUI's timing trace (KCON_UI_TRACE=FILE), for the benchmark: see uitrace.h. */
#include "uitrace.h"

#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define UITRACE_KEYS 64 /* keys waiting for their frame; more are counted from the oldest kept */

static FILE *uitrace_file;
static double uitrace_start_ms; /* when the program was loaded */
static bool uitrace_first_done, uitrace_live_done;
static struct {
	int ch;
	double ms;
} uitrace_keys[UITRACE_KEYS];
static int uitrace_nkeys;

static double uitrace_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

/* Before main: the start of "time to the first frame" includes everything kcon does. */
__attribute__((constructor)) static void uitrace_loaded(void)
{
	uitrace_start_ms = uitrace_now();
}

void uitrace_open(void)
{
	const char *path = getenv("KCON_UI_TRACE");
	if (uitrace_file == NULL && path && *path)
		uitrace_file = fopen(path, "w");
}

void uitrace_key(int ch)
{
	if (uitrace_file == NULL)
		return;
	if (uitrace_nkeys == UITRACE_KEYS)
		uitrace_nkeys--; /* the newest slot is reused; its frame still ends its time */
	uitrace_keys[uitrace_nkeys].ch = ch;
	uitrace_keys[uitrace_nkeys++].ms = uitrace_now();
}

void uitrace_frame(bool rows, bool stale)
{
	if (uitrace_file == NULL)
		return;
	double now = uitrace_now();
	if (rows && !uitrace_first_done) {
		uitrace_first_done = true;
		fprintf(uitrace_file, "first-frame %.3f at %.3f\n", now - uitrace_start_ms, now);
	}
	if (rows && !stale && !uitrace_live_done) {
		uitrace_live_done = true;
		fprintf(uitrace_file, "first-live-frame %.3f at %.3f\n", now - uitrace_start_ms, now);
	}
	for (int i = 0; i < uitrace_nkeys; i++) {
		const char *name = uitrace_keys[i].ch == ' ' ? "SPACE" : keyname(uitrace_keys[i].ch);
		fprintf(uitrace_file, "key %s %.3f at %.3f\n", name ? name : "?", now - uitrace_keys[i].ms, now);
	}
	uitrace_nkeys = 0;
	fflush(uitrace_file);
}

void uitrace_note(const char *what, const char *text)
{
	if (uitrace_file == NULL)
		return;
	double now = uitrace_now();
	fprintf(uitrace_file, "%s %s %.3f at %.3f\n", what, text, now - uitrace_start_ms, now);
	fflush(uitrace_file);
}

void uitrace_close(void)
{
	if (uitrace_file)
		fclose(uitrace_file);
	uitrace_file = NULL;
}
