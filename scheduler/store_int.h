/*
 * store_int.h — shared by the store's own files, nobody else.
 */
#ifndef DALABA_SCHED_STORE_INT_H
#define DALABA_SCHED_STORE_INT_H

#include <stdarg.h>

#include "scheduler/store.h"

/* Bind the arguments fmt describes ('t' text, a NULL pointer binds NULL;
 * 'i' int64_t) to st's parameters 1, 2, ... */
void db_bindv(sqlite3_stmt *st, const char *fmt, va_list ap);

/* Prepare sql, bind the arguments fmt describes ('t' text, a NULL pointer
 * binds NULL; 'i' int64_t), step once. Returns the sqlite3 result code;
 * err is set unless it is SQLITE_DONE or SQLITE_ROW. */
int db_run(struct db *db, const char *sql, const char *fmt, char *err,
    size_t errlen, ...);

#endif
