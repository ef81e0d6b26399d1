/*
 * The CreateCluster rule engine and its tables.
 *
 * create_cluster_rules reads like create-cluster.md section 2, row for row;
 * the engine does the generic work of section 1 (types, absent values,
 * required values, item counts, JSON paths) so a check function sees only a
 * present value of the right JSON type. cross_rules is section 3, in its
 * order, and world_rules the checks of lifecycle.md section 6 that run
 * right after it. Every violation goes into one list, in document order:
 * unknown parameters (section 1, with --strict-parameters), then one
 * violation at most per row of section 2, then the cross rules, then the
 * world rules.
 */
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "catalog.h"
#include "cidr.h"
#include "jsonbody.h"
#include "jsonw.h"
#include "validate.h"
#include "world.h"

enum vtype {
	T_STRING,
	T_BOOL,
	T_LONG,        /* an integral number, or a string of decimal digits */
	T_BOOL_STRING, /* a bool, or the string "true" / "false" */
	T_STRING_ARRAY,
	T_OBJECT,
	T_OBJECT_ARRAY,
};

/* Rule flags. */
#define REQ    (1u << 0) /* absent is MissingParameter */
#define ZERO   (1u << 1) /* 0 is absent: the valid range excludes it */
#define SECRET (1u << 2) /* never echo the value */

/* The state of one top-level parameter after section 2. */
enum pstate {
	P_ABSENT,
	P_OK,
	P_BAD,
};

struct vctx;
struct rule;

/*
 * A check sees a present value of its rule's type and reports at most one
 * violation through fail(); it returns false when it did. parent is the
 * object holding the value (the body, or an array element).
 */
typedef bool (*check_fn)(struct vctx *x, const struct rule *r, const cJSON *v, const cJSON *parent,
                         const char *path);

/* The part of a row that reads another parameter; runs after every row's own checks. */
typedef bool (*relate_fn)(struct vctx *x, const cJSON *v, const char *path);

struct rule {
	const char *name;
	enum vtype type;
	unsigned flags;
	check_fn check;
	const char *const *oneof;   /* check_oneof: the allowed values */
	long long lo, hi;           /* check_range, check_length: inclusive bounds */
	const struct rule *members; /* T_OBJECT and T_OBJECT_ARRAY */
	int max_items;              /* arrays: 0 is no limit */
	relate_fn relate;
};

/*
 * The rows of section 2, in the order of create_cluster_rules: the cross
 * rules name a row by its constant, not by a search for its name (those
 * searches were a tenth of an invalid create's validation).
 */
enum row {
	ROW_ADDONS,
	ROW_CLOUD_MONITOR_FLAGS,
	ROW_CLUSTER_TYPE,
	ROW_CONTAINER_CIDR,
	ROW_CPU_POLICY,
	ROW_DELETION_PROTECTION,
	ROW_DISABLE_ROLLBACK,
	ROW_ENDPOINT_PUBLIC_ACCESS,
	ROW_IS_ENTERPRISE_SECURITY_GROUP,
	ROW_KEY_PAIR,
	ROW_KUBERNETES_VERSION,
	ROW_LOGIN_PASSWORD,
	ROW_NAME,
	ROW_NODE_CIDR_MASK,
	ROW_NODE_PORT_RANGE,
	ROW_NUM_OF_NODES,
	ROW_POD_VSWITCH_IDS,
	ROW_PROXY_MODE,
	ROW_REGION_ID,
	ROW_RUNTIME,
	ROW_SECURITY_GROUP_ID,
	ROW_SERVICE_CIDR,
	ROW_SNAT_ENTRY,
	ROW_SSH_FLAGS,
	ROW_TAGS,
	ROW_TAINTS,
	ROW_TIMEOUT_MINS,
	ROW_USER_DATA,
	ROW_VPCID,
	ROW_VSWITCH_IDS,
	ROW_WORKER_AUTO_RENEW,
	ROW_WORKER_AUTO_RENEW_PERIOD,
	ROW_WORKER_DATA_DISKS,
	ROW_WORKER_INSTANCE_CHARGE_TYPE,
	ROW_WORKER_INSTANCE_TYPES,
	ROW_WORKER_PERIOD,
	ROW_WORKER_PERIOD_UNIT,
	ROW_WORKER_SYSTEM_DISK_CATEGORY,
	ROW_WORKER_SYSTEM_DISK_SIZE,
	ROW_WORKER_VSWITCH_IDS,
	ROW_ZONE_ID,
	ROW_RESOURCE_GROUP_ID,
	ROW_PROFILE,
	ROW_CLUSTER_SPEC,
	ROW_TIMEZONE,
	ROW_LOGGING_TYPE,
	ROW_IP_STACK,
	ROW_CLUSTER_DOMAIN,
	NROWS
};

/* The state of one validation. */
struct vctx {
	const cJSON *body;
	const struct validate_options *opts;
	struct verdict *out;
	const struct rule *row;    /* the section 2 row being checked */
	const cJSON *value[NROWS]; /* each row's member of the body, or NULL */
	enum pstate state[NROWS];
	bool reported[NROWS]; /* reported by a cross or world rule */
	bool has_slot[NROWS];

	/* Values after defaults (section 4), for the cross rules; NULL is unknown. */
	const char *k8s;
	const char *runtime;
	const char *runtime_version;
	bool plugin_known; /* X1 passed */
	bool flannel;
	bool terway;
	bool auto_vpc;
	long long nodes; /* -1 when num_of_nodes broke its rule */
	long long mask;  /* -1 when node_cidr_mask broke its rule */
	const char *container_cidr;
	const char *service_cidr;
	const char *vpc_cidr;
	const cJSON *node_vswitches;   /* vswitch_ids, or worker_vswitch_ids */
	const cJSON *worker_vswitches; /* worker_vswitch_ids, or vswitch_ids */

	/*
	 * Each row's first violation, read only where has_slot is set: last, so
	 * that a validation clears the ~1 KiB above and not these 25 KiB.
	 */
	struct violation slot[NROWS];
};

static const char *const type_names[] = {
    [T_STRING] = "a string",
    [T_BOOL] = "a boolean",
    [T_LONG] = "an integer",
    [T_BOOL_STRING] = "a boolean",
    [T_STRING_ARRAY] = "an array of strings",
    [T_OBJECT] = "an object",
    [T_OBJECT_ARRAY] = "an array of objects",
};

/* The number of bytes of s to show: at most 64, never splitting a UTF-8 character. */
static int
clip(const char *s)
{
	size_t n = strlen(s);

	if (n <= 64)
		return (int)n;
	n = 64;
	while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
		n--;
	return (int)n;
}

/*
 * A text being formatted into buf[0..size): len bytes written, total the
 * length snprintf would return.
 */
struct out {
	char *buf;
	size_t size, len, total;
};

static void
out_put(struct out *o, const char *s, size_t n)
{
	size_t room = o->size - 1 - o->len;

	o->total += n;
	if (n > room)
		n = room;
	memcpy(o->buf + o->len, s, n);
	o->len += n;
}

static void
out_number(struct out *o, unsigned long long u, bool negative)
{
	char num[24], *p = num + sizeof(num);

	do
		*--p = (char)('0' + u % 10);
	while ((u /= 10) != 0);
	if (negative)
		*--p = '-';
	out_put(o, p, (size_t)(num + sizeof(num) - p));
}

static void
out_signed(struct out *o, long long v)
{
	out_number(o, v < 0 ? 0 - (unsigned long long)v : (unsigned long long)v, v < 0);
}

/*
 * vsnprintf for the conversions this file's messages use (%s, %.*s, %d,
 * %lld, %zu and %%), with the same output and return value; any other
 * conversion is left to vsnprintf itself. libc's cost a thousand
 * instructions a message, a tenth of an invalid create's validation.
 */
static int format_v(char *buf, size_t size, const char *fmt, va_list ap)
    __attribute__((format(printf, 3, 0)));

static int
format_v(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct out o = {.buf = buf, .size = size};
	const char *f = fmt, *lit, *str;
	va_list copy;
	int prec;

	va_copy(copy, ap);
	for (;;) {
		lit = f;
		f = strchrnul(f, '%');
		out_put(&o, lit, (size_t)(f - lit));
		if (*f++ == '\0')
			break;
		if (f[0] == 's') {
			str = va_arg(ap, const char *);
			str = str != NULL ? str : "(null)";
			out_put(&o, str, strlen(str));
			f += 1;
		} else if (f[0] == '.' && f[1] == '*' && f[2] == 's') {
			prec = va_arg(ap, int);
			str = va_arg(ap, const char *);
			str = str != NULL ? str : "(null)";
			out_put(&o, str, prec >= 0 ? strnlen(str, (size_t)prec) : strlen(str));
			f += 3;
		} else if (f[0] == 'd') {
			out_signed(&o, va_arg(ap, int));
			f += 1;
		} else if (f[0] == 'l' && f[1] == 'l' && f[2] == 'd') {
			out_signed(&o, va_arg(ap, long long));
			f += 3;
		} else if (f[0] == 'z' && f[1] == 'u') {
			out_number(&o, va_arg(ap, size_t), false);
			f += 2;
		} else if (f[0] == '%') {
			out_put(&o, "%", 1);
			f += 1;
		} else {
			int n = vsnprintf(buf, size, fmt, copy);

			va_end(copy);
			return n;
		}
	}
	va_end(copy);
	buf[o.len] = '\0';
	return o.total <= INT_MAX ? (int)o.total : -1;
}

