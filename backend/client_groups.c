#include "clock.h"
#include "client_groups.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cmd.h"
#include "xalloc.h"

#define GROUPS_DESCRIBE_CHUNK 200 /* groups per DescribeConsumerGroups call */
#define GROUPS_WINDOW         512 /* requests in flight at once */

/* Errors that say the group's coordinator is moving or still loading: asking again shortly helps. */
static bool groups_coordinator_busy(rd_kafka_resp_err_t err)
{
	return err == RD_KAFKA_RESP_ERR_COORDINATOR_LOAD_IN_PROGRESS ||
	       err == RD_KAFKA_RESP_ERR_COORDINATOR_NOT_AVAILABLE || err == RD_KAFKA_RESP_ERR_NOT_COORDINATOR;
}

static void groups_send_list(struct client *c, rd_kafka_AdminOptions_t *o, rd_kafka_queue_t *q, void *ud)
{
	(void)ud;
	rd_kafka_ListConsumerGroups(client_rk(c), o, q);
}

/* One ListConsumerGroups; *busy is set when a broker answered that its coordinator is loading. */
static int groups_list_once(struct client *c, struct group_info **out, int *n, rd_kafka_resp_err_t *busy, struct err *e)
{
	*out = NULL, *n = 0, *busy = RD_KAFKA_RESP_ERR_NO_ERROR;
	rd_kafka_event_t *ev = client_admin_call(c,
						 &(struct client_admin_req){ .op = RD_KAFKA_ADMIN_OP_LISTCONSUMERGROUPS,
									     .what = "list groups",
									     .send = groups_send_list },
						 e);
	int rc = ev ? CMD_OK : e->status;
	if (ev) {
		const rd_kafka_ListConsumerGroups_result_t *res = rd_kafka_event_ListConsumerGroups_result(ev);
		size_t nv, ne;
		const rd_kafka_ConsumerGroupListing_t **v = rd_kafka_ListConsumerGroups_result_valid(res, &nv);
		const rd_kafka_error_t **errs = rd_kafka_ListConsumerGroups_result_errors(res, &ne);
		for (size_t i = 0; i < ne && !*busy; i++)
			if (groups_coordinator_busy(rd_kafka_error_code(errs[i])))
				*busy = rd_kafka_error_code(errs[i]);
		if (*busy) {
			rc = client_error(c, *busy, NULL, "list groups", e);
		} else if (nv == 0 && ne > 0) {
			rc = client_error(c, rd_kafka_error_code(errs[0]), rd_kafka_error_string(errs[0]),
					  "list groups", e);
		} else {
			struct group_info *g = x_calloc(nv + 1, sizeof(*g));
			for (size_t i = 0; i < nv; i++) {
				g[i].id = x_strdup(rd_kafka_ConsumerGroupListing_group_id(v[i]));
				g[i].state = rd_kafka_ConsumerGroupListing_state(v[i]);
				g[i].simple = rd_kafka_ConsumerGroupListing_is_simple_consumer_group(v[i]);
				g[i].type = rd_kafka_ConsumerGroupListing_type(v[i]);
				g[i].coordinator = -1;
			}
			*out = g, *n = (int)nv;
		}
		rd_kafka_event_destroy(ev);
	}
	return rc;
}

/*
 * A broker that has just started answers COORDINATOR_LOAD_IN_PROGRESS until it has read its share
 * of __consumer_offsets: retriable by Kafka's definition, so asked again with a bounded backoff
 * within the timeout. One broker still loading then fails the listing as a timeout (exit 3): a
 * list without its groups would look like groups gone.
 */
int client_groups_list(struct client *c, struct group_info **out, int *n, struct err *e)
{
	int64_t deadline = clock_mono_ms() + client_timeout(c);
	rd_kafka_resp_err_t busy;
	int nap = 50, rc;
	while ((rc = groups_list_once(c, out, n, &busy, e)) != CMD_OK && busy) {
		if (!client_backoff(&nap, deadline)) {
			char *cause = x_strdup(e->cause);
			err_clear(e);
			rc = err_set(e, CMD_UNREACHABLE,
				     "the brokers are still loading their groups (after a restart): retry, or raise "
				     "--timeout",
				     "%s (still so after %d ms)", cause, client_timeout(c));
			free(cause);
			break;
		}
		err_clear(e);
	}
	return rc;
}

