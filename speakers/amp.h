/*
 * amp.h — inside speakers/: the box's amplifier, switched on before audio
 * and off a hold time after it (amp.c), through a command of the box's
 * own ("COMMAND on", "COMMAND off": a GPIO line with gpioset, a relay
 * board's tool). Without a command the state is only reported.
 */
#ifndef DALABA_SPK_AMP_H
#define DALABA_SPK_AMP_H

#include <stdint.h>
#include <sys/types.h>

#define AMP_COMMAND_TIMEOUT_US 5000000	/* a command stuck longer is killed */
#define AMP_RETRY_US 1000000		/* after a failed command */

struct amp {
	const char *command;		/* "" : none */
	int on;				/* the state the last command set */
	int want;
	pid_t child;			/* a command running, or 0 */
	int child_on;			/* what it is setting */
	int64_t child_started, retry_at;
	int64_t on_since;		/* when it was last switched on */
	uint64_t switches, errors;
};

/* Off at start (the command is run once, so the state is known). */
void amp_init(struct amp *m, const char *command, int64_t now);
/* Ask for on (1) or off (0): a command runs when none is running. */
void amp_want(struct amp *m, int on, int64_t now);
/* Reap a finished command, kill a stuck one, start what is wanted. */
void amp_poll(struct amp *m, int64_t now);
/* Switch off before the agent exits, waiting for it up to 2 s. */
void amp_close(struct amp *m);

#endif
