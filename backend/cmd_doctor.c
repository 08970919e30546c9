/*
 * doctor: why kcon can or cannot use the cluster, step by step. The probes below librdkafka
 * (dns, tcp, tls) are doctor.c's; here are the login, the metadata, the authorization probe and the
 * clock, through librdkafka, and the rows as data.
 */
#include <stdlib.h>
#include <string.h>

#include "client.h"
#include "client_acl.h"
#include "client_groups.h"
#include "clock.h"
#include "cmd.h"
#include "doctor.h"
#include "model.h"
#include "sbuf.h"
#include "session.h"
#include "tlsfile.h"
#include "xalloc.h"

/* What the doctor works with: the finished settings and the rows so far. */
struct doctor_run {
	struct cmd_ctx *ctx; /* interrupted (Esc, Ctrl-C): no step after the one that runs */
	struct session *s;
	struct conf conf;
	int timeout_ms; /* the session's, copied with conf under its lock (session_settings_copy) */
	bool verbose;
	struct doctor_tls tls;
	struct doctor_report report;
	struct client *client; /* logged in through the first bootstrap address that let us; or NULL */
	struct model *model;   /* its metadata, or the brokers advertised to it when that failed */
	char *metadata_cause;  /* why librdkafka's metadata request failed after the login, or NULL */
	char *login_target;
};

/* The client certificate the settings name, if any: 1 read, 0 none, -1 unreadable (*cause). */
static int doctor_client_cert(const struct conf *c, struct tlsfile_cert *info, const char **file, char **cause)
{
	const char *loc = conf_get(c, "ssl.certificate.location"), *pem = conf_get(c, "ssl.certificate.pem");
	const char *ks = conf_get(c, "ssl.keystore.location");
	*file = loc ? loc : pem ? "ssl.certificate.pem" : ks;
	if (loc || pem)
		return tlsfile_cert_read(loc, loc ? NULL : pem, 0, NULL, "the client certificate", info, cause) < 0 ? -1
														    : 1;
	if (ks)
		return tlsfile_cert_read(ks, NULL, 1, conf_get(c, "ssl.keystore.password"), "the client certificate",
					 info, cause) < 0
			       ? -1
			       : 1;
	return 0;
}

/* Which principal the broker will see, as Kafka's default principal builder names it. */
static char *doctor_principal(const struct conf *c, const struct tlsfile_cert *cert, bool have_cert)
{
	const char *proto = conf_get(c, "security.protocol"), *mech = conf_get(c, "sasl.mechanism");
	bool sasl = proto && strncasecmp(proto, "SASL", 4) == 0;
	if (sasl && mech && strcasecmp(mech, "OAUTHBEARER") == 0)
		return x_strdup("the OAUTHBEARER token's subject");
	if (sasl)
		return x_asprintf("User:%s (%s)", conf_get(c, "sasl.username") ? conf_get(c, "sasl.username") : "?",
				  mech ? mech : "GSSAPI");
	if (have_cert)
		return x_asprintf("User:%s (mutual TLS)", cert->subject);
	return x_strdup("User:ANONYMOUS (no SASL, no client certificate)");
}

/* Why a login failed, from the client's error text, and what to try. */
static const char *doctor_auth_hint(const char *cause, const char *client_hint, bool have_cert, bool sasl)
{
	if (strcasestr(cause, "mechanism") && (strcasestr(cause, "unsupported") || strcasestr(cause, "not enabled") ||
					       strcasestr(cause, "not supported")))
		return "the listener does not offer this SASL mechanism: use one it enables (Strimzi: SCRAM-SHA-512 "
		       "for `authentication: scram-sha-512`, mutual TLS for `tls`) with --sasl-mechanism";
	if (sasl && (strcasestr(cause, "invalid credentials") || strcasestr(cause, "Authentication failed")))
		return client_hint && strstr(client_hint, "SCRAM bug")
			       ? client_hint
			       : "bad credentials: check --user and --password-file (Strimzi: the KafkaUser's secret, "
				 "--strimzi-user DIR) and that the user exists";
	if (strcasestr(cause, "certificate") || strcasestr(cause, "alert")) {
		if (!have_cert)
			return "this listener wants a client certificate (mutual TLS): --cert and --key, or "
			       "--strimzi-user DIR with a TLS KafkaUser's secret";
		return "the broker refused the client certificate: it must be signed by the clients CA the "
		       "listener trusts (Strimzi: a KafkaUser with `authentication: tls`) and not expired";
	}
	return client_hint;
}

