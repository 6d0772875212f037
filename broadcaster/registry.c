/*
 * registry.c — the speakers the server knows, and what it learns from their
 * HELLOs: where they are (the address the HELLO came from, since they sit
 * behind carrier NAT), what they are doing, and the clock probe to answer.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "broadcaster/log.h"
#include "broadcaster/server_int.h"

static size_t
slot_of(uint32_t id, size_t cap)
{
	/* Fibonacci hashing: consecutive ids spread over the table. */
	return (size_t)((id * 2654435761u) & (uint32_t)(cap - 1));
}

struct spk_entry *
reg_find(struct bcast_server *s, uint32_t id)
{
	if (s->idx_cap == 0)
		return NULL;
	for (size_t k = slot_of(id, s->idx_cap);; k = (k + 1) & (s->idx_cap - 1)) {
		uint32_t at = s->idx[k];
		if (at == 0)
			return NULL;
		if (s->spk[at - 1].id == id)
			return &s->spk[at - 1];
	}
}

/* Lock held: index spk[i] by its id, growing the index at half full. */
static int
index_add(struct bcast_server *s, size_t i)
{
	if (2 * (s->nspk + 1) > s->idx_cap) {
		size_t cap = s->idx_cap ? 2 * s->idx_cap : 128;
		uint32_t *n = calloc(cap, sizeof(*n));
		if (n == NULL)
			return -1;
		for (size_t j = 0; j < s->nspk; j++) {
			if (j == i)
				continue;
			size_t k = slot_of(s->spk[j].id, cap);
			while (n[k])
				k = (k + 1) & (cap - 1);
			n[k] = (uint32_t)j + 1;
		}
		free(s->idx);
		s->idx = n;
		s->idx_cap = cap;
	}
	size_t k = slot_of(s->spk[i].id, s->idx_cap);
	while (s->idx[k])
		k = (k + 1) & (s->idx_cap - 1);
	s->idx[k] = (uint32_t)i + 1;
	return 0;
}

int
bcast_registry_add(struct bcast_server *s, uint32_t id, const char *zone,
    const uint8_t key[BCAST_SPEAKER_KEY_LEN], char *err, size_t errlen)
{
	struct bcast_zone z;
	struct spk_entry *e;

	if (bcast_zone_parse(zone, &z) != 0 || z.digits == 0) {
		snprintf(err, errlen, "zone \"%s\" is not a 6, 9 or 12 digit "
		    "division code", zone);
		return -1;
	}
	pthread_mutex_lock(&s->lock);
	if ((e = reg_find(s, id)) == NULL) {
		if (s->nspk == s->cap) {
			size_t cap = s->cap ? 2 * s->cap : 64;
			struct spk_entry *n = realloc(s->spk, cap * sizeof(*n));
			if (n == NULL) {
				pthread_mutex_unlock(&s->lock);
				snprintf(err, errlen, "out of memory");
				return -1;
			}
			s->spk = n;
			s->cap = cap;
		}
		e = &s->spk[s->nspk];
		memset(e, 0, sizeof(*e));
		e->id = id;
		e->volume = BCAST_VOLUME_DEFAULT;
		if (index_add(s, s->nspk) != 0) {
			pthread_mutex_unlock(&s->lock);
			snprintf(err, errlen, "out of memory");
			return -1;
		}
		s->nspk++;
	}
	e->zone = z;
	e->group = (int16_t)mcast_group_of(s, &z);
	memcpy(e->key, key, BCAST_SPEAKER_KEY_LEN);
	bcast_ticket_key(e->key, e->tkey);
	pthread_mutex_unlock(&s->lock);
	return 0;
}

