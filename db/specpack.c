/* A cluster's spec with its known keys as one byte each (specpack.h). */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "specpack.h"
#include "swar.h"

/*
 * The keys, in the order that gives them their bytes: the first
 * SPECPACK_SHORT_KEYS are written as 0x01.., the others as SPECPACK_LONG
 * and 0x20 + their place after those. The short ones are the keys every
 * resolved spec holds (server/validate.c); the rest are those of optional
 * attributes and nested objects. Append only: stored specs name keys by
 * their place here.
 */
static const char *const keys[] = {
    /* 0x01 */ "name", "region_id", "cluster_type", "zone_id", "cloud_monitor_flags",
    "deletion_protection", "disable_rollback", "is_enterprise_security_group", "snat_entry",
    "ssh_flags", "endpoint_public_access", "worker_auto_renew", "cpu_policy", "proxy_mode",
    "node_port_range", "profile", "cluster_spec", "ip_stack", "cluster_domain",
    "worker_instance_charge_type", "worker_system_disk_category", "num_of_nodes",
    "timeout_mins", "worker_period", "worker_system_disk_size", "kubernetes_version",
    "node_cidr_mask", "runtime", "version",
    /* SPECPACK_LONG, 0x20 */ "addons", "config", "disabled", "tags", "key", "value",
    "container_cidr", "service_cidr", "vpc_auto", "vswitch_cidr", "vpc_cidr", "network_plugin",
    "vpcid", "vswitch_ids", "pod_vswitch_ids", "worker_vswitch_ids", "worker_instance_types",
    "worker_data_disks", "category", "size", "encrypted", "auto_snapshot_policy_id",
    "performance_level", "taints", "effect", "security_group_id", "worker_auto_renew_period",
    "worker_period_unit", "resource_group_id", "timezone", "logging_type",
    /* A create task's plan (server/lifecycle.c, lifecycle_plan_json), packed since schema 007. */
    "type", "nodes", "stages", "ms", "rollback", "rollback_ms", "fault", "fail_at_stage", "code",
    "message",
};

/*
 * Values that most specs hold, as they appear in the text (strings with
 * their quotes): the fixed defaults, the built-in catalog's names
 * (server/catalog.c), the default CIDRs. Each is written as SPECPACK_VALUE
 * and 0x20 + its place. Append only, as keys.
 */
static const char *const values[] = {
    "false", "true", "null", "\"\"", "\"ManagedKubernetes\"", "\"Default\"", "\"ack.standard\"",
    "\"ack.pro.small\"", "\"ipv4\"", "\"cluster.local\"", "\"PostPaid\"", "\"PrePaid\"",
    "\"Month\"", "\"cloud_ssd\"", "\"cloud_efficiency\"", "\"cloud_essd\"", "\"none\"",
    "\"static\"", "\"ipvs\"", "\"iptables\"", "\"30000~32767\"", "\"SLS\"", "\"flannel\"",
    "\"terway-eniip\"", "\"terway-eni\"", "\"csi-plugin\"", "\"csi-provisioner\"",
    "\"logtail-ds\"", "\"nginx-ingress-controller\"", "\"ack-node-problem-detector\"",
    "\"arms-prometheus\"", "\"sandboxed-container-controller\"", "\"metrics-server\"",
    "\"coredns\"", "\"alb-ingress-controller\"", "\"containerd\"",
    "\"Sandboxed-Container.runv\"", "\"docker\"", "\"1.5.13\"", "\"1.6.20\"", "\"1.6.28\"",
    "\"2.1.0\"", "\"2.2.0\"", "\"2.2.1\"", "\"19.03.15\"", "\"1.16.9-aliyun.1\"",
    "\"1.18.8-aliyun.1\"", "\"1.20.11-aliyun.1\"", "\"1.22.15-aliyun.1\"", "\"1.24.6-aliyun.1\"",
    "\"1.26.15-aliyun.1\"", "\"1.28.15-aliyun.1\"", "\"1.30.7-aliyun.1\"", "\"1.31.1-aliyun.1\"",
    "\"172.20.0.0/16\"", "\"172.21.0.0/20\"", "\"192.168.0.0/24\"", "\"192.168.0.0/16\"",
    "\"cn-qingdao\"", "\"cn-beijing\"", "\"cn-zhangjiakou\"", "\"cn-huhehaote\"",
    "\"cn-wulanchabu\"", "\"cn-hangzhou\"", "\"cn-shanghai\"", "\"cn-nanjing\"", "\"cn-fuzhou\"",
    "\"cn-shenzhen\"", "\"cn-heyuan\"", "\"cn-guangzhou\"", "\"cn-chengdu\"", "\"cn-hongkong\"",
    "\"ap-northeast-1\"", "\"ap-northeast-2\"", "\"ap-southeast-1\"", "\"ap-southeast-3\"",
    "\"ap-southeast-5\"", "\"ap-southeast-6\"", "\"ap-southeast-7\"", "\"ap-south-1\"",
    "\"us-east-1\"", "\"us-west-1\"", "\"eu-west-1\"", "\"eu-central-1\"", "\"me-east-1\"",
    "\"me-central-1\"",
    /* A create task's plan: its type and stages. */
    "\"cluster_create\"", "\"PrepareResources\"", "\"CreateNetwork\"", "\"CreateControlPlane\"",
    "\"CreateWorkerNodes\"", "\"InstallAddons\"", "\"CheckClusterHealth\"",
};