/* Index of groups sorted by id, to fold results that name their group. */
struct groups_index {
	struct group_info **order;
	int n;
};

static int groups_index_cmp(const void *a, const void *b)
{
	return strcmp((*(struct group_info *const *)a)->id, (*(struct group_info *const *)b)->id);
}

static struct group_info *groups_index_find(const struct groups_index *ix, const char *id)
{
	int lo = 0, hi = ix->n - 1;
	while (lo <= hi) {
		int mid = (lo + hi) / 2, cmp = strcmp(ix->order[mid]->id, id);
		if (cmp == 0)
			return ix->order[mid];
		if (cmp < 0)
			lo = mid + 1;
		else
			hi = mid - 1;
	}
	return NULL;
}

static void groups_set_error(struct group_info *g, const char *what, const rd_kafka_error_t *err)
{
	if (g->error == NULL) {
		g->error = x_asprintf("%s: %s", what, rd_kafka_error_string(err));
		g->error_code = rd_kafka_error_code(err);
	}
}

static void groups_fold_description(struct group_info *g, const rd_kafka_ConsumerGroupDescription_t *d)
{
	const rd_kafka_error_t *err = rd_kafka_ConsumerGroupDescription_error(d);
	if (err) {
		groups_set_error(g, "describe", err);
		return;
	}
	g->described = true;
	g->state = rd_kafka_ConsumerGroupDescription_state(d);
	g->simple = rd_kafka_ConsumerGroupDescription_is_simple_consumer_group(d);
	g->type = rd_kafka_ConsumerGroupDescription_type(d);
	const rd_kafka_Node_t *coord = rd_kafka_ConsumerGroupDescription_coordinator(d);
	g->coordinator = coord ? rd_kafka_Node_id(coord) : -1;
	const char *assignor = rd_kafka_ConsumerGroupDescription_partition_assignor(d);
	free(g->assignor);
	g->assignor = assignor && *assignor ? x_strdup(assignor) : NULL;
	size_t n = rd_kafka_ConsumerGroupDescription_member_count(d);
	g->members = x_calloc(n + 1, sizeof(*g->members));
	g->nmembers = (int)n;
	for (size_t i = 0; i < n; i++) {
		const rd_kafka_MemberDescription_t *m = rd_kafka_ConsumerGroupDescription_member(d, i);
		struct group_member *gm = &g->members[i];
		gm->member_id = x_strdup(rd_kafka_MemberDescription_consumer_id(m));
		gm->client_id = x_strdup(rd_kafka_MemberDescription_client_id(m));
		gm->host = x_strdup(rd_kafka_MemberDescription_host(m));
		gm->instance_id = x_strdup(rd_kafka_MemberDescription_group_instance_id(m));
		const rd_kafka_MemberAssignment_t *a = rd_kafka_MemberDescription_assignment(m);
		const rd_kafka_topic_partition_list_t *parts = a ? rd_kafka_MemberAssignment_partitions(a) : NULL;
		gm->assigned = parts ? rd_kafka_topic_partition_list_copy(parts) : rd_kafka_topic_partition_list_new(0);
		/* Consumer groups only: where the broker's assignor is moving the member (none for classic). */
		const rd_kafka_MemberAssignment_t *t = rd_kafka_MemberDescription_target_assignment(m);
		const rd_kafka_topic_partition_list_t *tparts = t ? rd_kafka_MemberAssignment_partitions(t) : NULL;
		if (g->type == RD_KAFKA_CONSUMER_GROUP_TYPE_CONSUMER)
			gm->target = tparts ? rd_kafka_topic_partition_list_copy(tparts)
					    : rd_kafka_topic_partition_list_new(0);
	}
}

