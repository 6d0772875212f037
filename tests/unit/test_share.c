/*
 * test_share.c — each source's share of the main loop (loop_share.c), on
 * a fake clock: a burst, then the refill rate; a costly request is paid
 * back before the next; sources do not share; a quiet source is forgotten.
 */
#include <stdbool.h>
#include <stdio.h>

#include "web-admin/loop_share.h"
#include "tests/unit/harness.h"

#define S 1000000LL	/* microseconds in a second */

int
main(void)
{
	struct loop_share *ls = loop_share_new(2000, 250);
	int64_t t = 10 * S;
	int n = 0;

	CHECK(loop_share_allow(ls, "10.0.0.1", t), "a new source goes ahead");
	/* 8 ms requests without pause: a burst of 2 s is 250 of them. */
	while (loop_share_allow(ls, "10.0.0.1", t) && n < 1000) {
		loop_share_charge(ls, "10.0.0.1", 8000, t);
		n++;
	}
	CHECK(n == 250, "a burst of 2 s of loop is 250 requests of 8 ms (%d)", n);
	CHECK(loop_share_allow(ls, "10.0.0.2", t),
	    "another source is not held back by it");
	CHECK(loop_share_allow(ls, "10.0.0.1", t + S / 1000),
	    "1 ms later it has earned a quarter of it, and goes ahead");
	loop_share_charge(ls, "10.0.0.1", 8000, t + S / 1000);
	CHECK(!loop_share_allow(ls, "10.0.0.1", t + 2 * S / 1000),
	    "but after that 8 ms request it waits (about 32 ms)");
	CHECK(loop_share_allow(ls, "10.0.0.1", t + S / 10),
	    "0.1 s later it has earned 25 ms and goes ahead");
	/* Over a minute at full tilt it gets a quarter of the loop. */
	int64_t spent = 0, u = t + S / 10;
	for (int i = 0; i < 600000; i++, u += 100) {
		if (u >= t + 61 * S)
			break;
		if (loop_share_allow(ls, "10.0.0.1", u)) {
			loop_share_charge(ls, "10.0.0.1", 8000, u);
			spent += 8000;
		}
	}
	double share = (double)spent / (double)(u - t);
	CHECK(share > 0.24 && share < 0.30, "over a minute it has %.1f %% of "
	    "the loop (burst, then 25 %%)", share * 100);
	/* One request that took 3 s: a burst below empty at most, then paid
	 * back at 250 ms a second. */
	loop_share_charge(ls, "10.0.0.3", 3 * S, t);
	CHECK(!loop_share_allow(ls, "10.0.0.3", t + 3 * S),
	    "a 3 s request is paid back before the next (not after 3 s)");
	CHECK(loop_share_allow(ls, "10.0.0.3", t + 9 * S),
	    "but it is, after at most twice the burst's refill");
	unsigned before = loop_share_size(ls);
	bool ok = loop_share_allow(ls, "10.0.0.1", u + 60 * S);
	unsigned after = loop_share_size(ls);
	CHECK(ok && after == before - 1, "a source quiet for a minute is "
	    "forgotten (%u -> %u)", before, after);
	loop_share_free(ls);
	loop_share_free(NULL);
	return t_done();
}
