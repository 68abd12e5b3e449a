/* check_offline.c - the send schedule `verify` estimates when a capture holds no probes. */
#include <string.h>

#include "unit.h"
#include "nvgrect/live.h"
#include "nvgrect/offline.h"

#define N 5

static struct nv_planned entries[N];
static struct nv_plan plan = { .n = N, .p = entries };

static void offsets(const uint64_t *t)
{
	memset(entries, 0, sizeof entries);
	for (int i = 0; i < N; i++)
		entries[i].t_offset_us = t[i];
}

START_TEST(test_schedule_follows_pacing)
{
	static const uint64_t t[N] = { 0, 100000, 200000, 300000, 400000 };
	uint64_t s[N];

	offsets(t);
	nv_offline_schedule(&plan, 0, s);
	for (int i = 0; i < N; i++)
		ck_assert_uint_eq(s[i], t[i]);
}
END_TEST

START_TEST(test_schedule_rate_caps_bursts)
{
	/* a burst at 0 and a frame due before the burst drained: as run's due_at */
	static const uint64_t t[N] = { 0, 0, 0, 150, 10000 };
	static const uint64_t want[N] = { 0, 100, 200, 300, 10000 };
	uint64_t s[N];

	offsets(t);
	nv_offline_schedule(&plan, NV_LIVE_RATE_DEFAULT, s);
	for (int i = 0; i < N; i++)
		ck_assert_uint_eq(s[i], want[i]);
	nv_offline_schedule(&plan, 1000, s);        /* 1 ms apart */
	ck_assert_uint_eq(s[2], 2000);
	ck_assert_uint_eq(s[3], 3000);
	ck_assert_uint_eq(s[4], 10000);
}
END_TEST

static Suite *offline_suite(void)
{
	Suite *s = suite_create("offline");
	TCase *tc = tcase_create("schedule");

	tcase_add_test(tc, test_schedule_follows_pacing);
	tcase_add_test(tc, test_schedule_rate_caps_bursts);
	suite_add_tcase(s, tc);
	return s;
}
NV_UNIT_SUITE(offline_suite)
