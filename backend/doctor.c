#include "doctor.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "clock.h"
#include "sbuf.h"
#include "tlsfile.h"
#include "xalloc.h"

const char *doctor_status_name(enum doctor_status st)
{
	static const char *const names[] = {
#define X(name, word) word,
		DOCTOR_STATUSES(X)
#undef X
	};
	return names[st];
}

void doctor_add(struct doctor_report *r, const char *target, int32_t broker, const char *step, enum doctor_status st,
		int64_t ms, const char *hint, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	r->rows = x_reallocarray(r->rows, r->n + 1, sizeof(*r->rows));
	r->rows[r->n++] = (struct doctor_row){
		.target = x_strdup(target),
		.broker = broker,
		.step = step,
		.status = st,
		.detail = x_vasprintf(fmt, ap),
		.hint = hint ? x_strdup(hint) : NULL,
		.ms = ms,
	};
	va_end(ap);
}

void doctor_report_clear(struct doctor_report *r)
{
	for (size_t i = 0; i < r->n; i++) {
		free(r->rows[i].target);
		free(r->rows[i].detail);
		free(r->rows[i].hint);
	}
	free(r->rows);
	r->rows = NULL;
	r->n = 0;
}

void doctor_report_move(struct doctor_report *r, struct doctor_report *from)
{
	if (from->n == 0)
		return;
	r->rows = x_reallocarray(r->rows, r->n + from->n, sizeof(*r->rows));
	memcpy(r->rows + r->n, from->rows, from->n * sizeof(*r->rows));
	r->n += from->n;
	free(from->rows);
	from->rows = NULL;
	from->n = 0;
}

size_t doctor_failures(const struct doctor_report *r)
{
	size_t n = 0;
	for (size_t i = 0; i < r->n; i++)
		n += r->rows[i].status == DOCTOR_FAILED;
	return n;
}

void doctor_tls_of(const struct conf *c, struct doctor_tls *t)
{
	const char *proto = conf_get(c, "security.protocol");
	const char *verify = conf_get(c, "enable.ssl.certificate.verification");
	const char *algo = conf_get(c, "ssl.endpoint.identification.algorithm");
	*t = (struct doctor_tls){
		.on = proto && (strcasecmp(proto, "SSL") == 0 || strcasecmp(proto, "SASL_SSL") == 0),
		.ca_location = conf_get(c, "ssl.ca.location"),
		.ca_pem = conf_get(c, "ssl.ca.pem"),
		.verify = verify == NULL || strcasecmp(verify, "false") != 0,
		.check_host = algo == NULL || strcasecmp(algo, "https") == 0, /* librdkafka >= 2.0 checks by default */
	};
	if (t->ca_location && strcmp(t->ca_location, "probe") == 0)
		t->ca_location = NULL;
}

int doctor_hostport(const char *s, char **host, int *port, char **cause)
{
	while (*s == ' ')
		s++;
	const char *colon = NULL, *h = s, *hend;
	if (*s == '[') {
		hend = strchr(s, ']');
		if (hend && hend[1] == ':')
			colon = hend + 1;
		h = s + 1;
	} else {
		colon = strrchr(s, ':');
		hend = colon;
	}
	char *end = NULL;
	long p = colon ? strtol(colon + 1, &end, 10) : 0;
	if (colon == NULL || hend == h || end == colon + 1 || (*end && *end != ' ') || p < 1 || p > 65535) {
		*cause = x_asprintf("`%s` is not HOST:PORT: write the bootstrap list as host:9092,[::1]:9093", s);
		return -1;
	}
	*host = x_strndup(h, (size_t)(hend - h));
	*port = (int)p;
	return 0;
}

