/* Cluster and topic commands: cluster, brokers, topics, topic describe|create|delete. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "clock.h"
#include "client.h"
#include "client_acl.h"
#include "cmd.h"
#include "demo.h"
#include "names.h"
#include "offline.h"
#include "session.h"
#include "spark.h"
#include "store.h"
#include "xalloc.h"

/* Where a command's metadata came from: the client (fresh), or the store's last snapshot (stale). */
struct cluster_src {
	struct client *c; /* NULL when stale */
	struct offline_stale stale;
	int status; /* CMD_UNREACHABLE when the cluster did not answer and the snapshot stands in */
	struct err e;
};

/*
 * Metadata through offline_metadata(): fresh, or the last snapshot with --offline or when the
 * cluster is unreachable. NULL after cmd_fail() when there is neither.
 */
static struct model *cluster_model(struct cmd_ctx *ctx, struct cluster_src *src)
{
	struct model *m = NULL;
	memset(src, 0, sizeof(*src));
	src->status = offline_metadata(ctx->session, cmd_has(ctx, "stored"), &src->c, &m, &src->stale, &src->e);
	if (m == NULL) {
		cmd_fail(ctx, src->e.status, src->e.hint, "%s", src->e.cause);
		err_clear(&src->e);
	}
	return m;
}

/* The topics list's rows of a fresh model, in its order (by name), as the store keeps them. */
static struct store_topic_row *cluster_topic_rows(const struct model *m)
{
	struct store_topic_row *rows = x_calloc((size_t)m->ntopics + 1, sizeof(*rows));
	for (int i = 0; i < m->ntopics; i++) {
		const struct model_topic *t = &m->topics[i];
		rows[i] = (struct store_topic_row){ .name = x_strdup(t->name),
						    .partitions = t->npartitions,
						    .replication_factor = t->replication_factor,
						    .under_replicated = t->under_replicated,
						    .offline = t->offline };
	}
	return rows;
}

static void cluster_topic_rows_free(struct store_topic_row *rows, int n)
{
	struct store_rows r = { .topics = rows, .ntopics = n };
	store_rows_clear(&r);
}

/*
 * Like cluster_model(), but when the store stands in (--stored, --offline, unreachable), *rows gets
 * its compact rows and no model is rebuilt from the snapshot's document. -1 after cmd_fail() when
 * there is neither; else 0 with *m (fresh) or *rows (stale).
 */
static int cluster_rows(struct cmd_ctx *ctx, struct cluster_src *src, struct model **m, struct store_rows *rows)
{
	memset(src, 0, sizeof(*src));
	*m = NULL;
	src->status =
		offline_metadata_rows(ctx->session, cmd_has(ctx, "stored"), &src->c, m, rows, &src->stale, &src->e);
	if (*m == NULL && !src->stale.stale) {
		cmd_fail(ctx, src->e.status, src->e.hint, "%s", src->e.cause);
		err_clear(&src->e);
		return -1;
	}
	return 0;
}

/*
 * The result o of a command: as it is when fresh; else with a "stale" member, and, when the
 * cluster did not answer, its status and cause too (the face shows the data and exits 3).
 */
static int cluster_done(struct cmd_ctx *ctx, struct cluster_src *src, json_t *o)
{
	int status = CMD_OK;
	if (src->stale.stale)
		json_object_set_new(o, "stale", offline_stale_json(&src->stale));
	status = cmd_ok(ctx, o);
	if (status == CMD_OK && src->status != CMD_OK)
		status = cmd_fail(ctx, src->status, src->e.hint, "%s", src->e.cause);
	offline_stale_clear(&src->stale);
	err_clear(&src->e);
	return status;
}

/* Drops what src holds when the command fails on its own. */
static void cluster_src_clear(struct cluster_src *src)
{
	offline_stale_clear(&src->stale);
	err_clear(&src->e);
}

static json_t *cluster_ids(const int32_t *ids, int n)
{
	json_t *a = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(a, json_integer(ids[i]));
	return a;
}

static int cluster_under_min_isr(const struct model_topic *t, int min_isr)
{
	int n = 0;
	for (int p = 0; p < t->npartitions; p++)
		n += !t->partitions[p].offline && t->partitions[p].nisr < min_isr;
	return n;
}

/*
 * Partitions whose leader is not their preferred replica (the first of their replicas), led by
 * another broker or by none; only those whose preferred replica is broker when broker >= 0.
 * `leaders elect` moves them back.
 */
