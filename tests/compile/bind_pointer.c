/* Must not compile: a pointer that is not a string (the bug that bound a
 * char * as an integer came from a format letter; a struct pointer or a
 * bare NULL must not slip through either). */
#include "scheduler/store_int.h"

int bind_pointer(struct db *db, const struct db_notice *n);

int
bind_pointer(struct db *db, const struct db_notice *n)
{
	char err[64];

	return db_run(db, err, sizeof(err), "SELECT ?, ?", DB_ARGS(n, NULL));
}
