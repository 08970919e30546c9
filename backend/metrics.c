#include "metrics.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "escape.h"
#include "groupstatus.h"
#include "model.h"
#include "trend.h"
#include "xalloc.h"

/* The families, in the order they are written: name, type, help. */
#define METRICS_FAMILIES(X)                                                                                            \
	X(M_BROKERS, "kafka_brokers", "gauge", "Brokers in the cluster's metadata")                                    \
	X(M_TOPIC_PARTITIONS, "kafka_topic_partitions", "gauge", "Partitions of the topic")                            \
	X(M_TP_OFFSET, "kafka_topic_partition_current_offset", "gauge", "Log end offset of the partition")             \
	X(M_TP_OLDEST, "kafka_topic_partition_oldest_offset", "gauge",                                                 \
	  "Log start offset of the partition (the oldest offset it keeps)")                                            \
	X(M_TP_LEADER, "kafka_topic_partition_leader", "gauge", "Leader broker id of the partition (-1: none)")        \
	X(M_TP_REPLICAS, "kafka_topic_partition_replicas", "gauge", "Replicas of the partition")                       \
	X(M_TP_ISR, "kafka_topic_partition_in_sync_replica", "gauge", "In-sync replicas of the partition")             \
	X(M_TP_URP, "kafka_topic_partition_under_replicated_partition", "gauge",                                       \
	  "1 when the partition is under-replicated")                                                                  \
	X(M_CG_OFFSET, "kafka_consumergroup_current_offset", "gauge",                                                  \
	  "Committed offset of the group in the partition")                                                            \
	X(M_CG_LAG, "kafka_consumergroup_lag", "gauge", "Lag of the group in the partition (log end - committed)")     \
	X(M_CG_LAG_SUM, "kafka_consumergroup_lag_sum", "gauge", "Lag of the group over the topic's partitions")        \
	X(M_CG_LAG_S, "kcon_consumergroup_lag_seconds", "gauge", "Time lag of the group: lag / consume rate")          \
	X(M_CG_ETA, "kcon_consumergroup_catchup_eta_seconds", "gauge",                                                 \
	  "Seconds until the group's lag reaches 0 at its current slope (absent: not catching up)")                    \
	X(M_CG_STATUS, "kcon_consumergroup_status", "gauge", "1 for the group's status (docs/monitoring.md), else 0")  \
	X(M_TOPIC_RATE, "kcon_topic_messages_per_second", "gauge", "Messages per second into the topic (last minute)") \
	X(M_OFFLINE, "kcon_partitions_offline", "gauge", "Partitions without a leader")                                \
	X(M_URP, "kcon_partitions_under_replicated", "gauge", "Under-replicated partitions")                           \
	X(M_MIN_ISR, "kcon_partitions_under_min_isr", "gauge", "Partitions whose ISR is below min.insync.replicas")    \
	X(M_SAMPLE_S, "kcon_sample_duration_seconds", "gauge", "How long watch's last sample took")                    \
	X(M_FAILURES, "kcon_sample_failures_total", "counter", "Samples that failed since watch started")              \
	X(M_LAST_OK, "kcon_last_sample_timestamp_seconds", "gauge", "When watch last sampled the cluster")             \
	X(M_UP, "kcon_up", "gauge", "1 when watch's last sample reached the cluster")

#define METRICS_ENUM(e, name, type, help) e,
enum { METRICS_FAMILIES(METRICS_ENUM) M_COUNT };
#undef METRICS_ENUM
#define METRICS_ROW(e, name, type, help) { name, type, help },
static const struct {
	const char *name, *type, *help;
} metrics_families[] = { METRICS_FAMILIES(METRICS_ROW) };
#undef METRICS_ROW

void metrics_label(struct sbuf *sb, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t len = strlen(s);
	for (size_t i = 0; i < len;) {
		uint32_t cp;
		size_t n = p[i] < 0x80 ? 1 : escape_utf8_decode(p + i, len - i, &cp);
		if (n == 0) {
			sbuf_add(sb, "\xef\xbf\xbd"); /* U+FFFD */
			i++;
			continue;
		}
		if (p[i] == '\\')
			sbuf_add(sb, "\\\\");
		else if (p[i] == '"')
			sbuf_add(sb, "\\\"");
		else if (p[i] == '\n')
			sbuf_add(sb, "\\n");
		else
			sbuf_addn(sb, p + i, n);
		i += n;
	}
}

struct metrics_out {
	struct sbuf f[M_COUNT];
	const struct model *m;
	char **groups; /* the groups of the newest good tick, sorted */
	int ngroups;
	/* the group partitions being summed per topic */
	char *sum_group, *sum_topic;
	int64_t sum;
	bool any;
};

