/*
 * simclock.c — the agent's clock: the machine's monotonic clock, or in
 * tests a model of a box's (offset, rate, rate changes). See simclock.h.
 *
 * The model is piecewise linear in the machine's clock m:
 *   local(m) = m + offset + integral of ppm(t) dt from 0 to m,
 * with the rate changes counted from setup. Its base rate runs from the
 * machine's boot, so a box restarted under the same DALABA_TEST_CLOCK
 * reads a clock that went on running, as a real box's monotonic clock does
 * across a restart of the agent (what carry_disk.c relies on).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "broadcaster/broadcaster.h"
#include "speakers/simclock.h"

#define SIM_MAX_SEGMENTS 16
#define SIM_MAX_OFFSET_MS 3600000.0
#define SIM_MAX_PPM 1000.0

struct segment {
	int64_t from;		/* machine µs where this rate begins */
	double ppm;
	double local_at_from;	/* local - machine at `from`, µs */
};

static struct {
	int on;
	int n;
	struct segment seg[SIM_MAX_SEGMENTS];
} sim;

static int
number(const char **p, double *v)
{
	char *end;

	errno = 0;
	*v = strtod(*p, &end);
	if (end == *p || errno != 0)
		return -1;
	*p = end;
	return 0;
}

int
simclock_setup(const char *spec, char *err, size_t errlen)
{
	const char *p = spec;
	double offset, ppm, at;
	int64_t start = bcast_mono_now_us();

	sim.on = 0;
	sim.n = 0;
	if (spec == NULL || spec[0] == '\0')
		return 0;
	if (number(&p, &offset) != 0 || *p++ != ',' || number(&p, &ppm) != 0)
		goto bad;
	if (offset < -SIM_MAX_OFFSET_MS || offset > SIM_MAX_OFFSET_MS ||
	    ppm < -SIM_MAX_PPM || ppm > SIM_MAX_PPM)
		goto range;
	sim.seg[0] = (struct segment){ 0, ppm, offset * 1000.0 };
	sim.n = 1;
	while (*p == ',') {
		p++;
		if (number(&p, &at) != 0 || *p++ != ',' || number(&p, &ppm) != 0)
			goto bad;
		struct segment *prev = &sim.seg[sim.n - 1];
		int64_t from = start + (int64_t)(at * 1e6);
		if (sim.n == SIM_MAX_SEGMENTS || at < 0 || at > 1e6 ||
		    from <= prev->from || ppm < -SIM_MAX_PPM || ppm > SIM_MAX_PPM)
			goto range;
		sim.seg[sim.n++] = (struct segment){ from, ppm,
		    prev->local_at_from + prev->ppm * 1e-6 * (double)(from - prev->from) };
	}
	if (*p != '\0')
		goto bad;
	sim.on = 1;
	return 0;
bad:
	snprintf(err, errlen, "DALABA_TEST_CLOCK \"%s\": use OFFSET_MS,PPM"
	    "[,AT_S,PPM]...", spec);
	return -1;
range:
	snprintf(err, errlen, "DALABA_TEST_CLOCK \"%s\": the offset must be "
	    "within an hour, each rate within 1000 ppm, at most %d rates at "
	    "increasing times", spec, SIM_MAX_SEGMENTS);
	return -1;
}

int64_t
spk_now_us(void)
{
	if (!sim.on) {
		/* The crystal's own time: NTP slews CLOCK_MONOTONIC (ntpd by
		 * up to 500 ppm, chrony by far more) and a rate that changes
		 * under it is what the server-clock estimate follows worst:
		 * with 20-80 ms of jitter only the rare exchange near the
		 * shortest delays tells it anything. The raw clock's rate
		 * moves by a ppm or two with the temperature. */
		struct timespec ts;
		clock_gettime(CLOCK_MONOTONIC_RAW, &ts);
		return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
	}
	int64_t m = bcast_mono_now_us();

	int i = sim.n - 1;
	while (i > 0 && m < sim.seg[i].from)
		i--;
	const struct segment *s = &sim.seg[i];
	return m + (int64_t)(s->local_at_from + s->ppm * 1e-6 *
	    (double)(m - s->from));
}
