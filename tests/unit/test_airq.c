/*
 * test_airq.c — the on-air rules with a fake clock: classes pre-empt lower
 * ones only on shared speakers, the pre-empted item re-airs afterwards or
 * expires, the same class queues, held items wait for their ready time,
 * and the restart grace window.
 */
#include <stdio.h>
#include <string.h>

#include "broadcaster/broadcaster.h"
#include "scheduler/airq.h"
#include "scheduler/scheduler.h"
#include "tests/unit/harness.h"

#define V0 0	/* village class */
#define T1 1	/* township */
#define C2 2	/* county */
#define U3 BCAST_PRIO_URGENT	/* a village's or township's cut-in */
#define E3 BCAST_PRIO_EMERGENCY	/* emergency (4: above the cut-in) */

/* Is an item of that id still in the queue? */
static bool
queued(const struct airq *q, int64_t id)
{
	for (size_t i = 0; i < q->n; i++)
		if (q->v[i]->id == id)
			return true;
	return false;
}

static const char VA[] = "110101001001", VB[] = "110101001002",
    TWN[] = "110101001", OTHER_TWN[] = "110101002";

static struct air_item
item(int64_t id, const char *zone, int prio, int64_t ready)
{
	struct air_item it = { .id = id, .prio = prio, .ready_at = ready,
	    .expires_at = ready + 3600 };
	snprintf(it.zone, sizeof(it.zone), "%s", zone);
	return it;
}

/* Run one step and render the actions as "S1 P2>3 X4" for easy checks. */
static const char *
step(struct airq *q, int64_t now)
{
	static char buf[256];
	struct air_action a[16];
	size_t n = airq_step(q, now, a, 16);
	buf[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		char one[32];
		if (a[i].kind == AIR_START)
			snprintf(one, sizeof(one), "S%lld", (long long)a[i].item->id);
		else if (a[i].kind == AIR_PREEMPT)
			snprintf(one, sizeof(one), "P%lld>%lld",
			    (long long)a[i].item->id, (long long)a[i].by->id);
		else if (a[i].kind == AIR_SPLIT)
			snprintf(one, sizeof(one), "Z%lld>%lld",
			    (long long)a[i].item->id, (long long)a[i].by->id);
		else
			snprintf(one, sizeof(one), "X%lld", (long long)a[i].item->id);
		if (i)
			strcat(buf, " ");
		strcat(buf, one);
	}
	return buf;
}

static void
test_overlap(void)
{
	CHECK(dalabad_zones_overlap(TWN, VA), "a township covers its village");
	CHECK(dalabad_zones_overlap(VA, TWN), "overlap is symmetric");
	CHECK(!dalabad_zones_overlap(VA, VB), "two villages share nothing");
	CHECK(!dalabad_zones_overlap(TWN, OTHER_TWN), "two townships share nothing");
	CHECK(dalabad_zones_overlap("", VA), "\"\" is everywhere");
	CHECK(dalabad_zones_overlap("110101", VB), "the county covers its villages");
	CHECK(!dalabad_zones_overlap("110102", VB), "another county does not");
}

static void
test_villages_in_parallel(void)
{
	struct airq q;
	struct air_item a = item(1, VA, V0, 100), b = item(2, VB, V0, 100);

	airq_init(&q);
	airq_add(&q, &a);
	airq_add(&q, &b);
	CHECK_STREQ(step(&q, 99), "", "nothing before the slot");
	CHECK_STREQ(step(&q, 100), "S1 S2", "two villages air at once");
	CHECK_STREQ(step(&q, 101), "", "nothing changes while they air");
	airq_free(&q);
}

static void
test_preempt_and_reair(void)
{
	struct airq q;
	struct air_item v = item(1, VA, V0, 100), other = item(2, VB, V0, 100),
	    t = item(3, TWN, T1, 130);

	airq_init(&q);
	airq_add(&q, &v);
	airq_add(&q, &other);
	CHECK_STREQ(step(&q, 100), "S1 S2", "both villages on");
	airq_add(&q, &t);
	CHECK_STREQ(step(&q, 130), "P1>3 P2>3 S3",
	    "a township item pre-empts both its villages, before it starts");
	CHECK(v.state == AIR_WAITING && v.interruptions == 1,
	    "the pre-empted item waits to re-air (interruptions %d)",
	    v.interruptions);
	CHECK_STREQ(step(&q, 140), "", "no re-air while the township airs");
	airq_remove(&q, &t);
	CHECK_STREQ(step(&q, 160), "S1 S2", "both re-air when it ends");
	airq_free(&q);
}