enum doctor_answer doctor_classify(const unsigned char *buf, size_t len, int32_t corr)
{
	if (len == 0)
		return DOCTOR_ANSWER_CLOSED;
	/* a TLS record: content type alert (21) or handshake (22), then major version 3 */
	if ((buf[0] == 0x15 || buf[0] == 0x16) && (len < 2 || buf[1] == 0x03))
		return DOCTOR_ANSWER_TLS;
	if (len >= 8) {
		uint32_t size = (uint32_t)buf[0] << 24 | (uint32_t)buf[1] << 16 | (uint32_t)buf[2] << 8 | buf[3];
		uint32_t id = (uint32_t)buf[4] << 24 | (uint32_t)buf[5] << 16 | (uint32_t)buf[6] << 8 | buf[7];
		if (size >= 4 && size < (1u << 24) && id == (uint32_t)corr)
			return DOCTOR_ANSWER_KAFKA;
	}
	return DOCTOR_ANSWER_OTHER;
}

/* --- steps ---------------------------------------------------------------------------------- */

#define DOCTOR_CORR 0x6b636f6e /* "kcon": the correlation id of the ApiVersions probe */

static bool doctor_is_ip(const char *host)
{
	unsigned char buf[sizeof(struct in6_addr)];
	return inet_pton(AF_INET, host, buf) == 1 || inet_pton(AF_INET6, host, buf) == 1;
}

static void doctor_addr_text(const struct sockaddr *sa, char *buf, size_t len)
{
	char ip[INET6_ADDRSTRLEN] = "?";
	if (sa->sa_family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)sa)->sin_addr, ip, sizeof(ip));
	else if (sa->sa_family == AF_INET6)
		inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr, ip, sizeof(ip));
	snprintf(buf, len, sa->sa_family == AF_INET6 ? "[%s]" : "%s", ip);
}

/*
 * Waits up to timeout_ms for fd to be ready for events, or for a byte on wake_fd (> 0: the
 * command's, written when it is interrupted). 1 ready, 0 timed out, -1 woken or failed (errno).
 */
static int doctor_wait(int fd, short events, int wake_fd, int timeout_ms)
{
	struct pollfd p[2] = { { .fd = fd, .events = events }, { .fd = wake_fd > 0 ? wake_fd : -1, .events = POLLIN } };
	int rc = poll(p, 2, timeout_ms);
	if (rc > 0 && p[1].revents) {
		errno = EINTR;
		return -1;
	}
	return rc > 0 ? 1 : rc;
}

/*
 * Connects to one address within timeout_ms (or until wake_fd wakes it: EINTR); the fd (blocking,
 * with send and receive timeouts), or -1 with errno.
 */
static int doctor_connect_one(const struct addrinfo *ai, int timeout_ms, int wake_fd)
{
	int fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
	if (fd < 0)
		return -1;
	int flags = fcntl(fd, F_GETFL);
	fcntl(fd, F_SETFL, flags | O_NONBLOCK);
	int rc = connect(fd, ai->ai_addr, ai->ai_addrlen);
	if (rc < 0 && errno == EINPROGRESS) {
		rc = doctor_wait(fd, POLLOUT, wake_fd, timeout_ms);
		if (rc == 0) {
			errno = ETIMEDOUT;
			rc = -1;
		} else if (rc > 0) {
			int err = 0;
			socklen_t elen = sizeof(err);
			getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &elen);
			errno = err;
			rc = err ? -1 : 0;
		}
	}
	if (rc < 0) {
		int saved = errno;
		close(fd);
		errno = saved;
		return -1;
	}
	fcntl(fd, F_SETFL, flags);
	struct timeval tv = { .tv_sec = timeout_ms / 1000, .tv_usec = (timeout_ms % 1000) * 1000 };
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	return fd;
}

/*
 * Sends a Kafka ApiVersions v0 request on fd and classifies the first bytes of the answer, waiting
 * up to timeout_ms for each, or until wake_fd wakes it.
 */
