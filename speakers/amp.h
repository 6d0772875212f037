/*
 * amp.h — inside speakers/: the box's amplifier, switched on before audio
 * and off a hold time after it (amp.c), through a command of the box's
 * own. Two kinds of command ([amplifier] mode):
 *   switch  "COMMAND on" / "COMMAND off", each exits 0 once done (a relay
 *           board's tool, a sysfs write);
 *   hold    "COMMAND" runs as long as the amplifier is to be on and is
 *           stopped (SIGTERM) to switch it off: gpioset, which holds a GPIO
 *           line only while it runs (libgpiod 2's default, 1.6's
 *           --mode=signal).
 * Without a command the state is only reported.
 */
#ifndef DALABA_SPK_AMP_H
#define DALABA_SPK_AMP_H

#include <stdint.h>
#include <sys/types.h>

#define AMP_COMMAND_TIMEOUT_US 5000000	/* a switch command stuck longer is killed */
#define AMP_RETRY_US 1000000		/* after a failure */

enum amp_mode { AMP_SWITCH = 0, AMP_HOLD = 1 };

struct amp {
	const char *command;		/* "" : none */
	enum amp_mode mode;
	int on;				/* 1, 0, or -1: not known (after a
					 * failure: what it is is not known,
					 * so what is wanted is run again) */
	int want;
	pid_t child;			/* a command running (its process
					 * group too), or 0 */
	int child_on;			/* switch: what it is setting */
	int killed;			/* it was sent a signal to stop */
	int64_t child_started, killed_at, retry_at;
	int64_t on_since;		/* when it was last switched on */
	uint64_t switches, errors;
	uint64_t errors_logged;		/* the log says each failure once a
					 * minute at most, with a count */
	int64_t logged_at;
};

/* Off at start (run once, so the state is known). */
void amp_init(struct amp *m, const char *command, enum amp_mode mode,
    int64_t now);
/* Ask for on (1) or off (0). */
void amp_want(struct amp *m, int on, int64_t now);
/* Reap a finished command, stop a stuck one, start what is wanted; never
 * waits. */
void amp_poll(struct amp *m, int64_t now);
/* Switch off before the agent exits, waiting for it up to 2 s. */
void amp_close(struct amp *m);

#endif
