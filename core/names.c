/* names.c - the spellings of levels, observations and payloads (suite files, reports). */
#include "nvgrect/suite.h"

#include <stddef.h>

static const char *const levels[] = {
	[NV_LEVEL_MUST] = "MUST",
	[NV_LEVEL_SHOULD] = "SHOULD",
	[NV_LEVEL_MAY] = "MAY",
	[NV_LEVEL_INFO] = "INFO",
};

static const char *const observations[] = {
	[NV_OBS_DELIVERED] = "delivered",
	[NV_OBS_REJECTED] = "rejected",
	[NV_OBS_SILENT] = "silent",
	[NV_OBS_MISDELIVERED] = "misdelivered",
	[NV_OBS_NOT_DELIVERED] = "not-delivered",
	[NV_OBS_ANY] = "any",
	[NV_OBS_RATE_LIMITED] = "rate-limited",
	[NV_OBS_INCONCLUSIVE] = "inconclusive",
};

static const char *const payloads[] = {
	[NV_PAYLOAD_ICMP_ECHO] = "icmp-echo",
	[NV_PAYLOAD_ICMP6_ECHO] = "icmp6-echo",
	[NV_PAYLOAD_ARP] = "arp",
	[NV_PAYLOAD_UDP] = "udp",
	[NV_PAYLOAD_RAW] = "raw",
};

#define NAME(tab, i) \
	((unsigned)(i) < sizeof(tab) / sizeof(tab[0]) && tab[i] ? tab[i] : "?")

const char *nv_level_name(enum nv_level l)
{
	return NAME(levels, l);
}

const char *nv_obs_name(enum nv_obs o)
{
	return NAME(observations, o);
}

const char *nv_payload_name(enum nv_payload p)
{
	return NAME(payloads, p);
}