static long cluster_not_preferred(const struct model *m, int32_t broker)
{
	long n = 0;
	for (int i = 0; i < m->ntopics; i++)
		for (int p = 0; p < m->topics[i].npartitions; p++) {
			const struct model_partition *mp = &m->topics[i].partitions[p];
			n += mp->nreplicas > 0 && mp->leader != mp->replicas[0] &&
			     (broker < 0 || mp->replicas[0] == broker);
		}
	return n;
}

/* --- cluster ------------------------------------------------------------------------------ */

/* The cluster's counts from a fresh model; under_min_isr from the configs of the topics short of ISRs. */
static json_t *cluster_of_model(struct cmd_ctx *ctx, struct cluster_src *src, struct model *m)
{
	/*
	 * Only a topic with a partition whose ISR is short of its replicas can have fallen under
	 * min.insync.replicas: ask for the configs of those alone (none on a healthy cluster; asking
	 * for all of 1,000 topics took 1.9 s). `topics --under-min-isr` checks every topic, which also
	 * finds topics whose replication factor is below their min.insync.replicas.
	 */
	bool *shrunk = x_calloc((size_t)m->ntopics + 1, sizeof(bool));
	bool any = false;
	for (int i = 0; i < m->ntopics; i++)
		any |= shrunk[i] = m->topics[i].under_replicated > 0;
	int *min = src->c && any ? client_min_isr(src->c, m, shrunk) : NULL;
	if (src->c && !any)
		min = x_calloc((size_t)m->ntopics + 1, sizeof(int)); /* nothing short: nothing under */
	free(shrunk);
	json_t *umi = json_null();
	if (min) {
		long n = 0;
		for (int i = 0; i < m->ntopics; i++)
			n += cluster_under_min_isr(&m->topics[i], min[i]);
		umi = json_integer(n);
		free(min);
	}
	json_t *o =
		json_pack("{s:s?,s:i,s:s?,s:i,s:i,s:I,s:I,s:I,s:o,s:o}", "cluster_id", m->cluster_id, "controller",
			  m->controller, "bootstrap", src->c ? client_bootstrap(src->c) : ctx->session->conf.bootstrap,
			  "brokers", m->nbrokers, "topics", m->ntopics, "partitions", (json_int_t)m->npartitions,
			  "under_replicated", (json_int_t)m->under_replicated, "offline", (json_int_t)m->offline,
			  "under_min_isr", umi, "fetched_at", clock_json(m->fetched_ms));
	if (m->cluster_id == NULL)
		json_object_set_new(o, "cluster_id", json_null());
	json_object_set_new(o, "not_preferred", json_integer(cluster_not_preferred(m, -1)));
	return o;
}

/* The cluster's counts from the store's compact rows (the title bar's first paint: `cluster --stored`). */
static json_t *cluster_of_rows(struct cmd_ctx *ctx, const struct store_rows *r, int64_t seen_ms)
{
	long partitions = 0, urp = 0, offline = 0, not_preferred = 0;
	for (int i = 0; i < r->ntopics; i++) {
		partitions += r->topics[i].partitions;
		urp += r->topics[i].under_replicated;
		offline += r->topics[i].offline;
		not_preferred += r->topics[i].not_preferred;
	}
	return json_pack("{s:o,s:i,s:s?,s:i,s:i,s:I,s:I,s:I,s:n,s:o,s:I}", "cluster_id",
			 r->cluster_id ? json_string(r->cluster_id) : json_null(), "controller", r->controller,
			 "bootstrap", ctx->session->conf.bootstrap, "brokers", r->brokers, "topics", r->ntopics,
			 "partitions", (json_int_t)partitions, "under_replicated", (json_int_t)urp, "offline",
			 (json_int_t)offline, "under_min_isr", "fetched_at", clock_json(seen_ms), "not_preferred",
			 (json_int_t)not_preferred);
}

static int cmd_cluster_exec(struct cmd_ctx *ctx)
{
	struct cluster_src src;
	struct model *m;
	struct store_rows rows;
	if (cluster_rows(ctx, &src, &m, &rows) < 0)
		return ctx->status;
	json_t *o;
	if (m == NULL) {
		o = cluster_of_rows(ctx, &rows, src.stale.seen_ms);
		store_rows_clear(&rows);
	} else {
		o = cluster_of_model(ctx, &src, m);
		model_unref(&m);
	}
	const char *profile = ctx->session->conf.profile; /* the TUI's title bar shows it */
	json_object_set_new(o, "profile", profile ? json_string(profile) : json_null());
	return cluster_done(ctx, &src, o);
}

