// tests/web/latin.mjs — every word a user reads is Chinese. Each role
// (the county admin, the duty officer, a township cadre, a village cadre)
// walks every page it may open on a 360x740 phone, and each of its refused
// forms; the visible text (and placeholders, titles, options, dialogs)
// may hold no Latin word but the allow-list below. Also: a form typed on
// a Chinese keyboard (full-width digits and punctuation) is accepted, and
// a refused form keeps what was typed.
// Env: URL, SHOTS, ADMIN_PW, DUTY_PW, TOWN_PW, CADRE_PW.
import { chromium } from 'playwright-core';

const URL = process.env.URL, SHOTS = process.env.SHOTS;
let pass = 0, fail = 0;
function check(what, cond, detail) {
	if (cond) { pass++; console.log(`ok - ${what}`); }
	else { fail++; console.log(`FAIL - ${what}${detail ? ': ' + detail : ''}`); }
}

// What may be Latin on a page, and why:
//  - the names this test gave its users and loudspeakers (tests/e2e/
//    daemon.sh's enrol() names boxes "test N"): names are the user's own;
//  - pinyin with tone digits (da4, qing4): the lexicon is written in it;
//  - "dir:": the syntax of a news folder, typed as shown.
// Text inside <code> is a command for the loudspeaker box's shell and is
// not checked. Numbers, codes and times hold no Latin letter.
const NAMES = new Set(['admin', 'duty', 'zhen', 'cun', 'test']);
const allowed = w => NAMES.has(w) || /^[a-z]+[1-5]$/.test(w) || w === 'dir:';

async function latinWords(p) {
	return p.evaluate(() => {
		let t = document.body.innerText;
		for (const c of document.querySelectorAll('code'))
			t = t.split(c.innerText).join(' ');
		const extra = [document.title];
		for (const e of document.querySelectorAll('[placeholder],[title],[aria-label],[alt]'))
			extra.push(e.getAttribute('placeholder') || '', e.getAttribute('title') || '',
			    e.getAttribute('aria-label') || '', e.getAttribute('alt') || '');
		for (const o of document.querySelectorAll('option'))
			extra.push(o.textContent);
		for (const b of document.querySelectorAll('input[type=submit],input[type=button]'))
			extra.push(b.value);
		return (t + '\n' + extra.join('\n')).match(/[A-Za-z][A-Za-z0-9_.:\/-]*/g) || [];
	});
}
async function noLatin(p, role, what, shot) {
	const words = (await latinWords(p)).map(w => w.replace(/[.:\/-]+$/, m => m === ':' ? ':' : ''))
	    .filter(w => !allowed(w));
	check(`${role}: ${what} (${new globalThis.URL(p.url()).pathname}) shows no Latin text`,
	    words.length === 0, JSON.stringify([...new Set(words)].slice(0, 12)));
	if (shot)
		await p.screenshot({ path: `${SHOTS}/latin-${shot}.png`, fullPage: true });
}

// A village's box is folded under its township on the form: open it.
async function tickVillage(p, code) {
	await p.$eval(`.ztown[data-code="${code.slice(0, 9)}"] details`, d => { d.open = true; });
	await p.check(`input[name=zone][value="${code}"]`);
}

const browser = await chromium.launch({
	executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
	headless: true,
	// The date and time pickers' "mm/dd/yyyy" in the screenshots is the
	// browser's own: this Chromium has only its en-US locale (no
	// chromium-l10n); a phone set to Chinese shows 年/月/日. It is not
	// the page's text, and the check below does not see it.
	args: ['--no-sandbox', '--disable-gpu', '--no-first-run',
	    '--disable-background-networking', '--disable-component-update'],
});

async function phone() {
	const ctx = await browser.newContext({ viewport: { width: 360, height: 740 },
	    isMobile: true, hasTouch: true, locale: 'zh-CN' });
	const p = await ctx.newPage();
	p.setDefaultTimeout(20000);
	p.dialogs = [];
	p.on('dialog', d => { p.dialogs.push(d.message()); d.accept(); });
	return p;
}
// Submit with a click; did it land on a URL matching re?
async function lands(p, re, sel) {
	return Promise.all([p.waitForURL(re, { timeout: 10000 }), p.click(sel)]).then(() => true, () => false);
}
async function login(p, name, pw) {
	await p.goto(`${URL}/login`);
	await p.fill('#name', name);
	await p.fill('#password', pw);
	await Promise.all([p.waitForURL(/\/today$/), p.click('button[type=submit]')]);
}
const api = (p, path) => p.evaluate(async u => (await fetch(u)).json(), `/api/v1/${path}`);

