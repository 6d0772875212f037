/*
 * test_web.c — the web admin's pure parts: who may act and see where
 * (authz.c), the strict form decoder (form.c), the JSON body check
 * (api_body.c), argon2id passwords (password.c) including a user made
 * in a real store, and the notice list's and history's search listings
 * (what a filter can and cannot reach).
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "web-admin/api_int.h"
#include "tests/unit/harness.h"
#include "web-admin/web_int.h"
#include "web-admin/web_int.h"

static struct web_principal
who(enum web_role r, const char *zone)
{
	struct web_principal p = { .role = r };

	snprintf(p.zone, sizeof(p.zone), "%s", zone);
	return p;
}

static void
test_authz(void)
{
	struct web_principal v = who(WEB_VILLAGE, "441202001001");
	struct web_principal t = who(WEB_TOWNSHIP, "441202001");
	struct web_principal c = who(WEB_COUNTY, "441202");
	struct web_principal root = who(WEB_COUNTY, "");

	CHECK(web_within(&v, "441202001001"), "a village cadre acts in their village");
	CHECK(!web_within(&v, "441202001002"), "not in the next village");
	CHECK(!web_within(&v, "441202001"), "not in their township");
	CHECK(web_sees(&v, "441202001"), "but sees the township's notices");
	CHECK(web_sees(&v, "441202"), "and the county's");
	CHECK(!web_sees(&v, "441202001002"), "not the next village's");
	CHECK(!web_sees(&v, "441202002"), "nor another township's");
	CHECK(!web_sees(&v, ""), "an empty zone is nobody's");
	CHECK(web_within(&t, "441202001002"), "a township cadre acts in its villages");
	CHECK(!web_within(&t, "441202002001"), "not in another township's");
	CHECK(!web_within(&t, "44120200"), "a prefix that is no zone is outside");
	CHECK(web_within(&c, "441202002001"), "county staff act in the whole county");
	CHECK(!web_within(&c, "441203001001"), "not in the next county");
	CHECK(web_within(&root, "441203001001"), "the machine's token acts everywhere");
	CHECK(!web_within(&v, NULL) && !web_sees(&v, NULL), "NULL is nowhere");
	/* A province's and a city's officers (GB/T 2260 nesting). */
	struct web_principal prov = who(WEB_COUNTY, "330000");
	struct web_principal city = who(WEB_COUNTY, "330100");
	struct web_principal dist = who(WEB_COUNTY, "330102");
	CHECK(web_within(&prov, "330102") && web_within(&prov, "330100") &&
	    web_within(&prov, "331082001001"), "a province holds its cities, "
	    "counties and villages");
	CHECK(!web_within(&prov, "340102") && !web_within(&prov, "3300"),
	    "not another province's, nor a code that is no zone");
	CHECK(web_within(&city, "330102001") && !web_within(&city, "330202") &&
	    !web_within(&city, "330000"), "a city holds its counties only");
	CHECK(!web_within(&dist, "330100") && !web_within(&dist, "330103"),
	    "a county holds neither its city nor its neighbour");
	CHECK(web_sees(&dist, "330000") && web_sees(&dist, "330100") &&
	    !web_sees(&dist, "330200"), "a county sees its province's and city's "
	    "pages, not another city's");
	struct web_principal c00 = who(WEB_COUNTY, "441200");
	CHECK(web_within(&c00, "441202") && !web_within(&c00, "441300"),
	    "a code ending 00 is a city's");
	CHECK(web_max_class(&v) == 0 && web_max_class(&t) == 1 &&
	    web_max_class(&c) == 2, "classes by role: village 0, township 1, county 2");
	CHECK(web_is_county(&c) && !web_is_county(&t), "county staff");
	CHECK(web_may_page(&c, false) && web_may_page(&root, false),
	    "county staff (and the machine) may page");
	CHECK(!web_may_page(&t, false) && web_may_page(&t, true),
	    "township staff only when [pages] township is on");
	CHECK(!web_may_page(&v, true), "village cadres never");
	CHECK(web_role_fits(WEB_VILLAGE, "441202001001") &&
	    !web_role_fits(WEB_VILLAGE, "441202001") &&
	    web_role_fits(WEB_TOWNSHIP, "441202001") &&
	    web_role_fits(WEB_COUNTY, "441202") &&
	    !web_role_fits(WEB_COUNTY, "441202001"), "roles fit zone lengths");
	CHECK(web_role_parse("township") == WEB_TOWNSHIP &&
	    web_role_parse("admin") < 0 && web_role_parse(NULL) < 0,
	    "role names");
}