/* snprintf by format_v. */
static int format(char *buf, size_t size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int
format(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = format_v(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

/* Drops a UTF-8 sequence that truncation left incomplete at the end of buf[0..n). */
static void
utf8_trim(char *buf, size_t n)
{
	size_t lead = n;
	unsigned char c;
	size_t need;

	while (lead > 0 && ((unsigned char)buf[lead - 1] & 0xC0) == 0x80)
		lead--;
	if (lead == 0)
		return;
	c = (unsigned char)buf[lead - 1];
	need = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
	if (n - (lead - 1) < need)
		buf[lead - 1] = '\0';
}

/*
 * buf = a b c d (NULL ends the list early), cut as snprintf cuts: a JSON
 * path is built for every member checked, and snprintf cost more than the
 * checks.
 */
static size_t
path_cat(char *buf, size_t len, const char *a, const char *b, const char *c, const char *d)
{
	const char *parts[] = {a, b, c, d};
	size_t n = 0;

	for (size_t k = 0; k < 4 && parts[k] != NULL; k++) {
		size_t m = strlen(parts[k]);

		if (m > len - 1 - n)
			m = len - 1 - n;
		memcpy(buf + n, parts[k], m);
		n += m;
	}
	buf[n] = '\0';
	return n;
}

/* path[i] (and then rest, when not NULL) into buf, as snprintf "%s[%d]%s" would. */
static void
path_index(char *buf, size_t len, const char *path, int i, const char *rest)
{
	char num[16], *p = num + sizeof(num);
	unsigned u = i < 0 ? 0u - (unsigned)i : (unsigned)i;

	*--p = '\0';
	*--p = ']';
	do
		*--p = (char)('0' + u % 10);
	while ((u /= 10) != 0);
	if (i < 0)
		*--p = '-';
	*--p = '[';
	path_cat(buf, len, path, p, rest, NULL);
}

static void put(struct violation *v, enum err err, const char *path, const char *fmt, va_list ap)
    __attribute__((format(printf, 4, 0)));

static void
put(struct violation *v, enum err err, const char *path, const char *fmt, va_list ap)
{
	size_t n;
	int w;

	v->err = err;
	n = path_cat(v->parameter, sizeof(v->parameter), path, NULL, NULL, NULL);
	utf8_trim(v->parameter, n);
	w = format_v(v->message, sizeof(v->message), fmt, ap);
	if (w < 0)
		n = strlen(v->message);
	else
		n = (size_t)w < sizeof(v->message) ? (size_t)w : sizeof(v->message) - 1;
	utf8_trim(v->message, n);
}

/* Appends a violation to the verdict (cross rules, world rules, unknown keys). */
static void violate(struct verdict *out, enum err err, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void
violate(struct verdict *out, enum err err, const char *path, const char *fmt, ...)
{
	va_list ap;

	if (out->n >= VALIDATE_MAX_VIOLATIONS)
		return;
	va_start(ap, fmt);
	put(&out->v[out->n++], err, path, fmt, ap);
	va_end(ap);
}

static const struct rule create_cluster_rules[NROWS + 1];

/* Records the current row's violation (the first one wins) and returns false. */
static bool fail_with(struct vctx *x, enum err err, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static bool
fail_with(struct vctx *x, enum err err, const char *path, const char *fmt, ...)
{
	size_t i = (size_t)(x->row - create_cluster_rules);
	va_list ap;

	if (!x->has_slot[i]) {
		va_start(ap, fmt);
		put(&x->slot[i], err, path, fmt, ap);
		va_end(ap);
		x->has_slot[i] = true;
	}
	return false;
}

#define fail(x, path, ...) fail_with(x, ERR_INVALID_PARAMETER, path, __VA_ARGS__)

/*
 * The value as it appears in a message: a quoted string cut at 64 bytes
 * (on a character boundary), or a number. Secrets are never shown.
 */
static const char *
shown(const struct vctx *x, const cJSON *v, char *buf, size_t len)
{
	if (x->row != NULL && (x->row->flags & SECRET) != 0) {
		format(buf, len, "(hidden)");
	} else if (cJSON_IsString(v)) {
		size_t n = strlen(v->valuestring);

		if (n > 64) {
			n = 64;
			while (n > 0 && ((unsigned char)v->valuestring[n] & 0xC0) == 0x80)
				n--;
			format(buf, len, "\"%.*s...\"", (int)n, v->valuestring);
		} else {
			format(buf, len, "\"%s\"", v->valuestring);
		}
	} else if (cJSON_IsNumber(v)) {
		snprintf(buf, len, "%.17g", v->valuedouble);
	} else if (cJSON_IsBool(v)) {
		format(buf, len, "%s", cJSON_IsTrue(v) ? "true" : "false");
	} else {
		format(buf, len, "(a JSON value)");
	}
	return buf;
}

#define SHOW(v) shown(x, (v), (char[96]){0}, 96)

/* Section 1: true when v is a number written without fraction or exponent, or a string of digits.
 */
static bool
long_value(const cJSON *v, long long *out)
{
	if (cJSON_IsNumber(v)) {
		double d = v->valuedouble;

		if ((v->type & JSONBODY_NOT_INTEGRAL) != 0 || d != floor(d) || fabs(d) > 9e15)
			return false;
		*out = (long long)d;
		return true;
	}
	if (cJSON_IsString(v)) {
		const char *s = v->valuestring;
		long long n = 0;

		if (*s == '\0' || strlen(s) > 15)
			return false;
		for (; *s != '\0'; s++) {
			if (*s < '0' || *s > '9')
				return false;
			n = n * 10 + (*s - '0');
		}
		*out = n;
		return true;
	}
	return false;
}

static long long
long_of(const cJSON *v)
{
	long long n = 0;

	long_value(v, &n);
	return n;
}

/* Decodes one code point of UTF-8 text and advances *s; an invalid byte reads as U+FFFD. */
static uint32_t
next_cp(const char **s)
{
	const unsigned char *p = (const unsigned char *)*s;
	uint32_t cp;
	int n;

	if (p[0] < 0x80) {
		*s += 1;
		return p[0];
	}
	if ((p[0] & 0xE0) == 0xC0) {
		n = 1;
		cp = p[0] & 0x1F;
	} else if ((p[0] & 0xF0) == 0xE0) {
		n = 2;
		cp = p[0] & 0x0F;
	} else if ((p[0] & 0xF8) == 0xF0) {
		n = 3;
		cp = p[0] & 0x07;
	} else {
		*s += 1;
		return 0xFFFD;
	}
	for (int k = 1; k <= n; k++) {
		if ((p[k] & 0xC0) != 0x80) {
			*s += k;
			return 0xFFFD;
		}
		cp = (cp << 6) | (p[k] & 0x3F);
	}
	*s += n + 1;
	return cp;
}

static size_t
chars(const char *s)
{
	size_t n = 0;

	while (*s != '\0') {
		next_cp(&s);
		n++;
	}
	return n;
}

static bool
is_alnum(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

static bool
is_lower_alnum(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

/* True when every byte of s is in set (s non-empty). */
static bool
all_in(const char *s, const char *set)
{
	if (*s == '\0')
		return false;
	for (; *s != '\0'; s++)
		if (!is_alnum((unsigned char)*s) && strchr(set, *s) == NULL)
			return false;
	return true;
}

static bool
starts_with(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* ---- Generic checks, parameterised by the row. ---- */

/* The value is one of r->oneof (compared as text; a long as its decimal digits). */
static bool
check_oneof(struct vctx *x, const struct rule *r, const cJSON *v, const cJSON *parent,
            const char *path)
{
	char num[32], allowed[256] = "";
	const char *s = v->valuestring;
	size_t used = 0;

	if (r->type == T_LONG) {
		format(num, sizeof(num), "%lld", long_of(v));
		s = num;
	}
	for (const char *const *o = r->oneof; *o != NULL; o++) {
		if (strcmp(*o, s) == 0)
			return true;
		used += (size_t)format(allowed + used, sizeof(allowed) - used, "%s%s",
		                         o == r->oneof ? "" : ", ", *o);
		if (used >= sizeof(allowed))
			break;
	}
	return fail(x, path, "%s must be one of %s, got %s", path, allowed, SHOW(v));
}

static bool
check_range(struct vctx *x, const struct rule *r, const cJSON *v, const cJSON *parent,
            const char *path)
{
	long long n = long_of(v);

	if (n < r->lo || n > r->hi)
		return fail(x, path, "%s must be between %lld and %lld, got %lld", path, r->lo,
		            r->hi, n);
	return true;
}

/* A string of lo..hi characters (code points). */
static bool
check_length(struct vctx *x, const struct rule *r, const cJSON *v, const cJSON *parent,
             const char *path)
{
	size_t n = chars(v->valuestring);

	if ((long long)n < r->lo || (long long)n > r->hi)
		return fail(x, path, "%s must be %lld to %lld characters long, got %zu", path,
		            r->lo, r->hi, n);
	return true;
}

/* An id: the row's oneof[0] prefix followed by lower-case letters and digits. */
static bool
check_id(struct vctx *x, const struct rule *r, const cJSON *v, const cJSON *parent,
         const char *path)
{
	if (!world_id_ok(v->valuestring, r->oneof[0]))
		return fail(x, path,
		            "%s must be %s followed by lower-case letters and digits, got %s", path,
		            r->oneof[0], SHOW(v));
	return true;
}

/* Each item a vsw- id, no duplicates (rows 17, 30, 40). */
static bool
check_vswitch_list(struct vctx *x, const struct rule *r, const cJSON *v, const cJSON *parent,
                   const char *path)
{
	int i = 0;

	for (const cJSON *e = v->child; e != NULL; e = e->next, i++) {
		char sub[128];

		path_index(sub, sizeof(sub), path, i, NULL);
		if (!world_id_ok(e->valuestring, "vsw-"))
			return fail(
			    x, sub,
			    "%s must be vsw- followed by lower-case letters and digits, got %s",
			    sub, SHOW(e));
		for (const cJSON *p = v->child; p != e; p = p->next)
			if (strcmp(p->valuestring, e->valuestring) == 0)
				return fail(x, sub, "%s repeats vSwitch %s", sub, SHOW(e));
	}
	return true;
}

/* ---- Row checks, in the order of section 2. ---- */

/* Row 1: each name in the addon catalog. */
static bool
check_addon_name(struct vctx *x, const struct rule *r, const cJSON *v, const cJSON *parent,
                 const char *path)
{
	char list[512];

	if (!catalog_list_has(&x->opts->catalog->addons, v->valuestring))
		return fail(x, path, "%s %s is not a known addon, known: %s", path, SHOW(v),
		            catalog_list_join(&x->opts->catalog->addons, list, sizeof(list)));
	return true;
}

/* Row 1: config is absent or the text of a JSON object. */
static bool
check_addon_config(struct vctx *x, const struct rule *r, const cJSON *v, const cJSON *parent,
                   const char *path)
{
	/* The length includes the NUL: cJSON checks that the text ends there. */
	cJSON *doc =
	    cJSON_ParseWithLengthOpts(v->valuestring, strlen(v->valuestring) + 1, NULL, true);
	bool ok = cJSON_IsObject(doc);

	cJSON_Delete(doc);
	if (!ok)
		return fail(x, path, "%s must be a JSON object in a string, got %s", path, SHOW(v));
	return true;
}

/* Row 1: no addon twice. */
static bool
check_addons(struct vctx *x, const struct rule *r, const cJSON *v, const cJSON *parent,
             const char *path)
{
	int i = 0;

	for (const cJSON *e = v->child; e != NULL; e = e->next, i++) {
		const cJSON *name = cJSON_GetObjectItemCaseSensitive(e, "name");

		for (const cJSON *p = v->child; p != e; p = p->next) {
			const cJSON *other = cJSON_GetObjectItemCaseSensitive(p, "name");
			char sub[128];

			if (strcmp(other->valuestring, name->valuestring) != 0)
				continue;
			path_index(sub, sizeof(sub), path, i, ".name");
			return fail(x, sub, "%s repeats addon %s", sub, SHOW(name));
		}
	}
	return true;
}

/* Row 3. */
static bool
check_cluster_type(struct vctx *x, const struct rule *r, const cJSON *v, const cJSON *parent,
                   const char *path)
{
	static const char *const others[] = {"Kubernetes", "ExternalKubernetes", "Ask", NULL};

	if (strcmp(v->valuestring, "ManagedKubernetes") == 0)
		return true;
	for (const char *const *o = others; *o != NULL; o++)
		if (strcmp(*o, v->valuestring) == 0)
			return fail(x, path,
			            "cluster_type %s is not supported by this endpoint, use "
			            "ManagedKubernetes",
			            v->valuestring);
	return fail(x, path, "cluster_type must be ManagedKubernetes, got %s", SHOW(v));
}

/* Rows 4 and 22: a private IPv4 block with zero host bits and a prefix in lo..hi. */
static bool
check_cidr(struct vctx *x, const struct rule *r, const cJSON *v, const cJSON *parent,
           const char *path)
{
	struct cidr c;

	if (cidr_parse(v->valuestring, &c) && cidr_host_bits_zero(&c) && cidr_is_private(&c) &&
	    c.prefix >= r->lo && c.prefix <= r->hi)
		return true;
	return fail_with(x, ERR_INVALID_CIDR, path, "Invalid %s CIDR: invalid CIDR address: %.*s",
	                 r->oneof[0], clip(v->valuestring), v->valuestring);
}

/* Row 5, the part that reads kubernetes_version: static needs 1.12.6 or newer. */
static bool
relate_cpu_policy(struct vctx *x, const cJSON *v, const char *path)
{
	const cJSON *k8s = x->value[ROW_KUBERNETES_VERSION];

	if (strcmp(v->valuestring, "static") != 0 ||
	    x->state[ROW_KUBERNETES_VERSION] != P_OK)
		return true;
	if (catalog_version_cmp(k8s->valuestring, "1.12.6", 3) < 0)
		return fail(x, path,
		            "cpu_policy static needs kubernetes_version 1.12.6 or newer, got %s",
		            SHOW(k8s));
	return true;
}

/* Row 9, the part that reads security_group_id: the two are mutually exclusive. */
static bool
relate_enterprise_sg(struct vctx *x, const cJSON *v, const char *path)
{
	if (cJSON_IsTrue(v) && x->state[ROW_SECURITY_GROUP_ID] == P_OK)
		return fail(x, path,
		            "is_enterprise_security_group true and security_group_id are mutually "
		            "exclusive");
	return true;
}

/* Row 11. */
static bool
check_k8s_version(struct vctx *x, const struct rule *r, const cJSON *v, const cJSON *parent,
                  const char *path)
{
	char list[512];

	if (!catalog_list_has(&x->opts->catalog->kubernetes_versions, v->valuestring))
		return fail(
		    x, path, "kubernetes_version %.*s is not supported, supported: %s",
		    clip(v->valuestring), v->valuestring,
		    catalog_list_join(&x->opts->catalog->kubernetes_versions, list, sizeof(list)));
	return true;
}

/* Row 12. The value is a secret: no message shows it. */
static bool
check_login_password(struct vctx *x, const struct rule *r, const cJSON *v, const cJSON *parent,
                     const char *path)
{
	static const char specials[] = "()`~!@#$%^&*-_+=|{}[]:;'<>,.?/";
	bool upper = false, lower = false, digit = false, special = false;
	size_t n = strlen(v->valuestring);

	if (n < 8 || n > 30)
		return fail(x, path, "login_password must be 8 to 30 characters long");
	for (const char *s = v->valuestring; *s != '\0'; s++) {
		if (*s >= 'A' && *s <= 'Z')
			upper = true;
		else if (*s >= 'a' && *s <= 'z')
			lower = true;
		else if (*s >= '0' && *s <= '9')
			digit = true;
		else if (strchr(specials, *s) != NULL)
			special = true;
		else
			return fail(x, path,
			            "login_password may contain only letters, digits and "
			            "()`~!@#$%%^&*-_+=|{}[]:;'<>,.?/");
	}
	if (upper + lower + digit + special < 3)
		return fail(x, path,
		            "login_password must contain at least three of: upper-case letters, "
		            "lower-case letters, digits, special characters");
	return true;
}

/* The problem with a cluster name (row 13), as a message about parameter, or NULL when it is fine.
 */
static const char *
name_problem(const char *s, const char *parameter, char *buf, size_t len)
{
	const char *p = s;
	size_t n = chars(s);

	if (n < 1 || n > 63) {
		format(buf, len, "%s must be 1 to 63 characters long, got %zu", parameter, n);
		return buf;
	}
	if (s[0] == '-') {
		format(buf, len, "%s must not start with '-', got \"%.*s\"", parameter, clip(s),
		         s);
		return buf;
	}
	while (*p != '\0') {
		uint32_t c = next_cp(&p);

		if (!(c < 0x80 && (is_alnum((int)c) || c == '-')) &&
		    !(c >= 0x3400 && c <= 0x4DBF) && !(c >= 0x4E00 && c <= 0x9FFF)) {
			format(
			    buf, len,
			    "%s may contain only letters, digits, '-' and Chinese characters, got "
			    "\"%.*s\"",
			    parameter, clip(s), s);
			return buf;
		}
	}
	return NULL;
}

bool
validate_cluster_name(const char *name, const char *parameter, char *why, size_t whylen)
{
	return name_problem(name, parameter, why, whylen) == NULL;
}

/* Row 13: 1-63 characters of letters, digits, '-' and CJK ideographs, not starting with '-'. */
static bool
check_cluster_name(struct vctx *x, const struct rule *r, const cJSON *v, const cJSON *parent,
                   const char *path)
{
	char buf[256];

	if (name_problem(v->valuestring, path, buf, sizeof(buf)) != NULL)
		return fail(x, path, "%s", buf);
	return true;
}

/* Row 15: LO~HI or LO-HI, 30000 <= LO <= HI <= 65535. */
static bool
check_node_port_range(struct vctx *x, const struct rule *r, const cJSON *v, const cJSON *parent,
                      const char *path)
{
	const char *s = v->valuestring;
	long lo = 0, hi = 0;
	int nd = 0;

	for (; *s >= '0' && *s <= '9' && nd < 6; s++, nd++)
		lo = lo * 10 + (*s - '0');
	if (nd == 0 || nd > 5 || (*s != '~' && *s != '-'))
		goto bad;
	for (s++, nd = 0; *s >= '0' && *s <= '9' && nd < 6; s++, nd++)
		hi = hi * 10 + (*s - '0');
	if (nd == 0 || nd > 5 || *s != '\0')
		goto bad;
	if (lo < 30000 || lo > hi || hi > 65535)
		return fail(x, path,
		            "node_port_range must satisfy 30000 <= LO <= HI <= 65535, got %s",
		            SHOW(v));
	return true;
bad:
	return fail(x, path, "node_port_range must be LO~HI or LO-HI, got %s", SHOW(v));
}

/* Row 19. */
static bool
check_region(struct vctx *x, const struct rule *r, const cJSON *v, const cJSON *parent,
             const char *path)
{
	if (!catalog_list_has(&x->opts->catalog->regions, v->valuestring))
		return fail(x, path, "region_id %s is not a supported region", SHOW(v));
	return true;
}

/* Row 20: the runtime's name. */
static bool
check_runtime_name(struct vctx *x, const struct rule *r, const cJSON *v, const cJSON *parent,
                   const char *path)
{
	char list[256] = "";
	size_t used = 0;

	if (catalog_runtime(x->opts->catalog, v->valuestring) != NULL)
		return true;
	for (size_t i = 0; i < x->opts->catalog->nruntimes && used < sizeof(list); i++)
		used += (size_t)format(list + used, sizeof(list) - used, "%s%s", i ? ", " : "",
		                         x->opts->catalog->runtimes[i].name);
	return fail(x, path, "%s must be one of %s, got %s", path, list, SHOW(v));
}

/* Row 20: the version is in that runtime's catalog (the name passed its check first). */
static bool
check_runtime_version(struct vctx *x, const struct rule *r, const cJSON *v, const cJSON *parent,
                      const char *path)
{
	const cJSON *name = cJSON_GetObjectItemCaseSensitive(parent, "name");
	const struct catalog_runtime *rt = catalog_runtime(x->opts->catalog, name->valuestring);
	char list[256];

	if (!catalog_list_has(&rt->versions, v->valuestring))
		return fail(x, path, "%s %s is not a version of %s, supported: %s", path, SHOW(v),
		            rt->name, catalog_list_join(&rt->versions, list, sizeof(list)));
	return true;
}

/* Row 25: a tag key. */
static bool
check_tag_key(struct vctx *x, const struct rule *r, const cJSON *v, const cJSON *parent,
              const char *path)
{
	static const char *const reserved[] = {"aliyun", "acs:", "http://", "https://", NULL};

	if (!check_length(x, r, v, parent, path))
		return false;
	for (const char *const *p = reserved; *p != NULL; p++)
		if (starts_with(v->valuestring, *p))
			return fail(x, path, "%s must not start with %s, got %s", path, *p,
			            SHOW(v));
	return true;
}

/* Row 25: no tag key twice. */
static bool
check_tags(struct vctx *x, const struct rule *r, const cJSON *v, const cJSON *parent,
           const char *path)
{
	int i = 0;

	for (const cJSON *e = v->child; e != NULL; e = e->next, i++) {
		const cJSON *key = cJSON_GetObjectItemCaseSensitive(e, "key");

		for (const cJSON *p = v->child; p != e; p = p->next) {
			char sub[128];

			if (strcmp(cJSON_GetObjectItemCaseSensitive(p, "key")->valuestring,
			           key->valuestring) != 0)
				continue;
			path_index(sub, sizeof(sub), path, i, ".key");
			return fail(x, sub, "%s repeats tag key %s", sub, SHOW(key));
		}
	}
	return true;
}

/* 1-63 of [A-Za-z0-9._-], starting and ending alphanumeric. */
static bool
label_name_ok(const char *s, size_t n)
{
	if (n < 1 || n > 63 || !is_alnum((unsigned char)s[0]) || !is_alnum((unsigned char)s[n - 1]))
		return false;
	for (size_t i = 0; i < n; i++)
		if (!is_alnum((unsigned char)s[i]) && strchr("._-", s[i]) == NULL)
			return false;
	return true;
}

/* A DNS subdomain: at most 253 of lower-case labels [a-z0-9-], each starting and ending
 * alphanumeric. */
static bool
dns_subdomain_ok(const char *s, size_t n)
{
	size_t start = 0;

	if (n < 1 || n > 253)
		return false;
	for (size_t i = 0; i <= n; i++) {
		if (i < n && s[i] != '.') {
			if (!is_lower_alnum((unsigned char)s[i]) && s[i] != '-')
				return false;
			continue;
		}
		if (i == start || s[start] == '-' || s[i - 1] == '-')
			return false;
		start = i + 1;
	}
	return true;
}

/* Row 26: a Kubernetes label key, [prefix/]name. */
static bool
check_taint_key(struct vctx *x, const struct rule *r, const cJSON *v, const cJSON *parent,
                const char *path)
{
	const char *s = v->valuestring, *slash = strchr(s, '/');
	bool ok;

	if (slash == NULL)
		ok = label_name_ok(s, strlen(s));
	else
		ok = dns_subdomain_ok(s, (size_t)(slash - s)) &&
		     label_name_ok(slash + 1, strlen(slash + 1));
	if (!ok)
		return fail(x, path,
		            "%s must be a Kubernetes label key ([DNS subdomain/]name of 1-63 "
		            "[A-Za-z0-9._-] starting and ending alphanumeric), got %s",
		            path, SHOW(v));
	return true;
}

/* Row 26: a label value (an empty one is absent and never gets here). */
static bool
check_taint_value(struct vctx *x, const struct rule *r, const cJSON *v, const cJSON *parent,
                  const char *path)
{
	if (!label_name_ok(v->valuestring, strlen(v->valuestring)))
		return fail(x, path,
		            "%s must be at most 63 of [A-Za-z0-9._-] starting and ending "
		            "alphanumeric, got %s",
		            path, SHOW(v));
	return true;
}

/* Row 28: standard base64 with padding, at most 16 KiB decoded. Not echoed. */
static bool
check_user_data(struct vctx *x, const struct rule *r, const cJSON *v, const cJSON *parent,
                const char *path)
{
	const char *s = v->valuestring;
	size_t n = strlen(s), pad = 0;

	if (n % 4 != 0)
		return fail(x, path,
		            "user_data must be base64 with padding (length a multiple of 4)");
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '=' && i >= n - 2) {
			pad++;
			continue;
		}
		if (pad != 0 || !(is_alnum((unsigned char)s[i]) || s[i] == '+' || s[i] == '/'))
			return fail(
			    x, path,
			    "user_data must be standard base64 (A-Z a-z 0-9 + / and = padding)");
	}
	if (n / 4 * 3 - pad > 16384)
		return fail(x, path, "user_data must decode to at most 16384 bytes, got %zu",
		            n / 4 * 3 - pad);
	return true;
}

/* Row 33: size 20-32768 GiB, or 5-2000 for the category cloud. */
static bool
check_disk_size(struct vctx *x, const struct rule *r, const cJSON *v, const cJSON *parent,
                const char *path)
{
	const cJSON *cat = cJSON_GetObjectItemCaseSensitive(parent, "category");
	bool basic = cJSON_IsString(cat) && strcmp(cat->valuestring, "cloud") == 0;
	long long n = long_of(v), lo = basic ? 5 : 20, hi = basic ? 2000 : 32768;

	if (n < lo || n > hi)
		return fail(x, path, "%s must be between %lld and %lld GiB for %s disks, got %lld",
		            path, lo, hi, basic ? "cloud" : "this category of", n);
	return true;
}

/* Row 35: 1-10 items, each ecs.<family>.<size>. */
static bool
check_instance_types(struct vctx *x, const struct rule *r, const cJSON *v, const cJSON *parent,
                     const char *path)
{
	int i = 0;

	for (const cJSON *e = v->child; e != NULL; e = e->next, i++) {
		const char *s = e->valuestring, *dot;
		bool ok = starts_with(s, "ecs.") && (dot = strchr(s + 4, '.')) != NULL &&
		          dot > s + 4 && dot[1] != '\0' && strchr(dot + 1, '.') == NULL;
		char sub[128];

		for (const char *p = s + 4; ok && *p != '\0'; p++)
			if (*p != '.' && *p != '-' && !is_lower_alnum((unsigned char)*p))
				ok = false;
		if (!ok) {
			path_index(sub, sizeof(sub), path, i, NULL);
			return fail(x, sub, "%s must be ecs.<family>.<size>, got %s", sub, SHOW(e));
		}
	}
	return true;
}

/* Row 41: <region>-<one lower-case letter>. */
static bool
check_zone(struct vctx *x, const struct rule *r, const cJSON *v, const cJSON *parent,
           const char *path)
{
	const char *s = v->valuestring;
	size_t n = strlen(s);
	bool ok = n >= 3 && s[n - 2] == '-' && s[n - 1] >= 'a' && s[n - 1] <= 'z' &&
	          is_lower_alnum((unsigned char)s[0]) && is_lower_alnum((unsigned char)s[n - 3]);

	for (size_t i = 0; ok && i < n - 2; i++)
		if (!is_lower_alnum((unsigned char)s[i]) && s[i] != '-')
			ok = false;
	if (!ok)
		return fail(x, path,
		            "zone_id must be <region>-<letter> such as cn-beijing-b, got %s",
		            SHOW(v));
	return true;
}

/* Row 41, the part that reads region_id. */
static bool
relate_zone(struct vctx *x, const cJSON *v, const char *path)
{
	const cJSON *region = x->value[ROW_REGION_ID];
	size_t n = strlen(v->valuestring);

	if (x->state[ROW_REGION_ID] != P_OK)
		return true;
	if (n - 2 != strlen(region->valuestring) ||
	    strncmp(v->valuestring, region->valuestring, n - 2) != 0)
		return fail(x, path, "zone_id %s is not a zone of region_id %s", SHOW(v),
		            SHOW(region));
	return true;
}

/* Row 45: 1-64 of [A-Za-z0-9_+/-]. */
static bool
check_timezone(struct vctx *x, const struct rule *r, const cJSON *v, const cJSON *parent,
               const char *path)
{
	if (strlen(v->valuestring) > 64 || !all_in(v->valuestring, "_+/-"))
		return fail(x, path, "timezone must be 1 to 64 of [A-Za-z0-9_+/-], got %s",
		            SHOW(v));
	return true;
}

/* Row 48: dot-separated labels of 1-63 lower-case letters, digits and '-'. */
static bool
check_cluster_domain(struct vctx *x, const struct rule *r, const cJSON *v, const cJSON *parent,
                     const char *path)
{
	const char *s = v->valuestring;
	size_t label = 0;

	for (;; s++) {
		if (*s == '.' || *s == '\0') {
			if (label < 1 || label > 63)
				break;
			if (*s == '\0')
				return true;
			label = 0;
		} else if (is_lower_alnum((unsigned char)*s) || *s == '-') {
			label++;
		} else {
			break;
		}
	}
	return fail(x, path,
	            "cluster_domain must be dot-separated labels of 1 to 63 of [a-z0-9-], got %s",
	            SHOW(v));
}

/* clang-format off */
#define ONEOF(...)	check_oneof, (const char *const[]){ __VA_ARGS__, NULL }, 0, 0
#define RANGE(lo, hi)	check_range, NULL, lo, hi
#define LENGTH(lo, hi)	check_length, NULL, lo, hi
#define ID(prefix)	check_id, (const char *const[]){ prefix, NULL }, 0, 0
#define CHECK(fn)	fn, NULL, 0, 0
#define CHECK_LENGTH(fn, lo, hi) fn, NULL, lo, hi
#define CIDR(kind, lo, hi) check_cidr, (const char *const[]){ kind, NULL }, lo, hi
#define NONE		NULL, NULL, 0, 0

static const struct rule addon_rules[] = {
	/* member	type		flags	check */
	{ "name",	T_STRING,	REQ,	CHECK(check_addon_name) },
	{ "config",	T_STRING,	0,	CHECK(check_addon_config) },
	{ "version",	T_STRING,	0,	NONE },
	{ "disabled",	T_BOOL,		0,	NONE },
	{ NULL },
};

static const struct rule runtime_rules[] = {
	{ "name",	T_STRING,	REQ,	CHECK(check_runtime_name) },
	{ "version",	T_STRING,	0,	CHECK(check_runtime_version) },
	{ NULL },
};

static const struct rule tag_rules[] = {
	{ "key",	T_STRING,	REQ,	CHECK_LENGTH(check_tag_key, 1, 64) },
	{ "value",	T_STRING,	0,	LENGTH(0, 128) },
	{ NULL },
};

static const struct rule taint_rules[] = {
	{ "key",	T_STRING,	REQ,	CHECK(check_taint_key) },
	{ "value",	T_STRING,	0,	CHECK(check_taint_value) },
	{ "effect",	T_STRING,	0,	ONEOF("NoSchedule", "NoExecute", "PreferNoSchedule") },
	{ NULL },
};

static const struct rule data_disk_rules[] = {
	{ "category",			T_STRING,	0,		ONEOF("cloud_efficiency", "cloud_ssd", "cloud_essd", "cloud") },
	{ "size",			T_LONG,		REQ | ZERO,	CHECK(check_disk_size) },
	{ "encrypted",			T_BOOL_STRING,	0,		NONE },
	{ "auto_snapshot_policy_id",	T_STRING,	0,		ID("sp-") },
	{ "performance_level",		T_STRING,	0,		ONEOF("PL0", "PL1", "PL2", "PL3") },
	{ NULL },
};

/* create-cluster.md section 2, row for row; enum row lists the same names in the same order. */
static const struct rule create_cluster_rules[NROWS + 1] = {
	/* parameter			type		flags		check						members		max	relate */
	{ "addons",			T_OBJECT_ARRAY,	0,		CHECK(check_addons),				addon_rules },
	{ "cloud_monitor_flags",	T_BOOL,		0,		NONE },
	{ "cluster_type",		T_STRING,	REQ,		CHECK(check_cluster_type) },
	{ "container_cidr",		T_STRING,	0,		CIDR("pod", 8, 24) },
	{ "cpu_policy",			T_STRING,	0,		ONEOF("none", "static"),			NULL,		0,	relate_cpu_policy },
	{ "deletion_protection",	T_BOOL,		0,		NONE },
	{ "disable_rollback",		T_BOOL,		0,		NONE },
	{ "endpoint_public_access",	T_BOOL,		0,		NONE },
	{ "is_enterprise_security_group", T_BOOL,	0,		NONE,						NULL,		0,	relate_enterprise_sg },
	{ "key_pair",			T_STRING,	SECRET,		LENGTH(1, 128) },
	{ "kubernetes_version",		T_STRING,	0,		CHECK(check_k8s_version) },
	{ "login_password",		T_STRING,	SECRET,		CHECK(check_login_password) },
	{ "name",			T_STRING,	REQ,		CHECK(check_cluster_name) },
	{ "node_cidr_mask",		T_LONG,		ZERO,		RANGE(24, 28) },
	{ "node_port_range",		T_STRING,	0,		CHECK(check_node_port_range) },
	{ "num_of_nodes",		T_LONG,		0,		RANGE(0, 100) },
	{ "pod_vswitch_ids",		T_STRING_ARRAY,	0,		CHECK(check_vswitch_list) },
	{ "proxy_mode",			T_STRING,	0,		ONEOF("iptables", "ipvs") },
	{ "region_id",			T_STRING,	REQ,		CHECK(check_region) },
	{ "runtime",			T_OBJECT,	0,		NONE,						runtime_rules },
	{ "security_group_id",		T_STRING,	0,		ID("sg-") },
	{ "service_cidr",		T_STRING,	0,		CIDR("service", 16, 24) },
	{ "snat_entry",			T_BOOL,		0,		NONE },
	{ "ssh_flags",			T_BOOL,		0,		NONE },
	{ "tags",			T_OBJECT_ARRAY,	0,		CHECK(check_tags),				tag_rules,	20 },
	{ "taints",			T_OBJECT_ARRAY,	0,		NONE,						taint_rules },
	{ "timeout_mins",		T_LONG,		ZERO,		RANGE(1, 1440) },
	{ "user_data",			T_STRING,	SECRET,		CHECK(check_user_data) },
	{ "vpcid",			T_STRING,	0,		ID("vpc-") },
	{ "vswitch_ids",		T_STRING_ARRAY,	0,		CHECK(check_vswitch_list),			NULL,		5 },
	{ "worker_auto_renew",		T_BOOL,		0,		NONE },
	{ "worker_auto_renew_period",	T_LONG,		ZERO,		ONEOF("1", "2", "3", "6", "12") },
	{ "worker_data_disks",		T_OBJECT_ARRAY,	0,		NONE,						data_disk_rules, 16 },
	{ "worker_instance_charge_type", T_STRING,	0,		ONEOF("PrePaid", "PostPaid") },
	{ "worker_instance_types",	T_STRING_ARRAY,	0,		CHECK(check_instance_types),			NULL,		10 },
	{ "worker_period",		T_LONG,		ZERO,		ONEOF("1", "2", "3", "6", "12", "24", "36", "48", "60") },
	{ "worker_period_unit",		T_STRING,	0,		ONEOF("Month") },
	{ "worker_system_disk_category", T_STRING,	0,		ONEOF("cloud_efficiency", "cloud_ssd", "cloud_essd") },
	{ "worker_system_disk_size",	T_LONG,		ZERO,		RANGE(40, 500) },
	{ "worker_vswitch_ids",		T_STRING_ARRAY,	0,		CHECK(check_vswitch_list) },
	{ "zone_id",			T_STRING,	0,		CHECK(check_zone),				NULL,		0,	relate_zone },
	{ "resource_group_id",		T_STRING,	0,		ID("rg-") },
	{ "profile",			T_STRING,	0,		ONEOF("Default") },
	{ "cluster_spec",		T_STRING,	0,		ONEOF("ack.standard", "ack.pro.small") },
	{ "timezone",			T_STRING,	0,		CHECK(check_timezone) },
	{ "logging_type",		T_STRING,	0,		ONEOF("SLS") },
	{ "ip_stack",			T_STRING,	0,		ONEOF("ipv4") },
	{ "cluster_domain",		T_STRING,	0,		CHECK(check_cluster_domain) },
	{ NULL },
};
/* clang-format on */

/*
 * The rows whose names start with each letter, to try first: a body's
 * every key went through all 48 rows (3k instructions a create). Only a
 * shortcut: a name it misses is searched for in the whole table.
 */
/* clang-format off */
#define R(row) ((row) + 1)	/* 0 ends a list */
static const unsigned char rows_by_letter[26][8] = {
	['a' - 'a'] = { R(ROW_ADDONS) },
	['c' - 'a'] = { R(ROW_CLOUD_MONITOR_FLAGS), R(ROW_CLUSTER_TYPE), R(ROW_CONTAINER_CIDR),
			R(ROW_CPU_POLICY), R(ROW_CLUSTER_SPEC), R(ROW_CLUSTER_DOMAIN) },
	['d' - 'a'] = { R(ROW_DELETION_PROTECTION), R(ROW_DISABLE_ROLLBACK) },
	['e' - 'a'] = { R(ROW_ENDPOINT_PUBLIC_ACCESS) },
	['i' - 'a'] = { R(ROW_IS_ENTERPRISE_SECURITY_GROUP), R(ROW_IP_STACK) },
	['k' - 'a'] = { R(ROW_KEY_PAIR), R(ROW_KUBERNETES_VERSION) },
	['l' - 'a'] = { R(ROW_LOGIN_PASSWORD), R(ROW_LOGGING_TYPE) },
	['n' - 'a'] = { R(ROW_NAME), R(ROW_NODE_CIDR_MASK), R(ROW_NODE_PORT_RANGE), R(ROW_NUM_OF_NODES) },
	['p' - 'a'] = { R(ROW_POD_VSWITCH_IDS), R(ROW_PROXY_MODE), R(ROW_PROFILE) },
	['r' - 'a'] = { R(ROW_REGION_ID), R(ROW_RUNTIME), R(ROW_RESOURCE_GROUP_ID) },
	['s' - 'a'] = { R(ROW_SECURITY_GROUP_ID), R(ROW_SERVICE_CIDR), R(ROW_SNAT_ENTRY), R(ROW_SSH_FLAGS) },
	['t' - 'a'] = { R(ROW_TAGS), R(ROW_TAINTS), R(ROW_TIMEOUT_MINS), R(ROW_TIMEZONE) },
	['u' - 'a'] = { R(ROW_USER_DATA) },
	['v' - 'a'] = { R(ROW_VPCID), R(ROW_VSWITCH_IDS) },
	['z' - 'a'] = { R(ROW_ZONE_ID) },
	/* 'w': ten rows, and the whole table is searched. */
};
#undef R
/* clang-format on */

/* The row of a top-level parameter, or NROWS when no row reads it. */
static size_t
row_find(const char *name)
{
	if (name[0] >= 'a' && name[0] <= 'z') {
		const unsigned char *rows = rows_by_letter[name[0] - 'a'];

		for (size_t k = 0; k < sizeof(rows_by_letter[0]) && rows[k] != 0; k++)
			if (strcmp(create_cluster_rules[rows[k] - 1].name, name) == 0)
				return rows[k] - 1u;
	}
	/* Comparing the first byte first keeps this linear search cheap. */
	for (size_t i = 0; i < NROWS; i++)
		if (create_cluster_rules[i].name[0] == name[0] &&
		    strcmp(create_cluster_rules[i].name, name) == 0)
			return i;
	return NROWS;
}

/* ---- The engine of section 1. ---- */

static bool is_absent(const cJSON *v, const struct rule *r);

/* An object whose known members are all absent (unknown members are ignored). */
static bool
object_absent(const cJSON *v, const struct rule *members)
{
	for (const struct rule *m = members; m->name != NULL; m++)
		if (!is_absent(cJSON_GetObjectItemCaseSensitive(v, m->name), m))
			return false;
	return true;
}

/*
 * cJSON_IsNull, cJSON_IsString and the like, inline: the engine asks them
 * of every row, and each was a call into the library.
 */
static inline bool
is_type(const cJSON *v, int type)
{
	return v != NULL && (v->type & 0xFF) == type;
}

/* Section 1: what counts as not given at all. */
static bool
is_absent(const cJSON *v, const struct rule *r)
{
	long long n;

	if (v == NULL || is_type(v, cJSON_NULL))
		return true;
	if (is_type(v, cJSON_String) && v->valuestring[0] == '\0')
		return true;
	if (is_type(v, cJSON_Array) && v->child == NULL &&
	    (r->type == T_STRING_ARRAY || r->type == T_OBJECT_ARRAY))
		return true;
	if (is_type(v, cJSON_Object) && r->type == T_OBJECT)
		return object_absent(v, r->members);
	if ((r->flags & ZERO) != 0 && long_value(v, &n) && n == 0)
		return true;
	return false;
}

static bool
type_ok(const cJSON *v, enum vtype type)
{
	long long n;

	switch (type) {
	case T_STRING:
		return is_type(v, cJSON_String);
	case T_BOOL:
		return is_type(v, cJSON_True) || is_type(v, cJSON_False);
	case T_LONG:
		return long_value(v, &n);
	case T_BOOL_STRING:
		return is_type(v, cJSON_True) || is_type(v, cJSON_False) ||
		       (is_type(v, cJSON_String) && (strcmp(v->valuestring, "true") == 0 ||
		                                     strcmp(v->valuestring, "false") == 0));
	case T_STRING_ARRAY:
		if (!is_type(v, cJSON_Array))
			return false;
		for (const cJSON *c = v->child; c != NULL; c = c->next)
			if (!is_type(c, cJSON_String))
				return false;
		return true;
	case T_OBJECT:
		return is_type(v, cJSON_Object);
	case T_OBJECT_ARRAY:
		return is_type(v, cJSON_Array);
	}
	return false;
}

static enum pstate check_value(struct vctx *x, const struct rule *r, const cJSON *v,
                               const cJSON *parent, const char *path);

static bool
check_members(struct vctx *x, const struct rule *members, const cJSON *obj, const char *path)
{
	for (const struct rule *m = members; m->name != NULL; m++) {
		char sub[128];

		path_cat(sub, sizeof(sub), path, ".", m->name, NULL);
		if (check_value(x, m, cJSON_GetObjectItemCaseSensitive(obj, m->name), obj, sub) ==
		    P_BAD)
			return false;
	}
	return true;
}

/*
 * Checks one value against its rule: presence, type, item count, members,
 * the rule's own check. Records the first failure only.
 */
static enum pstate
check_value(struct vctx *x, const struct rule *r, const cJSON *v, const cJSON *parent,
            const char *path)
{
	if (is_absent(v, r)) {
		if ((r->flags & REQ) == 0)
			return P_ABSENT;
		fail_with(x, ERR_MISSING_PARAMETER, path, "%s is required", path);
		return P_BAD;
	}
	if (!type_ok(v, r->type)) {
		fail(x, path, "%s must be %s", path, type_names[r->type]);
		return P_BAD;
	}
	if (r->max_items > 0 && cJSON_GetArraySize(v) > r->max_items) {
		fail(x, path, "%s must have at most %d items, got %d", path, r->max_items,
		     cJSON_GetArraySize(v));
		return P_BAD;
	}
	if (r->type == T_OBJECT && !check_members(x, r->members, v, path))
		return P_BAD;
	if (r->type == T_OBJECT_ARRAY) {
		int i = 0;

		for (const cJSON *e = v->child; e != NULL; e = e->next, i++) {
			char sub[128];

			path_index(sub, sizeof(sub), path, i, NULL);
			if (!cJSON_IsObject(e)) {
				fail(x, sub, "%s must be an object", sub);
				return P_BAD;
			}
			if (!check_members(x, r->members, e, sub))
				return P_BAD;
		}
	}
	if (r->check != NULL && !r->check(x, r, v, parent, path))
		return P_BAD;
	return P_OK;
}

/* ---- Section 1: unknown keys. ---- */

/*
 * Every top-level key of the official SDK's CreateClusterRequest model
 * (@alicloud/cs20151215 7.2.0, CreateClusterRequest.names()): the keys the
 * real API knows. docs/validation.md lists them in a table.
 */
static const char *const sdk_keys[] = {
    "access_control_list",
    "addons",
    "api_audiences",
    "audit_log_config",
    "auto_mode",
    "auto_renew",
    "auto_renew_period",
    "charge_type",
    "cis_enabled",
    "cloud_monitor_flags",
    "cluster_domain",
    "cluster_spec",
    "cluster_type",
    "container_cidr",
    "control_plane_config",
    "control_plane_endpoints_config",
    "controlplane_log_components",
    "controlplane_log_project",
    "controlplane_log_ttl",
    "cpu_policy",
    "custom_san",
    "deletion_protection",
    "disable_rollback",
    "enable_rrsa",
    "encryption_provider_key",
    "endpoint_public_access",
    "extra_sans",
    "format_disk",
    "image_id",
    "image_type",
    "instances",
    "ip_stack",
    "is_enterprise_security_group",
    "keep_instance_name",
    "key_pair",
    "kubernetes_version",
    "load_balancer_id",
    "load_balancer_spec",
    "logging_type",
    "login_password",
    "maintenance_window",
    "master_auto_renew",
    "master_auto_renew_period",
    "master_count",
    "master_instance_charge_type",
    "master_instance_types",
    "master_period",
    "master_period_unit",
    "master_system_disk_category",
    "master_system_disk_performance_level",
    "master_system_disk_size",
    "master_system_disk_snapshot_policy_id",
    "master_vswitch_ids",
    "name",
    "nat_gateway",
    "node_cidr_mask",
    "node_name_mode",
    "node_port_range",
    "nodepools",
    "num_of_nodes",
    "operation_policy",
    "os_type",
    "period",
    "period_unit",
    "platform",
    "pod_vswitch_ids",
    "profile",
    "proxy_mode",
    "rds_instances",
    "region_id",
    "resource_group_id",
    "rrsa_config",
    "runtime",
    "security_group_id",
    "security_hardening_os",
    "service_account_issuer",
    "service_cidr",
    "service_discovery_types",
    "snat_entry",
    "soc_enabled",
    "ssh_flags",
    "tags",
    "taints",
    "timeout_mins",
    "timezone",
    "user_ca",
    "user_data",
    "vpcid",
    "vswitch_ids",
    "worker_auto_renew",
    "worker_auto_renew_period",
    "worker_data_disks",
    "worker_instance_charge_type",
    "worker_instance_types",
    "worker_period",
    "worker_period_unit",
    "worker_system_disk_category",
    "worker_system_disk_performance_level",
    "worker_system_disk_size",
    "worker_system_disk_snapshot_policy_id",
    "worker_vswitch_ids",
    "zone_id",
    "zone_ids",
    NULL,
};

bool
validate_key_known(const char *key)
{
	for (const char *const *k = sdk_keys; *k != NULL; k++)
		if (strcmp(*k, key) == 0)
			return true;
	return false;
}

/*
 * Lists a key no row reads in out->ignored; with --strict-parameters,
 * rejects it when the API does not know it either.
 */
static void
note_unknown(struct vctx *x, const char *name)
{
	struct verdict *out = x->out;
	size_t used = strlen(out->ignored);

	if (x->opts->strict_parameters && !validate_key_known(name))
		violate(out, ERR_INVALID_PARAMETER, name, "unknown parameter %.*s", clip(name),
		        name);
	if (used + strlen(name) + 2 < sizeof(out->ignored)) {
		char *key = out->ignored + used + (used != 0);

		format(out->ignored + used, sizeof(out->ignored) - used, "%s%s",
		         used != 0 ? "," : "", name);
		/* The list becomes a response header: only visible ASCII, no commas. */
		for (; *key != '\0'; key++)
			if (*key < 0x21 || *key > 0x7E || *key == ',')
				*key = '?';
	}
}

/* ---- Section 4 defaults that the cross rules read. ---- */

static const cJSON *
get(const struct vctx *x, enum row i)
{
	return x->value[i];
}

static enum pstate
st(const struct vctx *x, enum row i)
{
	return x->state[i];
}

/* Usable by a cross rule: present, passed its own rule, not reported by an earlier one. */
static bool
usable(const struct vctx *x, enum row i)
{
	return x->state[i] == P_OK && !x->reported[i];
}

/* Broke its own rule, or was reported by an earlier cross rule. */
static bool
broken(const struct vctx *x, enum row i)
{
	return x->state[i] == P_BAD || x->reported[i];
}

/* The newest Kubernetes version a runtime runs (create-cluster.md X10). */
static const char *
runtime_k8s_limit(const char *runtime)
{
	if (strcmp(runtime, "docker") == 0)
		return "1.22";
	if (strcmp(runtime, "Sandboxed-Container.runv") == 0)
		return "1.24";
	return NULL;
}

static const char *
newest_k8s_for(const struct catalog *c, const char *runtime)
{
	const char *limit = runtime != NULL ? runtime_k8s_limit(runtime) : NULL;
	const char *best = NULL;

	for (size_t i = 0; i < c->kubernetes_versions.n; i++) {
		const char *v = c->kubernetes_versions.items[i];

		if (limit != NULL && catalog_version_cmp(v, limit, 2) > 0)
			continue;
		if (best == NULL || catalog_version_cmp(v, best, 0) > 0)
			best = v;
	}
	return best;
}

static void
resolve_defaults(struct vctx *x)
{
	const struct catalog *cat = x->opts->catalog;
	const cJSON *rt = get(x, ROW_RUNTIME);
	const cJSON *addons = get(x, ROW_ADDONS);

	/* Kubernetes version and runtime (section 4). */
	if (st(x, ROW_RUNTIME) == P_OK)
		x->runtime = cJSON_GetObjectItemCaseSensitive(rt, "name")->valuestring;
	if (st(x, ROW_KUBERNETES_VERSION) == P_OK)
		x->k8s = get(x, ROW_KUBERNETES_VERSION)->valuestring;
	else if (st(x, ROW_KUBERNETES_VERSION) == P_ABSENT && st(x, ROW_RUNTIME) != P_BAD)
		x->k8s = newest_k8s_for(cat, x->runtime);
	if (x->runtime == NULL && st(x, ROW_RUNTIME) == P_ABSENT && x->k8s != NULL)
		x->runtime = catalog_version_cmp(x->k8s, "1.22", 2) <= 0 ? "docker" : "containerd";
	if (x->runtime != NULL) {
		const cJSON *ver = st(x, ROW_RUNTIME) == P_OK
		                       ? cJSON_GetObjectItemCaseSensitive(rt, "version")
		                       : NULL;
		const struct catalog_runtime *r = catalog_runtime(cat, x->runtime);

		if (cJSON_IsString(ver) && ver->valuestring[0] != '\0')
			x->runtime_version = ver->valuestring;
		else if (r != NULL && catalog_newest(&r->versions) != NULL)
			x->runtime_version = catalog_newest(&r->versions);
		else
			x->runtime_version = "";
	}

	/* The network plug-in; X1 confirms there is exactly one. */
	if (st(x, ROW_ADDONS) == P_OK) {
		for (const cJSON *a = addons->child; a != NULL; a = a->next) {
			const char *name = cJSON_GetObjectItemCaseSensitive(a, "name")->valuestring;

			if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(a, "disabled")))
				continue;
			if (strcmp(name, "flannel") == 0)
				x->flannel = true;
			else if (strcmp(name, "terway-eniip") == 0 ||
			         strcmp(name, "terway-eni") == 0)
				x->terway = true;
		}
	}

	x->nodes = st(x, ROW_NUM_OF_NODES) == P_OK       ? long_of(get(x, ROW_NUM_OF_NODES))
	           : st(x, ROW_NUM_OF_NODES) == P_ABSENT ? 0
	                                               : -1;
	x->mask = st(x, ROW_NODE_CIDR_MASK) == P_OK       ? long_of(get(x, ROW_NODE_CIDR_MASK))
	          : st(x, ROW_NODE_CIDR_MASK) == P_ABSENT ? 25
	                                                : -1;

	/* X2: without vpcid ACK creates the VPC, and the CIDRs have defaults. */
	x->auto_vpc = st(x, ROW_VPCID) == P_ABSENT;
	if (st(x, ROW_CONTAINER_CIDR) == P_OK)
		x->container_cidr = get(x, ROW_CONTAINER_CIDR)->valuestring;
	else if (st(x, ROW_CONTAINER_CIDR) == P_ABSENT && x->auto_vpc)
		x->container_cidr = "172.16.0.0/16";
	if (st(x, ROW_SERVICE_CIDR) == P_OK)
		x->service_cidr = get(x, ROW_SERVICE_CIDR)->valuestring;
	else if (st(x, ROW_SERVICE_CIDR) == P_ABSENT && x->auto_vpc)
		x->service_cidr = "172.19.0.0/20";
	if (x->auto_vpc) {
		x->vpc_cidr = "192.168.0.0/16";
	} else if (st(x, ROW_VPCID) == P_OK) {
		const struct world_vpc *vpc =
		    world_vpc(x->opts->world, get(x, ROW_VPCID)->valuestring);

		x->vpc_cidr = vpc != NULL ? vpc->cidr : NULL;
	}

	/* worker_vswitch_ids defaults to vswitch_ids and the reverse. */
	if (st(x, ROW_VSWITCH_IDS) == P_OK)
		x->node_vswitches = get(x, ROW_VSWITCH_IDS);
	else if (st(x, ROW_VSWITCH_IDS) == P_ABSENT && st(x, ROW_WORKER_VSWITCH_IDS) == P_OK)
		x->node_vswitches = get(x, ROW_WORKER_VSWITCH_IDS);
	if (st(x, ROW_WORKER_VSWITCH_IDS) == P_OK)
		x->worker_vswitches = get(x, ROW_WORKER_VSWITCH_IDS);
	else if (st(x, ROW_WORKER_VSWITCH_IDS) == P_ABSENT && st(x, ROW_VSWITCH_IDS) == P_OK)
		x->worker_vswitches = get(x, ROW_VSWITCH_IDS);
}

/* ---- Section 3: cross-parameter rules. ---- */

/*
 * Records a cross rule's violation at path (the parameter, or an element of
 * it) and marks the parameter as reported, so later rules skip it.
 */
static void cross_fail_at(struct vctx *x, enum err err, enum row param, const char *path,
                          const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static void
cross_fail_at(struct vctx *x, enum err err, enum row param, const char *path, const char *fmt,
              ...)
{
	va_list ap;

	x->reported[param] = true;
	if (x->out->n >= VALIDATE_MAX_VIOLATIONS)
		return;
	va_start(ap, fmt);
	put(&x->out->v[x->out->n++], err, path, fmt, ap);
	va_end(ap);
}

#define cross_fail(x, err, param, ...) \
	cross_fail_at(x, err, param, create_cluster_rules[param].name, __VA_ARGS__)

/* True when the string array a holds s. */
static bool
array_has(const cJSON *a, const char *s)
{
	for (const cJSON *e = a != NULL ? a->child : NULL; e != NULL; e = e->next)
		if (strcmp(e->valuestring, s) == 0)
			return true;
	return false;
}

/* X1: exactly one network plug-in among the enabled addons. */
static void
cross_network_plugin(struct vctx *x)
{
	const cJSON *addons = get(x, ROW_ADDONS);
	char names[256] = "";
	size_t used = 0;
	int n = 0;

	if (broken(x, ROW_ADDONS))
		return;
	for (const cJSON *a = st(x, ROW_ADDONS) == P_OK ? addons->child : NULL; a != NULL;
	     a = a->next) {
		const char *name = cJSON_GetObjectItemCaseSensitive(a, "name")->valuestring;

		if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(a, "disabled")) ||
		    (strcmp(name, "flannel") != 0 && strcmp(name, "terway-eniip") != 0 &&
		     strcmp(name, "terway-eni") != 0))
			continue;
		n++;
		if (used < sizeof(names))
			used += (size_t)format(names + used, sizeof(names) - used, "%s%s",
			                         n > 1 ? ", " : "", name);
	}
	if (n == 0)
		cross_fail(x, ERR_MISSING_PARAMETER, ROW_ADDONS,
		           "network plugin addon is required: flannel or terway-eniip");
	else if (n > 1)
		cross_fail(x, ERR_INVALID_PARAMETER, ROW_ADDONS,
		           "exactly one network plugin addon is allowed, got %s", names);
	else
		x->plugin_known = true;
}

/* X2: without vpcid, zone_id is required and no vSwitch may be named. */
static void
cross_auto_vpc(struct vctx *x)
{
	if (!x->auto_vpc || broken(x, ROW_ZONE_ID) || broken(x, ROW_VSWITCH_IDS) ||
	    broken(x, ROW_WORKER_VSWITCH_IDS))
		return;
	if (st(x, ROW_ZONE_ID) == P_ABSENT)
		cross_fail(x, ERR_MISSING_PARAMETER, ROW_ZONE_ID,
		           "zone_id is required when vpcid is not given: ACK creates a VPC "
		           "192.168.0.0/16 with a vSwitch in that zone");
	else if (st(x, ROW_VSWITCH_IDS) == P_OK)
		cross_fail(x, ERR_INVALID_PARAMETER, ROW_ZONE_ID,
		           "vswitch_ids must not be given without vpcid: ACK creates the VPC and "
		           "its vSwitch in zone_id");
	else if (st(x, ROW_WORKER_VSWITCH_IDS) == P_OK)
		cross_fail(x, ERR_INVALID_PARAMETER, ROW_ZONE_ID,
		           "worker_vswitch_ids must not be given without vpcid: ACK creates the "
		           "VPC and its vSwitch in zone_id");
}

/* X3: with vpcid, vSwitches and the CIDRs the plug-in needs, each on its own. */
static void
cross_own_vpc(struct vctx *x)
{
	if (!usable(x, ROW_VPCID))
		return;
	if (!broken(x, ROW_VSWITCH_IDS) && !broken(x, ROW_WORKER_VSWITCH_IDS) &&
	    st(x, ROW_VSWITCH_IDS) == P_ABSENT && st(x, ROW_WORKER_VSWITCH_IDS) == P_ABSENT)
		cross_fail(x, ERR_MISSING_PARAMETER, ROW_VSWITCH_IDS,
		           "vswitch_ids (or worker_vswitch_ids) is required when vpcid is given");
	if (st(x, ROW_SERVICE_CIDR) == P_ABSENT)
		cross_fail(x, ERR_EMPTY_CIDR, ROW_SERVICE_CIDR, "pod or service cidr is empty");
	if (x->plugin_known && x->flannel && st(x, ROW_CONTAINER_CIDR) == P_ABSENT)
		cross_fail(x, ERR_EMPTY_CIDR, ROW_CONTAINER_CIDR, "pod or service cidr is empty");
}

/* X4: the pod and service CIDRs overlap neither each other nor the VPC. */
static void
cross_cidr_overlap(struct vctx *x)
{
	struct cidr pod, svc, vpc;

	if (broken(x, ROW_CONTAINER_CIDR) || broken(x, ROW_SERVICE_CIDR) || x->container_cidr == NULL ||
	    x->service_cidr == NULL || !cidr_parse(x->container_cidr, &pod) ||
	    !cidr_parse(x->service_cidr, &svc))
		return;
	if (cidr_overlap(&pod, &svc)) {
		cross_fail(x, ERR_INVALID_CIDR, ROW_CONTAINER_CIDR,
		           "container_cidr %s overlaps service_cidr %s", x->container_cidr,
		           x->service_cidr);
		return;
	}
	if (x->vpc_cidr == NULL || !cidr_parse(x->vpc_cidr, &vpc))
		return;
	if (cidr_overlap(&pod, &vpc))
		cross_fail(x, ERR_INVALID_CIDR, ROW_CONTAINER_CIDR,
		           "container_cidr %s overlaps the VPC CIDR %s", x->container_cidr,
		           x->vpc_cidr);
	else if (cidr_overlap(&svc, &vpc))
		cross_fail(x, ERR_INVALID_CIDR, ROW_CONTAINER_CIDR,
		           "service_cidr %s overlaps the VPC CIDR %s", x->service_cidr,
		           x->vpc_cidr);
}

/* X5: Flannel splits container_cidr into one node_cidr_mask block per node. */
static void
cross_flannel_capacity(struct vctx *x)
{
	struct cidr pod;
	long long capacity;

	if (!x->plugin_known || !x->flannel || broken(x, ROW_CONTAINER_CIDR) ||
	    x->container_cidr == NULL || x->mask < 0 || x->nodes < 0 ||
	    broken(x, ROW_NODE_CIDR_MASK) || broken(x, ROW_NUM_OF_NODES) ||
	    !cidr_parse(x->container_cidr, &pod))
		return;
	if (pod.prefix >= x->mask) {
		cross_fail(x, ERR_INVALID_CIDR, ROW_CONTAINER_CIDR,
		           "container_cidr %s must have a prefix shorter than node_cidr_mask %lld",
		           x->container_cidr, x->mask);
		return;
	}
	capacity = 1LL << (x->mask - pod.prefix);
	if (x->nodes > capacity)
		cross_fail(x, ERR_INVALID_CIDR, ROW_CONTAINER_CIDR,
		           "container_cidr %s with node_cidr_mask %lld holds at most %lld nodes, "
		           "got num_of_nodes %lld",
		           x->container_cidr, x->mask, capacity, x->nodes);
}

/* X6: Terway needs pod vSwitches, none of them a node vSwitch. */
static void
cross_terway_pod_vswitches(struct vctx *x)
{
	const cJSON *pods = get(x, ROW_POD_VSWITCH_IDS);

	if (!x->plugin_known || !x->terway || broken(x, ROW_POD_VSWITCH_IDS) ||
	    broken(x, ROW_VSWITCH_IDS) || broken(x, ROW_WORKER_VSWITCH_IDS))
		return;
	if (st(x, ROW_POD_VSWITCH_IDS) == P_ABSENT) {
		cross_fail(x, ERR_INVALID_POD_VSWITCH_IDS, ROW_POD_VSWITCH_IDS,
		           "pod_vswitch_ids is required with the Terway network plugin");
		return;
	}
	for (const cJSON *p = pods->child; p != NULL; p = p->next) {
		if (array_has(x->node_vswitches, p->valuestring) ||
		    array_has(x->worker_vswitches, p->valuestring)) {
			cross_fail(
			    x, ERR_INVALID_POD_VSWITCH_IDS, ROW_POD_VSWITCH_IDS,
			    "pod vSwitch %s is also a node vSwitch; Terway needs separate ones",
			    p->valuestring);
			return;
		}
	}
}

/* X7: Terway needs an enterprise security group. */
static void
cross_terway_security_group(struct vctx *x)
{
	const cJSON *sg = get(x, ROW_SECURITY_GROUP_ID);

	if (!x->plugin_known || !x->terway || broken(x, ROW_IS_ENTERPRISE_SECURITY_GROUP) ||
	    broken(x, ROW_SECURITY_GROUP_ID))
		return;
	if (st(x, ROW_SECURITY_GROUP_ID) == P_ABSENT) {
		if (!cJSON_IsTrue(get(x, ROW_IS_ENTERPRISE_SECURITY_GROUP)))
			cross_fail(x, ERR_INVALID_PARAMETER, ROW_IS_ENTERPRISE_SECURITY_GROUP,
			           "is_enterprise_security_group must be true for Terway clusters "
			           "without security_group_id");
		return;
	}
	if (world_sg(x->opts->world, sg->valuestring) != NULL &&
	    !world_sg(x->opts->world, sg->valuestring)->enterprise)
		cross_fail(
		    x, ERR_INVALID_PARAMETER, ROW_IS_ENTERPRISE_SECURITY_GROUP,
		    "security group %s is not an enterprise security group, which Terway needs",
		    sg->valuestring);
}

/* X8: one login method, and one is needed as soon as there are nodes. */
static void
cross_login(struct vctx *x)
{
	if (broken(x, ROW_KEY_PAIR) || broken(x, ROW_LOGIN_PASSWORD) || x->nodes < 0)
		return;
	if (st(x, ROW_KEY_PAIR) == P_OK && st(x, ROW_LOGIN_PASSWORD) == P_OK)
		cross_fail(x, ERR_INVALID_PARAMETER, ROW_KEY_PAIR,
		           "key_pair and login_password are mutually exclusive");
	else if (x->nodes > 0 && st(x, ROW_KEY_PAIR) == P_ABSENT &&
	         st(x, ROW_LOGIN_PASSWORD) == P_ABSENT)
		cross_fail(
		    x, ERR_MISSING_PARAMETER, ROW_KEY_PAIR,
		    "key_pair or login_password is required when num_of_nodes is greater than 0");
}

/* X9: nodes need instance types. */
static void
cross_instance_types(struct vctx *x)
{
	if (x->nodes > 0 && !broken(x, ROW_WORKER_INSTANCE_TYPES) &&
	    st(x, ROW_WORKER_INSTANCE_TYPES) == P_ABSENT)
		cross_fail(x, ERR_MISSING_PARAMETER, ROW_WORKER_INSTANCE_TYPES,
		           "worker_instance_types is required when num_of_nodes is greater than 0");
}

/* X10: docker and runv run only older Kubernetes versions. */
static void
cross_runtime_version(struct vctx *x)
{
	const char *limit;

	if (x->runtime != NULL && x->k8s == NULL && st(x, ROW_KUBERNETES_VERSION) == P_ABSENT &&
	    !broken(x, ROW_RUNTIME)) {
		cross_fail(x, ERR_INVALID_PARAMETER, ROW_RUNTIME,
		           "no kubernetes_version of the catalog runs runtime %s", x->runtime);
		return;
	}
	if (x->runtime == NULL || x->k8s == NULL || broken(x, ROW_RUNTIME) ||
	    broken(x, ROW_KUBERNETES_VERSION) || (limit = runtime_k8s_limit(x->runtime)) == NULL)
		return;
	if (catalog_version_cmp(x->k8s, limit, 2) > 0)
		cross_fail(x, ERR_INVALID_PARAMETER, ROW_RUNTIME,
		           "runtime %s needs kubernetes_version %s or older, got %s", x->runtime,
		           limit, x->k8s);
}

/* X11: sandboxed containers need bare metal workers and a data disk of 200 GiB. */
static void
cross_sandbox_workers(struct vctx *x)
{
	const cJSON *types = get(x, ROW_WORKER_INSTANCE_TYPES);
	const cJSON *disks = get(x, ROW_WORKER_DATA_DISKS);
	bool big = false;

	if (x->runtime == NULL || strcmp(x->runtime, "Sandboxed-Container.runv") != 0 ||
	    broken(x, ROW_RUNTIME) || x->nodes <= 0)
		return;
	if (usable(x, ROW_WORKER_INSTANCE_TYPES)) {
		for (const cJSON *t = types->child; t != NULL; t = t->next) {
			if (!starts_with(t->valuestring, "ecs.ebm")) {
				cross_fail(x, ERR_INVALID_PARAMETER, ROW_WORKER_INSTANCE_TYPES,
				           "Sandboxed-Container.runv needs ECS Bare Metal instance "
				           "types (ecs.ebm*), got %.*s",
				           clip(t->valuestring), t->valuestring);
				break;
			}
		}
	}
	if (broken(x, ROW_WORKER_DATA_DISKS))
		return;
	for (const cJSON *d = st(x, ROW_WORKER_DATA_DISKS) == P_OK ? disks->child : NULL; d != NULL;
	     d = d->next)
		if (long_of(cJSON_GetObjectItemCaseSensitive(d, "size")) >= 200)
			big = true;
	if (!big)
		cross_fail(x, ERR_INVALID_PARAMETER, ROW_WORKER_DATA_DISKS,
		           "Sandboxed-Container.runv needs a worker data disk of at least 200 GiB");
}

/* X12: subscription workers need a period unit and, when renewed, a renewal period. */
static void
cross_prepaid(struct vctx *x)
{
	const cJSON *charge = get(x, ROW_WORKER_INSTANCE_CHARGE_TYPE);

	if (!usable(x, ROW_WORKER_INSTANCE_CHARGE_TYPE) ||
	    strcmp(charge->valuestring, "PrePaid") != 0)
		return;
	if (!broken(x, ROW_WORKER_PERIOD_UNIT) && st(x, ROW_WORKER_PERIOD_UNIT) == P_ABSENT)
		cross_fail(
		    x, ERR_MISSING_PARAMETER, ROW_WORKER_PERIOD_UNIT,
		    "worker_period_unit is required when worker_instance_charge_type is PrePaid");
	if (!broken(x, ROW_WORKER_AUTO_RENEW) && !cJSON_IsFalse(get(x, ROW_WORKER_AUTO_RENEW)) &&
	    !broken(x, ROW_WORKER_AUTO_RENEW_PERIOD) && st(x, ROW_WORKER_AUTO_RENEW_PERIOD) == P_ABSENT)
		cross_fail(x, ERR_MISSING_PARAMETER, ROW_WORKER_AUTO_RENEW_PERIOD,
		           "worker_auto_renew_period is required when PrePaid workers renew "
		           "automatically");
}

/* X13: with Terway, every zone of a known node vSwitch needs a pod vSwitch. */
static void
cross_terway_zones(struct vctx *x)
{
	const cJSON *pods = get(x, ROW_POD_VSWITCH_IDS);
	const struct world *w = x->opts->world;

	if (!x->plugin_known || !x->terway || !usable(x, ROW_POD_VSWITCH_IDS) ||
	    x->node_vswitches == NULL || broken(x, ROW_VSWITCH_IDS) ||
	    broken(x, ROW_WORKER_VSWITCH_IDS))
		return;
	/* A pod vSwitch the world does not know could be in any zone: skip the rule. */
	for (const cJSON *p = pods->child; p != NULL; p = p->next)
		if (world_vswitch(w, p->valuestring) == NULL)
			return;
	for (const cJSON *n = x->node_vswitches->child; n != NULL; n = n->next) {
		const struct world_vswitch *node = world_vswitch(w, n->valuestring);
		bool paired = false;

		if (node == NULL)
			continue;
		for (const cJSON *p = pods->child; p != NULL; p = p->next)
			if (strcmp(world_vswitch(w, p->valuestring)->zone_id, node->zone_id) == 0)
				paired = true;
		if (!paired) {
			cross_fail(x, ERR_INVALID_POD_VSWITCH_IDS, ROW_POD_VSWITCH_IDS,
			           "node vSwitch %s is in zone %s, where no pod vSwitch is",
			           node->id, node->zone_id);
			return;
		}
	}
}

struct cross_rule {
	const char *id;
	const char *parameter;
	void (*check)(struct vctx *x);
};

/* clang-format off */
/* create-cluster.md section 3, in its order. */
static const struct cross_rule cross_rules[] = {
	/* id	parameter				check */
	{ "X1",	"addons",				cross_network_plugin },
	{ "X2",	"zone_id",				cross_auto_vpc },
	{ "X3",	"vswitch_ids, service_cidr, container_cidr", cross_own_vpc },
	{ "X4",	"container_cidr",			cross_cidr_overlap },
	{ "X5",	"container_cidr",			cross_flannel_capacity },
	{ "X6",	"pod_vswitch_ids",			cross_terway_pod_vswitches },
	{ "X7",	"is_enterprise_security_group",		cross_terway_security_group },
	{ "X8",	"key_pair",				cross_login },
	{ "X9",	"worker_instance_types",		cross_instance_types },
	{ "X10", "runtime",				cross_runtime_version },
	{ "X11", "worker_instance_types, worker_data_disks", cross_sandbox_workers },
	{ "X12", "worker_period_unit, worker_auto_renew_period", cross_prepaid },
	{ "X13", "pod_vswitch_ids",			cross_terway_zones },
	{ NULL },
};
/* clang-format on */

/* ---- lifecycle.md section 6: what known world ids add, right after section 3. ---- */

static const char *
region_or_null(const struct vctx *x)
{
	return usable(x, ROW_REGION_ID) ? get(x, ROW_REGION_ID)->valuestring : NULL;
}

/* True when zone belongs to region ("cn-beijing-b" to "cn-beijing"). */
static bool
zone_in_region(const char *zone, const char *region)
{
	size_t n = strlen(region);

	return strncmp(zone, region, n) == 0 && zone[n] == '-' && strlen(zone) == n + 2;
}

static void
world_check_vpc(struct vctx *x)
{
	const char *region = region_or_null(x);
	const struct world_vpc *vpc;
	const cJSON *id = get(x, ROW_VPCID);

	if (!usable(x, ROW_VPCID))
		return;
	if ((vpc = world_vpc(x->opts->world, id->valuestring)) == NULL) {
		if (x->opts->world_strict)
			cross_fail(x, ERR_VPC_NOT_FOUND, ROW_VPCID, "vpcid %s does not exist",
			           id->valuestring);
		return;
	}
	if (region != NULL && strcmp(vpc->region_id, region) != 0)
		cross_fail(x, ERR_INVALID_PARAMETER, ROW_VPCID, "vpcid %s is in region %s, not in %s",
		           vpc->id, vpc->region_id, region);
}

/* One list of vSwitch ids: each known, of vpcid, in a zone of region_id. */
static void
world_check_vswitch_list(struct vctx *x, enum row param)
{
	const char *region = region_or_null(x);
	const char *vpcid = usable(x, ROW_VPCID) ? get(x, ROW_VPCID)->valuestring : NULL;
	int i = 0;

	if (!usable(x, param))
		return;
	for (const cJSON *e = get(x, param)->child; e != NULL; e = e->next, i++) {
		const struct world_vswitch *vsw = world_vswitch(x->opts->world, e->valuestring);
		char path[128];

		path_index(path, sizeof(path), create_cluster_rules[param].name, i, NULL);
		if (vsw == NULL && x->opts->world_strict) {
			cross_fail_at(x, ERR_VSWITCH_NOT_FOUND, param, path,
			              "vSwitch %s does not exist", e->valuestring);
			return;
		}
		if (vsw != NULL && vpcid != NULL && strcmp(vsw->vpc_id, vpcid) != 0) {
			cross_fail_at(x, ERR_INVALID_PARAMETER, param, path,
			              "vSwitch %s belongs to VPC %s, not to vpcid %s", vsw->id,
			              vsw->vpc_id, vpcid);
			return;
		}
		if (vsw != NULL && region != NULL && !zone_in_region(vsw->zone_id, region)) {
			cross_fail_at(x, ERR_INVALID_PARAMETER, param, path,
			              "vSwitch %s is in zone %s, not in region %s", vsw->id,
			              vsw->zone_id, region);
			return;
		}
	}
}

static void
world_check_vswitches(struct vctx *x)
{
	world_check_vswitch_list(x, ROW_VSWITCH_IDS);
	world_check_vswitch_list(x, ROW_WORKER_VSWITCH_IDS);
	world_check_vswitch_list(x, ROW_POD_VSWITCH_IDS);
}

static void
world_check_security_group(struct vctx *x)
{
	const char *vpcid = usable(x, ROW_VPCID) ? get(x, ROW_VPCID)->valuestring : NULL;
	const struct world_sg *sg;
	const cJSON *id = get(x, ROW_SECURITY_GROUP_ID);

	if (!usable(x, ROW_SECURITY_GROUP_ID))
		return;
	if ((sg = world_sg(x->opts->world, id->valuestring)) == NULL) {
		if (x->opts->world_strict)
			cross_fail(x, ERR_SECURITY_GROUP_NOT_FOUND, ROW_SECURITY_GROUP_ID,
			           "security group %s does not exist", id->valuestring);
		return;
	}
	if (vpcid != NULL && strcmp(sg->vpc_id, vpcid) != 0)
		cross_fail(x, ERR_INVALID_PARAMETER, ROW_SECURITY_GROUP_ID,
		           "security group %s belongs to VPC %s, not to vpcid %s", sg->id,
		           sg->vpc_id, vpcid);
}

/* clang-format off */
static const struct cross_rule world_rules[] = {
	/* id	parameter				check */
	{ "W1",	"vpcid",				world_check_vpc },
	{ "W2",	"vswitch_ids, worker_vswitch_ids, pod_vswitch_ids", world_check_vswitches },
	{ "W3",	"security_group_id",			world_check_security_group },
	{ NULL },
};
/* clang-format on */

/* ---- Section 4: the resolved attributes. ---- */

/*
 * The resolved attributes are made member by member into a tree and its
 * JSON text at once: building a tree of copies and printing it afterwards
 * cost more than the whole validation. The tree's keys are constants and
 * its strings and string arrays references (to the body's, the catalog's
 * or constants), so it borrows from the body; the text is what jsonprint
 * prints for the tree.
 */
struct spec_out {
	cJSON *obj;		/* the object or array members go into */
	cJSON *last;		/* its last member so far */
	struct jsonw w;
	bool ok;
};

/* An enclosing object or array, while a nested one is written. */
struct spec_level {
	cJSON *obj;
	cJSON *last;
};

/*
 * A node of type under key (NULL in an array), appended to the current
 * object: made as cJSON's Create* and AddItemToObjectCS make it (a zeroed
 * node from cJSON's allocator, the key constant), in one step instead of
 * three calls. NULL when out of memory.
 */
static cJSON *
spec_node(struct spec_out *o, const char *key, int type)
{
	cJSON *n = o->ok ? cJSON_malloc(sizeof(*n)) : NULL;

	if (n == NULL) {
		o->ok = false;
		return NULL;
	}
	memset(n, 0, sizeof(*n));
	n->type = type | (key != NULL ? cJSON_StringIsConst : 0);
	n->string = (char *)key;
	if (o->last == NULL) {
		o->obj->child = n;
	} else {
		o->last->next = n;
		n->prev = o->last;
	}
	o->obj->child->prev = n;
	o->last = n;
	return n;
}

static void
spec_key(struct spec_out *o, const char *key)
{
	if (key != NULL)
		jsonw_key_plain(&o->w, key);
}

/* A string by reference (cJSON_CreateStringReference). */
static void
spec_string(struct spec_out *o, const char *key, const char *s)
{
	cJSON *n;

	/* Unknown (no Kubernetes version for the runtime): a spec cannot be made. */
	if (s == NULL) {
		o->ok = false;
		return;
	}
	spec_key(o, key);
	jsonw_string(&o->w, s);
	if ((n = spec_node(o, key, cJSON_String | cJSON_IsReference)) != NULL)
		n->valuestring = (char *)s;
}

/* A string of its own (cJSON_CreateString). */
static void
spec_string_copy(struct spec_out *o, const char *key, const char *s)
{
	size_t len = strlen(s);
	cJSON *n;

	spec_key(o, key);
	jsonw_string(&o->w, s);
	if ((n = spec_node(o, key, cJSON_String)) == NULL)
		return;
	if ((n->valuestring = cJSON_malloc(len + 1)) == NULL)
		o->ok = false;
	else
		memcpy(n->valuestring, s, len + 1);
}

static void
spec_bool(struct spec_out *o, const char *key, bool b)
{
	spec_key(o, key);
	jsonw_bool(&o->w, b);
	spec_node(o, key, b ? cJSON_True : cJSON_False);
}

/* A number (cJSON_CreateNumber: valueint saturated); n is far within int's range. */
static void
spec_number(struct spec_out *o, const char *key, long long n)
{
	cJSON *node;

	spec_key(o, key);
	jsonw_number(&o->w, (double)n);
	if ((node = spec_node(o, key, cJSON_Number)) != NULL) {
		node->valuedouble = (double)n;
		node->valueint = n >= INT_MAX ? INT_MAX : n <= INT_MIN ? INT_MIN : (int)n;
	}
}

/* Opens an object or an array under key (NULL in an array); *outer keeps the enclosing one. */
static void
spec_begin(struct spec_out *o, const char *key, bool array, struct spec_level *outer)
{
	cJSON *c;

	spec_key(o, key);
	if (array)
		jsonw_array_begin(&o->w);
	else
		jsonw_object_begin(&o->w);
	c = spec_node(o, key, array ? cJSON_Array : cJSON_Object);
	outer->obj = o->obj;
	outer->last = o->last;
	/* On failure the members go on into the enclosing one: the tree is dropped. */
	if (c != NULL) {
		o->obj = c;
		o->last = NULL;
	}
}

static void
spec_end(struct spec_out *o, bool array, const struct spec_level *outer)
{
	if (array)
		jsonw_array_end(&o->w);
	else
		jsonw_object_end(&o->w);
	o->obj = outer->obj;
	o->last = outer->last;
}

/* A string array of the body (its rule checked the items), by reference. */
static void
spec_strings(struct spec_out *o, const char *key, const cJSON *v)
{
	cJSON *n;

	if (v == NULL)
		return;
	spec_key(o, key);
	jsonw_array_begin(&o->w);
	for (const cJSON *e = v->child; e != NULL; e = e->next)
		jsonw_string(&o->w, e->valuestring);
	jsonw_array_end(&o->w);
	/* cJSON_CreateArrayReference. */
	if ((n = spec_node(o, key, cJSON_Array | cJSON_IsReference)) != NULL)
		n->child = v->child;
}

/* A present string, or the default (NULL: leave the key out). */
static void
add_string(struct spec_out *o, const struct vctx *x, enum row row, const char *fallback)
{
	const char *s = st(x, row) == P_OK ? get(x, row)->valuestring : fallback;

	if (s != NULL)
		spec_string(o, create_cluster_rules[row].name, s);
}

static void
add_bool(struct spec_out *o, const struct vctx *x, enum row row, bool fallback)
{
	spec_bool(o, create_cluster_rules[row].name,
	         st(x, row) == P_OK ? cJSON_IsTrue(get(x, row)) : fallback);
}

/* A long as a JSON number, or the default (negative: leave the key out). */
static void
add_long(struct spec_out *o, const struct vctx *x, enum row row, long long fallback)
{
	long long n = st(x, row) == P_OK ? long_of(get(x, row)) : fallback;

	if (n >= 0)
		spec_number(o, create_cluster_rules[row].name, n);
}

/* One member of an object of the body: its string, or "" (cJSON_IsString fails on NULL). */
static const char *
member_string(const cJSON *obj, const char *key, const char *fallback)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);

	return cJSON_IsString(v) ? v->valuestring : fallback;
}

static void
resolve_addons(struct spec_out *o, const struct vctx *x)
{
	static const char *const defaults[] = {"nginx-ingress-controller",
	                                       "ack-node-problem-detector"};
	const cJSON *req = st(x, ROW_ADDONS) == P_OK ? get(x, ROW_ADDONS) : NULL;
	struct spec_level outer, array;

	spec_begin(o, "addons", true, &array);
	for (const cJSON *a = req != NULL ? req->child : NULL; a != NULL; a = a->next) {
		spec_begin(o, NULL, false, &outer);
		spec_string(o, "name", member_string(a, "name", ""));
		spec_string(o, "config", member_string(a, "config", ""));
		spec_string(o, "version", member_string(a, "version", ""));
		spec_bool(o, "disabled", cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(a, "disabled")));
		spec_end(o, false, &outer);
	}
	for (size_t i = 0; i < sizeof(defaults) / sizeof(defaults[0]); i++) {
		bool requested = false;

		for (const cJSON *a = req != NULL ? req->child : NULL; a != NULL; a = a->next)
			if (strcmp(member_string(a, "name", ""), defaults[i]) == 0)
				requested = true;
		if (requested)
			continue;
		spec_begin(o, NULL, false, &outer);
		spec_string(o, "name", defaults[i]);
		spec_string(o, "config", "");
		spec_string(o, "version", "");
		spec_bool(o, "disabled", false);
		spec_end(o, false, &outer);
	}
	spec_end(o, true, &array);
}

