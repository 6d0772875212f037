// tests/web/authz.mjs — the authorisation matrix: every endpoint x role
// (county, township, village) x a zone of their own / someone else's x
// credential (none, session without CSRF token, session with it, the
// user's API token). Each cell states the one allowed outcome. Objects
// are made fresh for each cell with the machine's token, and refused
// writes are checked to have changed nothing.
// Env: URL, TOKEN (state/api.token), passwords as in tests/e2e/11_web.sh.
const URL = process.env.URL, ROOT = process.env.TOKEN;
let pass = 0, fail = 0;
function check(what, cond, detail) {
	if (cond) { pass++; console.log(`ok - ${what}`); }
	else { fail++; console.log(`FAIL - ${what}${detail ? ': ' + detail : ''}`); }
}

async function call(method, path, body, how) {
	const h = {};
	if (how.bearer) h.Authorization = `Bearer ${how.bearer}`;
	if (how.cookie) h.Cookie = how.cookie;
	if (how.csrf) h['X-CSRF-Token'] = how.csrf;
	if (body !== undefined) h['Content-Type'] = 'application/json';
	const r = await fetch(`${URL}/api/v1/${path}`, { method, headers: h,
	    body: body === undefined ? undefined : JSON.stringify(body) });
	const text = await r.text();
	let json = null;
	try { json = JSON.parse(text); } catch { /* audio and the like */ }
	return { status: r.status, json };
}
const root = { bearer: ROOT };
let seq = 0;
const uniq = () => `${process.pid % 1000}${++seq}`;

async function login(name, password) {
	const r = await fetch(`${URL}/api/v1/login`, { method: 'POST',
	    headers: { 'Content-Type': 'application/json' },
	    body: JSON.stringify({ name, password }) });
	const cookie = (r.headers.get('set-cookie') || '').split(';')[0];
	const me = await r.json();
	const t = await call('POST', 'tokens', { label: 'matrix' }, { cookie, csrf: me.csrf });
	return { cookie, csrf: me.csrf, token: t.json && t.json.token, status: r.status };
}

// Zones: where each role works, a village inside that, and a village
// outside it.
const roles = {
	county: { user: 'admin', pw: 'admin-pass-1', zone: '441202', own: '441202002001', other: '441203001001', up: null },
	township: { user: 'zhen1', pw: 'town-pass-1', zone: '441202001', own: '441202001002', other: '441202002001', up: '441202' },
	village: { user: 'cun1', pw: 'cadre-pass-1', zone: '441202001001', own: '441202001001', other: '441202001002', up: '441202001' },
};

// Fixtures, made with the machine's token.
async function notice(zone, extra = {}) {
	const r = await call('POST', 'notices', { body: `测试通知${uniq()}`, zone, ...extra }, root);
	return r.json.id;
}
async function schedule(n) {
	const r = await call('POST', 'schedules', { notice: n, kind: 'daily', times: '12:00' }, root);
	return r.json.id;
}
let spkId = 5000;
async function speaker(zone) {
	const id = ++spkId;
	await call('POST', 'speakers', { id, zone, name: `spk${id}` }, root);
	return id;
}
async function user(zone) {
	const r = await call('POST', 'users', { name: `u${uniq()}`, role: 'village', zone }, root);
	return r.json.id;
}
// A page that stays on the air for minutes (one text: rendered once).
const PAGE_TEXT = '矩阵测试：这是一条很长的紧急广播，请大家注意收听，不要惊慌，听从安排。';
async function page(zone) {
	const r = await call('POST', 'pages', { text: PAGE_TEXT, zones: [zone], repeat: 10, expires_minutes: 10 }, root);
	return r.json.id;
}
const pageState = async id => (await call('GET', `pages/${id}`, undefined, root)).json.state;
const newestPage = async () => ((await call('GET', 'pages', undefined, root)).json[0] || {}).id || 0;
const live = async n => (await call('GET', `notices/${n}`, undefined, root)).json.cancelled_at === null;
const bodyOf = async n => (await call('GET', `notices/${n}`, undefined, root)).json.body;

const labelled = (label, f) => Object.assign(f, { label });
const is = code => labelled(String(code), r => r.status === code);
const has = (key, id) => labelled(`200 listing ${key} ${id}`, r => r.status === 200 && Array.isArray(r.json) && r.json.some(x => x[key] === id));
const lacks = (key, id) => labelled(`200 without ${key} ${id}`, r => r.status === 200 && Array.isArray(r.json) && !r.json.some(x => x[key] === id));
const C = (county, township, village) => ({ county, township, village });
const same = e => C(e, e, e);