int
bcast_registry_load(struct bcast_server *s, const char *path, char *err,
    size_t errlen)
{
	FILE *f = fopen(path, "r");
	char line[512], zone[32], keyhex[128], e2[256];
	unsigned long id;
	int lineno = 0;
	uint8_t key[BCAST_SPEAKER_KEY_LEN];

	if (f == NULL) {
		snprintf(err, errlen, "%s: cannot open", path);
		return -1;
	}
	while (fgets(line, sizeof(line), f)) {
		lineno++;
		line[strcspn(line, "#\r\n")] = '\0';
		if (strspn(line, " \t") == strlen(line))
			continue;
		if (sscanf(line, "%lu %31s %127s", &id, zone, keyhex) != 3 ||
		    id == 0 || id > UINT32_MAX ||
		    bcast_hex_decode(keyhex, key, sizeof(key)) != 0) {
			snprintf(err, errlen, "%s:%d: expected \"ID ZONE KEYHEX\"",
			    path, lineno);
			fclose(f);
			return -1;
		}
		if (bcast_registry_add(s, (uint32_t)id, zone, key, e2,
		    sizeof(e2)) != 0) {
			snprintf(err, errlen, "%s:%d: %s", path, lineno, e2);
			fclose(f);
			return -1;
		}
	}
	fclose(f);
	return 0;
}

/* Lock held. The address is formatted only when asked: inet_ntop and
 * snprintf for ten thousand speakers cost the loop milliseconds. */
static void
info_of(const struct bcast_server *s, const struct spk_entry *e, int64_t now,
    bool addr, struct bcast_speaker_info *o)
{
	memset(o, 0, sizeof(*o));
	o->id = e->id;
	bcast_zone_format(&e->zone, o->zone);
	o->last_heard_us = e->last_heard_us;
	o->online = e->last_heard_mono != 0 &&
	    now - e->last_heard_mono < (int64_t)s->offline_after_ms * 1000;
	o->st = e->st;
	o->carried = carry_held_by(s, (size_t)(e - s->spk));
	/* Due only if its last heartbeat came after the stream's first audio
	 * (a box says HELLO as it starts playing): an older one cannot say
	 * whether it plays. */
	for (const struct bcast_stream *st = s->streams; st; st = st->next)
		if (!st->cancelled && !st->ended && st->t0_mono != 0 &&
		    now > st->t0_mono + st->delay_us +
		    (int64_t)BCAST_DUE_AFTER_MS * 1000 &&
		    e->last_heard_mono > st->t0_mono + st->delay_us &&
		    (st->only == 0 || st->only == e->id) &&
		    bcast_zone_covers(&st->zone, &e->zone)) {
			o->due = true;
			break;
		}
	if (addr && e->alen) {
		char host[INET6_ADDRSTRLEN] = "?";
		int port = 0;
		if (e->addr.ss_family == AF_INET) {
			const struct sockaddr_in *a = (const struct sockaddr_in *)
			    &e->addr;
			inet_ntop(AF_INET, &a->sin_addr, host, sizeof(host));
			port = ntohs(a->sin_port);
		} else if (e->addr.ss_family == AF_INET6) {
			const struct sockaddr_in6 *a = (const struct sockaddr_in6 *)
			    &e->addr;
			inet_ntop(AF_INET6, &a->sin6_addr, host, sizeof(host));
			port = ntohs(a->sin6_port);
		}
		snprintf(o->addr, sizeof(o->addr), "%s:%d", host, port);
	}
}

size_t
bcast_registry_list(struct bcast_server *s, struct bcast_speaker_info *out,
    size_t max)
{
	int64_t now = bcast_mono_now_us();
	size_t n;

	pthread_mutex_lock(&s->lock);
	n = s->nspk;
	for (size_t i = 0; i < n && i < max; i++)
		info_of(s, &s->spk[i], now, false, &out[i]);
	pthread_mutex_unlock(&s->lock);
	return n;
}

int
bcast_registry_get(struct bcast_server *s, uint32_t id,
    struct bcast_speaker_info *out)
{
	int64_t now = bcast_mono_now_us();
	struct spk_entry *e;

	pthread_mutex_lock(&s->lock);
	if ((e = reg_find(s, id)) != NULL)
		info_of(s, e, now, true, out);
	pthread_mutex_unlock(&s->lock);
	return e ? 0 : -1;
}

int
bcast_registry_set_volume(struct bcast_server *s, uint32_t id, int volume)
{
	struct spk_entry *e;

	pthread_mutex_lock(&s->lock);
	if ((e = reg_find(s, id)) != NULL)
		e->volume = volume < 0 || volume > 100 ? BCAST_VOLUME_DEFAULT :
		    (uint8_t)volume;
	pthread_mutex_unlock(&s->lock);
	return e ? 0 : -1;
}