static void groups_fold_offsets(struct group_info *g, const rd_kafka_group_result_t *r)
{
	const rd_kafka_error_t *err = rd_kafka_group_result_error(r);
	if (err) {
		groups_set_error(g, "committed offsets", err);
		return;
	}
	const rd_kafka_topic_partition_list_t *parts = rd_kafka_group_result_partitions(r);
	if (g->committed)
		rd_kafka_topic_partition_list_destroy(g->committed);
	g->committed = parts ? rd_kafka_topic_partition_list_copy(parts) : rd_kafka_topic_partition_list_new(0);
	g->committed_ms = clock_wall_ms();
}

static bool groups_transport_error(rd_kafka_resp_err_t err)
{
	return err == RD_KAFKA_RESP_ERR__TRANSPORT || err == RD_KAFKA_RESP_ERR__TIMED_OUT ||
	       err == RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN;
}

/* The next request of groups_pump()'s window: a describe of names[0..k), or the offsets of g[one]. */
struct groups_window {
	bool describe;
	const char **names;
	size_t k;
	struct group_info *one;
	const rd_kafka_topic_partition_list_t *parts;
};

static void groups_send_window(struct client *c, rd_kafka_AdminOptions_t *o, rd_kafka_queue_t *q, void *ud)
{
	struct groups_window *w = ud;
	if (w->describe) {
		rd_kafka_DescribeConsumerGroups(client_rk(c), w->names, w->k, o, q);
		return;
	}
	rd_kafka_ListConsumerGroupOffsets_t *req = rd_kafka_ListConsumerGroupOffsets_new(w->one->id, w->parts);
	rd_kafka_AdminOptions_set_opaque(o, w->one);
	rd_kafka_ListConsumerGroupOffsets(client_rk(c), &req, 1, o, q);
	rd_kafka_ListConsumerGroupOffsets_destroy(req);
}

/*
 * Sends one kind of request for every group with want[i] set, keeping up to GROUPS_WINDOW in
 * flight on one queue (client_admin_send()), and folds the results as they arrive.
 */
static int groups_pump(struct client *c, struct group_info *g, int n, const bool *want, bool describe,
		       const rd_kafka_topic_partition_list_t *parts, const struct groups_index *ix, struct err *e)
{
	struct groups_window w = { .describe = describe,
				   .names = x_calloc(GROUPS_DESCRIBE_CHUNK, sizeof(char *)),
				   .parts = parts };
	const char *what = describe ? "describe groups" : "committed offsets";
	struct client_admin_pending *p = client_admin_open(
		c, &(struct client_admin_req){ .op = describe ? RD_KAFKA_ADMIN_OP_DESCRIBECONSUMERGROUPS
							      : RD_KAFKA_ADMIN_OP_LISTCONSUMERGROUPOFFSETS,
					       .what = what,
					       .send = groups_send_window,
					       .ud = &w });
	int next = 0, inflight = 0, rc = CMD_OK;
	for (;;) {
		while (inflight < GROUPS_WINDOW && next < n) {
			if (describe) {
				w.k = 0;
				for (; w.k < GROUPS_DESCRIBE_CHUNK && next < n; next++)
					if (want[next])
						w.names[w.k++] = g[next].id;
				if (w.k == 0)
					continue;
			} else {
				if (!want[next]) {
					next++;
					continue;
				}
				w.one = &g[next++];
			}
			client_admin_send(c, p);
			inflight++;
		}
		if (inflight == 0)
			break;
		rd_kafka_event_t *ev = client_admin_next(c, p, e);
		if (ev == NULL) {
			rc = e->status;
			break;
		}
		inflight--;
		rd_kafka_resp_err_t err = rd_kafka_event_error(ev);
		if (err && describe && groups_coordinator_busy(err)) {
			/* the whole request was answered busy: every group not yet described is asked again */
			for (int i = 0; i < n; i++)
				if (want[i] && !g[i].described && g[i].error == NULL)
					g[i].error = x_asprintf("describe: %s", rd_kafka_event_error_string(ev)),
					g[i].error_code = err;
			rd_kafka_event_destroy(ev);
			continue;
		}
		if (err && (describe || groups_transport_error(err))) {
			rc = client_error(c, err, rd_kafka_event_error_string(ev), what, e);
			rd_kafka_event_destroy(ev);
			break;
		}
		size_t nr;
		if (describe) {
			const rd_kafka_ConsumerGroupDescription_t **d = rd_kafka_DescribeConsumerGroups_result_groups(
				rd_kafka_event_DescribeConsumerGroups_result(ev), &nr);
			for (size_t i = 0; i < nr; i++) {
				struct group_info *gi =
					groups_index_find(ix, rd_kafka_ConsumerGroupDescription_group_id(d[i]));
				if (gi && !gi->described)
					groups_fold_description(gi, d[i]);
			}
		} else {
			struct group_info *gi = rd_kafka_event_opaque(ev);
			const rd_kafka_group_result_t **r = rd_kafka_ListConsumerGroupOffsets_result_groups(
				rd_kafka_event_ListConsumerGroupOffsets_result(ev), &nr);
			if (err && gi && gi->error == NULL)
				gi->error = x_asprintf("committed offsets: %s", rd_kafka_event_error_string(ev)),
				gi->error_code = err;
			else if (gi && nr > 0)
				groups_fold_offsets(gi, r[0]);
		}
		rd_kafka_event_destroy(ev);
	}
	free(w.names);
	client_admin_end(&p); /* late results of a failed round are dropped with its queue */
	return rc;
}