// Each case: setup(zone, role) -> context; request(ctx) -> [method, path, body];
// expect[role][side] -> predicate; after(ctx) -> true if nothing changed
// when the request was refused.
const cases = [
	{ name: 'GET notices/ID', setup: async z => ({ n: await notice(z) }),
	  req: x => ['GET', `notices/${x.n}`], own: same(is(200)), other: same(is(404)) },
	{ name: 'GET notices (list)', setup: async z => ({ n: await notice(z) }),
	  req: () => ['GET', 'notices'], own: same(x => has('id', x.n)), other: same(x => lacks('id', x.n)), ctxPred: true },
	{ name: 'GET notices/ID of the area above (seen, not changed)', setup: async (z, r) => ({ n: r.up ? await notice(r.up) : await notice(z) }),
	  req: x => ['GET', `notices/${x.n}`], own: same(is(200)), other: same(is(200)), sides: ['own'] },
	{ name: 'POST notices', setup: async z => ({ z }),
	  req: x => ['POST', 'notices', { body: '明天停水', zone: x.z }], own: same(is(201)), other: same(is(403)) },
	{ name: 'POST notices class=county', setup: async z => ({ z }),
	  req: x => ['POST', 'notices', { body: '县里通知', zone: x.z, class: 'county' }], own: C(is(201), is(403), is(403)), other: same(is(403)) },
	{ name: 'POST notices class=township', setup: async z => ({ z }),
	  req: x => ['POST', 'notices', { body: '镇里通知', zone: x.z, class: 'township' }], own: C(is(201), is(201), is(403)), other: same(is(403)) },
	{ name: 'POST notices/ID (edit)', setup: async z => { const n = await notice(z); return { n, before: await bodyOf(n) }; },
	  req: x => ['POST', `notices/${x.n}`, { body: '改过的通知', zone: x.zone }],
	  own: same(is(200)), other: same(is(404)), after: async x => (await bodyOf(x.n)) === x.before },
	{ name: 'POST notices/ID/cancel', setup: async z => ({ n: await notice(z) }),
	  req: x => ['POST', `notices/${x.n}/cancel`], own: same(is(200)), other: same(is(404)), after: async x => live(x.n) },
	{ name: 'POST notices/ID/cancel of the area above', setup: async (z, r) => ({ n: await notice(r.up || '441203') }),
	  req: x => ['POST', `notices/${x.n}/cancel`], own: C(is(404), is(403), is(403)), other: same(is(404)), sides: ['own'], after: async x => live(x.n) },
	{ name: 'POST schedules', setup: async z => ({ n: await notice(z) }),
	  req: x => ['POST', 'schedules', { notice: x.n, kind: 'daily', times: '07:30' }], own: same(is(201)), other: same(is(404)) },
	{ name: 'DELETE schedules/ID', setup: async z => { const n = await notice(z); return { n, s: await schedule(n) }; },
	  req: x => ['DELETE', `schedules/${x.s}`], own: same(is(200)), other: same(is(404)) },
	{ name: 'GET schedules', setup: async z => { const n = await notice(z); return { n, s: await schedule(n) }; },
	  req: () => ['GET', 'schedules'], own: same(x => has('id', x.s)), other: same(x => lacks('id', x.s)), ctxPred: true },
	{ name: 'GET timetable', setup: async z => { const n = await notice(z); return { n, s: await schedule(n) }; },
	  req: () => ['GET', 'timetable?days=2'], own: same(x => has('notice', x.n)), other: same(x => lacks('notice', x.n)), ctxPred: true },
	{ name: 'GET broadcasts?notice=ID', setup: async z => ({ n: await notice(z) }),
	  req: x => ['GET', `broadcasts?notice=${x.n}`], own: same(is(200)), other: same(is(200)) },
	{ name: 'GET speakers', setup: async z => ({ s: await speaker(z) }),
	  req: () => ['GET', 'speakers'], own: same(x => has('id', x.s)), other: same(x => lacks('id', x.s)), ctxPred: true },
	{ name: 'POST speakers', setup: async z => ({ z, id: ++spkId }),
	  req: x => ['POST', 'speakers', { id: x.id, zone: x.z }], own: same(is(201)), other: same(is(403)) },
	{ name: 'POST speakers/ID/token', setup: async z => ({ s: await speaker(z) }),
	  req: x => ['POST', `speakers/${x.s}/token`], own: same(is(200)), other: same(is(404)) },
	{ name: 'GET zones', setup: async z => ({ z }),
	  req: () => ['GET', 'zones'], own: same(x => has('code', x.z)), other: same(x => lacks('code', x.z)), ctxPred: true },
	{ name: 'POST zones', setup: async z => ({ code: z.slice(0, 9) + String(100 + (seq++ % 800)).padStart(3, '0') }),
	  req: x => ['POST', 'zones', { code: x.code, name: '新村' }], own: C(is(201), is(403), is(403)), other: same(is(403)) },
	{ name: 'GET users', setup: async () => ({}),
	  req: () => ['GET', 'users'], own: C(is(200), is(403), is(403)), other: C(is(200), is(403), is(403)), sides: ['own'] },
	{ name: 'POST users', setup: async z => ({ z }),
	  req: x => ['POST', 'users', { name: `n${uniq()}`, role: 'village', zone: x.z }], own: C(is(201), is(403), is(403)), other: same(is(403)) },
	{ name: 'POST users/ID/disable', setup: async z => ({ u: await user(z) }),
	  req: x => ['POST', `users/${x.u}/disable`], own: C(is(200), is(403), is(403)), other: C(is(404), is(403), is(403)) },
	{ name: 'GET audit', setup: async () => ({}),
	  req: () => ['GET', 'audit'], own: C(is(200), is(403), is(403)), other: C(is(200), is(403), is(403)), sides: ['own'] },
	{ name: 'GET lexicon', setup: async () => ({}),
	  req: () => ['GET', 'lexicon'], own: same(is(200)), other: same(is(200)), sides: ['own'] },
	{ name: 'POST lexicon', setup: async () => ({}),
	  req: () => ['POST', 'lexicon', { word: '大喇叭', pinyin: 'da4 la3 ba5' }], own: C(is(200), is(403), is(403)), other: same(is(403)), sides: ['own'] },
	{ name: 'POST pages', setup: async z => ({ z, before: await newestPage() }),
	  req: x => ['POST', 'pages', { text: PAGE_TEXT, zones: [x.z], expires_minutes: 1 }],
	  own: C(is(201), is(403), is(403)), other: same(is(403)), after: async x => (await newestPage()) === x.before },
	{ name: 'GET pages/ID', setup: async z => ({ p: await page(z) }),
	  req: x => ['GET', `pages/${x.p}`], own: same(is(200)), other: same(is(404)) },
	{ name: 'GET pages (list)', setup: async z => ({ p: await page(z) }),
	  req: () => ['GET', 'pages'], own: same(x => has('id', x.p)), other: same(x => lacks('id', x.p)), ctxPred: true },
	{ name: 'POST pages/ID/cancel', setup: async z => ({ p: await page(z) }),
	  req: x => ['POST', `pages/${x.p}/cancel`], own: C(is(200), is(403), is(403)), other: same(is(404)),
	  after: async x => (await pageState(x.p)) === 'active' },
	{ name: 'GET status', setup: async () => ({}),
	  req: () => ['GET', 'status'], own: same(is(200)), other: same(is(200)), sides: ['own'] },
	{ name: 'GET me', setup: async () => ({}),
	  req: () => ['GET', 'me'], own: same(is(200)), other: same(is(200)), sides: ['own'] },
];