static void
test_preempt_only_shared(void)
{
	struct airq q;
	struct air_item a = item(1, VA, V0, 100), b = item(2, VB, V0, 100),
	    c = item(3, VA, C2, 110);

	airq_init(&q);
	airq_add(&q, &a);
	airq_add(&q, &b);
	step(&q, 100);
	airq_add(&q, &c);
	CHECK_STREQ(step(&q, 110), "P1>3 S3",
	    "a county item for one village leaves the other one alone");
	CHECK(b.state == AIR_ON, "the other village still airs");
	airq_free(&q);
}

static void
test_same_class_queues(void)
{
	struct airq q;
	struct air_item a = item(1, VA, V0, 100), b = item(2, VA, V0, 100),
	    t1 = item(3, TWN, T1, 200), t2 = item(4, VA, T1, 190);

	airq_init(&q);
	airq_add(&q, &b);	/* added first, but a has the smaller id */
	airq_add(&q, &a);
	CHECK_STREQ(step(&q, 100), "S1", "same class, same speakers: one at a time");
	CHECK_STREQ(step(&q, 150), "", "the second waits");
	airq_remove(&q, &a);
	CHECK_STREQ(step(&q, 151), "S2", "then it airs");
	airq_remove(&q, &b);
	airq_add(&q, &t1);
	airq_add(&q, &t2);
	CHECK_STREQ(step(&q, 200), "S4",
	    "the earlier slot goes first within a class");
	airq_remove(&q, &t2);
	CHECK_STREQ(step(&q, 230), "S3", "and the later one follows");
	airq_free(&q);
}

static void
test_lower_waits(void)
{
	struct airq q;
	struct air_item t = item(1, TWN, T1, 100), v = item(2, VB, V0, 105),
	    e = item(3, VB, E3, 110), c = item(4, TWN, C2, 111);

	airq_init(&q);
	airq_add(&q, &t);
	step(&q, 100);
	airq_add(&q, &v);
	CHECK_STREQ(step(&q, 105), "", "a village item never pre-empts a township one");
	CHECK(v.interruptions == 0, "waiting is not an interruption");
	airq_add(&q, &e);
	CHECK_STREQ(step(&q, 110), "Z1>3 S3",
	    "an emergency for one village takes that village at once");
	CHECK(t.state == AIR_ON, "the township item goes on in its other village");
	airq_add(&q, &c);
	CHECK_STREQ(step(&q, 111), "", "county waits for the emergency on shared speakers");
	airq_remove(&q, &e);
	CHECK_STREQ(step(&q, 130), "P1>4 S4",
	    "after the page, the county item pre-empts the whole township item");
	airq_remove(&q, &c);
	CHECK_STREQ(step(&q, 150), "S1", "then the township item re-airs");
	CHECK(t.interruptions == 1, "interrupted once (%d)", t.interruptions);
	airq_remove(&q, &t);
	CHECK_STREQ(step(&q, 170), "S2", "and last the village item");
	airq_free(&q);
}

static void
test_split_reairs_there_alone(void)
{
	struct airq q;
	struct air_item t = item(1, TWN, V0, 100), e = item(2, VA, E3, 110),
	    again = item(3, VA, V0, 110);
	struct air_item *ta = &t;

	airq_init(&q);
	airq_add(&q, &t);
	CHECK_STREQ(step(&q, 100), "S1", "a notice airs in both villages");
	airq_add(&q, &e);
	CHECK_STREQ(step(&q, 110), "Z1>2 S2", "a page for one village splits it");
	CHECK(ta->state == AIR_ON && ta->interruptions == 0,
	    "the notice stays on air, not interrupted");
	airq_add(&q, &again);	/* what the daemon queues on Z */
	CHECK_STREQ(step(&q, 115), "", "the village's re-air waits for the page");
	airq_remove(&q, &e);
	CHECK_STREQ(step(&q, 120), "",
	    "and for the notice itself to end (same class, shared speakers)");
	airq_remove(&q, &t);
	CHECK_STREQ(step(&q, 130), "S3", "then it re-airs in that village alone");
	airq_free(&q);
}