/* auth: log in through one bootstrap address with librdkafka and read the metadata. */
static void doctor_auth(struct doctor_run *d, const char *target, const char *addr)
{
	struct tlsfile_cert cert = { 0 };
	const char *file = NULL;
	char *cause = NULL;
	int have = doctor_client_cert(&d->conf, &cert, &file, &cause);
	if (have < 0) {
		doctor_add(&d->report, target, -1, "auth", DOCTOR_FAILED, -1,
			   "check --cert, or the user.crt/user.p12 of --strimzi-user", "%s", cause);
		free(cause);
		return;
	}
	const char *proto = conf_get(&d->conf, "security.protocol");
	bool sasl = proto && strncasecmp(proto, "SASL", 4) == 0;
	char *who = doctor_principal(&d->conf, &cert, have > 0);
	struct conf one;
	conf_copy(&one, &d->conf);
	free(one.bootstrap);
	one.bootstrap = x_strdup(addr);
	conf_set(&one, "bootstrap.servers", addr);
	struct err e = { 0 };
	int64_t t0 = clock_mono_ms();
	struct client *c = client_new(&one, d->timeout_ms, d->verbose, &d->s->note, &e);
	struct model *m = NULL;
	/* The login is judged by the bootstrap connection alone: librdkafka (>= 2.10) drops it after
	   the first Metadata response, so the request below may go to an advertised broker, and fail
	   there; the metadata step says which. */
	if (c && client_metadata(c, 0, &m, &e) != CMD_OK) {
		if (client_logged_in(c)) {
			d->metadata_cause = x_strdup(e.cause);
			m = client_advertised(c);
			err_clear(&e);
		} else {
			client_free(&c);
		}
	}
	int64_t ms = clock_mono_ms() - t0;
	struct sbuf sb = SBUF_INIT;
	if (have > 0) {
		if (cert.days_left >= 0)
			sbuf_addf(&sb, "; client certificate %s expires in %ld days (%s)", file, cert.days_left,
				  cert.not_after);
		else
			sbuf_addf(&sb, "; client certificate %s EXPIRED %ld days ago (%s)", file, -cert.days_left,
				  cert.not_after);
	}
	const char *expired_hint = "renew the client certificate (Strimzi renews a KafkaUser's certificate: "
				   "extract its secret again); `openssl x509 -enddate -noout -in FILE` shows the date";
	if (c == NULL) {
		const char *hint = have > 0 && cert.days_left < 0 ? expired_hint
								  : doctor_auth_hint(e.cause, e.hint, have > 0, sasl);
		doctor_add(&d->report, target, -1, "auth", DOCTOR_FAILED, ms, hint, "login as %s failed: %s%s", who,
			   e.cause, sb.buf ? sb.buf : "");
	} else {
		bool expired = have > 0 && cert.days_left < 0;
		doctor_add(&d->report, target, -1, "auth", expired ? DOCTOR_FAILED : DOCTOR_OK, ms,
			   expired ? expired_hint : NULL, "logged in as %s%s", who, sb.buf ? sb.buf : "");
		d->client = c;
		d->model = m;
		d->login_target = x_strdup(target);
	}
	sbuf_free(&sb);
	err_clear(&e);
	free(who);
	conf_clear(&one);
	tlsfile_cert_clear(&cert);
}

/* Whether the command was interrupted: the step that runs ends, and no other starts. */
static bool doctor_stopped(const struct doctor_run *d)
{
	return atomic_load(&d->ctx->interrupt);
}

