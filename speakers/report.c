/*
 * report.c — what the agent says of itself on the box: the stats file
 * (--stats, rewritten atomically twice a second, read by tests, benches
 * and a technician) and the once-a-minute summary in its log.
 */
#include <stdio.h>

#include "broadcaster/log.h"
#include "speakers/agent_int.h"

void
agent_write_stats(const struct agent *a)
{
	char tmp[600];
	FILE *f;

	if (a->c->stats[0] == '\0')
		return;
	snprintf(tmp, sizeof(tmp), "%s.new", a->c->stats);
	if ((f = fopen(tmp, "w")) == NULL)
		return;
	fprintf(f, "received %llu\nverified %llu\n",
	    (unsigned long long)a->k.received, (unsigned long long)a->k.verified);
	fprintf(f, "multicast_joined %d\nmulticast_received %llu\n",
	    a->mfd >= 0, (unsigned long long)a->k.mcast_received);
	for (int i = 1; i < BCAST_VERDICT_MAX; i++)
		fprintf(f, "dropped_%s %llu\n", bcast_verdict_name(i),
		    (unsigned long long)a->k.dropped[i]);
	fprintf(f, "lower_priority %llu\nlate %llu\nplayed %llu\n"
	    "fec_recovered %llu\nconcealed %llu\nstreams %llu\nreplies %llu\n"
	    "synced %d\nclock_offset_us %lld\nplaying %d\n"
	    "underruns %llu\nwrite_errors %llu\nnacks %llu\nnack_asked %llu\n"
	    "nack_recovered %llu\nsilent %llu\n",
	    (unsigned long long)a->k.lower_priority,
	    (unsigned long long)a->k.late, (unsigned long long)a->k.played,
	    (unsigned long long)a->k.fec_recovered,
	    (unsigned long long)a->k.concealed,
	    (unsigned long long)a->k.streams, (unsigned long long)a->k.replies,
	    a->synced, (long long)a->offset_us, a->active,
	    (unsigned long long)(a->out ? spk_output_underruns(a->out) : 0),
	    (unsigned long long)a->k.write_errors,
	    (unsigned long long)a->k.nacks,
	    (unsigned long long)a->k.nack_asked,
	    (unsigned long long)a->k.nack_recovered,
	    (unsigned long long)a->k.silent);
	fprintf(f, "time_corrections %llu\nplay_rate_ppm %.1f\n"
	    "clock_rate_ppm %.2f\n", (unsigned long long)a->k.time_corrections,
	    a->rate_ppm, clk_ppm(&a->clk));
	fprintf(f, "amp_on %d\namp_switches %llu\namp_errors %llu\n"
	    "amp_short_preroll %llu\n", a->amp.on == 1,
	    (unsigned long long)a->amp.switches,
	    (unsigned long long)a->amp.errors,
	    (unsigned long long)a->k.amp_short_preroll);
	carry_stats(a, f);
	fclose(f);
	rename(tmp, a->c->stats);
}

/* Once a minute, what was dropped (hostile or stale packets) and what the
 * output refused since the last summary; nothing when all was well. */
void
agent_log_summary(struct agent *a)
{
	uint64_t dropped = 0, most = 0;
	int worst = 0;

	for (int v = 1; v < BCAST_VERDICT_MAX; v++) {
		uint64_t d = a->k.dropped[v] - a->logged.dropped[v];
		dropped += d;
		if (d > most) {
			most = d;
			worst = v;
		}
	}
	if (dropped)
		dlog(LOG_WARNING, "dropped %llu packets in the last minute (most "
		    "of them: %s, %llu)", (unsigned long long)dropped,
		    bcast_verdict_name((enum bcast_verdict)worst),
		    (unsigned long long)most);
	if (a->k.write_errors > a->logged.write_errors)
		dlog(LOG_ERR, "output %s refused %llu frames in the last minute",
		    a->c->output, (unsigned long long)(a->k.write_errors -
		    a->logged.write_errors));
	a->logged = a->k;
}
