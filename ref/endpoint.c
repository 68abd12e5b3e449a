/*
 * endpoint.c - the serving loop of `nvgrect ref`: libpcap in (ARP and GRE,
 * inbound only), decide, answer through the same handle. The namespace the
 * endpoint runs in keeps no IP address on the interface, so its kernel
 * answers neither ARP for dut.pa nor GRE with ICMP 3/2: every answer on the
 * wire is this process's.
 */
#include "nvgrect/ref.h"

#include <string.h>
#include <sys/socket.h>

#include "nvgrect/live.h"
#include "nvgrect/sig.h"

#define WAIT_MS 200
/* In immediate mode libpcap uses fixed-size ring slots sized for the
 * snapshot length, so the ring holds few frames per MiB: a large one
 * absorbs a paced run's bursts while replies are being injected. */
#define REF_BUFFER_KIB (64u * 1024u)
/* ARP and NS for the PA; GRE over either family */
#define REF_FILTER "arp or (ip and ip proto 47) or (ip6 and ip6 proto 47) or " \
	"(icmp6 and ip6[40] == 135)"
#define LOG_LINE 512

struct srv {
	const struct nv_ref_opts *o;
	struct nv_ref_ctx ctx;
	struct nv_live lv;
	struct nv_ref_ratelimit rl;
	struct nv_ref_tx tx;
	struct nv_ref_stats *st;
	struct nv_pkt pkt;
	uint64_t decisions;
	uint8_t buf[NV_REF_FRAME_MAX];
};

static const char *answer_name(enum nv_ref_answer a)
{
	switch (a) {
	case NV_REF_ANS_NONE: return "none";
	case NV_REF_ANS_ARP: return "arp-reply";
	case NV_REF_ANS_ECHO: return "echo-reply";
	case NV_REF_ANS_ECHO6: return "echo6-reply";
	case NV_REF_ANS_ND: return "nd-advert";
	}
	return "?";
}

void nv_ref_log_format(const struct nv_ref_ctx *c, const struct nv_pkt *p,
		       const struct nv_ref_decision *d, uint32_t sent_len,
		       bool ratelimited, char *buf, size_t len)
{
	char src[64];
	size_t n;

	nv_addr_str(&p->ip.src, src, sizeof(src));
	n = (size_t)snprintf(buf, len, "ref %s: %s %s from %s key=0x%08x vsid=%u",
			     c->prof->name, nv_ref_verdict_name(d->verdict), d->reason,
			     src, d->key, d->vsid);
	if (n < len && d->tenant)
		n += (size_t)snprintf(buf + n, len - n, " tenant=%s", d->tenant->name);
	if (n < len && d->verdict == NV_REF_DELIVER && d->answer != NV_REF_ANS_NONE)
		n += (size_t)snprintf(buf + n, len - n, " -> %s key=0x%08x (%u bytes)",
				      answer_name(d->answer),
				      nv_ref_tx_key(c->prof, d->tenant->vsid,
						    nv_ref_flow_hash(p)), sent_len);
	if (n < len && d->verdict == NV_REF_REJECT)
		snprintf(buf + n, len - n, " -> %s%s-%u-%u%s",
			 d->in_nvgre ? "nvgre-" : "", d->icmp_v6 ? "icmp6" : "icmp",
			 d->icmp_type, d->icmp_code,
			 ratelimited ? " suppressed (rate limit)" : "");
}

static FILE *log_out(const struct srv *s)
{
	return s->o->log ? s->o->log : stderr;
}

static uint32_t send_frame(struct srv *s, uint32_t len)
{
	struct nv_err e;

	if (!len)
		return 0;
	if (nv_live_send(&s->lv, s->buf, len, &e) < 0) {
		s->st->send_errors++;
		fprintf(log_out(s), "ref %s: send failed: %s\n", s->ctx.prof->name, e.msg);
		return 0;
	}
	return len;
}

/* The frame a build call returned, then the second fragment it left, if any. */
static uint32_t send_built(struct srv *s, uint32_t len)
{
	struct nv_err e;
	uint32_t sent = send_frame(s, len);

	if (!sent || !s->tx.more_len)
		return sent;
	if (nv_live_send(&s->lv, s->buf + s->tx.more_off, s->tx.more_len, &e) < 0) {
		s->st->send_errors++;
		fprintf(log_out(s), "ref %s: send failed: %s\n", s->ctx.prof->name, e.msg);
		return sent;
	}
	return sent + s->tx.more_len;
}

static bool arp_served(struct srv *s, const uint8_t *data, uint32_t caplen)
{
	uint32_t n = nv_ref_underlay_arp(&s->ctx, data, caplen, &s->tx);
	char pa[64];

	if (!n)
		n = nv_ref_underlay_nd(&s->ctx, data, caplen, &s->tx);
	if (!n)
		return false;
	s->st->arp++;
	s->decisions++;
	if (send_frame(s, n) && s->o->verbose)
		fprintf(log_out(s), "ref %s: who-has %s (ARP/ND) -> our MAC\n",
			s->ctx.prof->name, nv_addr_str(&s->ctx.dut->dut.pa, pa, sizeof(pa)));
	return true;
}