/*
 * After a round of requests: the groups whose coordinator answered busy are wanted again, their
 * errors cleared, after the backoff; false when there are none or no time is left (their errors stay).
 */
static bool groups_retry_busy(struct group_info *g, int n, bool *want, bool offsets, int *nap, int64_t deadline)
{
	int busy = 0;
	for (int i = 0; i < n; i++) {
		bool done = offsets ? g[i].committed != NULL : g[i].described;
		/* an OffsetFetch is asked again only of a loading coordinator, never of one that moved (#5040) */
		bool again = offsets ? g[i].error_code == RD_KAFKA_RESP_ERR_COORDINATOR_LOAD_IN_PROGRESS
				     : groups_coordinator_busy(g[i].error_code);
		want[i] = want[i] && !done && again;
		busy += want[i];
	}
	if (busy == 0 || !client_backoff(nap, deadline))
		return false;
	for (int i = 0; i < n; i++)
		if (want[i])
			x_free(&g[i].error), g[i].error_code = 0;
	return true;
}

rd_kafka_topic_partition_list_t *client_group_assignment(const void *buf, size_t len)
{
	const unsigned char *p = buf, *end = p + (p ? len : 0);
#define NEED(k)                                                                                                        \
	if ((size_t)(end - p) < (size_t)(k))                                                                           \
	goto bad
	rd_kafka_topic_partition_list_t *l = rd_kafka_topic_partition_list_new(0);
	if (len == 0)
		return l; /* a member the leader has not assigned yet */
	NEED(2 + 4);
	p += 2; /* version: every version starts with the same array */
	int32_t nt = (int32_t)((uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3]);
	p += 4;
	for (int32_t t = 0; t < nt; t++) {
		NEED(2);
		int tl = (int16_t)(p[0] << 8 | p[1]);
		p += 2;
		if (tl < 0)
			goto bad;
		NEED(tl + 4);
		char *topic = x_strndup((const char *)p, (size_t)tl);
		p += tl;
		int32_t np = (int32_t)((uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3]);
		p += 4;
		if (np < 0 || (size_t)(end - p) / 4 < (size_t)np) {
			free(topic);
			goto bad;
		}
		for (int32_t k = 0; k < np; k++, p += 4)
			rd_kafka_topic_partition_list_add(
				l, topic,
				(int32_t)((uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3]));
		free(topic);
	}
	return l; /* user data and later fields do not matter here */
bad:
	rd_kafka_topic_partition_list_destroy(l);
	return NULL;
#undef NEED
}