static enum doctor_answer doctor_sniff(int fd, int timeout_ms, int wake_fd)
{
	static const char client[] = "kcon-doctor";
	unsigned char req[64];
	size_t n = 0, clen = sizeof(client) - 1;
	const uint32_t corr = DOCTOR_CORR;
	/* size, api key 18 (ApiVersions), version 0, correlation id, client id (int16 length, bytes) */
	const uint32_t words[] = { (uint32_t)(2 + 2 + 4 + 2 + clen), 18u << 16, corr };
	for (size_t w = 0; w < sizeof(words) / sizeof(words[0]); w++)
		for (int shift = 24; shift >= 0; shift -= 8)
			req[n++] = (unsigned char)(words[w] >> shift & 0xff);
	req[n++] = 0;
	req[n++] = (unsigned char)clen;
	memcpy(req + n, client, clen);
	n += clen;
	if (send(fd, req, n, MSG_NOSIGNAL) != (ssize_t)n)
		return DOCTOR_ANSWER_CLOSED;
	unsigned char buf[8];
	size_t got = 0;
	while (got < sizeof(buf)) {
		int ready = doctor_wait(fd, POLLIN, wake_fd, timeout_ms);
		if (ready <= 0 && got == 0) /* not a closed connection: one that says nothing (yet) */
			return ready < 0 && errno == EINTR ? DOCTOR_ANSWER_STOPPED : DOCTOR_ANSWER_SILENT;
		if (ready <= 0)
			break;
		ssize_t r = recv(fd, buf + got, sizeof(buf) - got, 0);
		if (r <= 0)
			break;
		got += (size_t)r;
		if (buf[0] == 0x15 || buf[0] == 0x16) /* a TLS record: enough said */
			break;
	}
	return doctor_classify(buf, got, (int32_t)corr);
}

/* The subject alternative names of x, "DNS:a, IP:1.2.3.4", or a new "none". */
static char *doctor_sans(X509 *x)
{
	struct sbuf sb = SBUF_INIT;
	GENERAL_NAMES *names = X509_get_ext_d2i(x, NID_subject_alt_name, NULL, NULL);
	for (int i = 0; i < sk_GENERAL_NAME_num(names); i++) {
		const GENERAL_NAME *g = sk_GENERAL_NAME_value(names, i);
		const char *sep = sb.len ? ", " : "";
		if (g->type == GEN_DNS) {
			sbuf_addf(&sb, "%sDNS:", sep);
			sbuf_addn(&sb, ASN1_STRING_get0_data(g->d.dNSName), (size_t)ASN1_STRING_length(g->d.dNSName));
		} else if (g->type == GEN_IPADD) {
			char ip[INET6_ADDRSTRLEN] = "?";
			int len = ASN1_STRING_length(g->d.iPAddress);
			if (len == 4 || len == 16)
				inet_ntop(len == 4 ? AF_INET : AF_INET6, ASN1_STRING_get0_data(g->d.iPAddress), ip,
					  sizeof(ip));
			sbuf_addf(&sb, "%sIP:%s", sep, ip);
		}
	}
	GENERAL_NAMES_free(names);
	return sb.len ? sbuf_release(&sb) : x_strdup("none");
}

