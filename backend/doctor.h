/*
 * The connection doctor's probes below librdkafka: name resolution, TCP connect, the TLS handshake
 * with OpenSSL (the server certificate, the CA's verdict, the host name), and the first bytes a port
 * answers with, which tell TLS from plain Kafka. Each step becomes a row of a report: ok or failed,
 * with what was found or the cause, and a hint. backend/cmd_doctor.c adds the steps that need
 * librdkafka (login, metadata, authorization) and prints the rows.
 */
#ifndef KCON_DOCTOR_H
#define KCON_DOCTOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "conf.h"

#define DOCTOR_STATUSES(X)                                                                                             \
	X(OK, "ok")                                                                                                    \
	X(FAILED, "failed")                                                                                            \
	X(SKIPPED, "skipped") /* not run: an earlier step failed, or nothing to measure */

enum doctor_status {
#define X(name, word) DOCTOR_##name,
	DOCTOR_STATUSES(X)
#undef X
};

/** @brief "ok", "failed" or "skipped". */
const char *doctor_status_name(enum doctor_status st);

/** One step for one target. */
struct doctor_row {
	char *target;     /* "bootstrap HOST:PORT", "broker ID HOST:PORT" or "cluster" */
	int32_t broker;   /* the broker's id for a broker row, else -1 */
	const char *step; /* "dns", "tcp", "tls", "auth", "metadata", "authz", "clock" */
	enum doctor_status status;
	char *detail; /* what was found, or the cause of the failure */
	char *hint;   /* what to try, or NULL */
	int64_t ms;   /* how long the step took, or -1 */
};

struct doctor_report {
	struct doctor_row *rows;
	size_t n;
};

/** @brief Appends a row (detail formatted; hint copied, may be NULL). */
void doctor_add(struct doctor_report *r, const char *target, int32_t broker, const char *step, enum doctor_status st,
		int64_t ms, const char *hint, const char *fmt, ...) __attribute__((format(printf, 8, 9)));
/** @brief Frees the rows and empties r. */
void doctor_report_clear(struct doctor_report *r);
/** @brief Appends the rows of from to r, taking them, and empties from. */
void doctor_report_move(struct doctor_report *r, struct doctor_report *from);
/** @brief How many rows failed. */
size_t doctor_failures(const struct doctor_report *r);

/** How a connection is to be made, from the finished settings. */
struct doctor_tls {
	bool on;                 /* security.protocol SSL or SASL_SSL */
	const char *ca_location; /* a file or a directory, or NULL */
	const char *ca_pem;      /* or the CA certificates as text; both NULL: the system's store */
	bool verify;             /* enable.ssl.certificate.verification */
	bool check_host;         /* ssl.endpoint.identification.algorithm=https */
};

/** @brief Reads the TLS settings from c (borrowed: c outlives t). */
void doctor_tls_of(const struct conf *c, struct doctor_tls *t);

/**
 * @brief Splits "host:port" or "[v6]:port".
 * @param host a new string
 * @return 0, or -1 with *cause when it is not such an address
 */
int doctor_hostport(const char *s, char **host, int *port, char **cause);

/**
 * @brief Runs the steps dns, tcp and tls (the protocol check: TLS, or plain Kafka) against one
 * address, adding a row for each step, and a skipped row for each step after a failure.
 * @param broker the advertising broker's id, or -1 for a bootstrap address (changes the hints)
 * @param timeout_ms the bound of each wait (connecting, each answer)
 * @param wake_fd > 0: a byte there ends the connection's and the answer's waits at once (the
 *        command's ctx->wake_fd, when it is interrupted); the step then fails
 * @return true when every step passed
 */
bool doctor_endpoint(struct doctor_report *r, const char *target, int32_t broker, const char *host, int port,
		     const struct doctor_tls *t, int timeout_ms, int wake_fd);

/** What the first bytes a port sends back say it speaks. */
enum doctor_answer {
	DOCTOR_ANSWER_KAFKA,   /* a Kafka response with our correlation id */
	DOCTOR_ANSWER_TLS,     /* a TLS record: an alert or a handshake */
	DOCTOR_ANSWER_CLOSED,  /* nothing: the peer closed the connection */
	DOCTOR_ANSWER_SILENT,  /* nothing: no byte within the timeout */
	DOCTOR_ANSWER_STOPPED, /* nothing yet when the command was interrupted (its wake_fd) */
	DOCTOR_ANSWER_OTHER,   /* something else (HTTP, ...) */
};

/** @brief Classifies the first len bytes a port answered a Kafka request (correlation id corr) with. */
enum doctor_answer doctor_classify(const unsigned char *buf, size_t len, int32_t corr);

#endif
