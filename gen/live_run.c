/*
 * live_run.c - a live run in one thread: resolve MACs, then send the plan
 * at its t_offset_us (capped by a rate), draining the capture between
 * sends, and keep capturing until the timeout after the last probe.
 * A caught signal ends every wait at once; the caller writes what it has.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "nvgrect/live.h"
#include "nvgrect/send.h"
#include "nvgrect/sig.h"

#define US_PER_S 1000000ull
#define US_PER_MS 1000ull
#define NS_PER_US 1000ull
#define RATE_DEBT_US 5000          /* after a stall, catch up at most 5 ms: half of 1% of 1 s */
#define PROGRESS_US 250000ull       /* terminal progress redraw period */
#define SLICE_MS 100                /* longest poll: bounds the reaction to a signal */
#define ARP_TRIES 3
#define ARP_WAIT_MS 400
#define VM_ARP_WAIT_MS 500
#define VM_ROUNDS 2                 /* rfc7637, then draft00 */

static const uint8_t placeholder_vm[6] = NV_MAC_AUTO_VM;

struct rx_state {
	struct nv_live_run *r;
	bool want_dut, got_dut;
	bool want_vm[NV_TENANT_MAX];    /* vm_mac auto: to resolve */
	int nwant;
	/* inner ARP rounds, one per built-in layout: what each tenant got */
	int nround;                     /* the round under way */
	const struct nv_layout *round;  /* its layout */
	int answered[VM_ROUNDS];
	bool got[VM_ROUNDS][NV_TENANT_MAX];
	uint8_t mac[VM_ROUNDS][NV_TENANT_MAX][6];
	uint32_t key[VM_ROUNDS][NV_TENANT_MAX];
	bool failed;
	struct nv_err err;              /* first error inside the callback */
};

static uint64_t wall_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * US_PER_S + (uint64_t)ts.tv_nsec / NS_PER_US;
}

static void sleep_us(uint64_t us)
{
	struct timespec ts = { .tv_sec = 0, .tv_nsec = (long)(us * NS_PER_US) };

	if (us)
		nanosleep(&ts, NULL);   /* EINTR: the caller looks at the signal flag */
}

static FILE *logf_(const struct nv_live_run *r)
{
	return r->log ? r->log : stderr;
}

static bool unspecified(const uint8_t ip[16])
{
	static const uint8_t zero[16];

	return memcmp(ip, zero, sizeof zero) == 0;
}

/* Answer ARP (IPv4) or neighbour solicitations (IPv6) for tester.pa. */
static void answer_arp(struct rx_state *s, const uint8_t *d, uint32_t caplen)
{
	struct nv_live_run *r = s->r;
	const struct nv_addr *pa = &r->dut->tester.pa;
	uint8_t sha[6], spa[16], out[NV_ND_FRAME_LEN];
	size_t n = 0;

	if (!r->answer_arp)
		return;
	if (pa->family == AF_INET && nv_arp_is_request_for(d, caplen, pa->a, sha, spa))
		n = nv_arp_reply(out, r->tester_mac, pa->a, sha, spa);
	/* a duplicate-address probe (from ::) is not asking us */
	else if (pa->family == AF_INET6 && nv_nd_is_solicit_for(d, caplen, pa->a, sha, spa) &&
		 !unspecified(spa))
		n = nv_nd_advert(out, r->tester_mac, pa->a, sha, spa);
	if (n && nv_live_send(r->lv, out, (uint32_t)n, &s->err) < 0)
		s->failed = true;
}

static void vm_seen(struct rx_state *s, const uint8_t *d, uint32_t caplen);

static void resolve_seen(struct rx_state *s, const uint8_t *d, uint32_t caplen)
{
	struct nv_dut *dut = s->r->dut;
	uint8_t mac[6];

	if (s->want_dut && !s->got_dut &&
	    (dut->dut.pa.family == AF_INET6 ? nv_nd_is_advert_for(d, caplen, dut->dut.pa.a, mac)
					     : nv_arp_is_reply_from(d, caplen, dut->dut.pa.a, mac))) {
		memcpy(dut->dut.mac.a, mac, 6);
		s->got_dut = true;
	}
	if (s->nwant > 0)
		vm_seen(s, d, caplen);
}

/* Does the reply's key carry this tenant's VSID under layout l? */
static bool key_is(const struct nv_layout *l, uint32_t key, const struct nv_tenant *t)
{
	struct nv_key_reading rd;

	nv_key_decode(l, key, &rd);
	return rd.vsid == t->vsid;
}

