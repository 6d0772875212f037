/*
 * simclock.h — inside speakers/: the clock the agent reads. On a box it is
 * CLOCK_MONOTONIC_RAW, the crystal's, which NTP does not slew. For tests and benches (DALABA_TEST_CLOCK) it is that
 * clock set off by an offset and run at a rate of its own, so that boxes on
 * one machine have clocks as different as those of boxes in two villages,
 * while the machine's own monotonic clock stays the one truth they share.
 */
#ifndef DALABA_SPK_SIMCLOCK_H
#define DALABA_SPK_SIMCLOCK_H

#include <stddef.h>
#include <stdint.h>

/* Read DALABA_TEST_CLOCK: "OFFSET_MS,PPM[,AT_S,PPM]...": the box's clock
 * is the machine's plus OFFSET_MS, running PPM parts per million fast
 * (negative: slow) against it, and from AT_S seconds after this call at
 * the next PPM (NTP slewing a clock; a board warming up). Unset or empty:
 * the machine's clock. 0, or -1 with err set if the value is malformed or
 * out of range (|offset| <= 1 h, |ppm| <= 1000, times increasing). */
int simclock_setup(const char *spec, char *err, size_t errlen);
/* The agent's clock, in µs (not the machine's CLOCK_MONOTONIC: compare
 * only with what it gave). */
int64_t spk_now_us(void);

#endif
