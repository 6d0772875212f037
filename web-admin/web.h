/*
 * web.h — web-admin/'s public header: every HTTP listener of dalabad — the
 * JSON API, the cadres' pages, CAP intake and the loudspeakers' enrolment
 * endpoint — started on the scheduler (scheduler/scheduler.h) by the
 * composition root (dalabad_main.c), and stopped by it.
 */
#ifndef DALABA_WEB_H
#define DALABA_WEB_H

#include <stddef.h>

struct dalabad;
struct web_admin;

/* Listen as [api] and [enroll] say (writing api.token, api.url and
 * enroll.url into the state directory). NULL with err set on failure. */
struct web_admin *web_admin_start(struct dalabad *d, char *err,
    size_t errlen);
/* Close every listener; requests in flight are dropped. NULL is a no-op. */
void web_admin_stop(struct web_admin *wa);
/* After a reload of the configuration: the connection caps again. */
void web_admin_reconfigure(struct web_admin *wa);

#endif
