/*
 * play.c — speakers/: play-out. Each frame of the stream is decoded (or
 * rebuilt by FEC, or concealed) and handed to the output so that it is
 * heard at its presentation time on the server's clock, read through the
 * box's estimate of it (clock.c).
 *
 * Two kinds of output. A file or null output takes everything at once: a
 * frame is written when it is due, sample for sample as decoded. A device
 * that plays on a crystal of its own (a sound card; the simulated card of
 * the tests) is kept about PLAY_LEAD_US ahead, and what it really holds
 * (ALSA's delay) says when the next sample will be heard. The difference
 * between that instant and the one the server asks for is the timing
 * error; a card a few hundred ppm off drifts by a fraction of a ms a
 * second, which a PI controller on the resampler's rate (resample.c)
 * takes out by playing a few hundred ppm faster or slower, inaudibly.
 * An error too large for that (a stream's start, a loop held up, the card
 * run dry) is set right at once: silence inserted, or input skipped.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <opus/opus.h>

#include "broadcaster/log.h"
#include "speakers/agent_int.h"

/* The controller: natural frequency 0.3 rad/s, damping 0.8. It settles
 * in about 15 s; a card 200 ppm off costs at most ~0.4 ms while it learns
 * the rate, which it keeps from stream to stream. An estimate of the
 * server clock that wanders by 0.5 ms moves the rate by ~250 ppm (a
 * pitch change of 0.4 cent, far below what an ear hears). */
#define PLAY_KP 0.48			/* per s: ppm of rate per µs of error */
#define PLAY_KI 0.09			/* per s² */
#define PLAY_MAX_PPM 1000.0		/* the rate never moves further */
#define PLAY_MAX_I_PPM 800.0		/* what the integral may learn */
/* Errors beyond this are set right at once, not by the rate: 20 ms at
 * 1000 ppm would take 20 s. */
#define PLAY_HARD_US 20000
/* A correction this large once a stream has begun is logged. */
#define PLAY_LOG_US 5000

static const int16_t zeros[BCAST_FRAME_SAMPLES];

static void
apply_volume(int16_t *pcm, size_t n, int volume)
{
	if (volume >= 100)
		return;
	for (size_t i = 0; i < n; i++)
		pcm[i] = (int16_t)(pcm[i] * volume / 100);
}

/* The first frame of a stream goes out: was the amplifier on long
 * enough? Audio keeps its time whatever the answer (the horns of a
 * village play in step); a short warm-up is said and counted. */
static void
check_preroll(struct agent *a, int64_t now)
{
	int64_t warm = a->amp.on == 1 ? now - a->amp.on_since : -1;

	if (warm >= (int64_t)a->c->amp_preroll_ms * 1000)
		return;
	a->k.amp_short_preroll++;
	if (warm < 0)
		dlog(LOG_WARNING, "stream %08x: audio began with the amplifier "
		    "still off", a->ssrc);
	else
		dlog(LOG_NOTICE, "stream %08x: the amplifier was on %lld ms "
		    "before the audio (preroll_ms = %d)", a->ssrc,
		    (long long)(warm / 1000), a->c->amp_preroll_ms);
}

int64_t
agent_play_lead_us(struct agent *a)
{
	if (spk_output_clocked(a->out))
		return PLAY_LEAD_US + FRAME_US;
	return spk_output_delay_us(a->out);
}

void
agent_play_restart(struct agent *a)
{
	a->play_fresh = 1;
}

/* µs of input the resampler holds: its next output lies that far before
 * the end of what it was given. */
static int64_t
pending_us(const struct agent *a)
{
	return (int64_t)llround(rs_pending(&a->rs) * 1e6 / BCAST_RATE);
}

static void
write_silence(struct agent *a, int64_t us)
{
	int64_t n = us * BCAST_RATE / 1000000;

	while (n > 0) {
		size_t k = n > BCAST_FRAME_SAMPLES ? BCAST_FRAME_SAMPLES : (size_t)n;
		if (spk_output_write(a->out, zeros, k) != 0)
			a->k.write_errors++;
		n -= (int64_t)k;
	}
}

/* A frame for a clocked device: keep its time, by the rate or at once.
 * trace_heard (OUT:) gets when the frame's first sample is heard, on the
 * box's clock, and machine (OUT:) on the machine's. */