/* The MAC this tenant's ARP requests came from (tunnel_for). */
static const uint8_t *asker_mac(const struct nv_tenant *t)
{
	static const uint8_t tenant_tester[6] = NV_MAC_AUTO_TENANT_TESTER;

	return t->tester_mac.is_auto ? tenant_tester : t->tester_mac.a;
}

/*
 * An inner ARP reply from some tenant's VM. Its CA, whom it answered (the
 * tenant's tester MAC) and the VSID its key carries name the tenant:
 * tenants may share a CA, and keys alias across layouts (rfc7637 VSID 5001
 * and draft00 TNI 0x138900 are one key). Best: all three agree, the key
 * read in this round's layout; next: in any built-in layout.
 */
static int vm_owner(const struct rx_state *s, const uint8_t *d, uint32_t caplen,
		    struct nv_arp_answer *a)
{
	const struct nv_dut *dut = s->r->dut;
	int any = -1;

	for (int i = 0; i < dut->ntenants; i++) {
		const struct nv_tenant *t = &dut->tenants[i];

		if (!s->want_vm[i] || s->got[s->nround][i] ||
		    !nv_arp_nvgre_is_reply_from(d, caplen, &t->vm_ca, a) ||
		    memcmp(a->tha, asker_mac(t), 6) != 0)
			continue;
		if (s->round && key_is(s->round, a->key, t))
			return i;
		for (int l = 0; l < nv_key_builtin_count() && any < 0; l++)
			if (key_is(nv_key_builtin(l), a->key, t))
				any = i;
	}
	if (any >= 0)   /* the last tenant read the frame: read it again for the winner */
		nv_arp_nvgre_is_reply_from(d, caplen, &dut->tenants[any].vm_ca, a);
	return any;
}

static void vm_seen(struct rx_state *s, const uint8_t *d, uint32_t caplen)
{
	struct nv_arp_answer a;
	int i = vm_owner(s, d, caplen, &a);
	int k = s->nround;

	if (i < 0)
		return;
	s->got[k][i] = true;
	memcpy(s->mac[k][i], a.sha, 6);
	s->key[k][i] = a.key;
	s->answered[k]++;
}

static void on_rx(void *arg, uint64_t ts, const uint8_t *d, uint32_t caplen, uint32_t len)
{
	struct rx_state *s = arg;
	struct nv_live_run *r = s->r;

	if (r->capture_w && !s->failed &&
	    nv_pcapio_write(r->capture_w, ts, d, caplen, len, NULL, &s->err) < 0) {
		s->failed = true;
		r->output_failed = true;
	}
	if (r->hooks.frame)
		r->hooks.frame(r->hooks.arg, ts, d, caplen, len);
	answer_arp(s, d, caplen);
	resolve_seen(s, d, caplen);
}

/* One poll of at most timeout_ms; 0 just drains what is there. */
static int pump(struct rx_state *s, int timeout_ms, struct nv_err *err)
{
	if (nv_live_wait(s->r->lv, timeout_ms, on_rx, s, err) < 0)
		return -1;
	if (s->failed) {
		*err = s->err;
		return -1;
	}
	return 0;
}

/*
 * Capture until the monotonic deadline, a signal, or done(s). poll() counts
 * in milliseconds: the last sub-millisecond stretch is slept, after a
 * drain, so high rates keep their pace.
 */
static int wait_until(struct rx_state *s, uint64_t deadline,
		      bool (*done)(const struct rx_state *), struct nv_err *err)
{
	for (;;) {
		uint64_t now = nv_live_now_us(), left;

		if (nv_sig_caught() || (done && done(s)))
			return 0;
		if (now >= deadline)
			return pump(s, 0, err);
		left = deadline - now;
		if (left >= 2 * US_PER_MS) {
			uint64_t ms = left / US_PER_MS - 1;   /* poll oversleeps: wake early */

			if (pump(s, (int)(ms < SLICE_MS ? ms : SLICE_MS), err) < 0)
				return -1;
			continue;
		}
		if (pump(s, 0, err) < 0)
			return -1;
		sleep_us(deadline > nv_live_now_us() ? deadline - nv_live_now_us() : 0);
	}
}

static bool dut_done(const struct rx_state *s)
{
	return s->got_dut;
}

static bool vms_done(const struct rx_state *s)
{
	return s->answered[s->nround] == s->nwant;
}