#define GROUPS_BATCH_MIN 16 /* classic groups from which one DescribeGroups per broker beats one per group */

/*
 * Classic groups in bulk: librdkafka's DescribeConsumerGroups (2.14) asks each group with
 * ConsumerGroupDescribe (KIP-848) first and, for a classic group, looks the coordinator up again and
 * asks DescribeGroups: 6 requests per group. librdkafka's legacy rd_kafka_list_groups() sends one
 * ListGroups and one DescribeGroups (of all its groups) to each broker instead. Each group it
 * describes without error, by its coordinator, is folded and no longer wanted; the rest (a
 * coordinator loading, a protocol type DescribeConsumerGroups refuses, a broker down) stay wanted
 * for the per-group path, which retries and reports them as before.
 */
static void groups_describe_classic(struct client *c, struct group_info *g, int n, bool *want,
				    const struct groups_index *ix)
{
	int classic = 0;
	for (int i = 0; i < n; i++)
		classic += want[i] && g[i].type == RD_KAFKA_CONSUMER_GROUP_TYPE_CLASSIC;
	if (classic < GROUPS_BATCH_MIN)
		return;
	const struct rd_kafka_group_list *gl = NULL;
	rd_kafka_resp_err_t err = rd_kafka_list_groups(client_rk(c), NULL, &gl, client_timeout(c));
	if (err && err != RD_KAFKA_RESP_ERR__PARTIAL)
		return;
	for (int k = 0; gl && k < gl->group_cnt; k++) {
		const struct rd_kafka_group_info *gi = &gl->groups[k];
		struct group_info *gr = gi->err ? NULL : groups_index_find(ix, gi->group);
		const char *pt = gi->protocol_type ? gi->protocol_type : "";
		bool consumer = strcmp(pt, "consumer") == 0;
		if (gr == NULL || !want[gr - g] || gr->described || gr->type != RD_KAFKA_CONSUMER_GROUP_TYPE_CLASSIC ||
		    (!consumer && *pt) || gi->broker.id < 0)
			continue;
		struct group_member *m = x_calloc((size_t)gi->member_cnt + 1, sizeof(*m));
		bool ok = true;
		for (int j = 0; j < gi->member_cnt && ok; j++) {
			const struct rd_kafka_group_member_info *mi = &gi->members[j];
			m[j].assigned = consumer ? client_group_assignment(mi->member_assignment,
									   (size_t)mi->member_assignment_size)
						 : rd_kafka_topic_partition_list_new(0);
			ok = m[j].assigned != NULL;
			m[j].member_id = x_strdup(mi->member_id ? mi->member_id : "");
			m[j].client_id = x_strdup(mi->client_id ? mi->client_id : "");
			m[j].host = x_strdup(mi->client_host ? mi->client_host : "");
		}
		if (!ok) { /* bytes kcon cannot read: the per-group path describes it */
			for (int j = 0; j < gi->member_cnt; j++) {
				free(m[j].member_id), free(m[j].client_id), free(m[j].host);
				if (m[j].assigned)
					rd_kafka_topic_partition_list_destroy(m[j].assigned);
			}
			free(m);
			continue;
		}
		gr->described = true;
		gr->state = rd_kafka_consumer_group_state_code(gi->state ? gi->state : "");
		gr->simple = *pt == '\0';
		gr->coordinator = gi->broker.id;
		free(gr->assignor);
		gr->assignor = gi->protocol && *gi->protocol ? x_strdup(gi->protocol) : NULL;
		gr->members = m;
		gr->nmembers = gi->member_cnt;
		want[gr - g] = false;
	}
	if (gl)
		rd_kafka_group_list_destroy(gl);
}

/*
 * Descriptions first, then committed offsets. The order matters: an OffsetFetch answered "not
 * coordinator" (a coordinator that moves, or is still loading on a new cluster) crashes a client
 * that is not itself a group member (librdkafka issue #5040; still so in 2.14: its OffsetFetch
 * handler asks the client's own, here absent, group handle to look for the coordinator again), so
 * offsets are asked only of groups whose coordinator has just answered a describe. Busy
 * coordinators (a describe answered loading, moving or not available; an OffsetFetch answered
 * loading: a broker just restarted) are asked again with a short backoff until the timeout.
 */
