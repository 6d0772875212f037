/*
 * client.h — inside cli/: the dalaba CLI's side of the JSON API. It
 * finds dalabad through the state directory (api.url, api.token), sends
 * one request and hands back the parsed answer.
 */
#ifndef DALABA_CLI_CLIENT_H
#define DALABA_CLI_CLIENT_H

#include <json-glib/json-glib.h>

/* Exit statuses of API commands. */
#define CLI_OK 0
#define CLI_REFUSED 1		/* dalabad answered with an error */
#define CLI_USAGE 2
#define CLI_UNREACHABLE 3	/* no dalabad, or no token */

/* The state dir: --state-dir, else $DALABA_STATE_DIR, else ./state if it
 * holds an api.url, else /var/lib/dalaba. */
const char *client_state_dir(const char *flag);

/* Send method path with body (may be NULL). On success (2xx) *out gets
 * the answer and CLI_OK is returned; otherwise the error is printed on
 * stderr (as dalabad phrased it) and the status above is returned. */
int client_call(const char *state_dir, const char *method, const char *path,
    JsonNode *body, JsonNode **out);

/* The same with a body of any type (a recording's file); body may be
 * NULL. */
int client_call_bytes(const char *state_dir, const char *method,
    const char *path, const char *type, GBytes *body, JsonNode **out);

/* Print a JSON node on stdout, pretty. */
void client_print_json(JsonNode *n);
/* The time zone dalabad's last answer said its times are local in
 * (X-Dalaba-Timezone), or NULL. */
const char *client_timezone(void);

#endif
