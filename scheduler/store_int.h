/*
 * store_int.h — shared by the store's own files (and, until the API's
 * queries move behind db_ functions, api.c's api_rows).
 */
#ifndef DALABA_SCHED_STORE_INT_H
#define DALABA_SCHED_STORE_INT_H

#include "scheduler/store.h"

/* Prepare sql and bind args (DB_ARGS(...) or DB_NO_ARGS). NULL with err
 * set when it does not prepare or the number of values is not the number
 * of parameters the statement has. */
sqlite3_stmt *db_prepare(struct db *db, char *err, size_t errlen,
    const char *sql, const struct db_arg *args, int nargs);

/* Prepare, bind, step once. Returns the sqlite3 result code; err is set
 * unless it is SQLITE_DONE or SQLITE_ROW (SQLITE_MISUSE: the values did
 * not fit the statement). */
int db_run(struct db *db, char *err, size_t errlen, const char *sql,
    const struct db_arg *args, int nargs);

/* One integer: the first column of the first row (a count); -1 on error
 * or no row. */
int db_int(struct db *db, const char *sql, const struct db_arg *args,
    int nargs);

/* The SQL of a listing (store_lists.c); NULL if there is none. */
const char *db_list_sql(enum db_list which);

#endif