static const struct out_col cluster_fields[] = {
	{ "cluster_id", "Cluster", 0 },
	{ "bootstrap", "Bootstrap", 0 },
	{ "controller", "Controller", 0 },
	{ "brokers", "Brokers", 0 },
	{ "topics", "Topics", 0 },
	{ "partitions", "Partitions", 0 },
	{ "under_replicated", "Under-replicated", 0 },
	{ "offline", "Offline", 0 },
	{ "under_min_isr", "Under min ISR", 0 },
	{ "not_preferred", "Not on preferred leader", 0 },
	{ "fetched_at", "Fetched at", 0 },
	{ 0 },
};
static const struct out_view cluster_view = { .fields = cluster_fields };

/* --- brokers ------------------------------------------------------------------------------ */

static int cmd_brokers_exec(struct cmd_ctx *ctx)
{
	struct cluster_src src;
	struct model *m = cluster_model(ctx, &src);
	if (m == NULL)
		return ctx->status;
	/* the Metadata kcon reads carries no rack: one DescribeCluster names them */
	char **racks = x_calloc((size_t)m->nbrokers + 1, sizeof(char *));
	struct err e = { 0 };
	if (src.c)
		client_broker_racks(src.c, m, racks, &e);
	err_clear(&e);
	json_t *a = json_array();
	for (int i = 0; i < m->nbrokers; i++) {
		const struct model_broker *b = &m->brokers[i];
		json_array_append_new(a, json_pack("{s:i,s:s,s:i,s:s?,s:b,s:I}", "id", b->id, "host", b->host, "port",
						   b->port, "rack", racks[i], "controller", b->id == m->controller,
						   "not_preferred", (json_int_t)cluster_not_preferred(m, b->id)));
		free(racks[i]);
	}
	free(racks);
	model_unref(&m);
	return cluster_done(ctx, &src, json_pack("{s:o}", "brokers", a));
}

static const struct out_col brokers_cols[] = {
	{ "id", "id", OUT_RIGHT },
	{ "host", "host", 0 },
	{ "port", "port", OUT_RIGHT },
	{ "rack", "rack", 0 },
	{ "controller", "controller", 0 },
	{ "not_preferred", "not_preferred", OUT_RIGHT },
	{ 0 },
};
static const struct out_table brokers_tables[] = { { "brokers", brokers_cols }, { 0 } };
static const struct out_view brokers_view = { .tables = brokers_tables };

/* --- topics ------------------------------------------------------------------------------- */

/* Each topic's stored rate over the last hour as a sparkline: when asked, or in tables on a terminal. */
static void cluster_sparklines(struct cmd_ctx *ctx, json_t *topics)
{
	bool utf8;
	if (!ctx->session->no_history &&
	    spark_wanted(ctx->session, ctx->args.output, cmd_has(ctx, "sparklines"), &utf8))
		spark_rows(ctx->session, SPARK_RATE, topics, "name", utf8);
}

static int cmd_topics_exec(struct cmd_ctx *ctx)
{
	struct cluster_src src;
	const char *pattern = cmd_arg(ctx, "pattern");
	bool internal = cmd_has(ctx, "internal"), urp = cmd_has(ctx, "under-replicated"),
	     offline = cmd_has(ctx, "offline"), umi = cmd_has(ctx, "under-min-isr");
	/*
	 * When the store stands in, its compact topic rows, not the snapshot's document: the TUI's first
	 * frame (`topics --stored`) at 100,000 partitions. --under-min-isr needs the cluster anyway.
	 */
	struct model *m = NULL;
	struct store_rows stored = { 0 };
	if (cluster_rows(ctx, &src, &m, umi ? NULL : &stored) < 0)
		return ctx->status;
	int n = m ? m->ntopics : stored.ntopics;
	struct store_topic_row *rows = m ? cluster_topic_rows(m) : stored.topics;
	stored.topics = NULL;
	stored.ntopics = 0;
	store_rows_clear(&stored);
	bool *want = x_calloc((size_t)n + 1, sizeof(bool));
	for (int i = 0; i < n; i++) {
		const struct store_topic_row *t = &rows[i];
		bool is_internal = model_topic_is_internal(t->name);
		want[i] = (internal || !is_internal || (pattern && strcmp(pattern, t->name) == 0)) &&
			  names_match(pattern, t->name) && (!urp || t->under_replicated) && (!offline || t->offline);
	}
	int *min = NULL;
	if (umi) {
		min = src.c && m ? client_min_isr(src.c, m, want) : NULL;
		if (min == NULL) {
			free(want);
			model_unref(&m);
			cluster_topic_rows_free(rows, n);
			cluster_src_clear(&src);
			if (src.c == NULL)
				return cmd_fail(
					ctx, src.status ? src.status : CMD_UNREACHABLE,
					"leave out --under-min-isr to see the stored topics",
					"--under-min-isr needs the cluster: the stored snapshot has no configs");
			return cmd_fail(ctx, CMD_FAILED,
					"the user needs DescribeConfigs on the topics; the --demo cluster cannot "
					"describe configs",
					"--under-min-isr: the cluster did not return min.insync.replicas");
		}
	}
	json_t *a = json_array();
	for (int i = 0; i < n; i++) {
		const struct store_topic_row *t = &rows[i];
		int under = min ? cluster_under_min_isr(&m->topics[i], min[i]) : 0;
		if (!want[i] || (umi && under == 0))
			continue;
		/* Built member by member: json_pack's format, parsed per row, was a fifth of a 10,000-topic list. */
		json_t *o = json_object();
		json_object_set_new_nocheck(o, "name", json_string(t->name));
		json_object_set_new_nocheck(o, "partitions", json_integer(t->partitions));
		json_object_set_new_nocheck(o, "replication_factor", json_integer(t->replication_factor));
		json_object_set_new_nocheck(o, "under_replicated", json_integer(t->under_replicated));
		json_object_set_new_nocheck(o, "offline", json_integer(t->offline));
		json_object_set_new_nocheck(o, "internal", json_boolean(model_topic_is_internal(t->name)));
		if (min)
			json_object_set_new(o, "under_min_isr", json_integer(under));
		json_array_append_new(a, o);
	}
	free(min);
	free(want);
	cluster_topic_rows_free(rows, n);
	model_unref(&m);
	cluster_sparklines(ctx, a);
	return cluster_done(ctx, &src, json_pack("{s:o}", "topics", a));
}