/* The request for dut.pa: ARP (IPv4) or a neighbour solicitation (IPv6). */
static size_t dut_request(const struct nv_live_run *r, uint8_t f[NV_ND_FRAME_LEN])
{
	const struct nv_dut *d = r->dut;

	if (d->dut.pa.family == AF_INET6)
		return nv_nd_solicit(f, r->tester_mac, d->tester.pa.a, d->dut.pa.a);
	return nv_arp_request(f, r->tester_mac, d->tester.pa.a, d->dut.pa.a);
}

static int resolve_dut(struct rx_state *s, struct nv_err *err)
{
	struct nv_live_run *r = s->r;
	uint8_t f[NV_ND_FRAME_LEN];
	size_t n;
	char pa[64];

	if (!r->dut->dut.mac.is_auto)
		return 0;
	nv_addr_str(&r->dut->dut.pa, pa, sizeof pa);
	s->want_dut = true;
	n = dut_request(r, f);
	for (int i = 0; i < ARP_TRIES && !s->got_dut && !nv_sig_caught(); i++) {
		if (nv_live_send(r->lv, f, (uint32_t)n, err) < 0 ||
		    wait_until(s, nv_live_now_us() + ARP_WAIT_MS * US_PER_MS, dut_done, err) < 0)
			return -1;
	}
	s->want_dut = false;
	if (!s->got_dut && !nv_sig_caught())
		return nv_errc(err, NV_EXIT_INCONCLUSIVE, "DUT unreachable: no %s reply from %s on %s",
			       r->dut->dut.pa.family == AF_INET6 ? "neighbour" : "ARP",
			       pa, r->lv->iface);
	return 0;
}

static void tunnel_for(const struct nv_live_run *r, const struct nv_tenant *t,
		       uint32_t key, struct nv_arp_tunnel *tu)
{
	memset(tu, 0, sizeof *tu);
	memcpy(tu->outer_src_mac, r->tester_mac, 6);
	memcpy(tu->outer_dst_mac, r->dut->dut.mac.a, 6);
	tu->outer_src = r->dut->tester.pa;
	tu->outer_dst = r->dut->dut.pa;
	tu->key = key;
	memcpy(tu->inner_src_mac, asker_mac(t), 6);
	tu->inner_spa = t->tester_ca;
	tu->inner_tpa = t->vm_ca;
}

/* One round: an ARP in NVGRE, in one layout, for every VM still unknown. */
static int vm_round(struct rx_state *s, int k, const struct nv_layout *l, struct nv_err *err)
{
	struct nv_live_run *r = s->r;
	uint8_t f[NV_ARP_NVGRE_MAX];

	s->round = l;
	s->nround = k;
	for (int i = 0; i < r->dut->ntenants; i++) {
		const struct nv_tenant *t = &r->dut->tenants[i];
		struct nv_arp_tunnel tu;
		uint32_t key;
		size_t n;

		if (!s->want_vm[i] || nv_key_encode(l, t->vsid, 0, &key, NULL) < 0)
			continue;
		tunnel_for(r, t, key, &tu);
		n = nv_arp_nvgre_request(f, sizeof f, &tu);
		if (n && nv_live_send(r->lv, f, (uint32_t)n, err) < 0)
			return -1;
	}
	return wait_until(s, nv_live_now_us() + VM_ARP_WAIT_MS * US_PER_MS, vms_done, err);
}

/* Did two tenants get the same MAC in round k (one VM answering for both)? */
static bool shared_mac(const struct rx_state *s, int k)
{
	int n = s->r->dut->ntenants;

	for (int i = 0; i < n; i++)
		for (int j = i + 1; j < n; j++)
			if (s->got[k][i] && s->got[k][j] && !memcmp(s->mac[k][i], s->mac[k][j], 6))
				return true;
	return false;
}

static void set_vm_mac(struct rx_state *s, int i, int best)
{
	struct nv_live_run *r = s->r;
	struct nv_tenant *t = &r->dut->tenants[i];
	int k = s->got[best][i] ? best : !s->got[!best][i] ? -1 : !best;
	char m[24];

	if (k < 0) {
		memcpy(t->vm_mac.a, placeholder_vm, 6);
		r->vm_unresolved++;
		fprintf(logf_(r), "nvgrect run: warning: tenant %s: no inner ARP reply from the VM "
			"in any layout; probes go to placeholder MAC 02:00:5e:00:00:03\n", t->name);
		return;
	}
	memcpy(t->vm_mac.a, s->mac[k][i], 6);
	if (r->verbose)
		fprintf(logf_(r), "nvgrect run: tenant %s: vm_mac %s (%s round, reply key 0x%08x)\n",
			t->name, nv_mac_str(t->vm_mac.a, m, sizeof m), nv_key_builtin(k)->name,
			s->key[k][i]);
}

