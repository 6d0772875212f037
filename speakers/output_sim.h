/*
 * output_sim.h — inside speakers/: a simulated sound card for tests and
 * benches (output "sim:PPM"). It plays in real time on the machine's
 * monotonic clock, at the nominal rate times (1 + PPM / 10^6), as a card
 * on its own crystal does, holds at most half a second, and stops when it
 * runs dry, as ALSA does on an underrun. It knows the instant each sample
 * leaves it on the machine's clock, which is what a test of boxes in step
 * must compare: not what an agent believes, but when it is heard.
 */
#ifndef DALABA_SPK_OUTPUT_SIM_H
#define DALABA_SPK_OUTPUT_SIM_H

#include <stddef.h>
#include <stdint.h>

#define SIM_CARD_MAX_PPM 1000.0

struct sim_card {
	double rate;		/* samples per machine second */
	size_t capacity;	/* samples it holds */
	uint64_t written;	/* samples taken, all told */
	uint64_t base;		/* the sample it (re)started playing with */
	int64_t started;	/* machine µs it started playing `base`; 0 stopped */
	uint64_t underruns;
};

/* ppm within SIM_CARD_MAX_PPM; rate the nominal rate. */
void sim_card_init(struct sim_card *s, int rate, double ppm);
/* Samples written and not yet played, at machine instant now. */
uint64_t sim_card_held(struct sim_card *s, int64_t now);
/* Take up to n samples at now; returns how many it took (it is full). */
size_t sim_card_write(struct sim_card *s, size_t n, int64_t now);
/* The machine instant at which the next sample written at now is heard. */
int64_t sim_card_next_heard(struct sim_card *s, int64_t now);

#endif
