/*
 * Reading the files a user names (config.json, -F properties, password files, kconrc, themes,
 * scripts): bounded in size, refused when they are not the kind of file expected (a directory, a
 * device such as /dev/zero), with errors that name the file, say what is wrong and what to do.
 */
#ifndef KCON_FILE_H
#define KCON_FILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/types.h>

/* The cap of config-like files (config.json, properties, password files, kconrc, themes). */
#define FILE_CONFIG_MAX ((size_t)1 << 20)
/* The cap of one line of a script (-f FILE, stdin); a script itself is read a line at a time. */
#define FILE_LINE_MAX ((size_t)1 << 20)
/* The cap of one message read by produce (--file, a record of stdin): the producer's message.max.bytes. */
#define FILE_MESSAGE_MAX ((size_t)16 << 20)
/* The cap of an offsets plan (group reset --from-file): about a million partitions. */
#define FILE_PLAN_MAX ((size_t)64 << 20)

/* file_read() flags */
#define FILE_PIPE_OK 0x1 /* a pipe or FIFO is read too (-F <(...), --password-file /dev/stdin) */

/**
 * @brief Reads the whole file at path: a regular file (or a pipe, with FILE_PIPE_OK) of at most
 * max bytes.
 * @param what what the file is, for messages ("properties file", "theme")
 * @param len if not NULL, gets the length (the text may hold NUL bytes)
 * @return the contents, NUL-terminated (caller frees), or NULL with *cause (new string) and errno
 * set (ENOENT for a missing file, EFBIG when too big, EINVAL when not a regular file)
 */
char *file_read(const char *path, const char *what, size_t max, unsigned flags, size_t *len, char **cause);
/** @brief A cause (new string) for a file that could not be opened or read: path, errno's word, a hint. */
char *file_error(const char *path, const char *what, int err);
/**
 * @brief getdelim() with a cap: reads one record (with its delimiter) of at most max bytes.
 * @return its length; -1 at the end of the file; -2 on a read error (errno set) or a record longer
 * than max (errno EFBIG)
 */
ssize_t file_getdelim(char **line, size_t *cap, int delim, FILE *f, size_t max);
/** @brief file_getdelim() of one line (up to and with its newline). */
ssize_t file_getline(char **line, size_t *cap, FILE *f, size_t max);
/** @brief "16 MiB", "64 KiB" or "100 bytes": a size as the messages of this module say it, in buf. */
const char *file_size_words(size_t n, char *buf, size_t size);
/**
 * @brief A warning (new string) when others than the owner and group may read the file at path,
 * which holds what (a password, a private key); NULL when not, or when it cannot be checked.
 */
char *file_check_private(const char *path, const char *what);

#endif
