/*
 * icecast.h — bench helper: serve an Ogg Opus stream through a real
 * Icecast2 (Debian's icecast2, started here on loopback with its own
 * configuration) to n HTTP listeners and measure Icecast's CPU.
 */
#ifndef DALABA_BENCH_ICECAST_H
#define DALABA_BENCH_ICECAST_H

/* Returns listeners per core (n / Icecast CPU seconds per audio second), or
 * a negative number if Icecast could not be run; *delivered gets the share
 * of listeners that received the whole stream. */
double icecast_listeners_per_core(int n, int audio_seconds, double *delivered);

#endif
