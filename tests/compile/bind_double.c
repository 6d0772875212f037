/* Must not compile: a double has no binding (it would need its own). */
#include "scheduler/store_int.h"

int bind_double(struct db *db, double x);

int
bind_double(struct db *db, double x)
{
	char err[64];

	return db_run(db, err, sizeof(err), "SELECT ?", DB_ARGS(x));
}
