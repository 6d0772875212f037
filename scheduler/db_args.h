/*
 * db_args.h — inside scheduler/: typed SQL parameters. Every value bound
 * to a statement goes through DB_ARGS(...), where _Generic picks how each
 * is bound from its C type: a string binds as text (a NULL pointer as
 * NULL), an integer as an integer, and anything else does not compile.
 * A format string ("ttiti") could say "integer" for a char * and bind its
 * address; this cannot. The count of values is checked against the
 * statement's parameters when it is prepared, so a value too few or too
 * many is an error on the first run of that query, in any test.
 */
#ifndef DALABA_SCHED_DB_ARGS_H
#define DALABA_SCHED_DB_ARGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum db_arg_kind { DB_ARG_NULL, DB_ARG_INT, DB_ARG_TEXT };

struct db_arg {
	enum db_arg_kind kind;
	int64_t i;
	const char *t;
};

static inline struct db_arg
db_arg_int(int64_t v)
{
	return (struct db_arg){ .kind = DB_ARG_INT, .i = v };
}

static inline struct db_arg
db_arg_text(const char *s)
{
	return (struct db_arg){ .kind = s ? DB_ARG_TEXT : DB_ARG_NULL, .t = s };
}

/* A NULL for a text column (a bare NULL is a void * and does not bind). */
#define DB_NULL ((const char *)NULL)

/* One value. int64_t is long on LP64 and long long on 32-bit ARM: both are
 * listed, as are the 32-bit ids (unsigned) and flags (bool). uint64_t is
 * not: a value above INT64_MAX has no faithful SQLite integer. */
#define DB_ARG(x) _Generic((x), \
	char *: db_arg_text, \
	const char *: db_arg_text, \
	bool: db_arg_int, \
	int: db_arg_int, \
	unsigned: db_arg_int, \
	long: db_arg_int, \
	long long: db_arg_int)(x)

/* DB_ARGS(a, b, c) -> an array of typed values and its length, the last
 * two arguments of db_run, db_prepare and api_rows. DB_NO_ARGS for none. */
#define DB_ARGS(...) \
	(const struct db_arg[]){ DB_MAP_(DB_NARGS_(__VA_ARGS__), __VA_ARGS__) }, \
	DB_NARGS_(__VA_ARGS__)
#define DB_NO_ARGS NULL, 0

#define DB_NARGS_(...) DB_NARGS_N_(__VA_ARGS__, 16, 15, 14, 13, 12, 11, 10, \
	9, 8, 7, 6, 5, 4, 3, 2, 1, 0)
#define DB_NARGS_N_(_1, _2, _3, _4, _5, _6, _7, _8, _9, _10, _11, _12, _13, \
	_14, _15, _16, N, ...) N
#define DB_CAT_(a, b) DB_CAT2_(a, b)
#define DB_CAT2_(a, b) a##b
#define DB_MAP_(n, ...) DB_CAT_(DB_M_, n)(__VA_ARGS__)
#define DB_M_1(a) DB_ARG(a)
#define DB_M_2(a, ...) DB_ARG(a), DB_M_1(__VA_ARGS__)
#define DB_M_3(a, ...) DB_ARG(a), DB_M_2(__VA_ARGS__)
#define DB_M_4(a, ...) DB_ARG(a), DB_M_3(__VA_ARGS__)
#define DB_M_5(a, ...) DB_ARG(a), DB_M_4(__VA_ARGS__)
#define DB_M_6(a, ...) DB_ARG(a), DB_M_5(__VA_ARGS__)
#define DB_M_7(a, ...) DB_ARG(a), DB_M_6(__VA_ARGS__)
#define DB_M_8(a, ...) DB_ARG(a), DB_M_7(__VA_ARGS__)
#define DB_M_9(a, ...) DB_ARG(a), DB_M_8(__VA_ARGS__)
#define DB_M_10(a, ...) DB_ARG(a), DB_M_9(__VA_ARGS__)
#define DB_M_11(a, ...) DB_ARG(a), DB_M_10(__VA_ARGS__)
#define DB_M_12(a, ...) DB_ARG(a), DB_M_11(__VA_ARGS__)
#define DB_M_13(a, ...) DB_ARG(a), DB_M_12(__VA_ARGS__)
#define DB_M_14(a, ...) DB_ARG(a), DB_M_13(__VA_ARGS__)
#define DB_M_15(a, ...) DB_ARG(a), DB_M_14(__VA_ARGS__)
#define DB_M_16(a, ...) DB_ARG(a), DB_M_15(__VA_ARGS__)

#endif