/* Loads the CA the connection would use into ctx; returns what it is, for messages, or NULL with *cause. */
static const char *doctor_load_ca(SSL_CTX *ctx, const struct doctor_tls *t, char **cause)
{
	if (t->ca_pem) {
		BIO *b = BIO_new_mem_buf(t->ca_pem, -1);
		X509 *x;
		int n = 0;
		while ((x = PEM_read_bio_X509(b, NULL, NULL, NULL)) != NULL) {
			n += X509_STORE_add_cert(SSL_CTX_get_cert_store(ctx), x) == 1;
			X509_free(x);
		}
		BIO_free(b);
		ERR_clear_error();
		if (n == 0) {
			*cause = x_strdup("no certificate in ssl.ca.pem");
			return NULL;
		}
		return "the CA given as PEM text";
	}
	if (t->ca_location) {
		struct stat st;
		bool dir = stat(t->ca_location, &st) == 0 && S_ISDIR(st.st_mode);
		if (SSL_CTX_load_verify_locations(ctx, dir ? NULL : t->ca_location, dir ? t->ca_location : NULL) != 1) {
			ERR_clear_error();
			*cause = x_asprintf("cannot read the CA %s", t->ca_location);
			return NULL;
		}
		return t->ca_location;
	}
	/* None given (ssl.ca.location=probe): the system's store where distributions keep it, as
	   librdkafka finds it, else where this OpenSSL was built to look (not a pod's, statically linked). */
	static const char *const places[] = {
		"/etc/pki/tls/certs/ca-bundle.crt",                  /* UBI, RHEL, Fedora */
		"/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem", /* the same, extracted */
		"/etc/ssl/certs/ca-certificates.crt",                /* Debian, Ubuntu, Alpine */
		"/etc/ssl/ca-bundle.pem",                            /* SUSE */
		"/etc/ssl/cert.pem",
	};
	for (size_t i = 0; i < sizeof(places) / sizeof(places[0]); i++)
		if (access(places[i], R_OK) == 0 && SSL_CTX_load_verify_locations(ctx, places[i], NULL) == 1)
			return places[i];
	ERR_clear_error();
	SSL_CTX_set_default_verify_paths(ctx);
	return "the system's CA store";
}

static int doctor_client_cert_cb(SSL *ssl, X509 **x, EVP_PKEY **pkey)
{
	(void)x;
	(void)pkey;
	*(bool *)SSL_get_app_data(ssl) = true;
	return 0; /* send none: the login step presents the real one, through librdkafka */
}

static const char doctor_hint_plain_port[] =
	"this port speaks plain Kafka: use the listener's TLS port (Strimzi: 9093 for `tls: true`), or "
	"connect without TLS (-X security.protocol=PLAINTEXT, or SASL_PLAINTEXT with SASL)";
static const char doctor_hint_ca[] =
	"give the CA that signed the brokers' certificates: Strimzi's CLUSTER-cluster-ca-cert secret "
	"(--strimzi-ca DIR, or --ca ca.crt); a KafkaUser secret's ca.crt is the clients CA and does not verify brokers";

