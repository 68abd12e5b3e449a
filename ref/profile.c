/*
 * profile.c - behaviour profiles of the reference endpoint, modelled on what
 * real implementations do (research/mission-anchors.md §2). Where a model
 * rests on inference rather than a source, the comment says so.
 */
#include "nvgrect/ref.h"

#include <string.h>

#define LAYOUT_RFC7637 0
#define LAYOUT_DRAFT00 1

#define ICMP_UNREACH 3
#define ICMP_UNREACH_PORT 3
#define ICMP_UNREACH_ADMIN 10           /* host administratively prohibited */
#define ICMP6_UNREACH 1
#define ICMP6_UNREACH_ADMIN 1
#define ICMP6_UNREACH_PORT 4
#define SLOPPY_INNER_VID 100
#define SLOPPY_FLOWID 0x5a
#define SLOPPY_FRAG_OVER 1280   /* as if its PA MTU were IPv6's minimum */

static const struct nv_ref_profile profiles[] = {
	{
		/* OpenBSD nvgre(4)-like: VSID lookup, FlowID = flow hash. */
		.name = "rfc7637",
		.summary = "RFC 7637: VSID lookup, FlowID ignored on receive and "
			   "filled with entropy on send; silent on a miss",
		.layout = LAYOUT_RFC7637,
		.match = NV_REF_MATCH_VSID,
		.greflags = NV_REF_GRE_RFC2784,
		.refuse_reserved_vsid = true,
		.drop_inner_vlan = true,
		.flowid_entropy = true,
		.miss = NV_REF_MISS_SILENT,
	},
	{
		/* Windows Server 2012 RTM without KB2779768: draft-00 text layout.
		 * FlowID tolerance is moot (no FlowID field); reserved bits set is
		 * treated as a policy miss (inferred). */
		.name = "ws2012-rtm",
		.summary = "Hyper-V 2012 RTM: draft00 keys (VSID in bits 23..0); "
			   "policy miss -> ICMP 3/10 from the PA",
		.layout = LAYOUT_DRAFT00,
		.match = NV_REF_MATCH_VSID,
		.greflags = NV_REF_GRE_RFC2784,
		.refuse_reserved_vsid = true,
		.check_reserved_bits = true,
		.drop_inner_vlan = true,
		.hnv_policy = true,
		.miss = NV_REF_MISS_ICMP,
		.icmp_type = ICMP_UNREACH, .icmp_code = ICMP_UNREACH_ADMIN,
		.icmp6_type = ICMP6_UNREACH, .icmp6_code = ICMP6_UNREACH_ADMIN,
	},
	{
		/* Windows Server 2012 R2 (MS-NVGREE): RFC layout, FlowID 0 sent;
		 * receive lookup on the VSID only (inferred: FlowID not
		 * documented for HNV). */
		.name = "ws2012r2",
		.summary = "Hyper-V 2012 R2: rfc7637 keys, FlowID 0; policy miss -> "
			   "ICMP 3/10 inside NVGRE (MS-NVGREE UNREACHABLE)",
		.layout = LAYOUT_RFC7637,
		.match = NV_REF_MATCH_VSID,
		.greflags = NV_REF_GRE_RFC2784,
		.refuse_reserved_vsid = true,
		.drop_inner_vlan = true,
		.hnv_policy = true,
		.miss = NV_REF_MISS_NVGRE_ICMP,
		.icmp_type = ICMP_UNREACH, .icmp_code = ICMP_UNREACH_ADMIN,
		.icmp6_type = ICMP6_UNREACH, .icmp6_code = ICMP6_UNREACH_ADMIN,
	},
	{
		/* ip_gre gretap with key VSID<<8: exact key match, no tunnel ->
		 * icmp_send(ICMP_DEST_UNREACH, ICMP_PORT_UNREACH) (ip6_gre: 1/4).
		 * Inner 802.1Q delivered (inferred: no inner-tag check). */
		.name = "linux-gretap",
		.summary = "Linux gretap key=VSID<<8: exact 32-bit key; miss -> "
			   "ICMP 3/3, rate-limited (burst 6, then 1/s per destination)",
		.layout = LAYOUT_RFC7637,
		.match = NV_REF_MATCH_KEY32,
		.greflags = NV_REF_GRE_LINUX,
		.any_proto_is_miss = true,
		.miss = NV_REF_MISS_ICMP,
		.icmp_type = ICMP_UNREACH, .icmp_code = ICMP_UNREACH_PORT,
		.icmp6_type = ICMP6_UNREACH, .icmp6_code = ICMP6_UNREACH_PORT,
		.ratelimit = true,
	},
	{
		/* OVS userspace datapath, type=gre key=VSID<<8: tun_id = whole
		 * key; table miss drops silently; tagged inner frames reach the
		 * VM port but its stack has no VLAN device (modelled as drop). */
		.name = "ovs-gre",
		.summary = "Open vSwitch type=gre key=VSID<<8: exact 32-bit key; "
			   "only C/K/S flags; no IPv4 options; silent on a miss",
		.layout = LAYOUT_RFC7637,
		.match = NV_REF_MATCH_KEY32,
		.greflags = NV_REF_GRE_OVS,
		.drop_inner_vlan = true,
		.reject_ip_options = true,
		.miss = NV_REF_MISS_SILENT,
	},
	{
		/* Not modelled on a product: receives like rfc7637 but breaks the
		 * sender rules, so KEY-05, FLOW-01, INNER-02, INNER-03 and FRAG-01
		 * have a failing column that real packets produce. */
		.name = "sloppy-sender",
		.summary = "receives like rfc7637, sends badly: S=1 with a sequence "
			   "number, inner 802.1Q tag (VID 100), inner FCS kept, "
			   "FlowID 0x5a on every flow, IPv4 over 1280 bytes fragmented",
		.layout = LAYOUT_RFC7637,
		.match = NV_REF_MATCH_VSID,
		.greflags = NV_REF_GRE_RFC2784,
		.refuse_reserved_vsid = true,
		.drop_inner_vlan = true,
		.flowid_entropy = true,
		.miss = NV_REF_MISS_SILENT,
		.tx_seq = true,
		.tx_inner_vid = SLOPPY_INNER_VID,
		.tx_inner_fcs = true,
		.tx_flowid = SLOPPY_FLOWID,
		.tx_frag_over = SLOPPY_FRAG_OVER,
	},
};

#define NPROFILES ((int)(sizeof(profiles) / sizeof(profiles[0])))

int nv_ref_profile_count(void)
{
	return NPROFILES;
}

const struct nv_ref_profile *nv_ref_profile_get(int i)
{
	return i >= 0 && i < NPROFILES ? &profiles[i] : NULL;
}

const struct nv_ref_profile *nv_ref_profile_find(const char *name)
{
	for (int i = 0; i < NPROFILES; i++)
		if (strcmp(profiles[i].name, name) == 0)
			return &profiles[i];
	return NULL;
}