// Every page a role may open: the lists, one of each thing, the forms.
async function walk(p, role, county, pages) {
	const ns = await api(p, 'notices');
	const ps = await api(p, 'pages');
	const list = ['/today', '/more', '/notices', '/notices/new', '/pages', '/timetable', '/speakers', '/history',
	    '/lexicon', '/account'];
	if (ns.length) list.push(`/notices/${ns[0].id}`, `/notices/${ns[ns.length - 1].id}`);
	const mine = ns.find(n => !n.page);
	if (mine) list.push(`/notices/${mine.id}/edit`);
	list.push('/no-such-page', '/notices/999999');
	// The lists' search and filters, and what they say to a bad value.
	list.push('/notices?q=%E9%80%9A%E7%9F%A5&state=pending', '/notices?state=cancelled',
	    `/notices?q=${'x'.repeat(60)}&state=nonsense&zone=999`, '/history?outcome=aired&from=2026-01-01',
	    '/history?from=2026-13-45&to=2020-01-01&outcome=nonsense', '/speakers/999999');
	const sp = await api(p, 'speakers?limit=1');
	if (sp.length) list.push(`/speakers/${sp[0].id}`);
	if (ps.length) list.push(`/pages/${ps[0].id}`, `/pages/${ps[ps.length - 1].id}`);
	if (pages) list.push('/pages/new');
	if (county) list.push('/users', '/audit', '/speakers?zone=441202001', '/speakers?zone=441202001001');
	for (const path of list) {
		await p.goto(`${URL}${path}`);
		await noLatin(p, role, path, null);
	}
}