/* The tls step on a connected fd: handshake, certificate, verdicts. true when it passed. */
static bool doctor_tls_step(struct doctor_report *r, const char *target, int32_t broker, int fd, const char *host,
			    int port, const struct doctor_tls *t, int timeout_ms, int wake_fd)
{
	int64_t t0 = clock_mono_ms();
	char *cause = NULL;
	bool asked = false, ok = false;
	SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
	SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, NULL); /* verified below, to say why */
	SSL_CTX_set_client_cert_cb(ctx, doctor_client_cert_cb);
	const char *ca = doctor_load_ca(ctx, t, &cause);
	if (ca == NULL) {
		doctor_add(r, target, broker, "tls", DOCTOR_FAILED, -1, "check --ca, --strimzi-ca or ssl.ca.location",
			   "%s", cause);
		free(cause);
		SSL_CTX_free(ctx);
		return false;
	}
	SSL *ssl = SSL_new(ctx);
	SSL_set_app_data(ssl, &asked);
	SSL_set_fd(ssl, fd);
	if (!doctor_is_ip(host))
		SSL_set_tlsext_host_name(ssl, host);
	int rc = SSL_connect(ssl);
	int64_t ms = clock_mono_ms() - t0;
	if (rc != 1) {
		unsigned long e = ERR_peek_last_error();
		const char *why = e ? ERR_reason_error_string(e) : NULL;
		bool nothing = BIO_number_read(SSL_get_rbio(ssl)) == 0;
		ERR_clear_error();
		enum doctor_answer plain = DOCTOR_ANSWER_OTHER;
		if (nothing) { /* closed on our ClientHello: does it speak plain Kafka? */
			struct addrinfo hints = { .ai_socktype = SOCK_STREAM }, *ai = NULL;
			char ports[16];
			snprintf(ports, sizeof(ports), "%d", port);
			if (getaddrinfo(host, ports, &hints, &ai) == 0) {
				int fd2 = doctor_connect_one(ai, timeout_ms, wake_fd);
				if (fd2 >= 0) {
					plain = doctor_sniff(fd2, timeout_ms, wake_fd);
					close(fd2);
				}
				freeaddrinfo(ai);
			}
		}
		if (plain == DOCTOR_ANSWER_KAFKA)
			doctor_add(r, target, broker, "tls", DOCTOR_FAILED, ms, doctor_hint_plain_port,
				   "TLS spoken to a plain port: %s:%d closed the connection on a TLS ClientHello and "
				   "answered a plain Kafka ApiVersions request",
				   host, port);
		else if (nothing)
			doctor_add(r, target, broker, "tls", DOCTOR_FAILED, ms,
				   "is this a Kafka listener? check the port against the Kafka resource's listeners",
				   "%s:%d closed the connection on a TLS ClientHello (%s)", host, port,
				   why ? why : "no answer");
		else
			doctor_add(r, target, broker, "tls", DOCTOR_FAILED, ms,
				   why && strstr(why, "wrong version") ? doctor_hint_plain_port
								       : "check that this port is a TLS listener",
				   "the TLS handshake with %s:%d failed: %s", host, port,
				   why ? why : "no reason given");
		goto out;
	}
	X509 *x = SSL_get1_peer_certificate(ssl);
	if (x == NULL) {
		doctor_add(r, target, broker, "tls", DOCTOR_FAILED, ms, NULL, "%s:%d sent no certificate", host, port);
		goto out;
	}
	struct tlsfile_cert info;
	tlsfile_cert_of(x, &info);
	char *sans = doctor_sans(x);
	bool host_ok =
		doctor_is_ip(host) ? X509_check_ip_asc(x, host, 0) == 1 : X509_check_host(x, host, 0, 0, NULL) == 1;
	long verdict = SSL_get_verify_result(ssl);
	X509_free(x);
	struct sbuf d = SBUF_INIT;
	sbuf_addf(&d, "%s; subject %s; SANs %s; issuer %s; ", SSL_get_version(ssl), info.subject, sans, info.issuer);
	if (info.days_left >= 0)
		sbuf_addf(&d, "expires in %ld days (%s)", info.days_left, info.not_after);
	else
		sbuf_addf(&d, "expired %ld days ago (%s)", -info.days_left, info.not_after);
	const char *hint = NULL;
	enum doctor_status st = DOCTOR_OK;
	if (verdict == X509_V_OK) {
		sbuf_addf(&d, "; verified by %s", ca);
	} else {
		sbuf_addf(&d, "; NOT verified by %s: %s", ca, X509_verify_cert_error_string(verdict));
		if (verdict == X509_V_ERR_CERT_HAS_EXPIRED)
			hint = "the broker's certificate has expired (Strimzi renews it before its end: check the "
			       "cluster "
			       "operator), or this machine's clock is wrong";
		else if (verdict == X509_V_ERR_CERT_NOT_YET_VALID)
			hint = "the certificate is not valid yet: this machine's clock is behind (clock skew)";
		else
			hint = doctor_hint_ca;
		if (t->verify)
			st = DOCTOR_FAILED;
		else
			sbuf_add(&d, " (ignored: enable.ssl.certificate.verification=false)");
	}
	if (!host_ok) {
		sbuf_addf(&d, "; `%s` is none of the certificate's names", host);
		if (t->check_host && st == DOCTOR_OK) {
			st = DOCTOR_FAILED;
			hint = "connect by a name the certificate holds (Strimzi lists the bootstrap service, the "
			       "brokers' "
			       "service names and any listener.configuration.bootstrap.alternativeNames), or "
			       "-X ssl.endpoint.identification.algorithm=none to skip the check";
		}
	}
	if (asked)
		sbuf_add(&d, "; asks for a client certificate (mutual TLS)");
	doctor_add(r, target, broker, "tls", st, ms, hint, "%s", d.buf);
	ok = st == DOCTOR_OK;
	sbuf_free(&d);
	free(sans);
	tlsfile_cert_clear(&info);