/*
 * ARP in NVGRE for every VM with vm_mac auto, in the rfc7637 layout, and
 * in draft00 too unless rfc7637 answered them all with distinct MACs. The
 * layout that more VMs answered is the DUT's: its answers win. (A DUT
 * that confuses aliasing keys answers one tenant's ARP from another's VM
 * in the layout it does not speak.)
 */
static int resolve_vms(struct rx_state *s, struct nv_err *err)
{
	struct nv_live_run *r = s->r;
	int best;

	for (int i = 0; i < r->dut->ntenants; i++) {
		const struct nv_tenant *t = &r->dut->tenants[i];

		s->want_vm[i] = t->vm_mac.is_auto && t->vm_ca.family == AF_INET &&
				t->tester_ca.family == AF_INET;
		s->nwant += s->want_vm[i];
	}
	if (!s->nwant)
		return 0;
	for (int k = 0; k < VM_ROUNDS && !nv_sig_caught(); k++) {
		if (k > 0 && s->answered[0] == s->nwant && !shared_mac(s, 0))
			break;
		if (vm_round(s, k, nv_key_builtin(k), err) < 0)
			return -1;
	}
	best = s->answered[1] > s->answered[0];
	for (int i = 0; i < r->dut->ntenants; i++) {
		if (!s->want_vm[i])
			continue;
		set_vm_mac(s, i, best);
		r->dut->tenants[i].vm_mac.is_auto = false;
	}
	return 0;
}

int nv_live_resolve(struct nv_live_run *r, struct nv_err *err)
{
	struct rx_state *s = calloc(1, sizeof *s);
	int rc;

	if (!s)
		return nv_errf(err, "out of memory");
	s->r = r;
	memcpy(r->tester_mac, r->lv->mac, 6);
	if (!r->dut->tester.mac.is_auto)
		memcpy(r->tester_mac, r->dut->tester.mac.a, 6);
	rc = resolve_dut(s, err);
	if (rc == 0)
		rc = resolve_vms(s, err);
	free(s);
	return rc;
}

/* ---- sending the plan --------------------------------------------------- */

struct sender {
	struct rx_state rx;
	struct nv_craft_env env;
	struct nv_frame frames[NV_FRAG_MAX];
	uint64_t t0;                    /* monotonic start */
	uint64_t last_due;              /* when the previous probe was due */
	uint64_t last_sent;             /* when it actually went */
	uint64_t gap_us;                /* 1 / rate */
	int ncases, case_no;
	uint32_t cur_case;
	uint32_t case_first, case_frames;   /* plan range of the current case */
	uint64_t drawn_us;                  /* when the progress line was drawn */
};

static uint32_t case_key(const struct nv_planned *pl)
{
	return (uint32_t)pl->suite_idx << 16 | pl->case_idx;
}

static int count_cases(const struct nv_plan *plan)
{
	int n = 0;

	for (uint32_t i = 0; i < plan->n; i++)
		if (i == 0 || case_key(&plan->p[i]) != case_key(&plan->p[i - 1]))
			n++;
	return n;
}

static void draw(struct sender *sd, const struct nv_planned *pl, uint32_t i)
{
	fprintf(stderr, "\r\033[K[%*d/%d] %s %.50s", sd->ncases >= 10 ? 2 : 1, sd->case_no,
		sd->ncases, pl->kase->id, pl->kase->title);
	if (sd->case_frames > 1)
		fprintf(stderr, " (%u/%u)", i - sd->case_first + 1, sd->case_frames);
	sd->drawn_us = nv_live_now_us();
}

/* Per case on a terminal (redrawn at most every PROGRESS_US), or with -v. */
static void progress(struct sender *sd, const struct nv_planned *pl, uint32_t i)
{
	struct nv_live_run *r = sd->rx.r;
	const struct nv_plan *plan = r->plan;

	if (sd->case_no && case_key(pl) == sd->cur_case) {
		if (r->progress && nv_live_now_us() - sd->drawn_us >= PROGRESS_US)
			draw(sd, pl, i);
		return;
	}
	sd->cur_case = case_key(pl);
	sd->case_no++;
	sd->case_first = i;
	for (sd->case_frames = 0; i + sd->case_frames < plan->n &&
	     case_key(&plan->p[i + sd->case_frames]) == sd->cur_case; sd->case_frames++)
		;
	if (r->progress)
		draw(sd, pl, i);
	else if (r->verbose)
		fprintf(logf_(r), "nvgrect run: [%d/%d] %s\n", sd->case_no, sd->ncases,
			pl->kase->id);
}