int client_groups_fetch(struct client *c, struct group_info *g, int n, unsigned what,
			const rd_kafka_topic_partition_list_t *parts, struct err *e)
{
	if (n == 0)
		return CMD_OK;
	struct groups_index ix = { .n = n, .order = x_calloc((size_t)n, sizeof(*ix.order)) };
	for (int i = 0; i < n; i++)
		ix.order[i] = &g[i];
	qsort(ix.order, (size_t)n, sizeof(*ix.order), groups_index_cmp);
	bool *want = x_calloc((size_t)n, sizeof(bool));
	int rc = CMD_OK;
	int64_t deadline = clock_mono_ms() + client_timeout(c);
	if (what & CLIENT_GROUPS_DESCRIBE) {
		for (int i = 0; i < n; i++)
			want[i] = true;
		groups_describe_classic(c, g, n, want, &ix);
		for (int nap = 50;;) {
			if ((rc = groups_pump(c, g, n, want, true, NULL, &ix, e)) != CMD_OK)
				break;
			if (!groups_retry_busy(g, n, want, false, &nap, deadline))
				break;
		}
	}
	if (rc == CMD_OK && (what & CLIENT_GROUPS_OFFSETS)) {
		for (int i = 0; i < n; i++)
			want[i] = !(what & CLIENT_GROUPS_DESCRIBE) || g[i].described;
		for (int nap = 50;;) {
			if ((rc = groups_pump(c, g, n, want, false, parts, &ix, e)) != CMD_OK)
				break;
			if (!groups_retry_busy(g, n, want, true, &nap, deadline))
				break;
		}
	}
	free(want);
	free(ix.order);
	return rc;
}

void client_groups_free(struct group_info **gp, int n)
{
	struct group_info *g = *gp;
	if (g == NULL)
		return;
	for (int i = 0; i < n; i++) {
		for (int j = 0; j < g[i].nmembers; j++) {
			struct group_member *m = &g[i].members[j];
			free(m->member_id), free(m->client_id), free(m->host), free(m->instance_id);
			rd_kafka_topic_partition_list_destroy(m->assigned);
			if (m->target)
				rd_kafka_topic_partition_list_destroy(m->target);
		}
		free(g[i].members);
		if (g[i].committed)
			rd_kafka_topic_partition_list_destroy(g[i].committed);
		free(g[i].id), free(g[i].assignor), free(g[i].error), free(g[i].protocol_type);
	}
	free(g);
	*gp = NULL;
}

/*
 * The broker's words for "the group has members": an admin's commit carries no member, which a
 * group with members (classic or consumer) does not know, or is rebalancing; a delete finds it
 * not empty.
 */
static bool groups_has_members_error(rd_kafka_resp_err_t code)
{
	return code == RD_KAFKA_RESP_ERR_NON_EMPTY_GROUP || code == RD_KAFKA_RESP_ERR_UNKNOWN_MEMBER_ID ||
	       code == RD_KAFKA_RESP_ERR_REBALANCE_IN_PROGRESS || code == RD_KAFKA_RESP_ERR_STALE_MEMBER_EPOCH;
}

static int groups_members_fail(const char *what, const char *reason, struct err *e)
{
	return err_set(e, CMD_FAILED,
		       "stop the group's consumers first (`group describe` lists them), then retry: Kafka changes or "
		       "deletes a group's offsets only while it has no members",
		       "%s: the group has active members: %s", what, reason);
}

/*
 * The single group result of an alter/delete-offsets/delete event: whole-group error, then
 * partitions. The broker refuses an alter for a group with members partition by partition: that is
 * the group's error.
 */