/* metadata: every broker the metadata names must resolve and answer from here. */
static bool doctor_metadata(struct doctor_run *d)
{
	const struct model *m = d->model;
	if (m == NULL) { /* logged in, but no Metadata response came */
		doctor_add(&d->report, "cluster", -1, "metadata", DOCTOR_FAILED, -1,
			   "the login passed but the cluster sent no broker list: check that the brokers are up, "
			   "and raise --timeout on a slow network",
			   "no metadata from %s: %s", d->login_target, d->metadata_cause);
		return false;
	}
	struct doctor_report brokers = { 0 };
	struct sbuf list = SBUF_INIT, bad = SBUF_INIT;
	int nbad = 0;
	int64_t t0 = clock_mono_ms();
	for (int i = 0; i < m->nbrokers && !doctor_stopped(d); i++) {
		const struct model_broker *b = &m->brokers[i];
		char *target = x_asprintf("broker %d %s:%d", (int)b->id, b->host, b->port);
		size_t first = brokers.n;
		bool ok = doctor_endpoint(&brokers, target, b->id, b->host, b->port, &d->tls, d->timeout_ms,
					  d->ctx->wake_fd);
		sbuf_addf(&list, "%s%d at %s:%d", i ? ", " : "", (int)b->id, b->host, b->port);
		if (!ok) {
			const char *step = "connect";
			for (size_t k = first; k < brokers.n; k++)
				if (brokers.rows[k].status == DOCTOR_FAILED) {
					step = brokers.rows[k].step;
					break;
				}
			sbuf_addf(&bad, "%sbroker %d advertises %s:%d, which %s from here", nbad ? "; " : "",
				  (int)b->id, b->host, b->port,
				  strcmp(step, "dns") == 0   ? "does not resolve"
				  : strcmp(step, "tcp") == 0 ? "does not accept a connection"
							     : "fails the TLS check");
			nbad++;
		}
		free(target);
	}
	int64_t ms = clock_mono_ms() - t0;
	if (doctor_stopped(d)) /* the brokers checked so far, and no verdict */
		;
	else if (nbad)
		doctor_add(&d->report, "cluster", -1, "metadata", DOCTOR_FAILED, ms,
			   "the brokers' advertised.listeners name addresses this machine cannot use: clients follow "
			   "them after the bootstrap. Use the listener made for where you are (Strimzi: the internal "
			   "listener from a pod in the cluster, a route/loadbalancer/nodeport listener from outside), "
			   "or fix the listener's advertisedHost",
			   "%s (metadata from %s)", bad.buf, d->login_target);
	else if (d->metadata_cause) /* every broker answers the doctor, yet librdkafka's request failed */
		doctor_add(&d->report, "cluster", -1, "metadata", DOCTOR_FAILED, ms,
			   "each advertised broker resolves and connects from here: retry, and raise --timeout on a "
			   "slow network",
			   "%d broker%s advertised (%s), but the metadata request failed: %s", m->nbrokers,
			   m->nbrokers == 1 ? "" : "s", list.buf ? list.buf : "none", d->metadata_cause);
	else
		doctor_add(&d->report, "cluster", -1, "metadata", DOCTOR_OK, ms, NULL,
			   "%d broker%s advertised (%s), controller %d; each resolves and connects from here",
			   m->nbrokers, m->nbrokers == 1 ? "" : "s", list.buf ? list.buf : "none", (int)m->controller);
	doctor_report_move(&d->report, &brokers);
	sbuf_free(&list);
	sbuf_free(&bad);
	return nbad == 0 && d->metadata_cause == NULL && !doctor_stopped(d);
}

static void doctor_send_acls(struct client *c, rd_kafka_AdminOptions_t *o, rd_kafka_queue_t *q, void *ud)
{
	rd_kafka_DescribeAcls(client_rk(c), ud, o, q);
}

/*
 * DescribeAcls for everything: the count, or the error (not authorized, no authorizer).
 * DescribeCluster says besides what the principal may do on the cluster (doctor_authz).
 */
static rd_kafka_resp_err_t doctor_acls(struct client *c, size_t *n)
{
	char errstr[256];
	*n = 0;
	rd_kafka_AclBindingFilter_t *f = rd_kafka_AclBindingFilter_new(
		RD_KAFKA_RESOURCE_ANY, NULL, RD_KAFKA_RESOURCE_PATTERN_ANY, NULL, NULL, RD_KAFKA_ACL_OPERATION_ANY,
		RD_KAFKA_ACL_PERMISSION_TYPE_ANY, errstr, sizeof(errstr));
	if (f == NULL)
		return RD_KAFKA_RESP_ERR__INVALID_ARG;
	struct err e = { 0 };
	/* the result as it comes, its error read here: the code says what the principal may do */
	struct client_admin_pending *p =
		client_admin_start(c, &(struct client_admin_req){ .op = RD_KAFKA_ADMIN_OP_DESCRIBEACLS,
								  .what = "describe ACLs",
								  .send = doctor_send_acls,
								  .ud = f });
	rd_kafka_event_t *ev = client_admin_next(c, p, &e);
	rd_kafka_resp_err_t err = ev ? rd_kafka_event_error(ev) : RD_KAFKA_RESP_ERR__TIMED_OUT;
	if (ev && !err)
		rd_kafka_DescribeAcls_result_acls(rd_kafka_event_DescribeAcls_result(ev), n);
	if (ev)
		rd_kafka_event_destroy(ev);
	client_admin_end(&p);
	err_clear(&e);
	rd_kafka_AclBinding_destroy(f) /* a filter is a binding */;
	return err;
}