/* A village's cut-in stands above routine items of every class where it
 * airs, and below pages. */
static void
test_urgent_cut_in(void)
{
	struct airq q;
	struct air_item c = item(1, "110101", C2, 100), u = item(2, VA, U3, 110),
	    v = item(3, VB, V0, 100), u2 = item(4, VB, U3, 110),
	    e = item(5, VB, E3, 120), late = item(6, VB, U3, 125);

	airq_init(&q);
	airq_add(&q, &c);
	CHECK_STREQ(step(&q, 100), "S1", "a county routine notice airs everywhere");
	airq_add(&q, &u);
	CHECK_STREQ(step(&q, 110), "Z1>2 S2", "a village's cut-in takes its "
	    "village from it at once, the county notice going on elsewhere");
	airq_remove(&q, &u);
	airq_remove(&q, &c);
	airq_add(&q, &v);
	CHECK_STREQ(step(&q, 111), "S3", "a village routine notice airs");
	airq_add(&q, &u2);
	CHECK_STREQ(step(&q, 112), "P3>4 S4", "a cut-in in the same village "
	    "pre-empts it");
	airq_add(&q, &e);
	CHECK_STREQ(step(&q, 120), "P4>5 S5", "a page pre-empts the cut-in");
	airq_add(&q, &late);
	CHECK_STREQ(step(&q, 125), "", "and a cut-in waits for a page to end");
	airq_remove(&q, &e);
	CHECK_STREQ(step(&q, 130), "S4", "then the cut-in re-airs first (the "
	    "earlier slot of its class)");
	airq_free(&q);
}

static void
test_expiry_and_hold(void)
{
	struct airq q;
	struct air_item v = item(1, VA, V0, 100), e = item(2, VA, E3, 110),
	    held = item(3, VB, V0, 6 * 3600);

	v.expires_at = 200;
	airq_init(&q);
	airq_add(&q, &v);
	airq_add(&q, &held);
	CHECK_STREQ(step(&q, 100), "S1", "held item waits for its ready time");
	airq_add(&q, &e);
	CHECK_STREQ(step(&q, 110), "P1>2 S2", "pre-empted");
	CHECK_STREQ(step(&q, 199), "", "still within its window");
	CHECK_STREQ(step(&q, 200), "X1", "expired while the page went on");
	CHECK(!queued(&q, 1), "an expired item leaves the queue");
	CHECK_STREQ(step(&q, 6 * 3600 - 1), "", "held until quiet hours end");
	CHECK_STREQ(step(&q, 6 * 3600), "S3", "then it airs");
	airq_free(&q);
}

static void
test_partial_steps(void)
{
	struct airq q;
	struct air_item a = item(1, VA, V0, 100), b = item(2, VB, V0, 100),
	    e = item(3, TWN, E3, 110);
	struct air_action out[2];

	airq_init(&q);
	airq_add(&q, &a);
	airq_add(&q, &b);
	step(&q, 100);
	airq_add(&q, &e);
	CHECK(airq_step(&q, 110, out, 2) == 0,
	    "a change that does not fit is left whole for the next call");
	CHECK(a.state == AIR_ON && e.state == AIR_WAITING, "and nothing changed");
	CHECK_STREQ(step(&q, 110), "P1>3 P2>3 S3", "the next call makes it");
	airq_free(&q);
}

static void
test_grace(void)
{
	CHECK(air_slot_in_grace(1000 - 600, 1000, 600), "on the edge: airs");
	CHECK(!air_slot_in_grace(1000 - 601, 1000, 600), "past the window: missed");
	CHECK(air_slot_in_grace(1000, 1000, 0), "due now with no grace: airs");
}

int
main(void)
{
	test_overlap();
	test_villages_in_parallel();
	test_preempt_and_reair();
	test_preempt_only_shared();
	test_same_class_queues();
	test_lower_waits();
	test_split_reairs_there_alone();
	test_urgent_cut_in();
	test_expiry_and_hold();
	test_partial_steps();
	test_grace();
	return t_done();
}