out:
	SSL_free(ssl);
	SSL_CTX_free(ctx);
	return ok;
}

/* The plain-text check: the port must answer a Kafka ApiVersions request, not speak TLS. */
static bool doctor_plain_step(struct doctor_report *r, const char *target, int32_t broker, int fd, const char *host,
			      int port, int timeout_ms, int wake_fd)
{
	int64_t t0 = clock_mono_ms();
	enum doctor_answer a = doctor_sniff(fd, timeout_ms, wake_fd);
	int64_t ms = clock_mono_ms() - t0;
	switch (a) {
	case DOCTOR_ANSWER_KAFKA:
		doctor_add(r, target, broker, "tls", DOCTOR_OK, ms, NULL,
			   "not used: the port answers plain Kafka (ApiVersions)");
		return true;
	case DOCTOR_ANSWER_TLS:
		doctor_add(r, target, broker, "tls", DOCTOR_FAILED, ms,
			   "use TLS: --ca FILE or --strimzi-ca DIR (Strimzi's CLUSTER-cluster-ca-cert), or "
			   "-X security.protocol=SSL (SASL_SSL with SASL)",
			   "plain text spoken to a TLS port: %s:%d answered a plain Kafka ApiVersions request with "
			   "a TLS record",
			   host, port);
		return false;
	case DOCTOR_ANSWER_CLOSED:
		doctor_add(r, target, broker, "tls", DOCTOR_FAILED, ms,
			   "a TLS port closes on plain text: try --ca / --strimzi-ca; else check the port",
			   "%s:%d closed the connection on a plain Kafka ApiVersions request", host, port);
		return false;
	case DOCTOR_ANSWER_SILENT:
		doctor_add(r, target, broker, "tls", DOCTOR_FAILED, ms,
			   "the port accepts connections but says nothing: a broker that hangs, or a proxy or load "
			   "balancer with nothing behind it; check that the broker runs, and raise --timeout on a slow "
			   "network",
			   "%s:%d did not answer a plain Kafka ApiVersions request within %d ms", host, port,
			   timeout_ms);
		return false;
	case DOCTOR_ANSWER_STOPPED:
		doctor_add(r, target, broker, "tls", DOCTOR_SKIPPED, ms, NULL,
			   "interrupted while %s:%d had not answered a plain Kafka ApiVersions request", host, port);
		return false;
	case DOCTOR_ANSWER_OTHER:
		break;
	}
	doctor_add(r, target, broker, "tls", DOCTOR_FAILED, ms,
		   "check the port: it may be another service (an HTTP route, a proxy)",
		   "%s:%d answered a Kafka ApiVersions request with something that is not Kafka", host, port);
	return false;
}

static void doctor_skip_rest(struct doctor_report *r, const char *target, int32_t broker, const char *const *steps)
{
	for (; *steps; steps++)
		doctor_add(r, target, broker, *steps, DOCTOR_SKIPPED, -1, NULL, "not run: an earlier step failed");
}

