/*
 * Editing the profiles of config.json (`kcon config ...`): read the file whole, change one profile
 * or the default, and write it back atomically (a temporary file in the same folder, fsync, rename),
 * mode 0600, with every key kcon does not know kept. A file that does not parse is never written.
 */
#ifndef KCON_PROFILES_H
#define KCON_PROFILES_H

#include <jansson.h>
#include <stdbool.h>

/** The longest profile name. */
#define PROFILES_NAME_MAX 64

/**
 * @brief Reads config.json for editing.
 * @param root set to the file's object (a new empty one when the file does not exist)
 * @return 0, or -1 with *cause: unreadable, not JSON (with its line and column), not an object, or
 * "profiles" not an object; the file is then left as it is
 */
int profiles_read(const char *path, json_t **root, char **cause);
/**
 * @brief Writes root to path atomically: its folder made (0700) if missing, a temporary file there
 * (mode 0600) written and fsynced, then renamed over path and the folder fsynced. A failure leaves
 * path as it was and no temporary file behind.
 * @return 0, or -1 with *cause naming the file and the reason
 */
int profiles_write(const char *path, const json_t *root, char **cause);
/**
 * @brief Whether a profile name can be kept and typed: 1 to PROFILES_NAME_MAX characters of
 * letters, digits, '.', '_' and '-', not starting with '-' or '.'.
 * @return true, or false with *cause saying why (the name itself is not echoed raw)
 */
bool profiles_name_ok(const char *name, char **cause);
/**
 * @brief A copy of a profile with every secret's value replaced by "set": members of any object in
 * it whose key conf_is_secret() names, except the *_file fields, which name a file, not the secret.
 */
json_t *profiles_redacted(const json_t *profile);
/**
 * @brief "set" when a profile (redacted or not) has a password file, a key file, or a secret at any
 * depth; else NULL.
 */
const char *profiles_secret_state(const json_t *profile);

/**
 * @brief The profile names of the config file at path that profiles_name_ok() accepts, in the file's
 * order, NULL-terminated (caller frees each and the array); NULL when the file is missing or broken.
 */
char **profiles_names(const char *path);

#endif