static int send_probe(struct sender *sd, const struct nv_planned *pl, struct nv_err *err)
{
	struct nv_live_run *r = sd->rx.r;
	int n = 0;

	if (nv_craft_frames(&sd->env, pl, sd->frames, NV_FRAG_MAX, &n, err) < 0)
		return -1;
	for (int i = 0; i < n; i++) {
		const struct nv_frame *f = &sd->frames[i];
		uint64_t ts = wall_us();

		/* Interlock: a probe goes to the DUT's PA and nowhere else. */
		if (nv_send_check_dst(r->dut, f->data, f->len, err) < 0 ||
		    nv_live_send(r->lv, f->data, f->len, err) < 0)
			return -1;
		if (r->probes_w && nv_pcapio_write(r->probes_w, ts, f->data, f->len, f->len,
						   i == 0 ? pl->comment : NULL, err) < 0) {
			r->output_failed = true;
			return -1;
		}
		if (r->hooks.sent)
			r->hooks.sent(r->hooks.arg, pl, i, ts, f->data, f->len);
	}
	sd->last_sent = nv_live_now_us();
	r->frames_sent++;
	return 0;
}

static uint64_t due_at(const struct sender *sd, const struct nv_planned *pl, uint32_t i)
{
	uint64_t due = sd->t0 + pl->t_offset_us;

	if (i == 0)
		return due;
	/* From when the previous one was due, not when it went: no drift... */
	if (due < sd->last_due + sd->gap_us)
		due = sd->last_due + sd->gap_us;
	/* ...but after a stall, catch up by at most RATE_DEBT_US of frames. */
	if (sd->last_sent + sd->gap_us > RATE_DEBT_US &&
	    due < sd->last_sent + sd->gap_us - RATE_DEBT_US)
		due = sd->last_sent + sd->gap_us - RATE_DEBT_US;
	return due;
}

static int send_all(struct sender *sd, struct nv_err *err)
{
	const struct nv_plan *plan = sd->rx.r->plan;

	for (uint32_t i = 0; i < plan->n && !nv_sig_caught(); i++) {
		const struct nv_planned *pl = &plan->p[i];
		uint64_t due = due_at(sd, pl, i);

		sd->last_due = due;

		progress(sd, pl, i);
		/* Drain what came in even when already late: a burst must not starve it. */
		if (wait_until(&sd->rx, due, NULL, err) < 0)
			return -1;
		if (nv_sig_caught())
			break;
		if (send_probe(sd, pl, err) < 0)
			return -1;
	}
	return 0;
}

static void setup_sender(struct sender *sd, struct nv_live_run *r)
{
	uint32_t rate = r->rate_pps ? r->rate_pps : NV_LIVE_RATE_DEFAULT;

	sd->rx.r = r;
	nv_craft_env_init(&sd->env, r->dut, r->plan->run_id);
	memcpy(sd->env.tester_mac, r->tester_mac, 6);
	memcpy(sd->env.dut_mac, r->dut->dut.mac.a, 6);
	sd->gap_us = US_PER_S / rate;
	sd->ncases = count_cases(r->plan);
}

int nv_live_run_plan(struct nv_live_run *r, struct nv_err *err)
{
	struct sender *sd = calloc(1, sizeof *sd);
	uint32_t tmo = r->timeout_ms ? r->timeout_ms : NV_LIVE_TIMEOUT_DEFAULT_MS;
	int rc;

	if (!sd)
		return nv_errf(err, "out of memory");
	setup_sender(sd, r);
	r->t_start_us = wall_us();
	sd->t0 = nv_live_now_us();
	rc = send_all(sd, err);
	if (rc == 0 && !nv_sig_caught())
		rc = wait_until(&sd->rx, nv_live_now_us() + tmo * US_PER_MS, NULL, err);
	/* what arrived while we were finishing: the ring's last block retires on its timer */
	if (rc == 0)
		rc = nv_live_settle(r->lv, on_rx, &sd->rx, err) < 0 ? -1 : 0;
	if (rc == 0 && sd->rx.failed) {
		*err = sd->rx.err;
		rc = -1;
	}
	if (r->progress && sd->case_no)
		fprintf(stderr, "\r\033[K");
	r->t_end_us = wall_us();
	r->signo = nv_sig_caught();
	free(sd);
	return rc;
}