/* Data disks with their defaults: category cloud_efficiency, size a number, encrypted a bool. */
static void
resolve_disks(struct spec_out *o, const struct vctx *x)
{
	struct spec_level outer, array;

	spec_begin(o, "worker_data_disks", true, &array);
	for (const cJSON *d = get(x, ROW_WORKER_DATA_DISKS)->child; d != NULL; d = d->next) {
		const cJSON *cat = cJSON_GetObjectItemCaseSensitive(d, "category");
		const cJSON *enc = cJSON_GetObjectItemCaseSensitive(d, "encrypted");
		const cJSON *sp = cJSON_GetObjectItemCaseSensitive(d, "auto_snapshot_policy_id");
		const cJSON *pl = cJSON_GetObjectItemCaseSensitive(d, "performance_level");

		spec_begin(o, NULL, false, &outer);
		spec_string(o, "category",
		           cJSON_IsString(cat) && cat->valuestring[0] != '\0' ? cat->valuestring
		                                                             : "cloud_efficiency");
		spec_number(o, "size", long_of(cJSON_GetObjectItemCaseSensitive(d, "size")));
		spec_bool(o, "encrypted",
		         cJSON_IsTrue(enc) ||
		             (cJSON_IsString(enc) && strcmp(enc->valuestring, "true") == 0));
		if (cJSON_IsString(sp) && sp->valuestring[0] != '\0')
			spec_string(o, "auto_snapshot_policy_id", sp->valuestring);
		if (cJSON_IsString(pl) && pl->valuestring[0] != '\0')
			spec_string(o, "performance_level", pl->valuestring);
		spec_end(o, false, &outer);
	}
	spec_end(o, true, &array);
}

