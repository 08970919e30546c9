/* What one kcon process works with: settings, the client and the history store (each made on first use), the demo
 * cluster. */
#ifndef KCON_SESSION_H
#define KCON_SESSION_H

#include <stdbool.h>

#include "client.h"
#include "conf.h"
#include "err.h"
#include "note.h"
#include "output.h"

struct demo;
struct registry;
struct store;

struct session {
	/*
	 * The settings. `profile NAME` replaces them on the thread that runs commands (the worker):
	 * commands there read them directly; any other thread (the TUI's loop, a view's job) reads
	 * them through session_conf_copy() or session_topic_decoder(), under the session's lock.
	 */
	struct conf conf;
	struct client *client; /* made by session_client() */
	struct demo *demo;     /* the embedded cluster of --demo, or NULL */
	int timeout_ms;
	bool verbose;
	bool read_only;     /* refuse commands that change the cluster: read_only_cli or the profile's "read_only" */
	bool read_only_cli; /* --read-only was given: it stays on across `profile NAME` */
	enum out_format format;
	int width; /* terminal columns for tables; 0: no limit */
	/*
	 * Asks a person to confirm a destructive command by typing `expect`; NULL where nobody can
	 * answer (no TTY). plan: the lines the question is about (cmd_plan(): already sent as notes, so
	 * a face that prints notes where it asks may leave it out), or NULL. Returns true when they did.
	 * It may be called from the worker or a command's own thread (the TUI answers on its loop
	 * thread: backend/ask.h).
	 */
	bool (*confirm)(void *ud, const char *plan, const char *question, const char *expect);
	void *confirm_ud;
	/*
	 * The terminal is the face's screen (the TUI): commands ask only through confirm, and never
	 * read or write /dev/tty themselves (a password prompt is refused: --password-file).
	 */
	bool screen_owned;
	/* History (store.h, session_store()): the store opened on first use in state_dir (NULL: the default dir). */
	struct store *store;
	char *state_dir;   /* --state-dir, or NULL */
	bool no_history;   /* --no-history: no store at all */
	bool history_off;  /* no writable state dir was found (none asked for): no store, said once */
	bool offline;      /* --offline: show the last stored snapshot instead of asking the cluster */
	bool tick_records; /* history ticks record the metadata snapshots (the TUI): commands need not */
	char *retention;   /* --retention (else the config file's): store_opts_parse() spec, or NULL for defaults */
	/*
	 * The metadata snapshot a command fetched, to be recorded once its output is out
	 * (session_history_flush()): history stays off a command's critical path. NULL: none waits.
	 */
	struct model *pending_model;
	char *pending_key, *pending_bootstrap;
	/* The Schema Registry client (registry.h, session_registry()), made on first use. */
	struct registry *registry;
	/* Lines for a person beside the results (progress, notices, --verbose logs): note.h. */
	struct note_sink note;
	/* Commands may run on several threads at once (the TUI's worker and own-thread commands): what `profile
	 * NAME` replaces is then kept until session_clear(), since another thread may still use it; else freed. */
	bool threads;
	struct client **retired_clients;
	struct conf *retired_confs;
	size_t nretired;
	struct registry **retired_registries; /* the Schema Registry clients `profile NAME` replaced */
	size_t nretired_registries;
	/* KCON_REGISTRY_PASSWORD and KCON_REGISTRY_TOKEN, read at start-up and removed from the
	 * environment (the decoder helper must not inherit them), or NULL; freed by session_clear(). */
	char *registry_password_env, *registry_token_env;
};

/**
 * @brief Keeps m (a reference is taken) as the cluster's snapshot to record once the command's
 * output is out; one waiting already (another cluster's) is recorded first. From any thread.
 */
void session_history_defer(struct session *s, const char *key, const char *bootstrap, struct model *m);
/**
 * @brief Records the snapshot waiting (session_history_defer()), unless the store holds the same
 * one confirmed within the last SESSION_SNAPSHOT_FRESH_MS: then nothing is written. A busy store
 * is left for the next command. The faces call it after flushing a command's output; session_clear() too.
 */
