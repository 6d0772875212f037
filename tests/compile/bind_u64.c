/* Must not compile: a uint64_t above INT64_MAX has no faithful SQLite
 * integer, so it is cast on purpose or not bound. */
#include <stdint.h>

#include "scheduler/store_int.h"

int bind_u64(struct db *db, uint64_t x);

int
bind_u64(struct db *db, uint64_t x)
{
	char err[64];

	return db_run(db, err, sizeof(err), "SELECT ?", DB_ARGS(x));
}