/* Starts a sample of family k: its name and the opening of its labels ("{" or nothing). */
static struct sbuf *metrics_sample(struct metrics_out *o, int k)
{
	struct sbuf *sb = &o->f[k];
	sbuf_add(sb, metrics_families[k].name);
	return sb;
}

static void metrics_labels(struct sbuf *sb, const char *group, const char *topic, int32_t partition)
{
	sbuf_addc(sb, '{');
	const char *sep = "";
	if (group) {
		sbuf_add(sb, "consumergroup=\"");
		metrics_label(sb, group);
		sbuf_addc(sb, '"');
		sep = ",";
	}
	if (topic) {
		sbuf_addf(sb, "%stopic=\"", sep);
		metrics_label(sb, topic);
		sbuf_addc(sb, '"');
		sep = ",";
	}
	if (partition >= 0)
		sbuf_addf(sb, "%spartition=\"%" PRId32 "\"", sep, partition);
	sbuf_addc(sb, '}');
}

static void metrics_int(struct metrics_out *o, int k, const char *group, const char *topic, int32_t partition,
			int64_t v)
{
	struct sbuf *sb = metrics_sample(o, k);
	if (group || topic || partition >= 0)
		metrics_labels(sb, group, topic, partition);
	sbuf_addf(sb, " %" PRId64 "\n", v);
}

static void metrics_real(struct metrics_out *o, int k, const char *group, const char *topic, double v)
{
	struct sbuf *sb = metrics_sample(o, k);
	if (group || topic)
		metrics_labels(sb, group, topic, -1);
	sbuf_addf(sb, " %.15g\n", v);
}

static void metrics_sum_flush(struct metrics_out *o)
{
	if (o->any)
		metrics_int(o, M_CG_LAG_SUM, o->sum_group, o->sum_topic, -1, o->sum);
	x_free(&o->sum_group);
	x_free(&o->sum_topic);
	o->sum = 0;
	o->any = false;
}

static int metrics_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* One partition series' newest values (store_newest): topic partitions of the metadata, group partitions. */
static void metrics_newest(void *ud, const char *group, const char *topic, int32_t partition, int64_t a, int64_t b)
{
	struct metrics_out *o = ud;
	if (model_topic_find(o->m, topic) == NULL)
		return; /* a deleted topic's old series */
	if (*group == '\0') {
		if (a >= 0)
			metrics_int(o, M_TP_OFFSET, NULL, topic, partition, a);
		return;
	}
	if (bsearch(&group, o->groups, (size_t)o->ngroups, sizeof(char *), metrics_cmp) == NULL)
		return; /* a group that is gone, or that watch --groups leaves out */
	if (a < 0 || b < 0)
		return; /* nothing committed, or the end unknown: kafka_exporter shows no lag either */
	if (o->sum_group == NULL || strcmp(o->sum_group, group) != 0 || strcmp(o->sum_topic, topic) != 0) {
		metrics_sum_flush(o);
		o->sum_group = x_strdup(group);
		o->sum_topic = x_strdup(topic);
	}
	int64_t lag = b > a ? b - a : 0;
	metrics_int(o, M_CG_OFFSET, group, topic, partition, a);
	metrics_int(o, M_CG_LAG, group, topic, partition, lag);
	o->sum += lag;
	o->any = true;
}

/* Per group: time lag, time to catch up and status over the window. */
static int metrics_group(struct metrics_out *o, struct store *s, const char *cluster, const char *group,
			 const struct metrics_tick *t, int64_t now_ms, char **cause)
{
	struct trend tr;
	if (groupstatus_trend(s, cluster, group, now_ms - t->window_ms, &tr, cause) < 0)
		return -1;
	if (tr.time_lag_s >= 0)
		metrics_real(o, M_CG_LAG_S, group, NULL, tr.time_lag_s);
	if (tr.eta_s >= 0)
		metrics_real(o, M_CG_ETA, group, NULL, tr.eta_s);
	struct groupstatus g;
	if (groupstatus_eval(s, cluster, group, now_ms, t->window_ms, &g, cause) < 0)
		return -1;
	for (int c = STATUS_OK; c < STATUS_COUNT; c++) {
		struct sbuf *sb = metrics_sample(o, M_CG_STATUS);
		sbuf_add(sb, "{consumergroup=\"");
		metrics_label(sb, group);
		sbuf_addf(sb, "\",status=\"%s\"} %d\n", status_name((enum status_code)c), (int)g.code == c);
	}
	groupstatus_clear(&g);
	return 0;
}