#define NKEYS		   ((int)(sizeof(keys) / sizeof(keys[0])))
#define NVALUES		   ((int)(sizeof(values) / sizeof(values[0])))
#define SPECPACK_SHORT_KEYS 29	/* bytes 0x01 to 0x1d */
#define LONG_FIRST	   0x20
#define LONG_LAST	   0x7e

_Static_assert(SPECPACK_SHORT_KEYS == SPECPACK_LONG - 1, "short keys fill 0x01..0x1d");
_Static_assert(NKEYS - SPECPACK_SHORT_KEYS <= LONG_LAST - LONG_FIRST + 1, "long keys fit a byte");
_Static_assert(NVALUES <= LONG_LAST - LONG_FIRST + 1, "values fit a byte");
_Static_assert(NKEYS <= 128 && NVALUES <= 128, "struct dict's len[] holds every word");

/*
 * Open-addressed tables of the keys and of the values, built once. The hash
 * reads a word's length and three of its bytes (the second, the third and
 * the one before the last): cheap, and it spreads these lists well (a
 * create packs ~45 keys and ~40 values).
 */
#define SLOTS 256
struct dict {
	const char *const *words;
	int n;
	signed char slot[SLOTS];
	unsigned char len[128];
};
static struct dict key_dict = {keys, NKEYS, {0}, {0}};
static struct dict value_dict = {values, NVALUES, {0}, {0}};
static pthread_once_t tables_once = PTHREAD_ONCE_INIT;

static unsigned
word_hash(const char *s, size_t n)
{
	return (unsigned)(n * 131u + (unsigned char)s[n > 1] * 31u + (unsigned char)s[n > 2 ? 2 : 0] * 7u +
			  (unsigned char)s[n - 1 - (n > 1)]) % SLOTS;
}

static void
dict_build(struct dict *d)
{
	memset(d->slot, -1, sizeof(d->slot));
	for (int k = 0; k < d->n; k++) {
		unsigned h;

		d->len[k] = (unsigned char)strlen(d->words[k]);
		for (h = word_hash(d->words[k], d->len[k]); d->slot[h] >= 0; h = (h + 1) % SLOTS)
			;
		d->slot[h] = (signed char)k;
	}
}

static void
tables_build(void)
{
	dict_build(&key_dict);
	dict_build(&value_dict);
}

/*
 * Whether the n bytes at a and b are the same, a word at a time: the words
 * are short, and a call to memcmp for each lookup was a quarter of the
 * packing's time (perf).
 */
