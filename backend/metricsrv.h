/*
 * The metrics endpoint of `kcon watch --metrics ADDR`: libmicrohttpd serves GET /metrics (and / with
 * a link) on a thread of its own, from the last snapshot watch's loop published (metrics.h): the
 * server never reads the store nor asks Kafka. Other paths are 404, other methods 405. A bare port
 * binds loopback; any other address must be given (docs/monitoring.md). Built without
 * libmicrohttpd (the static pod binary, KCON_METRICS unset), metricsrv_start() says so.
 */
#ifndef KCON_METRICSRV_H
#define KCON_METRICSRV_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>

struct metricsrv;

/**
 * @brief Parses ADDR: PORT, :PORT (both 127.0.0.1), localhost:PORT, IPV4:PORT or [IPV6]:PORT, with
 * PORT 0-65535 (0: any free port). Host names other than localhost are refused: an address to
 * serve on is given as the address.
 * @return 0, or -1 with *cause (callee allocates)
 */
int metricsrv_parse_addr(const char *spec, struct sockaddr_storage *sa, socklen_t *len, char **cause);

/** TLS and basic auth for the server; all NULL/0: plain HTTP, no auth. */
struct metricsrv_opts {
	const char *cert_pem, *key_pem; /* both, or neither: HTTPS with this certificate (chain) and key */
	char **users;                   /* "user:password" lines a request's basic auth must match one of */
	int nusers;
};

/**
 * @brief Parses a password file: one `user:password` a line (the password may hold colons),
 * blank lines and lines starting with # skipped.
 * @param users new array of *n new strings "user:password"
 * @return 0, or -1 with *cause naming the line (no line at all is an error too)
 */
int metricsrv_parse_users(const char *text, char ***users, int *n, char **cause);

/** @brief Whether kcon was built with the metrics server. */
bool metricsrv_available(void);

/**
 * @brief Starts serving on spec (metricsrv_parse_addr()) with an empty snapshot.
 * @return the server, or NULL with *cause
 */
struct metricsrv *metricsrv_start(const char *spec, const struct metricsrv_opts *o, char **cause);
/** @brief The URL it serves, e.g. "http://127.0.0.1:9308/metrics" (https with TLS; the bound port when 0 was asked). */
const char *metricsrv_url(const struct metricsrv *m);
/** @brief Replaces the snapshot scrapes get with text (takes ownership); any thread. */
void metricsrv_publish(struct metricsrv *m, char *text);
/** @brief Scrapes served so far. */
int64_t metricsrv_scrapes(const struct metricsrv *m);
/** @brief Stops the server (waits for its thread) and NULLs *m. */
void metricsrv_stop(struct metricsrv **m);

#endif