static void
write_clocked(struct agent *a, int16_t *pcm, size_t n, int64_t *trace_heard,
    int64_t *machine)
{
	/* The device's delay and the clock read together: a loop turn's
	 * `now` may be tens of ms old on a loaded box by the time the device
	 * is asked, and the two would disagree by that much. */
	int64_t delay = spk_output_delay_us(a->out);
	int64_t now = spk_now_us();

	if (a->play_fresh) {
		rs_init(&a->rs);
		a->play_fresh = 0;
	}
	/* Late by e: the device will play its next sample at now + delay,
	 * which should carry the input the resampler is at. */
	int64_t target = a->next_pts - a->offset_us - pending_us(a);
	int64_t e = now + delay - target;
	size_t skip = 0;
	int64_t fix = 0;
	int hard = e < -PLAY_HARD_US || e > PLAY_HARD_US;
	if (hard && a->started && delay > 0 && !a->hard_seen) {
		/* Once into a stream, a jump is believed when the next frame
		 * sees it too: one reading taken across a stall of the box
		 * is not worth a gap and a skip. */
		a->hard_seen = 1;
		e = 0;
	} else if (!hard) {
		a->hard_seen = 0;
	}
	if (e < -PLAY_HARD_US || (e < 0 && !a->started)) {
		/* Early (a stream's start, or back after a stall): silence
		 * until its time. */
		write_silence(a, -e);
		fix = e;
	} else if (e > PLAY_HARD_US || (e > 0 && !a->started)) {
		/* Late: what is past is skipped, up to this frame. */
		skip = (size_t)(e * BCAST_RATE / 1000000);
		if (skip > n)
			skip = n;
		fix = e;
	}
	if (fix != 0) {
		/* Once a stream plays on a device that holds some of it, a
		 * jump in time is a fault (the loop held up, the clock
		 * stepped): said and counted. */
		if (a->started && delay > 0 && llabs(fix) > PLAY_LOG_US) {
			a->k.time_corrections++;
			dlog(LOG_NOTICE, "stream %08x: %s %lld ms to keep time",
			    a->ssrc, fix < 0 ? "silence of" : "skipped",
			    (long long)(llabs(fix) / 1000));
		}
		e = 0;
		a->hard_seen = 0;
	}
	/* The rate: proportional to the error and to its integral. */
	double dt = a->rate_at ? (double)(now - a->rate_at) / 1e6 : 0;
	if (dt > 1)
		dt = 1;			/* a stream's start, a long stall */
	a->rate_at = now;
	a->rate_i += PLAY_KI * (double)e * dt;
	if (a->rate_i > PLAY_MAX_I_PPM)
		a->rate_i = PLAY_MAX_I_PPM;
	if (a->rate_i < -PLAY_MAX_I_PPM)
		a->rate_i = -PLAY_MAX_I_PPM;
	double ppm = PLAY_KP * (double)e + a->rate_i;
	if (ppm > PLAY_MAX_PPM)
		ppm = PLAY_MAX_PPM;
	if (ppm < -PLAY_MAX_PPM)
		ppm = -PLAY_MAX_PPM;
	a->rate_ppm = ppm;
	/* The frame's first sample comes out once what the resampler
	 * already holds has. */
	int64_t ahead = spk_output_delay_us(a->out) + pending_us(a);
	*trace_heard = now + ahead;
	*machine = spk_output_heard_machine_us(a->out) + pending_us(a);
	size_t out = rs_run(&a->rs, pcm + skip, n - skip, 1.0 + ppm * 1e-6,
	    a->rs_out, sizeof(a->rs_out) / sizeof(a->rs_out[0]));
	if (out > 0 && spk_output_write(a->out, a->rs_out, out) != 0)
		a->k.write_errors++;
}