/* authz: what this principal may see of the cluster, its topics and its groups. */
static void doctor_authz(struct doctor_run *d)
{
	struct client *c = d->client;
	const struct model *m = d->model;
	int64_t t0 = clock_mono_ms();
	struct sbuf sb = SBUF_INIT;
	int seen = 0;

	/* cluster: DescribeConfigs of a broker needs DESCRIBE_CONFIGS on the cluster */
	struct client_config *cfg = NULL;
	int ncfg = 0;
	struct err e = { 0 };
	char id[16];
	snprintf(id, sizeof(id), "%d", m->nbrokers ? (int)m->brokers[0].id : 0);
	if (client_configs(c, RD_KAFKA_RESOURCE_BROKER, id, &cfg, &ncfg, &e) == CMD_OK) {
		sbuf_addf(&sb, "cluster: broker %s's configs readable", id);
		seen++;
	} else {
		sbuf_add(&sb, strcasestr(e.cause, "authoriz") ? "cluster: broker configs denied"
							      : "cluster: broker configs not read");
	}
	client_configs_free(&cfg, ncfg);
	err_clear(&e);
	size_t nacl = 0;
	rd_kafka_resp_err_t aerr = doctor_acls(c, &nacl);
	if (aerr == RD_KAFKA_RESP_ERR_NO_ERROR && nacl > 0) {
		sbuf_addf(&sb, ", %zu ACLs visible", nacl);
		seen++;
	} else if (aerr == RD_KAFKA_RESP_ERR_NO_ERROR) {
		/* a denied DescribeAcls comes back as an empty list (librdkafka 2.14 too) */
		sbuf_add(&sb, ", no ACLs visible (none, or denied)");
	} else if (aerr == RD_KAFKA_RESP_ERR_SECURITY_DISABLED) {
		sbuf_add(&sb, ", no authorizer (everyone may do everything)");
		seen++;
	} else {
		sbuf_addf(&sb, ", ACLs %s",
			  aerr == RD_KAFKA_RESP_ERR_CLUSTER_AUTHORIZATION_FAILED ? "denied" : rd_kafka_err2str(aerr));
	}

	/* cluster: what the broker says the principal may do there (DescribeCluster) */
	json_t *ops = client_cluster_ops(c);
	if (ops && json_array_size(ops) > 0) {
		sbuf_add(&sb, ", may ");
		for (size_t i = 0; i < json_array_size(ops); i++)
			sbuf_addf(&sb, "%s%s", i ? "," : "", json_string_value(json_array_get(ops, i)));
		sbuf_add(&sb, " on the cluster");
	} else if (ops) {
		sbuf_add(&sb, ", may do nothing on the cluster");
	}
	json_decref(ops);

	/* topics: metadata lists only the topics the principal may describe */
	sbuf_addf(&sb, "; topics: %d visible", m->ntopics);
	seen += m->ntopics > 0;

	/* groups: ListGroups lists only the groups it may describe */
	struct group_info *g = NULL;
	int ng = 0;
	if (client_groups_list(c, &g, &ng, &e) == CMD_OK) {
		sbuf_addf(&sb, "; groups: %d visible", ng);
		seen += ng > 0;
	} else {
		sbuf_addf(&sb, "; groups: %s", strcasestr(e.cause, "authoriz") ? "denied" : e.cause);
	}
	client_groups_free(&g, ng);
	err_clear(&e);
	int64_t ms = clock_mono_ms() - t0;
	char *who = NULL;
	struct tlsfile_cert cert = { 0 };
	const char *file;
	char *cause = NULL;
	int have = doctor_client_cert(&d->conf, &cert, &file, &cause);
	who = doctor_principal(&d->conf, &cert, have > 0);
	if (doctor_stopped(d)) /* its requests ended "interrupted": no verdict */
		;
	else if (seen == 0)
		doctor_add(&d->report, "cluster", -1, "authz", DOCTOR_FAILED, ms,
			   "the principal may log in but see nothing: it has no ACLs (or none that allow Describe). "
			   "Ask an admin for Describe on the topics and groups it uses (Strimzi: the KafkaUser's "
			   "spec.authorization.acls), or log in as another user",
			   "%s may see nothing: %s", who, sb.buf);
	else
		doctor_add(&d->report, "cluster", -1, "authz", DOCTOR_OK, ms, NULL, "%s: %s", who, sb.buf);
	free(who);
	free(cause);
	tlsfile_cert_clear(&cert);
	sbuf_free(&sb);
}