static inline bool
same_bytes(const char *a, const char *b, size_t n)
{
	size_t i = 0;

	for (; i + 8 <= n; i += 8)
		if (swar_load(a + i) != swar_load(b + i))
			return false;
	for (; i < n; i++)
		if (a[i] != b[i])
			return false;
	return true;
}

/* The place of the word s (n bytes) in d, or -1. */
static int
dict_index(const struct dict *d, const char *s, size_t n)
{
	if (n == 0 || n > 64)
		return -1;
	for (unsigned h = word_hash(s, n); d->slot[h] >= 0; h = (h + 1) % SLOTS) {
		int k = d->slot[h];

		if (d->len[k] == n && same_bytes(d->words[k], s, n))
			return k;
	}
	return -1;
}

static char *
copy_as_is(const char *text, size_t len, size_t *out_len)
{
	char *out = malloc(len + 1);

	if (out == NULL)
		return NULL;
	memcpy(out, text, len);
	out[len] = '\0';
	*out_len = len;
	return out;
}

/*
 * The offset of the '"' that closes the string whose text starts at from,
 * eight bytes at a time over plain runs (swar.h); 0 when it is not closed
 * or holds a raw control byte.
 */
static size_t
string_end(const char *json, size_t len, size_t from)
{
	size_t at = from;

	while (at < len) {
		unsigned char c;

		for (uint64_t f; at + 8 <= len; at += 8)
			if ((f = swar_json_stops(swar_load(json + at))) != 0) {
				at += (size_t)swar_first(f);
				break;
			}
		if (at >= len)
			break;
		c = (unsigned char)json[at];
		if (c == '"')
			return at;
		if (c < 0x20)
			return 0;
		at += c == '\\' ? 2 : 1;
	}
	return 0;
}

char *
specpack_pack(const char *json, size_t len, size_t *out_len)
{
	char *out = malloc(len + 2);
	size_t o = 0, i = 0;

	if (out == NULL)
		return NULL;
	pthread_once(&tables_once, tables_build);
	out[o++] = SPECPACK_MARK;
	while (i < len) {
		unsigned char c = (unsigned char)json[i];
		size_t end;
		int k;

		/* A raw control byte (not JSON as ackmock prints it) would read as a key. */
		if (c < 0x20)
			goto as_is;
		if (c != '"') {
			/* Outside strings a letter starts true, false or null. */
			size_t n = c == 'f' ? 5 : 4;

			if ((c == 't' || c == 'f' || c == 'n') && i + n <= len &&
			    (k = dict_index(&value_dict, json + i, n)) >= 0) {
				out[o++] = SPECPACK_VALUE;
				out[o++] = (char)(LONG_FIRST + k);
				i += n;
				continue;
			}
			out[o++] = (char)c;
			i++;
			continue;
		}
		if ((end = string_end(json, len, i + 1)) == 0)
			goto as_is;
		/* A string followed by ':' is a key; one of the list becomes its byte. */
		if (end + 1 < len && json[end + 1] == ':' &&
		    (k = dict_index(&key_dict, json + i + 1, end - i - 1)) >= 0) {
			if (k < SPECPACK_SHORT_KEYS) {
				out[o++] = (char)(k + 1);
			} else {
				out[o++] = SPECPACK_LONG;
				out[o++] = (char)(LONG_FIRST + k - SPECPACK_SHORT_KEYS);
			}
			i = end + 2;
			continue;
		}
		/* A value of the list, with its quotes, becomes its two bytes. */
		if ((end + 1 >= len || json[end + 1] != ':') &&
		    (k = dict_index(&value_dict, json + i, end + 1 - i)) >= 0) {
			out[o++] = SPECPACK_VALUE;
			out[o++] = (char)(LONG_FIRST + k);
			i = end + 1;
			continue;
		}
		memcpy(out + o, json + i, end + 1 - i);
		o += end + 1 - i;
		i = end + 1;
	}
	/* Never longer than the text: "k": is 4 bytes or more, its token at most 2. */
	if (o >= len)
		goto as_is;
	*out_len = o;
	return out;
as_is:
	free(out);
	return copy_as_is(json, len, out_len);
}