static const char *
field(GHashTable *t, const char *name)
{
	return t ? g_hash_table_lookup(t, name) : NULL;
}

static void
test_form(void)
{
	char err[256];
	static const char good[] = "csrf=ab12&title=%E5%BC%80%E4%BC%9A&body=a+b%2Bc"
	    "&wd=1&wd=3&&empty=&flag";
	GHashTable *t = web_form_parse(good, strlen(good), err, sizeof(err));

	CHECK(t != NULL, "a normal form parses (%s)", t ? "" : err);
	CHECK_STREQ(field(t, "title"), "开会", "percent-encoded UTF-8");
	CHECK_STREQ(field(t, "body"), "a b+c", "+ is a space, %2B a plus");
	CHECK_STREQ(field(t, "wd"), "1,3", "a repeated name joins with ','");
	CHECK_STREQ(field(t, "empty"), "", "an empty value");
	CHECK_STREQ(field(t, "flag"), "", "a name without '='");
	if (t)
		g_hash_table_unref(t);

	static const struct { const char *in, *why; } bad[] = {
		{ "a=%00", "an escaped NUL" },
		{ "a=%E4%B8", "cut UTF-8" },
		{ "a=%ZZ", "a bad escape" },
		{ "a=%4", "a short escape" },
		{ "A=b", "an upper-case name" },
		{ "=b", "an empty name" },
		{ "a-b=c", "a name with '-'" },
		{ "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa=1", "a 33-byte name" },
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = '\0';
		t = web_form_parse(bad[i].in, strlen(bad[i].in), err, sizeof(err));
		CHECK(t == NULL && err[0], "refused: %s", bad[i].why);
		if (t)
			g_hash_table_unref(t);
	}
	static const char nul[] = "a=b\0c";
	t = web_form_parse(nul, sizeof(nul) - 1, err, sizeof(err));
	CHECK(t == NULL, "a raw NUL byte is refused");
	GString *many = g_string_new(NULL);
	for (int i = 0; i <= WEB_FORM_MAX_FIELDS; i++)
		g_string_append_printf(many, "f%d=1&", i);
	t = web_form_parse(many->str, many->len, err, sizeof(err));
	CHECK(t == NULL, "more than %d fields is refused", WEB_FORM_MAX_FIELDS);
	g_string_free(many, TRUE);
	t = web_form_parse("", 0, err, sizeof(err));
	CHECK(t && g_hash_table_size(t) == 0, "an empty body is an empty form");
	if (t)
		g_hash_table_unref(t);
}