/* Tags {key, value} and taints {key, value, effect} with effect NoSchedule by default. */
static void
resolve_pairs(struct spec_out *o, const struct vctx *x, enum row name, bool taints)
{
	struct spec_level outer, array;

	spec_begin(o, create_cluster_rules[name].name, true, &array);
	for (const cJSON *t = get(x, name)->child; t != NULL; t = t->next) {
		const char *effect = member_string(t, "effect", "");

		spec_begin(o, NULL, false, &outer);
		spec_string(o, "key", member_string(t, "key", ""));
		spec_string(o, "value", member_string(t, "value", ""));
		if (taints)
			spec_string(o, "effect", effect[0] != '\0' ? effect : "NoSchedule");
		spec_end(o, false, &outer);
	}
	spec_end(o, true, &array);
}

/* Section 4. Secrets (login_password, key_pair) and user_data are never copied. */
static bool
resolve_spec(const struct vctx *x, struct validate_spec *spec)
{
	static const enum row plain_strings[] = {
	    ROW_NAME,  ROW_REGION_ID,         ROW_CLUSTER_TYPE,      ROW_ZONE_ID,
	    ROW_VPCID, ROW_SECURITY_GROUP_ID, ROW_RESOURCE_GROUP_ID, ROW_WORKER_PERIOD_UNIT,
	    ROW_TIMEZONE, ROW_LOGGING_TYPE};
	static const enum row bools_false[] = {
	    ROW_CLOUD_MONITOR_FLAGS, ROW_DELETION_PROTECTION, ROW_DISABLE_ROLLBACK,
	    ROW_IS_ENTERPRISE_SECURITY_GROUP, ROW_SNAT_ENTRY, ROW_SSH_FLAGS};
	struct spec_out o = {.obj = cJSON_CreateObject(), .ok = true};
	struct spec_level outer;
	cJSON *tree = o.obj;
	char mask[24];

	if (tree == NULL)
		return false;
	jsonw_init(&o.w);
	jsonw_object_begin(&o.w);
	for (size_t i = 0; i < sizeof(plain_strings) / sizeof(plain_strings[0]); i++)
		add_string(&o, x, plain_strings[i], NULL);
	for (size_t i = 0; i < sizeof(bools_false) / sizeof(bools_false[0]); i++)
		add_bool(&o, x, bools_false[i], false);
	add_bool(&o, x, ROW_ENDPOINT_PUBLIC_ACCESS, true);
	add_bool(&o, x, ROW_WORKER_AUTO_RENEW, true);
	add_string(&o, x, ROW_CPU_POLICY, "none");
	add_string(&o, x, ROW_PROXY_MODE, "ipvs");
	add_string(&o, x, ROW_NODE_PORT_RANGE, "30000~32767");
	add_string(&o, x, ROW_PROFILE, "Default");
	add_string(&o, x, ROW_CLUSTER_SPEC, "ack.standard");
	add_string(&o, x, ROW_IP_STACK, "ipv4");
	add_string(&o, x, ROW_CLUSTER_DOMAIN, "cluster.local");
	add_string(&o, x, ROW_WORKER_INSTANCE_CHARGE_TYPE, "PostPaid");
	add_string(&o, x, ROW_WORKER_SYSTEM_DISK_CATEGORY, "cloud_ssd");
	add_long(&o, x, ROW_NUM_OF_NODES, 0);
	add_long(&o, x, ROW_TIMEOUT_MINS, 60);
	add_long(&o, x, ROW_WORKER_PERIOD, 1);
	add_long(&o, x, ROW_WORKER_AUTO_RENEW_PERIOD, -1);
	add_long(&o, x, ROW_WORKER_SYSTEM_DISK_SIZE, 120);
	spec_string(&o, "kubernetes_version", x->k8s);
	/* The only string made here: a copy, not a reference. */
	format(mask, sizeof(mask), "%lld", x->mask);
	spec_string_copy(&o, "node_cidr_mask", mask);
	spec_begin(&o, "runtime", false, &outer);
	spec_string(&o, "name", x->runtime);
	spec_string(&o, "version", x->runtime_version);
	spec_end(&o, false, &outer);
	resolve_addons(&o, x);
	spec_strings(&o, "vswitch_ids", x->node_vswitches);
	spec_strings(&o, "worker_vswitch_ids", x->worker_vswitches);
	spec_strings(&o, "pod_vswitch_ids",
	            st(x, ROW_POD_VSWITCH_IDS) == P_OK ? get(x, ROW_POD_VSWITCH_IDS) : NULL);
	spec_strings(&o, "worker_instance_types",
	            st(x, ROW_WORKER_INSTANCE_TYPES) == P_OK ? get(x, ROW_WORKER_INSTANCE_TYPES)
	                                                   : NULL);
	if (st(x, ROW_WORKER_DATA_DISKS) == P_OK)
		resolve_disks(&o, x);
	if (st(x, ROW_TAGS) == P_OK)
		resolve_pairs(&o, x, ROW_TAGS, false);
	if (st(x, ROW_TAINTS) == P_OK)
		resolve_pairs(&o, x, ROW_TAINTS, true);
	if (x->container_cidr != NULL)
		spec_string(&o, "container_cidr", x->container_cidr);
	if (x->service_cidr != NULL)
		spec_string(&o, "service_cidr", x->service_cidr);
	if (x->auto_vpc) {
		spec_bool(&o, "vpc_auto", true);
		spec_string(&o, "vswitch_cidr", "192.168.0.0/24");
	}
	if (x->vpc_cidr != NULL)
		spec_string(&o, "vpc_cidr", x->vpc_cidr);
	spec_string(&o, "network_plugin", x->terway ? "terway" : "flannel");
	jsonw_object_end(&o.w);
	spec->text = jsonw_finish(&o.w, &spec->len);
	if (!o.ok || spec->text == NULL) {
		free(spec->text);
		cJSON_Delete(tree);
		return false;
	}
	spec->tree = tree;
	spec->name = get(x, ROW_NAME)->valuestring;
	spec->region_id = get(x, ROW_REGION_ID)->valuestring;
	spec->cluster_type = get(x, ROW_CLUSTER_TYPE)->valuestring;
	spec->vpcid = x->auto_vpc ? NULL : get(x, ROW_VPCID)->valuestring;
	spec->container_cidr = x->container_cidr;
	return true;
}