static int groups_result(struct client *c, const rd_kafka_group_result_t **r, size_t nr,
			 rd_kafka_topic_partition_list_t *parts, const char *what, struct err *e)
{
	if (nr < 1)
		return err_set(e, CMD_FAILED, NULL, "%s: the broker sent no result", what);
	const rd_kafka_error_t *err = rd_kafka_group_result_error(r[0]);
	if (err) {
		rd_kafka_resp_err_t code = rd_kafka_error_code(err);
		if (groups_has_members_error(code))
			return groups_members_fail(what, rd_kafka_error_string(err), e);
		if (code == RD_KAFKA_RESP_ERR_GROUP_ID_NOT_FOUND)
			return err_set(e, CMD_FAILED, "`groups` lists the groups; names are case-sensitive",
				       "%s: no such group", what);
		return client_error(c, code, rd_kafka_error_string(err), what, e);
	}
	const rd_kafka_topic_partition_list_t *rp = rd_kafka_group_result_partitions(r[0]);
	for (int i = 0; rp && i < rp->cnt; i++)
		if (groups_has_members_error(rp->elems[i].err))
			return groups_members_fail(what, rd_kafka_err2str(rp->elems[i].err), e);
	for (int i = 0; parts && rp && i < rp->cnt; i++) {
		rd_kafka_topic_partition_t *p =
			rd_kafka_topic_partition_list_find(parts, rp->elems[i].topic, rp->elems[i].partition);
		if (p)
			p->err = rp->elems[i].err;
	}
	return CMD_OK;
}

/* The request groups_admin() sends. */
struct groups_send {
	const char *group;
	rd_kafka_topic_partition_list_t *parts;
};

static void groups_send_alter(struct client *c, rd_kafka_AdminOptions_t *o, rd_kafka_queue_t *q, void *ud)
{
	const struct groups_send *g = ud;
	rd_kafka_AlterConsumerGroupOffsets_t *req = rd_kafka_AlterConsumerGroupOffsets_new(g->group, g->parts);
	rd_kafka_AlterConsumerGroupOffsets(client_rk(c), &req, 1, o, q);
	rd_kafka_AlterConsumerGroupOffsets_destroy(req);
}

static void groups_send_delete_offsets(struct client *c, rd_kafka_AdminOptions_t *o, rd_kafka_queue_t *q, void *ud)
{
	const struct groups_send *g = ud;
	rd_kafka_DeleteConsumerGroupOffsets_t *req = rd_kafka_DeleteConsumerGroupOffsets_new(g->group, g->parts);
	rd_kafka_DeleteConsumerGroupOffsets(client_rk(c), &req, 1, o, q);
	rd_kafka_DeleteConsumerGroupOffsets_destroy(req);
}

static void groups_send_delete(struct client *c, rd_kafka_AdminOptions_t *o, rd_kafka_queue_t *q, void *ud)
{
	const struct groups_send *g = ud;
	rd_kafka_DeleteGroup_t *req = rd_kafka_DeleteGroup_new(g->group);
	rd_kafka_DeleteGroups(client_rk(c), &req, 1, o, q);
	rd_kafka_DeleteGroup_destroy(req);
}

/*
 * One admin request about one group (op: alter offsets, delete offsets or delete the group) and
 * its single result; `verb` names it in errors ("delete offsets of" group x).
 */
static int groups_admin(struct client *c, rd_kafka_admin_op_t op, const char *verb, const char *group,
			rd_kafka_topic_partition_list_t *parts, struct err *e)
{
	char *what = x_asprintf("%s group %s", verb, group);
	struct client_admin_req req = {
		.op = op,
		.what = what,
		.send = op == RD_KAFKA_ADMIN_OP_ALTERCONSUMERGROUPOFFSETS    ? groups_send_alter
			: op == RD_KAFKA_ADMIN_OP_DELETECONSUMERGROUPOFFSETS ? groups_send_delete_offsets
									     : groups_send_delete,
		.ud = &(struct groups_send){ group, parts },
	};
	rd_kafka_event_t *ev = client_admin_call(c, &req, e);
	int rc = e->status;
	if (ev) {
		size_t nr = 0;
		const rd_kafka_group_result_t **r;
		if (op == RD_KAFKA_ADMIN_OP_ALTERCONSUMERGROUPOFFSETS)
			r = rd_kafka_AlterConsumerGroupOffsets_result_groups(
				rd_kafka_event_AlterConsumerGroupOffsets_result(ev), &nr);
		else if (op == RD_KAFKA_ADMIN_OP_DELETECONSUMERGROUPOFFSETS)
			r = rd_kafka_DeleteConsumerGroupOffsets_result_groups(
				rd_kafka_event_DeleteConsumerGroupOffsets_result(ev), &nr);
		else
			r = rd_kafka_DeleteGroups_result_groups(rd_kafka_event_DeleteGroups_result(ev), &nr);
		rc = groups_result(c, r, nr, parts, what, e);
		rd_kafka_event_destroy(ev);
	}
	free(what);
	return rc;
}