try {
	// The login page, and its refusal.
	const l = await phone();
	await l.goto(`${URL}/login`);
	await noLatin(l, 'nobody', 'the login page', null);
	await l.fill('#name', 'cun');
	await l.fill('#password', 'wrong password');
	await l.click('button[type=submit]');
	await noLatin(l, 'nobody', 'a refused login', null);

	// ---- a village cadre ----
	const v = await phone();
	await login(v, 'cun', process.env.CADRE_PW);
	const head = await v.textContent('header .who');
	check('the header names the village and the role in Chinese', head.includes('甲镇一村') &&
	    head.includes('村干部') && !head.includes('441202001001'), head);
	await v.goto(`${URL}/notices/new`);
	await v.fill('#title', '打扫卫生');
	await v.fill('#body', '明天上午全村大扫除，请各家各户参加。');
	await Promise.all([v.waitForURL(/ok=saved$/), v.click('button:text-is("保存并预览")')]);
	const nurl = v.url();
	// Refused: a time that is no time. The error is Chinese, the form
	// keeps what was typed.
	await v.selectOption('#kind', 'daily');
	await v.fill('#times', '25：99');
	await v.click('button:text-is("安排播出")');
	const e1 = await v.textContent('.card.err').catch(() => '');
	check('village: a bad time is refused in Chinese, with an example', e1.includes('格式不对') && e1.includes('12:00'), e1);
	check('and the schedule form keeps what was typed', (await v.inputValue('#times')) === '25：99' &&
	    (await v.inputValue('#kind')) === 'daily', await v.inputValue('#times'));
	await noLatin(v, 'village', 'a refused schedule', 'village-refused-time');
	// A Chinese keyboard's times are taken as typed.
	await v.goto(nurl);
	await v.selectOption('#kind', 'daily');
	await v.fill('#times', '07：30，18：00');
	check('full-width times "07：30，18：00" are accepted', await lands(v, /ok=scheduled$/, 'button:text-is("安排播出")') &&
	    (await v.textContent('main')).includes('每天 07:30,18:00'),
	    await v.textContent('.card.err').catch(() => ''));
	await v.goto(nurl);
	await v.selectOption('#kind', 'weekly');
	await v.fill('#times', '１２：００');
	await v.check('input[name=wd][value="2"]');
	check('and "１２：００" weekly', await lands(v, /ok=scheduled$/, 'button:text-is("安排播出")') &&
	    (await v.textContent('main')).includes('每周二 12:00'),
	    await v.textContent('.card.err').catch(() => ''));
	await v.goto(nurl);
	await noLatin(v, 'village', 'a scheduled notice', 'village-scheduled');
	// 马上播出 and 取消这条通知 cannot be undone: each asks first, and
	// 不做了 changes nothing.
	const nid = nurl.match(/notices\/(\d+)/)[1];
	const airs = async () => (await api(v, `notices/${nid}`)).broadcasts.length +
	    (await api(v, `notices/${nid}`)).schedules.filter(s => s.kind === 'once').length;
	await v.goto(nurl);
	await v.click('button:text-is("马上播出")');
	const q1 = await v.textContent('#confirm').catch(() => '');
	check('马上播出 asks first, naming the notice and the village', q1.includes('打扫卫生') && q1.includes('甲镇一村'), q1);
	check('and nothing airs yet', await airs() === 0);
	await noLatin(v, 'village', 'the question before airing now', 'village-confirm-now');
	// (Without a question, as before, the first tap has acted: the
	// checks fail and the walk goes on.)
	if (q1) {
		check('不做了 goes back, nothing aired', await lands(v, /\/notices\/\d+$/, 'text=不做了，返回') &&
		    await airs() === 0);
		await v.click('button:text-is("马上播出")');
		await lands(v, /ok=now$/, '#confirm-yes');
	}
	check('the second tap airs it', await airs() >= 1);
	await v.goto(nurl);
	await v.click('button:text-is("取消这条通知")');
	const q2 = await v.textContent('#confirm').catch(() => '');
	check('取消这条通知 asks first', q2.includes('打扫卫生') && q2.includes('不会再播出'), q2);
	check('and it is not cancelled yet', !(await api(v, `notices/${nid}`)).cancelled_at);
	await noLatin(v, 'village', 'the question before cancelling', null);
	if (q2)
		await lands(v, /ok=cancelled$/, '#confirm-yes');
	check('the second tap cancels it', !!(await api(v, `notices/${nid}`)).cancelled_at);
	await walk(v, 'village', false, false);
	await v.goto(`${URL}/notices`);
	await v.screenshot({ path: `${SHOTS}/latin-village-notices.png`, fullPage: false });

	// ---- a township cadre ----
	const t = await phone();
	await login(t, 'zhen', process.env.TOWN_PW);
	await t.goto(`${URL}/notices/new`);
	await t.fill('#body', '全镇明天停电检修。');
	await Promise.all([t.waitForURL(/ok=saved$/), t.click('button:text-is("保存并预览")')]);
	await t.selectOption('#kind', 'once');
	await t.fill('#at', '2020-01-01T09:00');
	await t.click('button:text-is("安排播出")');
	const e2 = await t.textContent('.card.err').catch(() => '');
	check('township: a time in the past is refused in Chinese', e2.includes('已经过去'), e2);
	await noLatin(t, 'township', 'a refused time in the past', 'township-refused-past');
	await walk(t, 'township', false, false);

	// ---- the county admin ----
	const a = await phone();
	await login(a, 'admin', process.env.ADMIN_PW);
	await a.goto(`${URL}/users`);
	await a.fill('#uname', '王五');
	const offered = async role => {
		await a.selectOption('#urole', role);
		return a.$$eval('#uzone optgroup:not([hidden]):not([disabled]) option', os => os.map(o => o.value));
	};
	const towns = await offered('township'), villages = await offered('village');
	check('county: the new-user form offers a township cadre townships only, a village cadre villages only',
	    towns.length > 0 && towns.every(z => z.length === 9) && villages.length > 0 &&
	    villages.every(z => z.length === 12), JSON.stringify([towns, villages]));
	await a.selectOption('#urole', 'township');
	check('and the zone follows the role', (await a.inputValue('#uzone')).length === 9, await a.inputValue('#uzone'));
	await a.selectOption('#uzone', '441202001');
	await a.fill('#upw', 'short');
	await a.click('button:text-is("新建用户")');
	const e3 = await a.textContent('.card.err').catch(() => '');
	check('county: a password too short is refused in Chinese', e3.includes('密码'), e3);
	check('and the new-user form keeps what was typed', (await a.inputValue('#uname')) === '王五' &&
	    (await a.inputValue('#urole')) === 'township' && (await a.inputValue('#uzone')) === '441202001',
	    [await a.inputValue('#uname'), await a.inputValue('#urole'), await a.inputValue('#uzone')].join('|'));
	await noLatin(a, 'county', 'a refused new user', 'county-refused-user');
	// Put right, the kept form makes the user; 停用 asks first.
	await a.fill('#upw', 'secret-pass-9');
	await a.click('button:text-is("新建用户")');
	check('with the zone put right, the kept form makes the user',
	    (await a.textContent('.card.ok').catch(() => '')).includes('用户已建立'));
	const wang = (await api(a, 'users')).find(u => u.name === '王五');
	const gone = async () => !!((await api(a, 'users')).find(u => u.name === '王五') || {}).disabled_at;
	if (wang) {
		await a.click(`form[action="/users/${wang.id}/disable"] button`);
		const q3 = await a.textContent('#confirm').catch(() => '');
		check('停用 asks first, naming the user', q3.includes('王五'), q3);
		check('and the user is not disabled yet', !await gone());
		await noLatin(a, 'county', 'the question before disabling', 'county-confirm-disable');
		if (q3)
			await a.click('#confirm-yes');
		check('the second tap disables', await gone() &&
		    (await a.textContent('.card.ok').catch(() => '')).includes('用户已停用'));
	}
	await a.goto(`${URL}/lexicon`);
	await a.fill('#word', '大喇叭');
	await a.fill('#pinyin', 'xx');
	await a.click('button:text-is("保存")');
	check('a refused pronunciation keeps what was typed', (await a.inputValue('#word')) === '大喇叭' &&
	    (await a.inputValue('#pinyin')) === 'xx');
	await noLatin(a, 'county', 'a refused pronunciation', null);
	await a.fill('#pinyin', 'da４ la３ ba５');
	await a.click('button:text-is("保存")');
	check('pinyin typed with full-width tone digits is taken', (await a.textContent('main')).includes('da4 la3 ba5'),
	    await a.textContent('.card.err').catch(() => ''));
	// A loudspeaker numbered like one that exists is refused, the form kept.
	await a.goto(`${URL}/speakers?zone=441202001001`);
	await a.fill('#sid', '１').catch(e => check('the loudspeaker number takes a full-width digit', false, String(e)));
	await a.fill('#sname', '小学门口');
	await a.selectOption('#szone', '441202001001');
	await a.click('button:text-is("建立并生成接入口令")');
	const e5 = await a.textContent('.card.err').catch(() => '');
	check('a loudspeaker number taken already is refused in Chinese', e5.includes('已经有了'), e5);
	const val = sel => a.inputValue(sel, { timeout: 2000 }).catch(() => null);
	const kept = [await val('#sid'), await val('#sname'), await val('#szone')].join('|');
	check('and the form keeps what was typed', kept === '１|小学门口|441202001001', kept);
	if (!(await a.$('#sid')))
		await a.goto(`${URL}/speakers?zone=441202001001`);
	await noLatin(a, 'county', 'a refused loudspeaker', 'county-refused-speaker');
	await a.fill('#sid', '');
	await a.click('button:text-is("建立并生成接入口令")');
	check('put right, the loudspeaker is made', (await a.textContent('#command').catch(() => '')).includes('--enroll'));
	await noLatin(a, 'county', 'the enrolment of a new loudspeaker (but its command)', 'county-enrol');
	await walk(a, 'county', true, true);
	await a.goto(`${URL}/audit`);
	const audit = await a.textContent('main');
	const aw = await a.evaluate(() => document.documentElement.scrollWidth);
	check('the audit log fits a 360 px screen', aw <= 360, `scrollWidth ${aw}`);
	check('the audit log says what was done in Chinese', audit.includes('登录') && audit.includes('新建通知'), audit.slice(0, 300));
	await noLatin(a, 'county', 'the audit log', 'county-audit');
	await a.screenshot({ path: `${SHOTS}/latin-county-audit-top.png` });
	await a.goto(`${URL}/history`);
	await noLatin(a, 'county', 'the history', 'county-history');

	// ---- the duty officer ----
	const d = await phone();
	await login(d, 'duty', process.env.DUTY_PW);
	await d.goto(`${URL}/pages/new`);
	await d.fill('#text', '紧急通知：请注意防汛。');
	await d.fill('#repeat', '３').catch(e => check('the number of readings takes a full-width digit', false, String(e)));
	await Promise.all([d.waitForURL(/\/pages\/confirm$/), d.click('text=下一步：确认')]);
	const e4 = await d.textContent('.card.err').catch(() => '');
	check('duty: a page with no zone ticked is refused in Chinese', e4.includes('播到哪里'), e4);
	check('and keeps the text', (await d.inputValue('#text')) === '紧急通知：请注意防汛。');
	await noLatin(d, 'duty', 'a refused page', 'duty-refused-page');
	await tickVillage(d, '441202002002');
	await Promise.all([d.waitForURL(/\/pages\/confirm$/), d.click('text=下一步：确认')]);
	check('the full-width 「３」 is read as 3 times', (await d.textContent('main')).includes('3 遍'),
	    (await d.textContent('main')).slice(0, 400));
	await noLatin(d, 'duty', 'the confirm step of a page', 'duty-page-confirm');
	await d.click('text=返回修改');
	await walk(d, 'duty', true, true);
	const ps = await api(d, 'pages');
	if (ps.length) {
		await d.goto(`${URL}/pages/${ps[ps.length - 1].id}`);
		await d.screenshot({ path: `${SHOTS}/latin-duty-page-view.png`, fullPage: true });
	}
} catch (e) {
	check('the browser run finished', false, String(e && e.stack || e));
} finally {
	await browser.close();
}
console.log(`RESULT ${pass} ${fail}`);
