/*
 * A confirmation asked on one thread and answered on another: a command on the worker asks
 * (cmd_confirm(), through session.confirm) and waits; the face's loop thread learns of the question
 * through a wake-up fd, shows it without blocking its poll(), and answers with the line the person
 * typed. The TUI's typed-name confirmations of what depends on the data (a lowered retention,
 * delete-records, acl delete) go through it (ui/tuiask.c). No curses here, so it is unit-tested.
 */
#ifndef KCON_ASK_H
#define KCON_ASK_H

#include <stdbool.h>

struct ask;

/** @brief A new rendezvous; NULL with *cause (callee allocates) when its pipe cannot be made. */
struct ask *ask_new(char **cause);
/** @brief Frees it (after ask_close(), once no thread can ask any more) and NULLs *ap. */
void ask_free(struct ask **ap);
/** @brief The fd that becomes readable when a question waits (non-blocking; drain it with loop_fd_drain). */
int ask_fd(const struct ask *a);

/**
 * @brief A session.confirm (session.h) for any thread but the answerer's: hands the question to the
 * answerer and waits for the answer. One question at a time: a second asker waits its turn.
 * @param ud the struct ask
 * @param plan what the question is about (lines), or NULL
 * @return true only when the answer was expect, typed exactly; false when another line, a cancel,
 *         or ask_close() (also at once for a question asked after it)
 */
bool ask_confirm(void *ud, const char *plan, const char *question, const char *expect);

/**
 * @brief The answerer takes the waiting question, if one waits that it has not taken yet: new
 * strings in *plan (NULL when none), *question and *expect.
 * @return false when there is none
 */
bool ask_take(struct ask *a, char **plan, char **question, char **expect);
/** @brief Answers the question taken: line as typed, NULL when cancelled (Esc). */
void ask_answer(struct ask *a, const char *line);
/** @brief Refuses the question waiting and every later one: the face is going away. */
void ask_close(struct ask *a);

#endif