const creds = {};
for (const [r, v] of Object.entries(roles)) {
	creds[r] = await login(v.user, v.pw);
	check(`${r} logs in and gets a personal API token`, creds[r].status === 200 && creds[r].token, JSON.stringify(creds[r]));
}

for (const c of cases) {
	for (const [role, rv] of Object.entries(roles)) {
		for (const side of c.sides || ['own', 'other']) {
			const zone = rv[side];
			const modes = [['no credentials', {}], ['session, no CSRF token', { cookie: creds[role].cookie }],
			    ['session + CSRF token', { cookie: creds[role].cookie, csrf: creds[role].csrf }],
			    ['user API token', { bearer: creds[role].token }]];
			for (const [mname, how] of modes) {
				const x = await c.setup(zone, rv);
				x.zone = zone;
				const [method, path, body] = c.req(x);
				const isWrite = method !== 'GET';
				if (!isWrite && mname === 'session, no CSRF token') continue;
				const r = await call(method, path, body, how);
				let want, ok;
				if (mname === 'no credentials') { want = '401'; ok = r.status === 401; }
				else if (isWrite && mname === 'session, no CSRF token') { want = '403 csrf'; ok = r.status === 403 && r.json?.error?.code === 'csrf'; }
				else {
					const pred = c[side][role];
					const p = c.ctxPred ? pred(x) : pred;
					want = p.label;
					ok = p(r);
				}
				if (ok && r.status >= 400 && c.after)
					ok = await c.after(x);
				check(`${c.name} · ${role} · ${side} zone · ${mname}: ${want}`, ok, `got ${r.status} ${JSON.stringify(r.json)?.slice(0, 160)}`);
			}
		}
	}
}