static const struct out_col topics_cols[] = {
	{ "name", "name", 0 },
	{ "partitions", "partitions", OUT_RIGHT },
	{ "replication_factor", "rf", OUT_RIGHT },
	{ "under_replicated", "under_repl", OUT_RIGHT },
	{ "offline", "offline", OUT_RIGHT },
	{ "under_min_isr", "under_min_isr", OUT_RIGHT | OUT_WIDE },
	{ "internal", "internal", OUT_WIDE },
	{ "sparkline", "msg/s 1h", OUT_WIDE | OUT_TEXT },
	{ 0 },
};
static const struct out_table topics_tables[] = { { "topics", topics_cols }, { 0 } };
static const struct out_view topics_view = { .tables = topics_tables };

/* --- topic describe ------------------------------------------------------------------------ */

static const char *cluster_partition_status(const struct model_partition *p, int min_isr)
{
	if (p->offline)
		return "offline";
	if (min_isr > 0 && p->nisr < min_isr)
		return "under-min-isr";
	if (p->under_replicated)
		return "under-replicated";
	return "ok";
}

/* Watermarks of every partition of t into lo and hi: two batched ListOffsets asked at once. */
static int cluster_watermarks(struct client *c, const struct model_topic *t, rd_kafka_topic_partition_list_t *lo,
			      rd_kafka_topic_partition_list_t *hi, struct err *e)
{
	for (int p = 0; p < t->npartitions; p++) {
		rd_kafka_topic_partition_list_add(lo, t->name, t->partitions[p].id)->offset = RD_KAFKA_OFFSET_BEGINNING;
		rd_kafka_topic_partition_list_add(hi, t->name, t->partitions[p].id)->offset = RD_KAFKA_OFFSET_END;
	}
	return client_list_offsets_both(c, lo, hi, e);
}

