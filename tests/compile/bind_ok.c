/* Compiles: every C type DB_ARGS takes (the control for the others). */
#include <stdbool.h>
#include <stdint.h>

#include "scheduler/store_int.h"

int bind_ok(struct db *db, const char *t, char *u, int i, unsigned v,
    int64_t l, bool b);

int
bind_ok(struct db *db, const char *t, char *u, int i, unsigned v, int64_t l,
    bool b)
{
	char err[64];

	return db_run(db, err, sizeof(err), "SELECT ?, ?, ?, ?, ?, ?, ?",
	    DB_ARGS(t, u, i, v, l, b, DB_NULL));
}
