/* specpack.c: exact round trips, the size of a resolved spec, text left as it is, damaged rows. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "specpack.h"
#include "tap.h"

/* A spec as server/validate.c resolves the bench's create-valid.json (1,208 bytes). */
static const char resolved[] =
    "{\"name\":\"a1-0-00000003\",\"region_id\":\"cn-hangzhou\",\"cluster_type\":\"ManagedKubernetes\","
    "\"zone_id\":\"cn-hangzhou-i\",\"cloud_monitor_flags\":false,\"deletion_protection\":false,"
    "\"disable_rollback\":false,\"is_enterprise_security_group\":false,\"snat_entry\":true,"
    "\"ssh_flags\":false,\"endpoint_public_access\":true,\"worker_auto_renew\":true,"
    "\"cpu_policy\":\"none\",\"proxy_mode\":\"ipvs\",\"node_port_range\":\"30000~32767\","
    "\"profile\":\"Default\",\"cluster_spec\":\"ack.standard\",\"ip_stack\":\"ipv4\","
    "\"cluster_domain\":\"cluster.local\",\"worker_instance_charge_type\":\"PostPaid\","
    "\"worker_system_disk_category\":\"cloud_ssd\",\"num_of_nodes\":0,\"timeout_mins\":60,"
    "\"worker_period\":1,\"worker_system_disk_size\":120,\"kubernetes_version\":\"1.28.15-aliyun.1\","
    "\"node_cidr_mask\":\"25\",\"runtime\":{\"name\":\"containerd\",\"version\":\"1.6.28\"},"
    "\"addons\":[{\"name\":\"flannel\",\"config\":\"\",\"version\":\"\",\"disabled\":false},"
    "{\"name\":\"nginx-ingress-controller\",\"config\":\"\",\"version\":\"\",\"disabled\":false},"
    "{\"name\":\"ack-node-problem-detector\",\"config\":\"\",\"version\":\"\",\"disabled\":false}],"
    "\"tags\":[{\"key\":\"env\",\"value\":\"bench1\"}],\"container_cidr\":\"172.20.0.0/16\","
    "\"service_cidr\":\"172.21.0.0/20\",\"vpc_auto\":true,\"vswitch_cidr\":\"192.168.0.0/24\","
    "\"vpc_cidr\":\"192.168.0.0/16\",\"network_plugin\":\"flannel\"}";

/* Packs and unpacks text; true when it comes back byte for byte. */
static bool
round_trip(const char *text, size_t len, size_t *packed_len)
{
	size_t plen = 0, ulen = 0;
	char *packed = specpack_pack(text, len, &plen);
	char *back = packed != NULL ? specpack_unpack(packed, plen, &ulen) : NULL;
	bool ok = back != NULL && ulen == len && memcmp(back, text, len) == 0 && back[len] == '\0';

	if (packed_len != NULL)
		*packed_len = plen;
	free(packed);
	free(back);
	return ok;
}