/* What a Chinese keyboard types into a time, number or list field. */
static void
test_typed(void)
{
	static const struct { const char *in, *want; bool list; } cases[] = {
		{ "07：30，18：00", "07:30,18:00", true },
		{ "１２：００", "12:00", true },
		{ "０７：３０、１８：００", "07:30,18:00", true },
		{ "12:00, 18:30", "12:00,18:30", true },
		{ "12:00 18:30", "12:00,18:30", true },
		{ "12:00；18:30；", "12:00,18:30", true },
		{ "，12:00，，18:30", "12:00,18:30", true },
		{ "　１２：００　", "12:00", true },
		{ "１，３，５", "1,3,5", true },
		{ "１－５", "1-5", false },
		{ "２０２６－１２－０１ ０９：００", "2026-12-01 09:00", false },
		{ "2026—12—01", "2026-12-01", false },
		{ "３", "3", false },
		{ " 100 ", "100", false },
		{ "４４１２０２００１００１", "441202001001", false },
		{ "", "", false },
		{ "", "", true },
		/* What is not a digit or punctuation stays, for the API to
		 * refuse in its own words. */
		{ "十二点", "十二点", true },
		{ "25：99", "25:99", true },
	};

	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		char *got = web_fold_typed(cases[i].in, cases[i].list);
		CHECK_STREQ(got, cases[i].want, cases[i].in);
		g_free(got);
	}

	/* A form: only its typed fields fold, each as typed kept aside;
	 * a notice's text keeps its full-width punctuation. */
	const char *body = "times=07%EF%BC%9A30%EF%BC%8C18%EF%BC%9A00&body="
	    "%E5%BC%80%E4%BC%9A%EF%BC%9A9%E7%82%B9%E3%80%82&repeat=%EF%BC%93";
	char err[128];
	GHashTable *f = web_form_parse(body, strlen(body), err, sizeof(err));
	CHECK(f != NULL, "the form parses (%s)", f ? "" : err);
	if (f == NULL)
		return;
	web_form_fold(f);
	CHECK_STREQ(g_hash_table_lookup(f, "times"), "07:30,18:00",
	    "the times are folded");
	CHECK_STREQ(g_hash_table_lookup(f, "=times"), "07：30，18：00",
	    "and kept as typed");
	CHECK_STREQ(g_hash_table_lookup(f, "repeat"), "3", "a number is folded");
	CHECK_STREQ(g_hash_table_lookup(f, "body"), "开会：9点。",
	    "the text is not");
	CHECK(g_hash_table_lookup(f, "=body") == NULL, "nor kept twice");
	g_hash_table_unref(f);
}