bool doctor_endpoint(struct doctor_report *r, const char *target, int32_t broker, const char *host, int port,
		     const struct doctor_tls *t, int timeout_ms, int wake_fd)
{
	static const char *const after_dns[] = { "tcp", "tls", NULL };
	char ports[16];
	snprintf(ports, sizeof(ports), "%d", port);
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM }, *ai = NULL;
	int64_t t0 = clock_mono_ms();
	int rc = getaddrinfo(host, ports, &hints, &ai);
	int64_t ms = clock_mono_ms() - t0;
	if (rc != 0) {
		const char *hint =
			broker >= 0
				? "the broker advertises a host this machine cannot resolve: its advertised.listeners "
				  "names a host known only elsewhere (inside the cluster, or a route this pod "
				  "cannot see): connect through a listener whose advertised host resolves here "
				  "(Strimzi: the internal listener from pods in the cluster, a route or "
				  "loadbalancer listener from outside)"
				: "a name like CLUSTER-kafka-bootstrap.NAMESPACE.svc resolves only inside the "
				  "cluster: from a pod use the bootstrap service; from outside, an external "
				  "listener (route, loadbalancer, nodeport)";
		doctor_add(r, target, broker, "dns", DOCTOR_FAILED, ms, hint, "cannot resolve `%s`: %s", host,
			   rc == EAI_SYSTEM ? strerror(errno) : gai_strerror(rc));
		doctor_skip_rest(r, target, broker, after_dns);
		return false;
	}
	struct sbuf d = SBUF_INIT;
	int naddr = 0;
	for (const struct addrinfo *p = ai; p; p = p->ai_next) {
		char a[INET6_ADDRSTRLEN + 2];
		doctor_addr_text(p->ai_addr, a, sizeof(a));
		if (naddr++ < 4)
			sbuf_addf(&d, "%s%s", naddr > 1 ? ", " : "", a);
	}
	if (naddr > 4)
		sbuf_addf(&d, " and %d more", naddr - 4);
	doctor_add(r, target, broker, "dns", DOCTOR_OK, ms, NULL, "%s resolves to %s", host, d.buf);
	sbuf_free(&d);

	/* tcp: the addresses in turn, as librdkafka does */
	int fd = -1, err = 0;
	char where[INET6_ADDRSTRLEN + 2] = "";
	t0 = clock_mono_ms();
	for (const struct addrinfo *p = ai; p && fd < 0; p = p->ai_next) {
		doctor_addr_text(p->ai_addr, where, sizeof(where));
		fd = doctor_connect_one(p, timeout_ms, wake_fd);
		err = fd < 0 ? errno : 0;
	}
	freeaddrinfo(ai);
	ms = clock_mono_ms() - t0;
	if (fd < 0) {
		static const char *const after_tcp[] = { "tls", NULL };
		if (err == EINTR) { /* the command was interrupted (wake_fd, a signal): no verdict */
			doctor_add(r, target, broker, "tcp", DOCTOR_SKIPPED, ms, NULL,
				   "interrupted while connecting to %s:%d", where, port);
			doctor_skip_rest(r, target, broker, after_tcp);
			return false;
		}
		const char *hint;
		if (err == ECONNREFUSED)
			hint = "nothing listens there: check the port (Strimzi: 9092 plain, 9093 TLS, or a custom "
			       "listener's port in the Kafka resource) and that the broker runs";
		else if (err == ETIMEDOUT)
			hint = "the packets are dropped: a NetworkPolicy (Strimzi's listeners admit the pods their "
			       "networkPolicyPeers name), a firewall, or a broker that is down; `oc get networkpolicy`";
		else
			hint = "no route to the broker from here: check the network, the address and any NetworkPolicy";
		doctor_add(r, target, broker, "tcp", DOCTOR_FAILED, ms, hint, "cannot connect to %s:%d: %s%s", where,
			   port, err == ETIMEDOUT ? "no answer (timed out)" : strerror(err),
			   err == ECONNREFUSED ? " (refused)" : "");
		doctor_skip_rest(r, target, broker, after_tcp);
		return false;
	}
	doctor_add(r, target, broker, "tcp", DOCTOR_OK, ms, NULL, "connected to %s:%d in %lld ms", where, port,
		   (long long)ms);
	bool ok = t->on ? doctor_tls_step(r, target, broker, fd, host, port, t, timeout_ms, wake_fd)
			: doctor_plain_step(r, target, broker, fd, host, port, timeout_ms, wake_fd);
	close(fd);
	return ok;
}