/*
 * The word a token names, from stored[*at] on (advancing *at), its length
 * in *n, and whether it is a key (written "word":) or a value (written as
 * it is); NULL if none.
 */
static const char *
token_word(const unsigned char *stored, size_t len, size_t *at, size_t *n, bool *is_key)
{
	unsigned char b = stored[(*at)++], i;

	*is_key = b != SPECPACK_VALUE;
	if (b >= 1 && b <= SPECPACK_SHORT_KEYS) {
		*n = key_dict.len[b - 1];
		return keys[b - 1];
	}
	if ((b != SPECPACK_LONG && b != SPECPACK_VALUE) || *at >= len)
		return NULL;
	i = stored[(*at)++];
	if (i < LONG_FIRST || i > LONG_LAST)
		return NULL;
	if (b == SPECPACK_VALUE) {
		if (i - LONG_FIRST >= NVALUES)
			return NULL;
		*n = value_dict.len[i - LONG_FIRST];
		return values[i - LONG_FIRST];
	}
	if (SPECPACK_SHORT_KEYS + (i - LONG_FIRST) >= NKEYS)
		return NULL;
	*n = key_dict.len[SPECPACK_SHORT_KEYS + (i - LONG_FIRST)];
	return keys[SPECPACK_SHORT_KEYS + (i - LONG_FIRST)];
}

/* The first byte below 0x20 (a token) at or after i, or len; eight bytes at a time. */
static size_t
next_token(const unsigned char *s, size_t len, size_t i)
{
	for (; i + 8 <= len; i += 8) {
		uint64_t x = swar_load((const char *)s + i);
		uint64_t below = (x - SWAR_ONES * 0x20) & ~x & SWAR_HIGHS;

		if (below != 0) {
			i += (size_t)swar_first(below);
			break;
		}
	}
	while (i < len && s[i] >= 0x20)
		i++;
	return i;
}

char *
specpack_unpack(const char *stored, size_t len, size_t *out_len)
{
	const unsigned char *s = (const unsigned char *)stored;
	size_t need = 0, o = 0, n;
	bool is_key;
	char *out;

	if (len == 0 || s[0] != SPECPACK_MARK)
		return copy_as_is(stored, len, out_len);
	pthread_once(&tables_once, tables_build);
	/*
	 * Two passes, each over the runs between tokens a word at a time: the
	 * first checks the tokens and sizes the text.
	 */
	for (size_t i = 1, t;; i = t) {
		t = next_token(s, len, i);
		need += t - i;
		if (t >= len)
			break;
		if (token_word(s, len, &t, &n, &is_key) == NULL)
			return NULL;
		need += n + (is_key ? 3 : 0);
	}
	if ((out = malloc(need + 1)) == NULL)
		return NULL;
	for (size_t i = 1, t;; i = t) {
		const char *w;

		t = next_token(s, len, i);
		memcpy(out + o, s + i, t - i);
		o += t - i;
		if (t >= len)
			break;
		w = token_word(s, len, &t, &n, &is_key);
		if (is_key)
			out[o++] = '"';
		memcpy(out + o, w, n);
		o += n;
		if (is_key) {
			out[o++] = '"';
			out[o++] = ':';
		}
	}
	out[o] = '\0';
	*out_len = o;
	return out;
}

/* spec_json(stored): NULL stays NULL; a damaged packed spec is an error. */
static void
spec_json(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	const char *stored = (const char *)sqlite3_value_text(argv[0]);
	size_t len;
	char *json;

	(void)argc;
	if (stored == NULL) {
		sqlite3_result_null(ctx);
		return;
	}
	json = specpack_unpack(stored, (size_t)sqlite3_value_bytes(argv[0]), &len);
	if (json == NULL) {
		sqlite3_result_error(ctx, "a stored cluster spec is damaged", -1);
		return;
	}
	sqlite3_result_text(ctx, json, (int)len, free);
}

int
specpack_define(sqlite3 *sqlite)
{
	return sqlite3_create_function_v2(sqlite, "spec_json", 1,
	    SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS, NULL, spec_json, NULL, NULL,
	    NULL);
}