static int cmd_topic_describe_exec(struct cmd_ctx *ctx)
{
	struct cluster_src src;
	const char *name = cmd_arg(ctx, "topic");
	struct model *m = cluster_model(ctx, &src);
	if (m == NULL)
		return ctx->status;
	const struct model_topic *t = model_topic_find(m, name);
	if (t == NULL || t->err == RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART) {
		model_unref(&m);
		cluster_src_clear(&src);
		return cmd_fail(ctx, CMD_FAILED, "`topics` lists the topics; names are case-sensitive",
				"unknown topic `%s`%s", name, src.c ? "" : " in the stored snapshot");
	}
	/* Watermarks are not in snapshots: a stale answer has leader, replicas and ISR only. */
	rd_kafka_topic_partition_list_t *lo = rd_kafka_topic_partition_list_new(t->npartitions);
	rd_kafka_topic_partition_list_t *hi = rd_kafka_topic_partition_list_new(t->npartitions);
	struct err e = { 0 };
	/* what the principal may do on the topic and its min.insync.replicas: asked beside the
	 * watermarks, not after them, so the command waits for one round trip after the metadata */
	struct client_admin_pending *opsq =
		src.c && !ctx->session->demo ? client_topic_ops_start(src.c, t->name) : NULL;
	bool want = true;
	struct model one = { .ntopics = 1, .topics = (struct model_topic *)t };
	struct client_min_isr_q *minq = src.c ? client_min_isr_start(src.c, &one, &want) : NULL;
	if (src.c && cluster_watermarks(src.c, t, lo, hi, &e) != CMD_OK) {
		/* the error is reported now: the answers of the other two are dropped, not waited for */
		client_admin_end(&opsq);
		client_min_isr_cancel(&minq);
		cmd_fail_err(ctx, &e);
		cluster_src_clear(&src);
		goto out;
	}
	json_t *ops = opsq ? client_topic_ops_finish(src.c, &opsq) : NULL;
	int min_isr = 0;
	int *min = src.c ? client_min_isr_finish(src.c, &minq) : NULL;
	if (min)
		min_isr = min[0];
	free(min);

	json_t *parts = json_array();
	json_int_t total = 0;
	for (int p = 0; p < t->npartitions; p++) {
		const struct model_partition *mp = &t->partitions[p];
		json_t *o = json_pack("{s:i,s:i,s:o,s:o}", "partition", mp->id, "leader", mp->leader, "replicas",
				      cluster_ids(mp->replicas, mp->nreplicas), "isr", cluster_ids(mp->isr, mp->nisr));
		const rd_kafka_topic_partition_t *l = src.c ? &lo->elems[p] : NULL, *h = src.c ? &hi->elems[p] : NULL;
		if (l && !l->err && !h->err && l->offset >= 0 && h->offset >= 0) {
			json_object_set_new(o, "low", json_integer(l->offset));
			json_object_set_new(o, "high", json_integer(h->offset));
			json_object_set_new(o, "messages", json_integer(h->offset - l->offset));
			total += h->offset - l->offset;
		} else {
			json_object_set_new(o, "low", json_null());
			json_object_set_new(o, "high", json_null());
			json_object_set_new(o, "messages", json_null());
		}
		if (mp->leader < 0)
			json_object_set_new(o, "leader", json_null());
		json_object_set_new(o, "offline", json_boolean(mp->offline));
		json_object_set_new(o, "under_replicated", json_boolean(mp->under_replicated));
		json_object_set_new(o, "under_min_isr", json_boolean(!mp->offline && mp->nisr < min_isr));
		json_object_set_new(o, "status", json_string(cluster_partition_status(mp, min_isr)));
		json_array_append_new(parts, o);
	}
	json_t *r = json_pack("{s:s,s:b,s:i,s:i,s:I,s:i,s:i,s:o,s:o}", "topic", t->name, "internal", t->internal,
			      "partition_count", t->npartitions, "replication_factor", t->replication_factor,
			      "messages", total, "under_replicated", t->under_replicated, "offline", t->offline,
			      "fetched_at", clock_json(m->fetched_ms), "partitions", parts);
	json_object_set_new(r, "min_insync_replicas", min_isr ? json_integer(min_isr) : json_null());
	json_object_set_new(r, "authorized_operations", ops ? ops : json_null());
	if (src.c == NULL)
		json_object_set_new(r, "messages", json_null());
	cluster_done(ctx, &src, r);
out:
	rd_kafka_topic_partition_list_destroy(lo);
	rd_kafka_topic_partition_list_destroy(hi);
	model_unref(&m);
	return ctx->status;
}

static const struct out_col topic_fields[] = {
	{ "topic", "Topic", 0 },
	{ "partition_count", "Partitions", 0 },
	{ "replication_factor", "Replication", 0 },
	{ "min_insync_replicas", "Min ISR", 0 },
	{ "messages", "Messages", 0 },
	{ "under_replicated", "Under-replicated", 0 },
	{ "offline", "Offline", 0 },
	{ "authorized_operations", "Authorized", OUT_WIDE },
	{ 0 },
};
static const struct out_col topic_cols[] = {
	{ "partition", "partition", OUT_RIGHT },
	{ "leader", "leader", OUT_RIGHT },
	{ "replicas", "replicas", 0 },
	{ "isr", "isr", 0 },
	{ "low", "low", OUT_RIGHT },
	{ "high", "high", OUT_RIGHT },
	{ "messages", "messages", OUT_RIGHT },
	{ "status", "status", 0 },
	{ 0 },
};
static const struct out_table topic_tables[] = { { "partitions", topic_cols }, { 0 } };
static const struct out_view topic_view = { .fields = topic_fields, .tables = topic_tables };

