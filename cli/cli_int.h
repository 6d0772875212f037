/*
 * cli_int.h — inside cli/: what the API commands of the dalaba CLI
 * share (cli_common.c): their common options, the schedule options of
 * `notice add` and `schedule add`, and reading dalabad's JSON answers.
 */
#ifndef DALABA_CLI_INT_H
#define DALABA_CLI_INT_H

#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>

#include "cli/client.h"

enum { O_NOW = 1000, O_AT, O_DAILY, O_WEEKLY, O_WEEKDAYS, O_FROM, O_TO,
    O_EVERY, O_VOLUME, O_URGENT, O_STATE, O_JSON, O_TITLE, O_CLASS, O_REPEAT,
    O_NOCHIME, O_VOICE, O_RATE, O_FEED, O_ITEMS, O_ZONE, O_NAME, O_QUIET,
    O_NOTICE, O_DRILLS, O_RECORDING, O_PRIVATE };

#define COMMON_OPTS \
	{ "state-dir", required_argument, NULL, O_STATE }, \
	{ "json", no_argument, NULL, O_JSON }, \
	{ "help", no_argument, NULL, 'h' }
#define SCHEDULE_OPTS \
	{ "now", no_argument, NULL, O_NOW }, \
	{ "at", required_argument, NULL, O_AT }, \
	{ "daily", required_argument, NULL, O_DAILY }, \
	{ "weekly", required_argument, NULL, O_WEEKLY }, \
	{ "weekdays", required_argument, NULL, O_WEEKDAYS }, \
	{ "from", required_argument, NULL, O_FROM }, \
	{ "to", required_argument, NULL, O_TO }, \
	{ "every-weeks", required_argument, NULL, O_EVERY }, \
	{ "volume", required_argument, NULL, O_VOLUME }, \
	{ "urgent", no_argument, NULL, O_URGENT }

extern const char *cli_state_flag;	/* --state-dir */
extern bool cli_json;			/* --json */
extern const char cli_schedule_help[];

/* t (unix seconds) as local time where dalabad is (its X-Dalaba-Timezone),
 * else here; "-" for none. */
const char *cli_when(gint64 t, char *buf, size_t cap);
/* A schedule's kind as printed: "once", "daily", "weekly 1,3,5" ... */
void cli_kind(JsonObject *s, char *out, size_t cap);
const char *cli_str(JsonObject *o, const char *name);	/* "" if absent */
gint64 cli_num(JsonObject *o, const char *name);		/* 0 if absent */
/* Send a request (takes body); see client_call for the statuses. */
int cli_call(const char *method, const char *path, JsonObject *body,
    JsonNode **out);
bool cli_int_arg(const char *s, gint64 *v);
/* 1 a schedule option (into *sched), 0 not one, -1 a bad value. */
int cli_schedule_opt(int c, JsonObject **sched);
/* 1 if c was --state-dir or --json. */
int cli_common_opt(int c);
/* TEXT, or standard input for "-". */
char *cli_text_arg(const char *a);
int cli_print_created(JsonNode *out, const char *what);
/* Options of a simple subcommand: 0 go on, -1 help was printed, else
 * the exit status. */
int cli_simple_opts(int argc, char **argv, void (*usage)(FILE *),
    const char **zone);
/* The subcommand word, shifting it off; NULL (usage printed, *rc the exit
 * status) when there is none or it is -h/--help. */
const char *cli_subcommand(int *argc, char ***argv, void (*usage)(FILE *),
    int *rc);
/* The one operand, a positive id; -1 (message printed) if not. */
int cli_id_operand(int argc, char **argv, const char *what, gint64 *id);

#endif