// A session ends at logout; a disabled user's session and token stop working.
const v = creds.village;
const lo = await call('POST', 'logout', undefined, { cookie: v.cookie, csrf: v.csrf });
check('logout ends the session', lo.status === 200 && (await call('GET', 'me', undefined, { cookie: v.cookie })).status === 401);
const tmp = await call('POST', 'users', { name: `tmp${uniq()}`, role: 'village', zone: '441202001001', password: 'temp-pass-1' }, root);
const t = await login(tmp.json.name, 'temp-pass-1');
await call('POST', `users/${tmp.json.id}/disable`, undefined, root);
check('a disabled user\'s session stops working', (await call('GET', 'me', undefined, { cookie: t.cookie })).status === 401);
check('a disabled user\'s API token stops working', (await call('GET', 'me', undefined, { bearer: t.token })).status === 401);
check('a disabled user cannot log in', (await login(tmp.json.name, 'temp-pass-1')).status === 401);
// Passwords: your own needs the current one; county staff reset others'
// (a generated one, shown once), which ends that user's sessions.
const pu = await call('POST', 'users', { name: `pw${uniq()}`, role: 'village', zone: '441202001001', password: 'first-pass-1' }, root);
const ps = await login(pu.json.name, 'first-pass-1');
const own = (b, how = { cookie: ps.cookie, csrf: ps.csrf }) => call('POST', `users/${pu.json.id}/password`, b, how);
let r1 = await own({ password: 'second-pass-2' });
check('changing your own password needs the current one', r1.status === 400 && r1.json?.error?.code === 'missing_field', JSON.stringify(r1.json));
r1 = await own({ password: 'second-pass-2', current: 'wrong-pass-0' });
check('a wrong current password is refused', r1.status === 403);
r1 = await own({ password: 'second-pass-2', current: 'first-pass-1' });
check('the right one changes it', r1.status === 200 && (await login(pu.json.name, 'second-pass-2')).status === 200);
check('and the session that changed it goes on', (await call('GET', 'me', undefined, { cookie: ps.cookie })).status === 200);
r1 = await call('POST', `users/${pu.json.id}/password`, undefined, { cookie: creds.township.cookie, csrf: creds.township.csrf });
check('a township cadre cannot reset another user\'s password', r1.status === 403);
r1 = await call('POST', `users/${pu.json.id}/password`, undefined, { cookie: creds.county.cookie, csrf: creds.county.csrf });
check('county staff reset it to a generated one, shown once', r1.status === 200 && /^[a-z0-9]{16}$/.test(r1.json.password || ''), JSON.stringify(r1.json));
check('which ends the user\'s sessions', (await call('GET', 'me', undefined, { cookie: ps.cookie })).status === 401);
check('and the new password works', (await login(pu.json.name, r1.json.password)).status === 200);
// Login rate limiting: three failures of a name from one source, then a
// wait (refused before hashing, with Retry-After); 17_logins covers the rest.
const name = `nobody${uniq()}`;
const codes = [];
for (let i = 0; i < 7; i++) {
	const r = await fetch(`${URL}/api/v1/login`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ name, password: 'x' + i }) });
	codes.push(r.status + (r.status === 429 && r.headers.get('retry-after') ? '+wait' : ''));
}
check('logins from one source wait after three failures', codes.slice(0, 3).every(c => c === '401') && codes.slice(3).every(c => c === '429+wait'), codes.join(','));
// A forged or stale cookie is nobody.
check('a made-up session cookie is refused', (await call('GET', 'me', undefined, { cookie: 'dalaba_session=' + 'a'.repeat(64) })).status === 401);
check('a bad bearer token is not rescued by a good cookie',
    (await call('GET', 'me', undefined, { bearer: 'b'.repeat(64), cookie: creds.county.cookie })).status === 401);
// Pages: a form without its CSRF token changes nothing.
const c = creds.county;
const before = (await call('GET', 'zones', undefined, root)).json.length;
const pr = await fetch(`${URL}/zones/new`, { method: 'POST', redirect: 'manual',
    headers: { Cookie: c.cookie, 'Content-Type': 'application/x-www-form-urlencoded' },
    body: 'code=441202001777&name=x' });
check('a page form without the CSRF token is refused and changes nothing',
    pr.status === 403 && (await call('GET', 'zones', undefined, root)).json.length === before, String(pr.status));
const pr2 = await fetch(`${URL}/zones/new`, { method: 'POST', redirect: 'manual',
    headers: { Cookie: c.cookie, 'Content-Type': 'application/x-www-form-urlencoded' },
    body: `csrf=${c.csrf}&code=441202001777&name=%E6%96%B0%E6%9D%91` });
check('with it, the same form works', pr2.status === 200 && (await call('GET', 'zones', undefined, root)).json.length === before + 1, String(pr2.status));
const pr3 = await fetch(`${URL}/zones/new`, { method: 'POST', redirect: 'manual',
    headers: { Cookie: c.cookie, 'Content-Type': 'application/x-www-form-urlencoded' },
    body: `csrf=${c.csrf}&code=%ZZ` });
check('a badly encoded form gets a clear 400', pr3.status === 400 && (await pr3.text()).includes('提交的内容有问题'));
console.log(`RESULT ${pass} ${fail}`);