/* --- topic create / delete ------------------------------------------------------------------ */

static int cmd_topic_create_exec(struct cmd_ctx *ctx)
{
	const char *name = cmd_arg(ctx, "topic");
	long long parts, rf;
	if (cmd_arg_int(ctx, "partitions", 1, 1, 1000000, &parts) ||
	    cmd_arg_int(ctx, "replication-factor", -1, -1, 32767, &rf))
		return ctx->status;
	char *const *configs;
	int nconfigs = cmd_arg_all(ctx, "config", &configs);
	struct err e = { 0 };
	struct client *c;
	int rc;
	if (ctx->session->demo) { /* the demo makes its topics itself; --config it cannot (an option: not declared) */
		if (nconfigs > 0)
			return cmd_fail(ctx, CMD_FAILED, "leave out --config on the demo, or try it on a real cluster",
					"the embedded demo cluster cannot set topic configs (librdkafka's mock cluster "
					"has no configs)");
		if (rf < 0)
			rf = 3; /* the demo's default: on all three brokers */
		rc = demo_topic_create(ctx->session->demo, name, (int)parts, (int)rf, &e);
		if (rc == CMD_OK && session_client(ctx->session, &c, &e) == CMD_OK)
			client_invalidate(c);
	} else if ((rc = session_client(ctx->session, &c, &e)) == CMD_OK) {
		int applied;
		rc = client_topic_create(c, name, (int)parts, (int)rf, configs, nconfigs, &applied, &e);
		if (applied > 0) /* what the broker applied, its default when none was asked for */
			rf = applied;
	}
	if (rc != CMD_OK) {
		return cmd_fail_err(ctx, &e);
	}
	session_strimzi_note(ctx->session, SESSION_KAFKATOPIC, name);
	return cmd_ok(ctx, json_pack("{s:s,s:I,s:o,s:b}", "topic", name, "partitions", (json_int_t)parts,
				     "replication_factor", rf < 0 ? json_null() : json_integer(rf), "created", 1));
}

static int cmd_topic_delete_exec(struct cmd_ctx *ctx)
{
	const char *name = cmd_arg(ctx, "topic");
	struct err e = { 0 };
	struct client *c;
	if (session_client(ctx->session, &c, &e) != CMD_OK || client_topic_delete(c, name, &e) != CMD_OK) {
		return cmd_fail_err(ctx, &e);
	}
	session_strimzi_note(ctx->session, SESSION_KAFKATOPIC, name);
	return cmd_ok(ctx, json_pack("{s:s,s:b}", "topic", name, "deleted", 1));
}

/* --- topic config ------------------------------------------------------------------------- */

/* "DYNAMIC_TOPIC_CONFIG" as "dynamic_topic_config": Kafka's names, in the case of our JSON. */
static json_t *cluster_config_source(rd_kafka_ConfigSource_t source)
{
	char *s = x_strdup(rd_kafka_ConfigSource_name(source));
	for (char *p = s; *p; p++)
		*p = (char)(*p >= 'A' && *p <= 'Z' ? *p - 'A' + 'a' : *p);
	json_t *j = json_string(s);
	free(s);
	return j;
}

static int cmd_topic_config_exec(struct cmd_ctx *ctx)
{
	const char *name = cmd_arg(ctx, "topic"), *pattern = cmd_arg(ctx, "pattern");
	bool changed = cmd_has(ctx, "changed");
	struct err e = { 0 };
	struct client *c;
	struct client_config *cfg = NULL;
	int n = 0;
	if (session_client(ctx->session, &c, &e) != CMD_OK ||
	    client_configs(c, RD_KAFKA_RESOURCE_TOPIC, name, &cfg, &n, &e) != CMD_OK) {
		return cmd_fail_err(ctx, &e);
	}
	json_t *a = json_array();
	for (int i = 0; i < n; i++) {
		const struct client_config *f = &cfg[i];
		if ((changed && f->is_default) || !names_match(pattern, f->name))
			continue;
		json_array_append_new(a,
				      json_pack("{s:s,s:s?,s:o,s:b,s:b,s:b}", "name", f->name, "value", f->value,
						"source", cluster_config_source(f->source), "is_default", f->is_default,
						"read_only", f->read_only, "sensitive", f->sensitive));
	}
	client_configs_free(&cfg, n);
	return cmd_ok(ctx, json_pack("{s:s,s:o}", "topic", name, "configs", a));
}