/*
 * clock: Kafka's protocol carries no broker time (no Date, nothing in ApiVersions or Metadata, and
 * TLS server hellos send random bytes where TLS 1.0 had a time), and a probe that writes a record
 * to read its LogAppendTime would change the cluster. So the skew is not measured; the TLS step's
 * "not valid yet" is the only sign of a clock far behind.
 */
static void doctor_clock(struct doctor_run *d)
{
	char now[32];
	clock_iso(now, clock_wall_ms());
	doctor_add(&d->report, "cluster", -1, "clock", DOCTOR_SKIPPED, -1,
		   "compare `date -u` here with a broker's (oc exec CLUSTER-kafka-0 -- date -u); Kafka checks no "
		   "client clock, but TLS certificates and SCRAM/OAUTH tokens do",
		   "not measurable: Kafka's protocol carries no broker time; this machine says %s", now);
}

static json_t *doctor_json(const struct doctor_report *r)
{
	json_t *rows = json_array();
	for (size_t i = 0; i < r->n; i++) {
		const struct doctor_row *w = &r->rows[i];
		json_array_append_new(rows,
				      json_pack("{s:s,s:o,s:s,s:s,s:s,s:s?,s:o}", "target", w->target, "broker",
						w->broker >= 0 ? json_integer(w->broker) : json_null(), "step", w->step,
						"status", doctor_status_name(w->status), "detail", w->detail, "hint",
						w->hint, "ms", w->ms >= 0 ? json_integer(w->ms) : json_null()));
	}
	size_t failed = doctor_failures(r);
	return json_pack("{s:b,s:I,s:o}", "ok", failed == 0, "failed", (json_int_t)failed, "rows", rows);
}

static int cmd_doctor_exec(struct cmd_ctx *ctx)
{
	/* On a thread of its own (CMD_OWN_THREAD): the settings are copied under the session's lock. */
	struct doctor_run d = { .ctx = ctx, .s = ctx->session };
	char *cause = NULL;
	int64_t t0 = clock_mono_ms();
	session_settings_copy(ctx->session, &d.conf, &d.timeout_ms, &d.verbose);
	if (conf_finish(&d.conf, &cause) < 0) {
		conf_clear(&d.conf);
		int st = cmd_fail(ctx, CMD_USAGE, NULL, "%s", cause);
		free(cause);
		return st;
	}
	doctor_tls_of(&d.conf, &d.tls);
	char *list = x_strdup(d.conf.bootstrap), *save = NULL;
	for (char *a = strtok_r(list, ",", &save); a && !doctor_stopped(&d); a = strtok_r(NULL, ",", &save)) {
		char *host = NULL, *target = NULL;
		int port = 0;
		if (doctor_hostport(a, &host, &port, &cause) < 0) {
			doctor_add(&d.report, a, -1, "dns", DOCTOR_FAILED, -1, "fix -b, KCON_BOOTSTRAP or the profile",
				   "%s", cause);
			x_free(&cause);
			continue;
		}
		target = x_asprintf("bootstrap %s:%d", host, port);
		char *addr = x_asprintf(strchr(host, ':') ? "[%s]:%d" : "%s:%d", host, port);
		if (doctor_endpoint(&d.report, target, -1, host, port, &d.tls, d.timeout_ms, ctx->wake_fd) &&
		    !doctor_stopped(&d))
			doctor_auth(&d, target, addr);
		else
			doctor_add(&d.report, target, -1, "auth", DOCTOR_SKIPPED, -1, NULL,
				   doctor_stopped(&d) ? "not run: interrupted" : "not run: an earlier step failed");
		if (d.client) { /* one login is enough: the other addresses get the connection steps only */
			free(host), free(target), free(addr);
			break;
		}
		free(host), free(target), free(addr);
	}
	free(list);
	if (doctor_stopped(&d)) {
		/* the rows so far, and no more */
	} else if (d.client == NULL) {
		doctor_add(&d.report, "cluster", -1, "metadata", DOCTOR_SKIPPED, -1, NULL,
			   "not run: no bootstrap address let kcon log in");
		doctor_add(&d.report, "cluster", -1, "authz", DOCTOR_SKIPPED, -1, NULL, "not run: no login");
	} else if (doctor_metadata(&d)) {
		doctor_authz(&d);
	} else if (!doctor_stopped(&d)) {
		doctor_add(&d.report, "cluster", -1, "authz", DOCTOR_SKIPPED, -1, NULL,
			   "not run: requests go to the advertised brokers, which cannot be reached");
	}
	bool stopped = doctor_stopped(&d);
	if (!stopped)
		doctor_clock(&d);

	size_t failed = doctor_failures(&d.report);
	const struct doctor_row *first = NULL;
	for (size_t i = 0; i < d.report.n && first == NULL; i++)
		if (d.report.rows[i].status == DOCTOR_FAILED)
			first = &d.report.rows[i];
	int status = cmd_ok(ctx, doctor_json(&d.report));
	size_t done = 0;
	for (size_t i = 0; i < d.report.n; i++)
		done += d.report.rows[i].status != DOCTOR_SKIPPED;
	if (stopped)
		status = cmd_fail(ctx, CMD_FAILED, NULL, "doctor: interrupted after %.1f s, %zu step%s done",
				  (double)(clock_mono_ms() - t0) / 1000.0, done, done == 1 ? "" : "s");
	else if (first)
		status = cmd_fail(ctx, CMD_UNREACHABLE, first->hint, "%zu step%s failed, first %s %s: %s", failed,
				  failed == 1 ? "" : "s", first->target, first->step, first->detail);
	doctor_report_clear(&d.report);
	model_unref(&d.model);
	client_free(&d.client);
	free(d.login_target);
	free(d.metadata_cause);
	conf_clear(&d.conf);
	return status;
}