int client_group_alter(struct client *c, const char *group, rd_kafka_topic_partition_list_t *parts, struct err *e)
{
	return groups_admin(c, RD_KAFKA_ADMIN_OP_ALTERCONSUMERGROUPOFFSETS, "reset offsets of", group, parts, e);
}

int client_group_delete(struct client *c, const char *group, struct err *e)
{
	return groups_admin(c, RD_KAFKA_ADMIN_OP_DELETEGROUPS, "delete", group, NULL, e);
}

int client_group_delete_offsets(struct client *c, const char *group, rd_kafka_topic_partition_list_t *parts,
				struct err *e)
{
	return groups_admin(c, RD_KAFKA_ADMIN_OP_DELETECONSUMERGROUPOFFSETS, "delete offsets of", group, parts, e);
}

const char *client_group_type_name(rd_kafka_consumer_group_type_t type)
{
	return type == RD_KAFKA_CONSUMER_GROUP_TYPE_CLASSIC    ? "classic"
	       : type == RD_KAFKA_CONSUMER_GROUP_TYPE_CONSUMER ? "consumer"
							       : NULL;
}

int client_group_legacy(struct client *c, const char *group, struct group_info **out, struct err *e)
{
	*out = NULL;
	const struct rd_kafka_group_list *gl = NULL;
	rd_kafka_resp_err_t err = rd_kafka_list_groups(client_rk(c), group, &gl, client_timeout(c));
	if (err) {
		char *what = x_asprintf("describe group %s", group);
		int rc = client_error(c, err, NULL, what, e);
		free(what);
		return rc;
	}
	for (int i = 0; i < gl->group_cnt && *out == NULL; i++) {
		const struct rd_kafka_group_info *gi = &gl->groups[i];
		if (gi->err || strcmp(gi->group, group) != 0)
			continue;
		struct group_info *g = x_calloc(1, sizeof(*g));
		g->id = x_strdup(gi->group);
		g->state = rd_kafka_consumer_group_state_code(gi->state ? gi->state : "");
		g->simple = gi->protocol_type == NULL || *gi->protocol_type == '\0';
		g->type = RD_KAFKA_CONSUMER_GROUP_TYPE_CLASSIC; /* DescribeGroups describes classic groups only */
		g->protocol_type = x_strdup(gi->protocol_type ? gi->protocol_type : "");
		g->described = true;
		g->coordinator = gi->broker.id;
		g->assignor = gi->protocol && *gi->protocol ? x_strdup(gi->protocol) : NULL;
		g->nmembers = gi->member_cnt;
		g->members = x_calloc((size_t)gi->member_cnt + 1, sizeof(*g->members));
		for (int m = 0; m < gi->member_cnt; m++) {
			const struct rd_kafka_group_member_info *mi = &gi->members[m];
			g->members[m] = (struct group_member){
				.member_id = x_strdup(mi->member_id ? mi->member_id : ""),
				.client_id = x_strdup(mi->client_id ? mi->client_id : ""),
				.host = x_strdup(mi->client_host ? mi->client_host : ""),
				.assigned = rd_kafka_topic_partition_list_new(0),
			};
		}
		*out = g;
	}
	rd_kafka_group_list_destroy(gl);
	return CMD_OK;
}