static const struct out_col config_cols[] = {
	{ "name", "name", 0 },
	{ "value", "value", 0 },
	{ "source", "source", 0 },
	{ "is_default", "default", 0 },
	{ "read_only", "read_only", OUT_WIDE },
	{ "sensitive", "sensitive", OUT_WIDE },
	{ 0 },
};
static const struct out_table config_tables[] = { { "configs", config_cols }, { 0 } };
static const struct out_view config_view = { .tables = config_tables };

/* --- the table ----------------------------------------------------------------------------- */

#define CLUSTER_OPT_STORED                                                                                             \
	{                                                                                                              \
		"stored", 0, CMD_ARG_NONE, 0,                                                                          \
			"answer at once from the stored snapshot, marked stale, without asking the cluster (as the "   \
			"global "                                                                                      \
			"--offline, for this command)"                                                                 \
	}
static const struct cmd_opt stored_opts[] = { CLUSTER_OPT_STORED, { 0 } };
static const struct cmd_opt topics_opts[] = {
	CLUSTER_OPT_STORED,
	{ "sparklines", 0, CMD_ARG_NONE, 0,
	  "add each topic's messages per second over the last hour from the stored history (sparkline)" },
	{ "internal", 'i', CMD_ARG_NONE, 0, "include internal topics (__consumer_offsets, ...)" },
	{ "under-replicated", 0, CMD_ARG_NONE, 0, "only topics with partitions whose ISR is short of the replicas" },
	{ "offline", 0, CMD_ARG_NONE, 0, "only topics with partitions that have no leader" },
	{ "under-min-isr", 0, CMD_ARG_NONE, 0, "only topics with partitions whose ISR is below min.insync.replicas" },
	{ 0 },
};
static const struct cmd_pos topics_args[] = { { "pattern", CMD_ARG_PATTERN, CMD_POS_OPTIONAL }, { 0 } };
static const struct cmd_pos topic_args[] = { { "topic", CMD_ARG_TOPIC, 0 }, { 0 } };
static const struct cmd_pos config_args[] = {
	{ "topic", CMD_ARG_TOPIC, 0 },
	{ "pattern", CMD_ARG_PATTERN, CMD_POS_OPTIONAL },
	{ 0 },
};
static const struct cmd_opt config_opts[] = {
	{ "changed", 'c', CMD_ARG_NONE, 0, "only the configs not at their default (set on the topic or the brokers)" },
	{ 0 },
};
static const struct cmd_opt create_opts[] = {
	{ "partitions", 'p', CMD_ARG_INT, 0, "number of partitions (default 1)" },
	{ "replication-factor", 'r', CMD_ARG_INT, 0, "replicas per partition (default: the broker's default)" },
	{ "config", 'c', CMD_ARG_CONFIG, CMD_OPT_REPEAT, "topic config, e.g. retention.ms=86400000" },
	{ 0 },
};
static const struct cmd_opt delete_opts[] = {
	{ "yes", 'y', CMD_ARG_NONE, 0, "do not ask for confirmation" },
	{ 0 },
};

#define CLUSTER_STALE_DOC                                                                                              \
	"With `kcon --offline ...`, or when the cluster is unreachable (exit 3), the last stored snapshot "            \
	"of the cluster answers, with stale: {seen_at, age_s, reason} (and a note on stderr in tables); "              \
	"`--stored` answers from it at once (reason \"--stored\")."

#define CLUSTER_STRIMZI_DOC                                                                                            \
	"A profile with \"strimzi\": true adds a note that Strimzi's Topic Operator reverts the change unless the "    \
	"KafkaTopic changes (oc edit kafkatopic/NAME)."

