/*
 * pace.c - release frames no faster than a rate. Frame j may leave at
 * t0 + j / rate (an absolute schedule, so errors do not accumulate); a batch
 * waits for the slot of its last frame. Long waits sleep on an absolute
 * CLOCK_MONOTONIC deadline; the last stretch spins, because a sleep
 * overshoots by ~50-100 us, which is 1% of the gap at 100-200 frames/s.
 */
#include "nvgrect/send.h"

#include <errno.h>
#include <time.h>

#define NS_PER_S 1000000000ull
#define NS_PER_US 1000ull
#define US_PER_S 1000000ull
#define SPIN_US 200ull

uint64_t nv_pace_now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * US_PER_S + (uint64_t)ts.tv_nsec / NS_PER_US;
}

void nv_pace_sleep_until(uint64_t t_us)
{
	uint64_t now = nv_pace_now_us();

	if (now + SPIN_US < t_us) {
		uint64_t wake = t_us - SPIN_US;
		struct timespec ts = { .tv_sec = (time_t)(wake / US_PER_S),
				       .tv_nsec = (long)(wake % US_PER_S * NS_PER_US) };

		/* EINTR: fall through to the spin, the caller checks its flag */
		clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL);
	}
	while (nv_pace_now_us() < t_us)
		;
}

void nv_pace_init(struct nv_pace *p, uint32_t rate_pps)
{
	p->t0_us = nv_pace_now_us();
	p->interval_ns = rate_pps ? NS_PER_S / rate_pps : 0;
	p->n = 0;
}

void nv_pace_wait(struct nv_pace *p, uint32_t frames)
{
	uint64_t last;

	if (frames == 0)
		return;
	if (p->interval_ns) {
		last = p->n + frames - 1;
		nv_pace_sleep_until(p->t0_us + last * p->interval_ns / NS_PER_US);
	}
	p->n += frames;
}

void nv_pace_rebase(struct nv_pace *p)
{
	uint64_t now = nv_pace_now_us(), spent = p->n * p->interval_ns / NS_PER_US;

	/* credit saved while idle must not become a burst */
	if (p->t0_us + spent < now)
		p->t0_us = now - spent;
}