int
main(void)
{
	size_t plen = 0, ulen = 0;
	char *p;

	bool same = round_trip(resolved, strlen(resolved), &plen);

	tap_ok(same && plen < strlen(resolved) / 2,
	    "a resolved spec comes back exactly; %zu bytes packed of %zu", plen, strlen(resolved));

	/* A create task's plan as lifecycle_plan_json prints it (clusters.create_task_plan). */
	{
		static const char plan[] =
		    "{\"type\":\"cluster_create\",\"nodes\":2,\"stages\":[{\"name\":\"PrepareResources\","
		    "\"ms\":10000},{\"name\":\"CreateNetwork\",\"ms\":30000},{\"name\":"
		    "\"CreateControlPlane\",\"ms\":120000},{\"name\":\"CreateWorkerNodes\",\"ms\":200000},"
		    "{\"name\":\"InstallAddons\",\"ms\":60000},{\"name\":\"CheckClusterHealth\","
		    "\"ms\":15000}],\"timeout_mins\":60,\"rollback\":true,\"rollback_ms\":30000,"
		    "\"fault\":{\"fail_at_stage\":\"InstallAddons\",\"code\":\"ErrorX\",\"message\":"
		    "\"injected\"},\"addons\":[\"flannel\",\"nginx-ingress-controller\"]}";

		same = round_trip(plan, strlen(plan), &plen);
		tap_ok(same && plen < strlen(plan) / 2,
		    "a create task's plan comes back exactly; %zu bytes packed of %zu", plen,
		    strlen(plan));
	}

	/* Keys the list lacks, keys as values, quotes, backslashes and UTF-8 in strings. */
	static const char *const tricky[] = {
	    "{}",
	    "{\"name\":\"\\\"name\\\":\",\"unknown_key\":1,\"vpcid\":\"vpc-1\"}",
	    "{\"tags\":[{\"key\":\"k\\\\\",\"value\":\"\\u0001\"}],\"name\":\"集群-1\"}",
	    "{\"a\":\"name\",\"name\":[\"name\",\"version\"],\"version\":{\"name\":{}}}",
	    "[\"name\",\"region_id\"]",
	    "{\"logging_type\":\"SLS\",\"timezone\":\"Asia/Shanghai\",\"resource_group_id\":\"rg-1\"}",
	    "{\"x\":[true,false,null,\"Default\",\"cn-hangzhou\",\"flannel:\",\"\",12,-1.5e3]}",
	    "{\"Default\":\"Default\",\"false\":false,\"true\":\"true\",\"cn-hangzhou\":{}}",
	    "[false,true,null]",
	    "{\"a\":tru",
	};
	int bad = 0;

	for (size_t i = 0; i < sizeof(tricky) / sizeof(tricky[0]); i++)
		if (!round_trip(tricky[i], strlen(tricky[i]), NULL))
			bad++;
	tap_ok(bad == 0, "%d of %zu texts with unknown keys, keys as values, values as keys, literals, escapes, UTF-8 differ",
	    bad, sizeof(tricky) / sizeof(tricky[0]));

	/* Every key of the list, short and long: an object of all of them round-trips. */
	{
		char all[4096];
		size_t o = 0;
		static const char *const every[] = {"name", "version", "addons", "logging_type",
		    "worker_period_unit", "timeout_mins", "auto_snapshot_policy_id"};

		o += (size_t)snprintf(all + o, sizeof(all) - o, "{");
		for (size_t i = 0; i < sizeof(every) / sizeof(every[0]); i++)
			o += (size_t)snprintf(all + o, sizeof(all) - o, "%s\"%s\":%zu",
			    i ? "," : "", every[i], i);
		o += (size_t)snprintf(all + o, sizeof(all) - o, "}");
		same = round_trip(all, o, &plen);
		tap_ok(same && plen < o, "short and long keys: %zu -> %zu bytes", o, plen);
	}

	/* Text that would not read back unambiguously, or not shrink, is kept as it is. */
	p = specpack_pack("{\"name\":\n1}", 11, &plen);
	tap_ok(p != NULL && plen == 11 && memcmp(p, "{\"name\":\n1}", 11) == 0,
	    "text with a raw control byte is stored as it is");
	free(p);
	p = specpack_pack("{\"x\":1}", 7, &plen);
	tap_ok(p != NULL && plen == 7 && p[0] == '{', "text that would not shrink is stored as it is");
	free(p);
	p = specpack_pack("{\"name\":\"open", 13, &plen);
	tap_ok(p != NULL && plen == 13 && p[0] == '{', "an unterminated string is stored as it is");
	free(p);

	/* Rows from before: plain JSON reads back unchanged. */
	p = specpack_unpack(resolved, strlen(resolved), &ulen);
	tap_ok(p != NULL && ulen == strlen(resolved) && strcmp(p, resolved) == 0,
	    "a spec stored as JSON reads back as it is");
	free(p);

	/* Damaged packed specs: unknown tokens and a cut long token are refused. */
	{
		static const char *const damaged[] = {"\x1f\x1f", "\x1f{\x1e", "\x1f{\x1e\x7f",
		    "\x1f{\x1e\x1f", "\x1f\x1e\x7e", "\x1f[\x1f\x7e]", "\x1f[\x1f\x10"};
		int refused = 0;

		for (size_t i = 0; i < sizeof(damaged) / sizeof(damaged[0]); i++) {
			p = specpack_unpack(damaged[i], strlen(damaged[i]), &ulen);
			refused += p == NULL;
			free(p);
		}
		tap_ok(refused == 7, "%d of 7 damaged packed specs refused", refused);
	}

	/* Every cut of a packed spec unpacks or is refused, never read past its end (ASan). */
	{
		char *packed = specpack_pack(resolved, strlen(resolved), &plen);
		int ok = 0;

		for (size_t cut = 0; packed != NULL && cut <= plen; cut++) {
			char *piece = malloc(cut ? cut : 1);

			memcpy(piece, packed, cut);
			p = specpack_unpack(piece, cut, &ulen);
			ok += p == NULL || ulen <= strlen(resolved);
			free(p);
			free(piece);
		}
		tap_ok(packed != NULL && ok == (int)plen + 1, "each of the %zu cuts is read safely",
		    plen + 1);
		free(packed);
	}
	return tap_done();
}