/* An API error as a page shows it: Chinese, from its code and field. */
static void
test_error_zh(void)
{
	char m[512];

	web_error_zh("bad_field", "times", m, sizeof(m));
	CHECK_STREQ(m, "「几点播」的格式不对。例如：12:00,18:30", "a bad time, with an example");
	web_error_zh("in_the_past", "at", m, sizeof(m));
	CHECK(strstr(m, "已经过去") != NULL, "a time past: %s", m);
	web_error_zh("bad_role", "role", m, sizeof(m));
	CHECK(strstr(m, "角色") != NULL, "a role that does not fit: %s", m);
	web_error_zh("no_such_code", NULL, m, sizeof(m));
	CHECK(strstr(m, "没有办成") != NULL, "an unknown code still says it in Chinese: %s", m);
	web_error_zh(NULL, NULL, m, sizeof(m));
	CHECK(strstr(m, "没有办成") != NULL, "and no code at all");
	/* No Latin letter in any message but pinyin and URL examples. */
	static const char *const all[] = { "missing_field", "too_long",
	    "bad_zone", "forbidden", "exists", "never", "weak_password",
	    "too_many_tokens", "database", "internal", "disabled", "gone" };
	for (size_t i = 0; i < G_N_ELEMENTS(all); i++) {
		web_error_zh(all[i], "title", m, sizeof(m));
		bool latin = false;
		for (const char *p = m; *p; p++)
			latin |= (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z');
		CHECK(!latin, "%s is all Chinese: %s", all[i], m);
	}
	CHECK_STREQ(web_audit_action_zh("user.login"), "登录", "user.login");
	CHECK_STREQ(web_audit_action_zh("notice.add"), "新建通知", "notice.add");
	CHECK_STREQ(web_audit_action_zh("x.y"), "其他操作", "an unknown action");
	CHECK_STREQ(web_reason_fixed_zh("the notice was cancelled on air"),
	    "播到一半被停下了", "a reason");
	CHECK(web_reason_fixed_zh("something new") == NULL,
	    "an unknown reason is not guessed");
	CHECK_STREQ(web_word_zh("web"), "网页", "a page's source");
	struct web_ctx c = { .keep = g_ptr_array_new_with_free_func(g_free) };
	CHECK_STREQ(web_source_zh(&c, "web:10.0.0.5"), "网页 10.0.0.5", "a page's user");
	CHECK_STREQ(web_source_zh(&c, "api:::1"), "命令行或接口 ::1", "the CLI over IPv6");
	CHECK_STREQ(web_source_zh(&c, "10.0.0.9"), "10.0.0.9", "a box enrolling: its address");
	CHECK_STREQ(web_source_zh(&c, "cap"), "上级预警平台", "a page's origin");
	CHECK_STREQ(web_source_zh(&c, NULL), "本机", "none");
	g_ptr_array_free(c.keep, TRUE);
}

static void
test_body(void)
{
	JsonObject *o;
	const char *code;
	char msg[256];
	static const char ok[] = "{\"body\":\"明天\",\"repeat\":2}";

	CHECK(api_parse_body(ok, strlen(ok), &o, &code, msg, sizeof(msg)) == 0 &&
	    o && json_object_get_int_member(o, "repeat") == 2, "a JSON object");
	if (o)
		json_object_unref(o);
	static const struct { const char *in, *code, *why; } bad[] = {
		{ "[1]", "bad_json", "an array" },
		{ "{\"a\":", "bad_json", "cut JSON" },
		{ "{\"a\":\"\\u0000\"}", "bad_text", "an escaped NUL" },
		{ "{\"a\":\"\xe4\xb8\"}", "bad_json", "invalid UTF-8" },
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		CHECK(api_parse_body(bad[i].in, strlen(bad[i].in), &o, &code, msg,
		    sizeof(msg)) == -1 && o == NULL && strcmp(code, bad[i].code) == 0,
		    "refused: %s (%s)", bad[i].why, code);
	char *big = g_malloc0(API_MAX_BODY + 2);
	memset(big, ' ', API_MAX_BODY + 1);
	CHECK(api_parse_body(big, API_MAX_BODY + 1, &o, &code, msg, sizeof(msg)) ==
	    -1 && strcmp(code, "too_large") == 0, "a body over the limit");
	g_free(big);
}

static void
test_passwords(void)
{
	char hash[DB_PWHASH_MAX + 1], pw[17], pw2[17], err[256], gen[32];
	int64_t id;

	CHECK(web_password_hash("correct horse", hash) == 0 &&
	    strncmp(hash, "$argon2id$", 10) == 0, "an argon2id string");
	CHECK(crypto_pwhash_str_verify(hash, "correct horse", 13) == 0,
	    "it verifies the password");
	CHECK(crypto_pwhash_str_verify(hash, "correct hors", 12) != 0,
	    "and no other");
	web_password_generate(pw, sizeof(pw));
	web_password_generate(pw2, sizeof(pw2));
	CHECK(strlen(pw) == 16 && strspn(pw, "abcdefghjkmnpqrstuvwxyz23456789") ==
	    16, "a generated password: 16 unambiguous characters");
	CHECK(strcmp(pw, pw2) != 0, "and a different one each time");

	char path[] = "/tmp/dalaba-test-web-XXXXXX";
	int fd = mkstemp(path);
	close(fd);
	unlink(path);
	struct db *db = db_open(path, err, sizeof(err));
	CHECK(db != NULL, "store opens (%s)", db ? "" : err);
	if (db == NULL)
		return;
	db_zone_add(db, "441202", "县", err, sizeof(err));
	db_zone_add(db, "441202001001", "村", err, sizeof(err));
	CHECK(web_user_create(db, "admin", "county", "441202", NULL, gen,
	    sizeof(gen), &id, err, sizeof(err)) == 0 && strlen(gen) == 16,
	    "a user with a generated password");
	struct db_user u;
	CHECK(db_user_by_name(db, "admin", &u) == 1 &&
	    crypto_pwhash_str_verify(u.pw_hash, gen, strlen(gen)) == 0 &&
	    strstr(u.pw_hash, gen) == NULL, "stored as a hash of it, not it");
	CHECK(web_user_create(db, "v", "county", "441202001001", "longenough",
	    NULL, 0, &id, err, sizeof(err)) != 0, "a role that does not fit: %s",
	    err);
	CHECK(web_user_create(db, "v", "village", "441202001001", "short", NULL,
	    0, &id, err, sizeof(err)) != 0, "a short password: %s", err);
	CHECK(web_user_create(db, "admin", "village", "441202001001",
	    "longenough", NULL, 0, &id, err, sizeof(err)) != 0,
	    "a name taken already");
	CHECK(db_session_add(db, "aa", 1, "c", 0, "x") != 0,
	    "the schema refuses a session that is no hash");
	char h[65], csrf[33];
	memset(h, 'a', 64);
	h[64] = '\0';
	int64_t uid = 0;
	CHECK(db_session_add(db, h, u.id, "0123456789abcdef0123456789abcdef",
	    2000000000, "test") == 0 && db_session_get(db, h, 1000, &uid, csrf) ==
	    1 && uid == u.id, "a session is found by its hash");
	CHECK(db_session_get(db, h, 2000000001, &uid, csrf) == 0,
	    "and not after it expires");
	CHECK(db_user_disable(db, u.id, err, sizeof(err)) == 0 &&
	    db_session_get(db, h, 1000, &uid, csrf) == 0,
	    "disabling a user ends their sessions");
	db_close(db);
	unlink(path);
}

/* The ids a listing gives, comma-separated, into out. */
struct ids {
	char out[256];
};

static void
ids_row(void *arg)
{
	(void)arg;
}

static void
ids_cell(void *arg, const struct db_cell *c)
{
	struct ids *x = arg;

	if (strcmp(c->name, "id") == 0 && c->type == DB_CELL_INT)
		snprintf(x->out + strlen(x->out), sizeof(x->out) - strlen(x->out),
		    "%s%lld", x->out[0] ? "," : "", (long long)c->i);
}

static const char *
found(struct db *db, enum db_list which, const struct db_arg *args,
    int nargs, struct ids *x)
{
	static const struct db_list_fn fn = { ids_row, ids_cell };
	char err[256];

	x->out[0] = '\0';
	if (db_list(db, which, args, nargs, &fn, x, err, sizeof(err)) != 0)
		snprintf(x->out, sizeof(x->out), "error: %.200s", err);
	return x->out;
}

/* The search listings: text matched as typed, the state and zone
 * filters, and the caller's zone applied whatever the filter asks. */
static void
test_find(void)
{
	char path[] = "/tmp/dalaba-test-find-XXXXXX", err[256];
	int fd = mkstemp(path);
	struct ids x;

	close(fd);
	unlink(path);
	struct db *db = db_open(path, err, sizeof(err));
	CHECK(db != NULL, "store opens (%s)", db ? "" : err);
	if (db == NULL)
		return;
	db_zone_add(db, "441202", "县", err, sizeof(err));
	db_zone_add(db, "441202001", "甲镇", err, sizeof(err));
	db_zone_add(db, "441202001001", "一村", err, sizeof(err));
	db_zone_add(db, "441202001002", "二村", err, sizeof(err));
	const char *const zones[] = { "441202001001", "441202001002",
	    "441202001", "441202001001" };
	const char *const bodies[] = { "明天停水。", "二村修路。", "全镇开会。",
	    "打折100%_优惠" };
	int64_t id[4], b;
	for (int i = 0; i < 4; i++) {
		struct db_notice n = { .body = bodies[i], .repeat = 1,
		    .zone = zones[i], .priority = i == 2 };
		CHECK(db_notice_add(db, &n, &id[i], err, sizeof(err)) == 0,
		    "notice %d stored (%s)", i, err);
	}
	CHECK(db_notice_cancel(db, id[3], err, sizeof(err)) == 0, "one cancelled");
	CHECK(db_slot_claim(db, id[0], 0, 1000, 80, NULL, &b, err, sizeof(err)) == 1 &&
	    db_slot_finish(db, b, "aired", NULL, err, sizeof(err)) == 0,
	    "one aired (%s)", err);

	const char *v = "441202001001";	/* the village cadre's zone */
	CHECK(strcmp(found(db, DB_LIST_NOTICES_FIND, DB_ARGS("", v, "", (int64_t)-1,
	    (int64_t)500), &x), "4,3,1") == 0, "a village sees its own and its "
	    "township's, not the other village's: %s", x.out);
	CHECK(strcmp(found(db, DB_LIST_NOTICES_FIND, DB_ARGS("441202001002", v,
	    "", (int64_t)-1, (int64_t)500), &x), "") == 0, "asking for the other "
	    "village gives nothing: %s", x.out);
	CHECK(strcmp(found(db, DB_LIST_NOTICES_FIND, DB_ARGS("", v, "修路",
	    (int64_t)-1, (int64_t)500), &x), "") == 0, "nor does searching its "
	    "text: %s", x.out);
	CHECK(strcmp(found(db, DB_LIST_NOTICES_FIND, DB_ARGS("", "441202", "修路",
	    (int64_t)-1, (int64_t)500), &x), "2") == 0, "the county finds it by "
	    "its text: %s", x.out);
	CHECK(strcmp(found(db, DB_LIST_NOTICES_FIND, DB_ARGS("", "441202", "%",
	    (int64_t)-1, (int64_t)500), &x), "4") == 0 && strcmp(found(db,
	    DB_LIST_NOTICES_FIND, DB_ARGS("", "441202", "_", (int64_t)-1,
	    (int64_t)500), &x), "4") == 0, "'%%' and '_' match only themselves: %s",
	    x.out);
	CHECK(strcmp(found(db, DB_LIST_NOTICES_FIND, DB_ARGS("", "441202", "",
	    (int64_t)1, (int64_t)500), &x), "4") == 0 && strcmp(found(db,
	    DB_LIST_NOTICES_FIND, DB_ARGS("", "441202", "", (int64_t)0,
	    (int64_t)2), &x), "3,2") == 0, "cancelled or live, and the limit: %s",
	    x.out);
	CHECK(strcmp(found(db, DB_LIST_NOTICES_FIND, DB_ARGS("441202001001",
	    "441202", "", (int64_t)-1, (int64_t)500), &x), "4,1") == 0,
	    "the zone filter: what was sent to that village: %s", x.out);

	CHECK(strcmp(found(db, DB_LIST_BROADCASTS_FIND, DB_ARGS(v, "", (int64_t)0,
	    (int64_t)0, "aired", "停水", (int64_t)200), &x), "1") == 0,
	    "history: by outcome and text: %s", x.out);
	CHECK(strcmp(found(db, DB_LIST_BROADCASTS_FIND, DB_ARGS("441202001002", "",
	    (int64_t)0, (int64_t)0, "", "", (int64_t)200), &x), "") == 0,
	    "the other village's history has none of it: %s", x.out);
	CHECK(strcmp(found(db, DB_LIST_BROADCASTS_FIND, DB_ARGS(v, "", (int64_t)1001,
	    (int64_t)0, "", "", (int64_t)200), &x), "") == 0 && strcmp(found(db,
	    DB_LIST_BROADCASTS_FIND, DB_ARGS(v, "", (int64_t)1000, (int64_t)1001,
	    "", "", (int64_t)200), &x), "1") == 0, "by its slot's day: %s", x.out);
	CHECK(strcmp(found(db, DB_LIST_BROADCASTS_FIND, DB_ARGS(v, "", (int64_t)0,
	    (int64_t)0, "pending", "", (int64_t)200), &x), "") == 0,
	    "nothing is still waiting: %s", x.out);
	db_close(db);
	unlink(path);
}

/* The limiter on a fake clock: guessing is slowed, nobody is locked out. */
static void
test_limiter(void)
{
	struct web_limiter *l = web_limiter_new();
	int delay, wait;
	int64_t t = 1000;

	for (int i = 0; i < 3; i++) {
		CHECK(web_limiter_check(l, "admin", "10.0.0.9", t, &delay) == 0 &&
		    delay == 0, "try %d of admin from 10.0.0.9 goes ahead", i + 1);
		web_limiter_failed(l, "admin", "10.0.0.9", t);
	}
	wait = web_limiter_check(l, "admin", "10.0.0.9", t, &delay);
	CHECK(wait == 5, "after 3 failures it waits 5 s (%d)", wait);
	CHECK(web_limiter_check(l, "admin", "10.0.0.7", t, &delay) == 0 &&
	    delay == 0, "the right password from another source goes ahead");
	CHECK(web_limiter_check(l, "zhang", "10.0.0.9", t, &delay) == 0,
	    "another name from the guessing source too (a shared office)");
	t += 5;
	CHECK(web_limiter_check(l, "admin", "10.0.0.9", t, &delay) == 0,
	    "5 s later it may try again");
	web_limiter_failed(l, "admin", "10.0.0.9", t);
	wait = web_limiter_check(l, "admin", "10.0.0.9", t, &delay);
	CHECK(wait == 10, "then the wait doubles (%d)", wait);
	for (int i = 0; i < 12; i++) {
		t += 1000;
		web_limiter_failed(l, "admin", "10.0.0.9", t);
	}
	wait = web_limiter_check(l, "admin", "10.0.0.9", t, &delay);
	CHECK(wait == 15 * 60, "and stops growing at 15 minutes (%d)", wait);
	web_limiter_succeeded(l, "admin", "10.0.0.9");
	CHECK(web_limiter_check(l, "admin", "10.0.0.9", t, &delay) == 0,
	    "a login that succeeds there clears its wait");

	/* Tries are counted when they start; a right one is taken back, so
	 * that an office logging in forty times a day never waits. */
	struct web_limiter *r = web_limiter_new();
	for (int i = 0; i < 40; i++) {
		CHECK(web_limiter_check(r, "zhang", "10.1.0.1", 7000 + i, &delay) == 0 &&
		    delay == 0, "right login %d from an office goes ahead at once", i + 1);
		web_limiter_failed(r, "zhang", "10.1.0.1", 7000 + i);
		web_limiter_refund(r, "zhang", "10.1.0.1", 7000 + i);
	}
	for (int i = 0; i < 3; i++)
		web_limiter_failed(r, "li", "10.1.0.1", 7100);
	CHECK(web_limiter_check(r, "li", "10.1.0.1", 7100, &delay) == 5,
	    "wrong ones counted before they finish still earn the wait");
	web_limiter_refund(r, "zhang", "10.1.0.1", 7100);
	CHECK(web_limiter_check(r, "li", "10.1.0.1", 7100, &delay) == 5,
	    "and another name's refund does not clear it");
	web_limiter_free(r);

	/* A guess spread over many sources slows the name for all, a little. */
	struct web_limiter *m = web_limiter_new();
	char src[32];
	for (int i = 0; i < 30; i++) {
		snprintf(src, sizeof(src), "10.1.0.%d", i);
		web_limiter_failed(m, "duty", src, 5000);
	}
	wait = web_limiter_check(m, "duty", "10.2.0.1", 5000, &delay);
	CHECK(wait == 0 && delay > 0 && delay <= 5000, "30 sources failing on a "
	    "name: a new source still tries, after %d ms", delay);
	wait = web_limiter_check(m, "duty", "10.2.0.1", 5000 + 601, &delay);
	CHECK(wait == 0 && delay == 0, "ten quiet minutes later, no delay");

	/* One source spraying names waits too, past 30 failures. */
	for (int i = 0; i < 31; i++) {
		snprintf(src, sizeof(src), "user%d", i);
		web_limiter_failed(m, src, "10.3.0.1", 9000);
	}
	CHECK(web_limiter_check(m, "someone", "10.3.0.1", 9000, &delay) > 0,
	    "a source that failed on 31 names waits, whatever name it tries");
	CHECK(web_limiter_check(m, "someone", "10.3.0.2", 9000, &delay) == 0,
	    "its neighbour does not");

	/* Bounded: a spray of 100000 names and sources does not grow it for
	 * ever, and what earned a wait is kept. */
	for (int i = 0; i < 10; i++)
		web_limiter_failed(m, "victim", "10.9.9.9", 20000);
	for (int i = 0; i < 100000; i++) {
		snprintf(src, sizeof(src), "n%d", i);
		web_limiter_failed(m, src, src, 20000 + i / 1000);
	}
	CHECK(web_limiter_size(m) < 40000, "a spray of 100000 stays bounded "
	    "(%zu entries)", web_limiter_size(m));
	CHECK(web_limiter_check(m, "victim", "10.9.9.9", 20100, &delay) > 0,
	    "and the pair that earned a wait still waits");
	web_limiter_free(m);
	web_limiter_free(l);
}

/* zone_pick.c: what is chosen (none inside another, none outside the
 * user's area or unknown), and the chooser narrowed by a search keeping
 * what it hides. */
static void
test_zone_pick(void)
{
	static const char zj[] = "[{\"code\":\"441203\",\"name\":\"示范县\"},"
	    "{\"code\":\"441203001\",\"name\":\"甲镇\"},"
	    "{\"code\":\"441203001001\",\"name\":\"甲镇一村\"},"
	    "{\"code\":\"441203001002\",\"name\":\"白沙村\"},"
	    "{\"code\":\"441203002\",\"name\":\"乙镇\"},"
	    "{\"code\":\"441203002001\",\"name\":\"乙镇一村\"},"
	    "{\"code\":\"441299001001\",\"name\":\"外县村\"}]";
	JsonNode *zn = json_from_string(zj, NULL);
	JsonArray *zones = json_node_get_array(zn);
	struct web_ctx c = { .keep = g_ptr_array_new_with_free_func(g_free),
	    .who = { .role = WEB_COUNTY, .zone = "441203" } };

	c.form = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
	g_hash_table_insert(c.form, g_strdup("zone"), g_strdup("441203001,"
	    "441203001002,441203002001,441299001001,999,"));
	GPtrArray *t = web_zone_ticked(&c, zones, "zone");
	CHECK(t->len == 2 && strcmp(g_ptr_array_index(t, 0), "441203001") == 0 &&
	    strcmp(g_ptr_array_index(t, 1), "441203002001") == 0,
	    "chosen: the township and the village of another, in code order "
	    "(%u)", t->len);
	GString *g = g_string_new(NULL);
	web_zone_pick_summary(&c, g, zones, t);
	CHECK(strstr(g->str, "选了 2 处：1 个镇、1 个村") && strstr(g->str,
	    ">3</strong>"), "the summary counts them and the villages: %s", g->str);
	g_string_truncate(g, 0);
	g_hash_table_insert(c.form, g_strdup("zq"), g_strdup(" 白沙 "));
	web_zone_pick(&c, g, zones, "zone", "/pages/new", t);
	CHECK(strstr(g->str, "value=\"441203001002\" checked disabled") != NULL,
	    "白沙村 found, ticked and greyed inside its ticked township");
	CHECK(strstr(g->str, "乙镇一村") == NULL && strstr(g->str, "<input type="
	    "\"hidden\" name=\"zone\" value=\"441203002001\">") != NULL,
	    "乙镇一村 hidden by the search, its tick kept");
	CHECK(strstr(g->str, "全县") && strstr(g->str, "value=\"441203001\" checked>"),
	    "全县 offered, 甲镇 ticked");
	CHECK(strstr(g->str, "外县村") == NULL, "nothing outside the user's area");
	g_string_truncate(g, 0);
	g_hash_table_remove(c.form, "zq");
	c.who.role = WEB_TOWNSHIP;
	snprintf(c.who.zone, sizeof(c.who.zone), "441203002");
	GPtrArray *t2 = web_zone_ticked(&c, zones, "zone");
	web_zone_pick(&c, g, zones, "zone", "/pages/new", t2);
	CHECK(t2->len == 1 && strstr(g->str, "全县") == NULL && strstr(g->str,
	    "value=\"441203001\"") == NULL && strstr(g->str, "整个乙镇"),
	    "a township's cadre: their own township only");
	g_string_free(g, TRUE);
	g_ptr_array_unref(t);
	g_ptr_array_unref(t2);
	g_hash_table_unref(c.form);
	g_ptr_array_free(c.keep, TRUE);
	json_node_unref(zn);
}

int
main(void)
{
	if (sodium_init() < 0)
		return 1;
	test_authz();
	test_form();
	test_typed();
	test_error_zh();
	test_body();
	test_passwords();
	test_find();
	test_limiter();
	test_zone_pick();
	return t_done();
}