/* Send what a decision calls for; returns the bytes sent. */
static uint32_t act(struct srv *s, const uint8_t *data, const struct nv_ref_decision *d,
		    bool *limited)
{
	const struct nv_pkt *p = &s->pkt;
	uint64_t now_ms = nv_live_now_us() / 1000u;

	switch (d->verdict) {
	case NV_REF_DELIVER:
		s->st->delivered++;
		if (d->answer == NV_REF_ANS_NONE)
			return 0;
		s->st->answered++;
		return send_built(s, nv_ref_build_answer(&s->ctx, data, p, d, &s->tx));
	case NV_REF_REJECT:
		if (s->ctx.prof->ratelimit && !nv_ref_rl_allow(&s->rl, &p->ip.src, now_ms)) {
			s->st->ratelimited++;
			*limited = true;
			return 0;
		}
		s->st->rejected++;
		return send_built(s, nv_ref_build_reject(&s->ctx, data, p, d, &s->tx));
	case NV_REF_DROP:
		s->st->dropped++;
		return 0;
	default:
		return 0;
	}
}

static void on_frame(void *arg, uint64_t ts_us, const uint8_t *data, uint32_t caplen,
		     uint32_t len)
{
	struct srv *s = arg;
	struct nv_ref_decision d;
	char line[LOG_LINE];
	bool limited = false;
	uint32_t sent;

	(void)ts_us;
	s->st->seen++;
	if (arp_served(s, data, caplen))
		return;
	nv_dissect_frame(data, caplen, len, &s->pkt);
	nv_ref_decide(&s->ctx, &s->pkt, &d);
	if (d.verdict == NV_REF_IGNORE)
		return;
	s->decisions++;
	sent = act(s, data, &d, &limited);
	if (!s->o->verbose)
		return;
	nv_ref_log_format(&s->ctx, &s->pkt, &d, sent, limited, line, sizeof(line));
	fprintf(log_out(s), "%s\n", line);
}

static int ctx_init(struct srv *s, struct nv_err *err)
{
	const struct nv_dut *dut = s->o->dut;
	char want[24], have[24];

	s->ctx.prof = s->o->prof;
	s->ctx.dut = dut;
	memcpy(s->ctx.mac, s->lv.mac, 6);
	if (dut->dut.mac.is_auto || !memcmp(dut->dut.mac.a, s->lv.mac, 6))
		return 0;
	/* no promiscuous capture: frames to another MAC would never arrive */
	return nv_errc(err, NV_EXIT_USAGE,
		       "%s: dut.mac %s differs from the interface MAC %s; set it with "
		       "`ip link set %s address %s` or use dut.mac: auto",
		       s->o->iface, nv_mac_str(dut->dut.mac.a, want, sizeof(want)),
		       nv_mac_str(s->lv.mac, have, sizeof(have)), s->o->iface, want);
}

int nv_ref_serve(const struct nv_ref_opts *o, struct nv_ref_stats *st,
		 struct nv_err *err)
{
	static struct srv s;    /* large; one endpoint per process */
	struct nv_live_cfg cfg = { .iface = o->iface, .filter = REF_FILTER,
				   .buffer_kib = REF_BUFFER_KIB };
	struct nv_capture_stats cs;
	int rc = 0;

	memset(&s, 0, sizeof(s));
	memset(st, 0, sizeof(*st));
	s.o = o;
	s.st = st;
	s.tx.buf = s.buf;
	s.tx.ip_id = 1;
	nv_ref_rl_init(&s.rl, NV_REF_RL_COST_MS);
	if (nv_live_open(&s.lv, &cfg, err) < 0)
		return -1;
	if (ctx_init(&s, err) < 0 || (o->drop && nv_priv_drop(o->drop, err) < 0)) {
		nv_live_close(&s.lv);
		return -1;
	}
	nv_sig_watch(s.lv.pc);
	/* always: scripts wait for this line before sending */
	fprintf(log_out(&s), "ref %s: listening on %s\n", o->prof->name, o->iface);
	while (!nv_sig_caught()) {
		if (nv_live_wait(&s.lv, WAIT_MS, on_frame, &s, err) < 0) {
			rc = -1;
			break;
		}
		if (o->count_limit && s.decisions >= o->count_limit)
			break;
	}
	nv_sig_watch(NULL);
	if (nv_live_stats(&s.lv, &cs, NULL) == 0)
		st->kernel_dropped = cs.dropped;
	nv_live_close(&s.lv);
	return rc;
}
