/*
 * limiter.c — who may try a password now. Guessing is slowed, never a
 * lock-out: a lock-out by name let anyone shut the duty officer out with
 * five wrong guesses. Three counts, each of failures:
 *   - per name and source: three free, then a growing wait before the
 *     next try from there (5 s, 10 s, 20 s, ... 15 minutes);
 *   - per source, over every name: past 30, a growing wait for it;
 *   - per name, over every source (a guess spread over many addresses):
 *     past 10, every try on the name is delayed a little (up to 5 s), so
 *     that the right password from a source that has not been failing
 *     still logs in, just not at once.
 * Times are the caller's clock in seconds (monotonic in dalabad, a fake
 * one in the tests). The table is bounded: expired entries go first.
 */
#include <stdio.h>
#include <string.h>

#include <glib.h>

#include "web-admin/web_int.h"

#define PAIR_FREE 3		/* failures of a name from a source, no wait */
#define PAIR_FIRST_WAIT_S 5
#define SOURCE_FREE 30		/* failures from a source, over all names */
#define NAME_FREE 10		/* failures of a name, over all sources */
#define NAME_STEP_MS 250
#define NAME_MAX_DELAY_MS 5000
#define MAX_WAIT_S (15 * 60)
#define FORGET_S 3600		/* an hour without failures: forgotten */
#define NAME_WINDOW_S 600	/* the name's count is of the last 10 minutes */
#define MAX_ENTRIES 20000

struct entry {
	int count;
	int64_t last;		/* the latest failure */
	int64_t next_ok;	/* no try before this */
};

struct web_limiter {
	GHashTable *t;		/* "p NAME\nSOURCE" / "s SOURCE" / "n NAME" */
	int64_t pruned_at;
};

struct web_limiter *
web_limiter_new(void)
{
	struct web_limiter *l = g_new0(struct web_limiter, 1);

	l->t = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
	return l;
}

void
web_limiter_free(struct web_limiter *l)
{
	if (l == NULL)
		return;
	g_hash_table_unref(l->t);
	g_free(l);
}

static gchar *
key(char kind, const char *name, const char *source)
{
	return kind == 'p' ? g_strdup_printf("p %s\n%s", name, source) :
	    g_strdup_printf("%c %s", kind, kind == 's' ? source : name);
}

static struct entry *
find(struct web_limiter *l, char kind, const char *name, const char *source,
    int64_t now)
{
	gchar *k = key(kind, name, source);
	struct entry *e = g_hash_table_lookup(l->t, k);

	g_free(k);
	if (e && now - e->last >= FORGET_S && now >= e->next_ok) {
		e->count = 0;
		e->next_ok = 0;
	}
	return e;
}

/* Waits double from first_s with each failure past free, up to the cap. */
static int64_t
wait_after(int count, int free_n, int first_s)
{
	int over = count - free_n;
	int64_t w = first_s;

	if (over < 0)
		return 0;
	for (int i = 0; i < over && w < MAX_WAIT_S; i++)
		w *= 2;
	return w < MAX_WAIT_S ? w : MAX_WAIT_S;
}

int
web_limiter_check(struct web_limiter *l, const char *name, const char *source,
    int64_t now, int *delay_ms)
{
	struct entry *p = find(l, 'p', name, source, now);
	struct entry *s = find(l, 's', name, source, now);
	struct entry *n = find(l, 'n', name, source, now);
	int64_t until = 0;

	*delay_ms = 0;
	if (p && p->next_ok > until)
		until = p->next_ok;
	if (s && s->next_ok > until)
		until = s->next_ok;
	if (until > now)
		return (int)(until - now);
	if (n && now - n->last < NAME_WINDOW_S && n->count > NAME_FREE) {
		int64_t d = (int64_t)(n->count - NAME_FREE) * NAME_STEP_MS;
		*delay_ms = d < NAME_MAX_DELAY_MS ? (int)d : NAME_MAX_DELAY_MS;
	}
	return 0;
}

static void
prune(struct web_limiter *l, int64_t now)
{
	GHashTableIter it;
	gpointer k, v;

	if (g_hash_table_size(l->t) < MAX_ENTRIES || now - l->pruned_at < 10)
		return;
	l->pruned_at = now;
	g_hash_table_iter_init(&it, l->t);
	while (g_hash_table_iter_next(&it, &k, &v)) {
		struct entry *e = v;
		if (now >= e->next_ok && now - e->last >= NAME_WINDOW_S)
			g_hash_table_iter_remove(&it);
	}
	if (g_hash_table_size(l->t) < MAX_ENTRIES)
		return;
	/* Still full (a spray of names and addresses, itself slowed by the
	 * password checks it costs): forget what has not earned a wait or
	 * a slow-down yet. */
	g_hash_table_iter_init(&it, l->t);
	while (g_hash_table_iter_next(&it, &k, &v)) {
		struct entry *e = v;
		char kind = ((const char *)k)[0];
		int free_n = kind == 'p' ? PAIR_FREE : kind == 's' ? SOURCE_FREE :
		    NAME_FREE;
		if (now >= e->next_ok && e->count <= free_n)
			g_hash_table_iter_remove(&it);
	}
}

static void
count_one(struct web_limiter *l, char kind, const char *name,
    const char *source, int64_t now, int free_n, int first_s)
{
	struct entry *e = find(l, kind, name, source, now);

	if (e == NULL) {
		e = g_new0(struct entry, 1);
		g_hash_table_insert(l->t, key(kind, name, source), e);
	}
	if (kind == 'n' && now - e->last >= NAME_WINDOW_S)
		e->count = 0;
	e->count++;
	e->last = now;
	if (first_s > 0 && e->count >= free_n)
		e->next_ok = now + wait_after(e->count, free_n, first_s);
}

void
web_limiter_failed(struct web_limiter *l, const char *name,
    const char *source, int64_t now)
{
	prune(l, now);
	count_one(l, 'p', name, source, now, PAIR_FREE, PAIR_FIRST_WAIT_S);
	count_one(l, 's', name, source, now, SOURCE_FREE, 1);
	count_one(l, 'n', name, source, now, NAME_FREE, 0);
}

void
web_limiter_succeeded(struct web_limiter *l, const char *name,
    const char *source)
{
	gchar *k = key('p', name, source);

	/* The name's own count stays: someone else may still be guessing. */
	g_hash_table_remove(l->t, k);
	g_free(k);
}

/* A try counted as failed when it started (so that tries made at once
 * are counted before they finish) turned out right: take it back. */
void
web_limiter_refund(struct web_limiter *l, const char *name,
    const char *source, int64_t now)
{
	static const struct { char kind; int free_n; } counts[] = {
		{ 's', SOURCE_FREE }, { 'n', NAME_FREE },
	};

	web_limiter_succeeded(l, name, source);
	for (size_t i = 0; i < G_N_ELEMENTS(counts); i++) {
		struct entry *e = find(l, counts[i].kind, name, source, now);
		if (e == NULL || e->count == 0)
			continue;
		e->count--;
		/* Its wait, if this try alone earned it, goes with it. */
		if (e->count < counts[i].free_n)
			e->next_ok = 0;
	}
}

size_t
web_limiter_size(const struct web_limiter *l)
{
	return g_hash_table_size(l->t);
}