static const struct out_col doctor_cols[] = {
	{ "target", "target", 0 },
	{ "step", "step", 0 },
	{ "status", "status", 0 },
	{ "detail", "detail", 0 },
	{ "ms", "ms", OUT_RIGHT | OUT_WIDE },
	{ "hint", "hint", OUT_WIDE },
	{ 0 },
};
static const struct out_table doctor_tables[] = { { "rows", doctor_cols }, { 0 } };
static const struct out_view doctor_view = { .tables = doctor_tables };

const struct cmd_entry cmd_doctor_table[] = {
	{
		.name = "doctor",
		.group = "cluster",
		.help = "check the connection step by step: DNS, TCP, TLS, login, advertised brokers, ACLs, clock",
		.doc = "For each bootstrap address, then for each broker the metadata advertises, one row per step, "
		       "each ok, failed (with the cause and a hint) or skipped: dns (the name resolves), tcp (a "
		       "connection, timed), tls (with TLS: the handshake with OpenSSL, the server certificate's "
		       "subject, SANs against the host name, issuer, days to expiry, and whether the CA verifies it; "
		       "TLS spoken to a plain port and plain text to a TLS port are recognised; without TLS: the port "
		       "must answer a plain Kafka ApiVersions request), auth (the login through librdkafka, naming "
		       "the principal and the client certificate's expiry), metadata (every advertised broker "
		       "resolves and connects from here), authz (what the principal may see: broker configs, ACLs, "
		       "what the broker says it may do on the cluster (DescribeCluster), topics, groups; fails when it "
		       "may see nothing) and clock (not measurable: Kafka's protocol "
		       "carries no broker time). Exit 0 when no step failed, 3 when one did. Each wait (a connection, "
		       "an "
		       "answer, the login) lasts up to --timeout; Ctrl-C (Esc in the TUI, where it runs beside the "
		       "views) ends it after the step that runs, with the rows so far and exit 1. "
		       "JSON: {ok, failed, rows: [{target, broker (id or null), step "
		       "(dns|tcp|tls|auth|metadata|authz|clock), status (ok|failed|skipped), detail, hint (or "
		       "null), ms (or null)}]}",
		/* its steps wait up to --timeout each: on a thread of its own, and Esc or Ctrl-C ends it
		   after the step that runs (a connection or an answer it waits for, at once) */
		.flags = CMD_READ_ONLY | CMD_NEEDS_CLUSTER | CMD_OWN_THREAD | CMD_INTERRUPT,
		.view = &doctor_view,
		.exec = cmd_doctor_exec,
	},
	{ 0 },
};