struct bcast_speaker_info *
bcast_registry_snapshot(struct bcast_server *s, size_t *n)
{
	size_t cap = bcast_registry_list(s, NULL, 0) + 16;

	for (;;) {
		struct bcast_speaker_info *v = calloc(cap, sizeof(*v));
		if (v == NULL)
			return NULL;
		*n = bcast_registry_list(s, v, cap);
		if (*n <= cap)
			return v;
		/* Speakers enrolled meanwhile: size afresh. */
		cap = *n + 16;
		free(v);
	}
}

/* The two addresses are one (family, address, port). */
static int
same_addr(const struct sockaddr_storage *a, socklen_t alen,
    const struct sockaddr_storage *b, socklen_t blen)
{
	if (alen != blen || a->ss_family != b->ss_family)
		return 0;
	if (a->ss_family == AF_INET) {
		const struct sockaddr_in *x = (const void *)a, *y = (const void *)b;
		return x->sin_port == y->sin_port &&
		    x->sin_addr.s_addr == y->sin_addr.s_addr;
	}
	if (a->ss_family == AF_INET6) {
		const struct sockaddr_in6 *x = (const void *)a, *y = (const void *)b;
		return x->sin6_port == y->sin6_port &&
		    memcmp(&x->sin6_addr, &y->sin6_addr, 16) == 0;
	}
	return memcmp(a, b, alen) == 0;
}

/* The cookie an address not registered for the speaker must echo: keyed
 * by the server's secret, the id, the address and the minute (so the
 * server keeps no state for it). */
#define ADDR_COOKIE_EPOCH_US 60000000
static void
addr_cookie(const struct bcast_server *s, uint32_t id,
    const struct sockaddr_storage *from, int64_t epoch,
    uint8_t out[BCAST_COOKIE_LEN])
{
	crypto_auth_hmacsha256_state h;
	uint8_t mac[crypto_auth_hmacsha256_BYTES], b[12];
	const void *addr = from;
	size_t alen = 0;

	if (from->ss_family == AF_INET) {
		const struct sockaddr_in *x = (const void *)from;
		addr = &x->sin_addr;
		alen = 4;
		memcpy(b + 8, &x->sin_port, 2);
	} else if (from->ss_family == AF_INET6) {
		const struct sockaddr_in6 *x = (const void *)from;
		addr = &x->sin6_addr;
		alen = 16;
		memcpy(b + 8, &x->sin6_port, 2);
	}
	memcpy(b, &id, 4);
	memcpy(b + 4, &epoch, 4);
	b[10] = (uint8_t)from->ss_family;
	b[11] = 0;
	crypto_auth_hmacsha256_init(&h, s->cookie_secret,
	    sizeof(s->cookie_secret));
	crypto_auth_hmacsha256_update(&h, b, sizeof(b));
	crypto_auth_hmacsha256_update(&h, addr, alen);
	crypto_auth_hmacsha256_final(&h, mac);
	memcpy(out, mac, BCAST_COOKIE_LEN);
}

static int
addr_cookie_ok(const struct bcast_server *s, uint32_t id,
    const struct sockaddr_storage *from, const uint8_t *cookie)
{
	int64_t epoch = bcast_mono_now_us() / ADDR_COOKIE_EPOCH_US;
	uint8_t want[BCAST_COOKIE_LEN];

	for (int64_t e = epoch; e >= epoch - 1; e--) {
		addr_cookie(s, id, from, e, want);
		if (sodium_memcmp(want, cookie, BCAST_COOKIE_LEN) == 0)
			return 1;
	}
	return 0;
}

/*
 * A datagram on the server's port: a NACK (retransmit.c) or a HELLO.
 * Anything else, or a HELLO from an unknown speaker or with a bad MAC, is
 * ignored without a reply (no amplification, no oracle). A HELLO with a
 * good MAC but not the cookie it must echo (see broadcaster.h) gets a
 * CHALLENGE, a quarter of its size, at most CHALLENGES_PER_S a second per
 * speaker, and changes nothing: a HELLO seen and sent again, from any
 * address, neither moves the speaker's stream nor feigns its status.
 */