/* ---- The entry points. ---- */

size_t
validate_create(const cJSON *body, const struct validate_options *opts, struct verdict *out,
                struct validate_spec *spec)
{
	struct vctx *x = malloc(sizeof(*x));

	/*
	 * Only the count and the ignored list start empty: the 50 KiB of
	 * violations are written before they are read (clearing them all was a
	 * tenth of an invalid create's instructions).
	 */
	out->n = 0;
	out->ignored[0] = '\0';
	if (x != NULL)
		memset(x, 0, offsetof(struct vctx, slot));
	if (x == NULL) {
		violate(out, ERR_INTERNAL, "", "out of memory");
		return out->n;
	}
	x->body = body;
	x->opts = opts;
	x->out = out;

	/*
	 * One pass over the body: section 1's unknown keys (their violations
	 * come first), and each row's value, the first member of its name, as
	 * cJSON's getter finds it (48 lookups cost 20k instructions).
	 */
	for (const cJSON *c = body->child; c != NULL; c = c->next) {
		size_t i = row_find(c->string);

		if (i == NROWS)
			note_unknown(x, c->string);
		else if (x->value[i] == NULL)
			x->value[i] = c;
	}

	/* Section 2: each row on its own, then the parts that read another row. */
	for (size_t i = 0; i < NROWS; i++) {
		const struct rule *r = &create_cluster_rules[i];

		x->row = r;
		x->state[i] = check_value(x, r, x->value[i], body, r->name);
	}
	for (size_t i = 0; i < NROWS; i++) {
		const struct rule *r = &create_cluster_rules[i];

		x->row = r;
		if (r->relate != NULL && x->state[i] == P_OK && !r->relate(x, x->value[i], r->name))
			x->state[i] = P_BAD;
	}
	x->row = NULL;
	for (size_t i = 0; i < NROWS; i++)
		if (x->has_slot[i] && out->n < VALIDATE_MAX_VIOLATIONS)
			out->v[out->n++] = x->slot[i];