void session_history_flush(struct session *s);
/** How long a stored snapshot counts as fresh: an identical one is not written again within it. */
#define SESSION_SNAPSHOT_FRESH_MS 10000
/** @brief A copy of the session's settings (dst is overwritten; conf_clear() it), from any thread. */
void session_conf_copy(struct session *s, struct conf *dst);
/** @brief session_conf_copy() with the client settings beside it (timeout, verbosity), taken under the same lock. */
void session_settings_copy(struct session *s, struct conf *dst, int *timeout_ms, bool *verbose);
/** @brief The profile's decoder for topic (conf_topic_decoder()), allocated, or NULL; from any thread. */
char *session_topic_decoder(struct session *s, const char *topic);

/** @brief The session's client, made on first use from its settings; from any thread. */
int session_client(struct session *s, struct client **out, struct err *e);
/**
 * @brief The session's history store for writing, opened on first use in its state dir. Tells a notice
 * (fallback dir, corrupt file moved aside) once on stderr.
 * @return 0, or a status with e set (CMD_FAILED with --no-history: "history is off")
 */
int session_store(struct session *s, struct store **out, struct err *e);
/**
 * @brief session_store() for reading only (store_open_read(): works on a full disk or a file the
 * user cannot write). A store opened so is opened again by the next session_store().
 */
int session_store_read(struct session *s, struct store **out, struct err *e);
/**
 * @brief The path of the session's store file (its state dir made, a fallback dir told), without
 * opening it; touches only the session's settings, so any thread may ask. NULL with e.
 */
char *session_store_path(struct session *s, struct err *e);
/**
 * @brief Whether there is no store to read: history off, or none opened and no file at its path (a new
 * state dir, not made by asking). Readers then skip it rather than make it (the TUI's first frame,
 * sparklines). Reads s->store: asked by the thread that owns the session's store (the worker), or
 * before it runs anything.
 */
bool session_store_missing(struct session *s);
/** @brief The cluster key the session's history is read from: the --cluster key, or by bootstrap, or the last. */
char *session_store_cluster(struct session *s, struct store *store, const char *key, struct err *e);
/**
 * @brief The cluster whose history the session shows (its sparklines, its stored snapshot): the one
 * last seen through its bootstrap (no other), else the last; NULL (cause set on an error) when none.
 */
char *session_store_cluster_shown(struct session *s, struct store *store, char **cause);
/** What Strimzi's operators own: topics (KafkaTopic) and users (KafkaUser). */
enum session_strimzi_kind { SESSION_KAFKATOPIC, SESSION_KAFKAUSER };
/**
 * @brief With a profile's "strimzi": true, a note that Strimzi's operator reverts the change just
 * made to name unless its resource changes, and the command that edits it (oc edit kafkatopic/NAME);
 * nothing otherwise.
 */
void session_strimzi_note(struct session *s, enum session_strimzi_kind kind, const char *name);
/**
 * @brief Switches the session to profile `name` of config.json (`profile NAME`): its settings alone (the
 * command line's connection options, KCON_BOOTSTRAP and KCON_PASSWORD belonged to the first), a new
 * client on next use, and read_only set again (--read-only, or the new profile's). Run it where
 * commands run (the worker): the history store stays, its ticks are keyed by the cluster's id.
 * @return CMD_OK, or a status with e set (no such profile, a broken file, --demo); the session is then unchanged
 */
int session_use_profile(struct session *s, const char *name, struct err *e);
/**
 * @brief The session's Schema Registry client, made on first use (on the thread that runs commands:
 * it opens the store for the schema cache) from --registry or the profile's "registry" (else
 * KCON_REGISTRY), its credentials from the profile's registry_user, registry_password_file,
 * registry_token_file and registry_ca or KCON_REGISTRY_USER, KCON_REGISTRY_PASSWORD,
 * KCON_REGISTRY_TOKEN, KCON_REGISTRY_CA. Also makes it the one plugins ask for schemas.
 * @return 0, or CMD_USAGE with e when no registry is set (session_has_registry() tells beforehand)
 */
int session_registry(struct session *s, struct registry **out, struct err *e);
/** @brief True when a registry URL is set for the session. */
bool session_has_registry(const struct session *s);
/** @brief Frees what the session holds (client, demo, settings). */
void session_clear(struct session *s);

#endif
