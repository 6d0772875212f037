/*
 * fed_int.h — inside web-admin/: the federation's state, shared by fed.c
 * (jobs, the timer, what web-admin calls), fed_http.c (the requests to
 * the counties and their answers) and fed_view.c (the page's view, start
 * and stop). See fed.c for how it works.
 */
#ifndef DALABA_WEB_FED_INT_H
#define DALABA_WEB_FED_INT_H

#include "web-admin/api_int.h"

#define FED_TICK_MS 100
#define FED_TIMEOUT_S 5		/* one request to a county */
#define FED_BACKOFF_MAX_US (10 * G_USEC_PER_SEC)
#define FED_FINAL_US (30 * G_USEC_PER_SEC)
#define FED_SAVE_US G_USEC_PER_SEC	/* counts written at most this often */
#define FED_MAX_ANSWER (256 * 1024)

enum fed_phase { PH_SEND, PH_LIVE, PH_CANCEL, PH_FINAL, PH_DONE };

struct fed_county {
	char code[7];
	char *name, *url;
	char token[256];
	SoupSession *session;
};

struct fed_job {
	struct fed *f;
	struct fed_county *c;
	int64_t page_id;
	char *zones, *identifier, *sent, *cap;
	enum fed_phase phase;
	char state[16];
	char *error;
	int64_t remote_page;
	int tries;
	int targets, confirmed, playing;
	bool on_air, answering;
	int64_t next_us, final_until_us, saved_us;
	bool inflight, dirty;
	int64_t updated_at;
};

struct fed {
	struct web_admin *wa;
	char sender[65];
	int poll_ms;
	struct fed_county *counties;
	int ncounties;
	GPtrArray *jobs;	/* struct fed_job *, running ones */
	guint timer;
};

void set_state(struct fed_job *j, const char *state, const char *error);
/* Written to the store when it changed (counts at most every
 * FED_SAVE_US unless now). */
void job_save(struct fed_job *j, bool now);
void job_done(struct fed_job *j);
void job_free(struct fed_job *j);
struct fed_job *job_new(struct fed *f, struct fed_county *c, int64_t page_id);
struct fed_county *county_by_code(struct fed *f, const char *code);
/* The retry delay after tries failures: 0.5 s doubling, 10 s at most. */
int64_t backoff_us(int tries);
/* One request of j's (cap: a CAP body to POST), answered on the loop. */
void call_start(struct fed_job *j, const char *method, const char *path,
    const char *cap);
/* Every job one step; the timer's callback. */
void fed_run(struct fed *f);
gboolean fed_tick(gpointer data);

#endif