	/* Section 3, then the world's checks. */
	resolve_defaults(x);
	for (const struct cross_rule *c = cross_rules; c->id != NULL; c++)
		c->check(x);
	for (const struct cross_rule *c = world_rules; c->id != NULL; c++)
		c->check(x);

	if (out->n == 0 && spec != NULL && !resolve_spec(x, spec))
		violate(out, ERR_INTERNAL, "", "out of memory");
	free(x);
	return out->n;
}

cJSON *
validate_data(const struct verdict *v)
{
	struct jsonw w;
	cJSON *data;
	char *text;

	/*
	 * Written as text, the members' names and punctuation in one piece
	 * each: a tree of 4 items a violation, printed, cost 15k instructions
	 * for twelve violations, and jsonw's member by member writing 20k.
	 */
	jsonw_init(&w);
	/* About what a violation takes, in one allocation instead of growing twice. */
	jsonw_reserve(&w, 64 + v->n * 192);
	JSONW_RAW(&w, "[");
	for (size_t i = 0; i < v->n; i++) {
		if (i != 0)
			JSONW_RAW(&w, ",");
		JSONW_RAW(&w, "{\"code\":");
		jsonw_quoted(&w, err_info(v->v[i].err)->code);
		JSONW_RAW(&w, ",\"message\":");
		jsonw_quoted(&w, v->v[i].message);
		JSONW_RAW(&w, ",\"parameter\":");
		jsonw_quoted(&w, v->v[i].parameter);
		JSONW_RAW(&w, "}");
	}
	JSONW_RAW(&w, "]");
	if ((text = jsonw_finish(&w, NULL)) == NULL)
		return NULL;
	/*
	 * The item takes the text over instead of a copy: cJSON frees it
	 * through arena_free, which gives malloc'd memory to free().
	 */
	if ((data = cJSON_CreateRaw("")) == NULL) {
		free(text);
		return NULL;
	}
	cJSON_free(data->valuestring);
	data->valuestring = text;
	return data;
}