#define CHALLENGES_PER_S 4
void
reg_handle_datagram(struct bcast_server *s, const uint8_t *buf, size_t len,
    const struct sockaddr_storage *from, socklen_t alen)
{
	struct bcast_hello h;
	struct bcast_reply r;
	struct spk_entry *e;
	uint8_t out[BCAST_REPLY_LEN], tkey[BCAST_TICKET_KEY_LEN];
	uint32_t id;
	int64_t t2 = bcast_server_time_us(s), mono = bcast_mono_now_us();

	if (bcast_nack_peek_id(buf, len, &id) == 0) {
		rtx_handle_nack(s, buf, len, id);
		return;
	}
	if (bcast_creport_peek_id(buf, len, &id) == 0) {
		carry_handle_report(s, buf, len, id);
		return;
	}
	if (bcast_hello_peek_id(buf, len, &id) != 0) {
		/* A box of an older version (its HELLO was 108 bytes before
		 * 0.4): nothing it says can be taken, and it could not play
		 * what we send. Named once a minute, so a technician who
		 * upgraded the server alone knows why boxes stay offline. */
		if (len == 108 && memcmp(buf, "DLBH", 4) == 0 &&
		    mono - s->old_hello_logged > 60000000) {
			s->old_hello_logged = mono;
			dlog(LOG_WARNING, "a HELLO of an older dalaba-speaker (%zu "
			    "bytes, speaker %u): this server speaks the protocol "
			    "of %s; upgrade the box", len, (unsigned)(buf[4] << 24 |
			    buf[5] << 16 | buf[6] << 8 | buf[7]), BCAST_PROTOCOL);
		}
		return;
	}
	pthread_mutex_lock(&s->lock);
	e = reg_find(s, id);
	if (e == NULL || bcast_hello_parse(buf, len, e->key, &h) != BCAST_OK) {
		pthread_mutex_unlock(&s->lock);
		return;
	}
	int here = e->alen > 0 && same_addr(&e->addr, e->alen, from, alen);
	int taken = here ?
	    sodium_memcmp(h.cookie, e->cookie, BCAST_COOKIE_LEN) == 0 :
	    addr_cookie_ok(s, id, from, h.cookie);
	if (!taken) {
		struct bcast_challenge c = { .speaker_id = id,
		    .counter = h.counter };
		uint8_t cb[BCAST_CHALLENGE_LEN];
		if (mono / 1000000 != e->challenge_s) {
			e->challenge_s = mono / 1000000;
			e->challenges = 0;
		}
		int send = e->challenges++ < CHALLENGES_PER_S;
		if (here)
			memcpy(c.cookie, e->cookie, BCAST_COOKIE_LEN);
		else
			addr_cookie(s, id, from, mono / ADDR_COOKIE_EPOCH_US,
			    c.cookie);
		s->challenges += send;
		pthread_mutex_unlock(&s->lock);
		if (send && bcast_challenge_pack(&c, cb, sizeof(cb)) > 0)
			sendto(s->fd, cb, sizeof(cb), 0,
			    (const struct sockaddr *)from, alen);
		return;
	}
	/* A counter that went back is a box that started again with its
	 * clock behind (no RTC): its NACKs count afresh too. */
	if (h.counter < e->last_counter)
		e->last_nack_counter = 0;
	e->last_counter = h.counter;
	memcpy(&e->addr, from, alen);
	e->alen = alen;
	e->last_heard_us = bcast_server_now_us();	/* shown to people */
	e->last_heard_mono = mono;
	e->st = h.st;
	randombytes_buf(e->cookie, BCAST_COOKIE_LEN);
	memcpy(r.cookie, e->cookie, BCAST_COOKIE_LEN);
	memcpy(tkey, e->tkey, sizeof(tkey));	/* e may move once unlocked */
	r.volume = e->volume;
	int group = e->group;
	pthread_mutex_unlock(&s->lock);

	r.speaker_id = id;
	r.counter = h.counter;
	r.t1_us = h.t1_us;
	r.t2_us = t2;
	r.t3_us = bcast_server_time_us(s);
	if (bcast_reply_pack(&r, s->sk, tkey, out, sizeof(out)) > 0)
		sendto(s->fd, out, sizeof(out), 0, (const struct sockaddr *)from,
		    alen);
	/* Its zone's group (signed at start; groups never change). */
	if (group >= 0)
		sendto(s->fd, s->groups[group].announce, BCAST_ANNOUNCE_LEN, 0,
		    (const struct sockaddr *)from, alen);
}