/* Messages per second into each topic over the last minute, from its stored sum of end offsets. */
static int metrics_rates(struct metrics_out *o, struct store *s, const char *cluster, int64_t now_ms, char **cause)
{
	for (int i = 0; i < o->m->ntopics; i++) {
		const struct model_topic *mt = &o->m->topics[i];
		if (mt->internal)
			continue;
		struct store_point *p = NULL;
		int n = 0;
		if (store_series(s, cluster, "", mt->name, -1, now_ms - 60000, &p, &n, cause) < 0)
			return -1;
		int first = -1, last = -1;
		for (int k = 0; k < n; k++) {
			if (p[k].gap)
				first = last = -1;
			else if (p[k].a >= 0)
				last = k, first = first < 0 ? k : first;
		}
		if (first >= 0 && p[last].ts_ms > p[first].ts_ms && p[last].a >= p[first].a)
			metrics_real(o, M_TOPIC_RATE, NULL, mt->name,
				     (double)(p[last].a - p[first].a) * 1000.0 /
					     (double)(p[last].ts_ms - p[first].ts_ms));
		free(p);
	}
	return 0;
}

char *metrics_render(struct store *s, const char *cluster, const struct metrics_tick *t, int64_t now_ms, char **cause)
{
	struct metrics_out o = { 0 };
	struct model *m = NULL;
	int64_t seen = 0;
	int rc = 0;
	char **groups = NULL;
	int ngroups = 0;
	if (cluster && store_last_model(s, cluster, &m, &seen, cause) < 0) {
		x_free(cause); /* nothing stored yet: kcon's own metrics only */
		m = NULL;
	}
	if (m) {
		o.m = m;
		metrics_int(&o, M_BROKERS, NULL, NULL, -1, m->nbrokers);
		long offline = 0, urp = 0;
		for (int i = 0; i < m->ntopics; i++) {
			const struct model_topic *mt = &m->topics[i];
			metrics_int(&o, M_TOPIC_PARTITIONS, NULL, mt->name, -1, mt->npartitions);
			for (int p = 0; p < mt->npartitions; p++) {
				const struct model_partition *mp = &mt->partitions[p];
				metrics_int(&o, M_TP_LEADER, NULL, mt->name, mp->id, mp->leader);
				metrics_int(&o, M_TP_REPLICAS, NULL, mt->name, mp->id, mp->nreplicas);
				metrics_int(&o, M_TP_ISR, NULL, mt->name, mp->id, mp->nisr);
				metrics_int(&o, M_TP_URP, NULL, mt->name, mp->id, mp->under_replicated);
				struct sample_start k = { .topic = mt->name, .partition = mp->id }, *st = NULL;
				if (t->nstarts)
					st = bsearch(&k, t->starts, (size_t)t->nstarts, sizeof(k), sample_start_cmp);
				if (st && st->offset >= 0)
					metrics_int(&o, M_TP_OLDEST, NULL, mt->name, mp->id, st->offset);
				offline += mp->offline;
				urp += mp->under_replicated;
			}
		}
		metrics_int(&o, M_OFFLINE, NULL, NULL, -1, offline);
		metrics_int(&o, M_URP, NULL, NULL, -1, urp);
		if (t->under_min_isr >= 0)
			metrics_int(&o, M_MIN_ISR, NULL, NULL, -1, t->under_min_isr);
		/* the groups of the newest good tick (a deleted group drops out) */
		if (t->last_ok_ms)
			rc = store_groups(s, cluster, t->last_ok_ms, &groups, &ngroups, cause);
		o.groups = groups;
		o.ngroups = ngroups;
		if (rc == 0)
			rc = store_newest(s, cluster, metrics_newest, &o, cause);
		metrics_sum_flush(&o);
		for (int i = 0; i < ngroups; i++) {
			if (rc == 0)
				rc = metrics_group(&o, s, cluster, groups[i], t, now_ms, cause);
			free(groups[i]);
		}
		free(groups);
		if (rc == 0)
			rc = metrics_rates(&o, s, cluster, now_ms, cause);
	}
	/* Before watch's first tick nothing is known of the cluster: no kcon_up 0 that would alert. */
	bool ticked = t->last_ok_ms || t->failures;
	if (ticked)
		metrics_real(&o, M_SAMPLE_S, NULL, NULL, t->duration_s);
	metrics_int(&o, M_FAILURES, NULL, NULL, -1, t->failures);
	if (t->last_ok_ms)
		metrics_real(&o, M_LAST_OK, NULL, NULL, (double)t->last_ok_ms / 1000.0);
	if (ticked)
		metrics_int(&o, M_UP, NULL, NULL, -1, t->up);
	model_unref(&m);
	struct sbuf out = SBUF_INIT;
	for (int k = 0; k < M_COUNT; k++) {
		if (rc == 0 && o.f[k].len) {
			sbuf_addf(&out, "# HELP %s %s\n# TYPE %s %s\n", metrics_families[k].name,
				  metrics_families[k].help, metrics_families[k].name, metrics_families[k].type);
			sbuf_addn(&out, sbuf_str(&o.f[k]), o.f[k].len);
		}
		sbuf_free(&o.f[k]);
	}
	if (rc < 0) {
		sbuf_free(&out);
		return NULL;
	}
	return sbuf_release(&out);
}
