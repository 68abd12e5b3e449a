/*
 * ratelimit.c - the Linux ICMP error rate limit, as the linux-gretap profile
 * needs it (net/ipv4/icmp.c icmpv4_xrlim_allow -> inet_peer_xrlim_allow):
 * per destination, tokens in milliseconds grow with elapsed time up to
 * XRLIM_BURST_FACTOR (6) x icmp_ratelimit (1000 ms); an error costs one
 * icmp_ratelimit. A new peer starts with a full bucket (its rate_last is 0,
 * so the first elapsed time is huge and clamps to the burst), hence six
 * errors back to back, then one per second. The global icmp_msgs_per_sec
 * limit (1000/s) is not modelled: a conformance run never reaches it.
 */
#include "nvgrect/ref.h"

#include <string.h>

void nv_ref_rl_init(struct nv_ref_ratelimit *rl, uint32_t cost_ms)
{
	memset(rl, 0, sizeof(*rl));
	rl->cost_ms = cost_ms ? cost_ms : NV_REF_RL_COST_MS;
}

static int slot_for(struct nv_ref_ratelimit *rl, const struct nv_addr *dst,
		    uint64_t now_ms)
{
	int i, oldest = 0;

	for (i = 0; i < rl->n; i++)
		if (nv_addr_eq(&rl->slot[i].dst, dst))
			return i;
	if (rl->n < NV_REF_RL_SLOTS) {
		i = rl->n++;
	} else {
		/* evict the least recently charged peer, as inet_peer's GC would */
		for (i = 1; i < NV_REF_RL_SLOTS; i++)
			if (rl->slot[i].last_ms < rl->slot[oldest].last_ms)
				oldest = i;
		i = oldest;
	}
	rl->slot[i].dst = *dst;
	rl->slot[i].last_ms = now_ms;
	rl->slot[i].tokens = (uint64_t)NV_REF_RL_BURST * rl->cost_ms;
	return i;
}

bool nv_ref_rl_allow(struct nv_ref_ratelimit *rl, const struct nv_addr *dst,
		     uint64_t now_ms)
{
	int i = slot_for(rl, dst, now_ms);
	uint64_t cap = (uint64_t)NV_REF_RL_BURST * rl->cost_ms;
	uint64_t tok = rl->slot[i].tokens;

	if (now_ms > rl->slot[i].last_ms)
		tok += now_ms - rl->slot[i].last_ms;
	rl->slot[i].last_ms = now_ms;
	if (tok > cap)
		tok = cap;
	if (tok < rl->cost_ms) {
		rl->slot[i].tokens = tok;
		return false;
	}
	rl->slot[i].tokens = tok - rl->cost_ms;
	return true;
}