const struct cmd_entry cmd_cluster_table[] = {
	{
		.name = "cluster",
		.group = "cluster",
		.opts = stored_opts,
		.help = "cluster id, controller, broker/topic/partition counts and partition health",
		.doc = "JSON: {cluster_id, controller, bootstrap, brokers, topics, partitions, under_replicated, "
		       "offline, under_min_isr (partitions whose shrunk ISR is below min.insync.replicas; `topics "
		       "--under-min-isr` also finds topics with RF below it; null when configs cannot be read), "
		       "not_preferred (partitions not led by their preferred replica, the first of their replicas: "
		       "`leaders elect` moves them back), profile (the session's, or null), fetched_at, "
		       "stale?}. " CLUSTER_STALE_DOC,
		.flags = CMD_READ_ONLY | CMD_NEEDS_CLUSTER | CMD_OFFLINE,
		.view = &cluster_view,
		.exec = cmd_cluster_exec,
	},
	{
		.name = "brokers",
		.group = "cluster",
		.opts = stored_opts,
		.help = "the brokers: id, host, port, rack",
		.doc = "JSON: {brokers: [{id, host, port, rack, controller, not_preferred (partitions whose preferred "
		       "replica is this broker but that another broker, or none, leads)}]}. rack comes from one "
		       "DescribeCluster request; null where unset or not readable. " CLUSTER_STALE_DOC,
		.flags = CMD_READ_ONLY | CMD_NEEDS_CLUSTER | CMD_OFFLINE,
		.view = &brokers_view,
		.exec = cmd_brokers_exec,
	},
	{
		.name = "topics",
		.group = "topics",
		.args = topics_args,
		.opts = topics_opts,
		.help = "list topics with partition counts and health; PATTERN is a glob or a substring",
		.doc = "JSON: {topics: [{name, partitions, replication_factor, under_replicated, offline, internal, "
		       "under_min_isr (with --under-min-isr), sparkline?}], stale?}. sparkline (with --sparklines, "
		       "or in tables on a terminal): the topic's messages per second over the last hour from the "
		       "stored end offsets, 16 cells (blocks in a UTF-8 locale, else ASCII); absent when nothing "
		       "is stored. " CLUSTER_STALE_DOC,
		.flags = CMD_READ_ONLY | CMD_NEEDS_CLUSTER | CMD_OFFLINE,
		.view = &topics_view,
		.exec = cmd_topics_exec,
	},
	{
		.name = "topic describe",
		.alias = "describe",
		.group = "topics",
		.args = topic_args,
		.opts = stored_opts,
		.help = "partitions of a topic: leader, replicas, ISR, watermarks, message counts, status",
		.doc = "JSON: {topic, internal, partition_count, replication_factor, min_insync_replicas, messages, "
		       "under_replicated, offline, fetched_at, partitions: [{partition, leader, replicas, isr, low, "
		       "high, "
		       "messages, offline, under_replicated, under_min_isr, status}], authorized_operations}. "
		       "authorized_operations lists what this principal may do on the topic (READ, WRITE, "
		       "DESCRIBE, ...: DescribeTopics, sent beside the watermarks), null when the cluster does not "
		       "say. messages is high - low "
		       "(an upper bound on compacted topics); high is the last stable offset "
		       "(read_committed). " CLUSTER_STALE_DOC
		       " Snapshots have no watermarks: a stale answer has null low, high and messages.",
		.flags = CMD_READ_ONLY | CMD_NEEDS_CLUSTER | CMD_OFFLINE,
		.view = &topic_view,
		.exec = cmd_topic_describe_exec,
	},
	{
		.name = "topic config",
		.alias = "configs",
		.group = "topics",
		.args = config_args,
		.opts = config_opts,
		.help = "a topic's configs: value, where it comes from, default or not; PATTERN is a glob or a "
			"substring of the names",
		.doc = "JSON: {topic, configs: [{name, value, source, is_default, read_only, sensitive}]}, in the "
		       "broker's order. value is null when unset, and always for a sensitive config. source is "
		       "Kafka's config source in lower case: dynamic_topic_config (set on the topic, as "
		       "`kafka-configs --describe` shows), dynamic_broker_config, dynamic_default_broker_config, "
		       "static_broker_config (server.properties), default_config, unknown_config. --changed keeps "
		       "the configs whose is_default is false. An unknown topic exits 1.",
		.flags = CMD_READ_ONLY | CMD_NEEDS_CLUSTER,
		.demo_missing = { "describe configs", "DescribeConfigs", NULL },
		.view = &config_view,
		.exec = cmd_topic_config_exec,
	},
	{
		.name = "topic create",
		.group = "topics",
		.args = topic_args,
		.opts = create_opts,
		.help = "create a topic",
		.doc = "JSON: {topic, partitions, replication_factor, created}: replication_factor is what the broker "
		       "applied (its default.replication.factor without -r), null when its metadata did not show the "
		       "topic in time. " CLUSTER_STRIMZI_DOC,
		.flags = CMD_NEEDS_CLUSTER,
		.exec = cmd_topic_create_exec,
	},
	{
		.name = "topic delete",
		.group = "topics",
		.args = topic_args,
		.opts = delete_opts,
		.help = "delete a topic and all its messages (asks for the name, or --yes)",
		.doc = "JSON: {topic, deleted}. " CLUSTER_STRIMZI_DOC,
		.flags = CMD_NEEDS_CLUSTER | CMD_DESTRUCTIVE,
		.demo_missing = { "delete topics", "DeleteTopics", NULL },
		.exec = cmd_topic_delete_exec,
	},
	{ 0 },
};