/* Play every frame that is due; returns µs until the next one (or -1). */
int64_t
agent_play_due(struct agent *a, int64_t now)
{
	while (a->active) {
		int clocked = spk_output_clocked(a->out);
		int64_t delay = spk_output_delay_us(a->out);
		int64_t due = a->next_pts - a->offset_us - delay;
		if (clocked) {
			/* Keep the device PLAY_LEAD_US ahead, and start a
			 * stream no sooner than that before its time. */
			int64_t target = a->next_pts - a->offset_us;
			int64_t end = now + delay;
			due = (target > end ? target : end) - PLAY_LEAD_US;
		}
		if (now < due)
			return due - now;
		if (a->buffered == 0 && now - a->last_rx_mono > STREAM_IDLE_US) {
			/* Nothing left and the server went quiet: wait for
			 * the stream to come back (no END yet), silent, and
			 * say so in the next heartbeat. */
			if (now - a->last_rx_mono > STREAM_GIVEUP_US) {
				agent_end_stream(a, 0);
				break;
			}
			if (!a->stalled) {
				dlog(LOG_WARNING, "stream %08x: no packets for %lld "
				    "ms; waiting for it", a->ssrc,
				    (long long)((now - a->last_rx_mono) / 1000));
				a->stalled = 1;
				a->next_hello = 0;
			}
			return 100000;
		}
		struct slot *s = &a->jb[a->next_seq % JB_SLOTS];
		struct slot *nx = &a->jb[(a->next_seq + 1) % JB_SLOTS];
		int n, volume = agent_volume(a), audible = 1;
		uint8_t flags = 0;
		if (s->used && s->seq == a->next_seq) {
			n = opus_decode(a->dec, s->data, s->len, a->pcm,
			    BCAST_FRAME_SAMPLES, 0);
			flags = s->flags;
			a->stream_volume = s->volume;
			a->next_pts = s->pts;
			s->used = 0;
			a->buffered--;
			a->k.played++;
		} else if (nx->used && nx->seq == a->next_seq + 1) {
			n = opus_decode(a->dec, nx->data, nx->len, a->pcm,
			    BCAST_FRAME_SAMPLES, 1);
			a->k.fec_recovered++;
		} else if (a->next_seq >= a->top_seq1 + TAIL_FRAMES) {
			memset(a->pcm, 0, sizeof(a->pcm));
			n = BCAST_FRAME_SAMPLES;
			a->k.silent++;
			audible = 0;
		} else {
			n = opus_decode(a->dec, NULL, 0, a->pcm,
			    BCAST_FRAME_SAMPLES, 0);
			a->k.concealed++;
		}
		/* The server's volume for this stream (its last packet's: a
		 * frame rebuilt by FEC or PLC keeps it), else the box's own,
		 * for pages its emergency level if it has one. */
		if (a->stream_volume != BCAST_VOLUME_DEFAULT)
			volume = a->stream_volume;
		else if (a->prio == BCAST_PRIO_EMERGENCY &&
		    a->c->emergency_volume >= 0)
			volume = a->c->emergency_volume;
		if (n < 0)
			n = 0;
		/* The box's own ceiling over whatever the server asks (a box
		 * beside a clinic or a school). */
		apply_volume(a->pcm, (size_t)n, volume < a->c->max_volume ?
		    volume : a->c->max_volume);
		int64_t heard = now + delay;
		int64_t machine;
		if (clocked) {
			write_clocked(a, a->pcm, (size_t)n, &heard, &machine);
		} else {
			machine = spk_output_heard_machine_us(a->out);
			if (n > 0 && spk_output_write(a->out, a->pcm, (size_t)n) != 0)
				a->k.write_errors++;
		}
		if (a->trace) {
			/* When this frame will be heard: on our clock and on
			 * the server's as we judge it, when it was written (on
			 * the server's), and on the machine's (the truth that
			 * tests of boxes in step compare). */
			fprintf(a->trace, "%u %llu %lld %lld %lld %lld\n", a->ssrc,
			    (unsigned long long)a->next_seq, (long long)heard,
			    (long long)(heard + a->offset_us),
			    (long long)(now + a->offset_us), (long long)machine);
		}
		if (audible)
			a->last_audio_mono = now;
		if (!a->started) {
			/* Tell the server now, not at the next heartbeat: its
			 * broadcast log and live page view count confirmations. */
			a->started = 1;
			a->next_hello = now;
			check_preroll(a, now);
		}
		a->next_seq++;
		a->next_pts += FRAME_US;
		if (flags & BCAST_FLAG_END)
			agent_end_stream(a, 1);
	}
	return -1;
}
