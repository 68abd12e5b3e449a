/*
 * live.h - a live run on one interface: address resolution on the underlay
 * (ARP for dut.mac: auto) and inside the tunnel (ARP for vm_mac: auto), the
 * interface's own MAC, and the raw GRE socket that keeps the tester's kernel
 * quiet (see nv_live_gre_hold).
 *
 * Frames are built here for what the crafter does not plan (ARP requests);
 * replies are recognised through the bounded cursor.
 */
#ifndef NV_LIVE_H
#define NV_LIVE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "nvgrect/dut.h"
#include "nvgrect/err.h"

#define NV_ARP_FRAME_LEN 60         /* 42 bytes of ARP, padded to the Ethernet minimum */
#define NV_ARP_NVGRE_MAX 160

/* The interface's own MAC (SIOCGIFHWADDR). */
int nv_live_iface_mac(const char *ifname, uint8_t mac[6], struct nv_err *err);

/*
 * Hold raw IPPROTO_GRE sockets (IPv4 and IPv6) open. Why: the tester host's
 * kernel has no GRE endpoint for the DUT's encapsulated replies and would
 * answer each with ICMP 3/2 (protocol unreachable), which the DUT may count
 * against us or rate-limit its own answers for. An open raw socket for the
 * protocol makes the kernel consider the datagram delivered, so it stays
 * silent. A drop-all filter keeps the socket's queue empty; libpcap still
 * sees every frame. Returns the number of sockets held (fds[0..1], -1 unused).
 */
int nv_live_gre_hold(int fds[2], struct nv_err *err);
void nv_live_gre_release(int fds[2]);

/* ARP request who-has tip tell sip, from smac to broadcast. Returns length. */
size_t nv_arp_request(uint8_t out[NV_ARP_FRAME_LEN], const uint8_t smac[6],
		      const uint8_t sip[4], const uint8_t tip[4]);
/* Is this frame an ARP reply from spa? Copies the sender MAC. */
bool nv_arp_is_reply_from(const uint8_t *frame, uint32_t caplen,
			  const uint8_t spa[4], uint8_t sha[6]);

/*
 * An ARP request carried in NVGRE (IPv4 or IPv6 outer): outer from the
 * tester to the DUT with the given 32-bit key; inner who-has vm_ca tell
 * tester_ca from tester_mac. Returns the length, 0 if out is too small or
 * the tenant's CAs are not IPv4.
 */
struct nv_arp_tunnel {
	uint8_t outer_src_mac[6], outer_dst_mac[6];
	struct nv_addr outer_src, outer_dst;
	uint32_t key;
	uint8_t inner_src_mac[6];
	struct nv_addr inner_spa, inner_tpa;
};
size_t nv_arp_nvgre_request(uint8_t *out, size_t cap, const struct nv_arp_tunnel *t);
/*
 * Is this frame NVGRE carrying an ARP reply from spa (the VM's CA)?
 * Copies the inner sender MAC and the GRE key it came under.
 */
bool nv_arp_nvgre_is_reply_from(const uint8_t *frame, uint32_t caplen,
				const struct nv_addr *spa, uint8_t sha[6],
				uint32_t *key);

#endif
