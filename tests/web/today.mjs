// tests/web/today.mjs — the landing page and the navigation, as each role
// on a 360x740 phone. The today page shows what aired in one's own area
// with its confirmed count (and not another village's), what airs next,
// the loudspeakers that stayed silent or are not online; the navigation
// is the two rows of three big buttons it was designed as, on every
// page, with 退出 apart and every target at least 44 px. Then, on the
// same data, the lists' search and filters and a loudspeaker's page
// (lists.mjs).
// Env: URL, SHOTS, CADRE_PW, ADMIN_PW, NEWPW, AIRED (the id of a notice
// that aired in 甲镇一村 and was confirmed), SILENT (one that aired there
// with its box offline), as tests/e2e/11_web.sh leaves them.
import { launch, phone as openPhone } from './phone.mjs';
import { lists } from './lists.mjs';

const URL = process.env.URL, SHOTS = process.env.SHOTS;
const AIRED = process.env.AIRED, SILENT = process.env.SILENT;
let pass = 0, fail = 0;
function check(what, cond, detail) {
	if (cond) { pass++; console.log(`ok - ${what}`); }
	else { fail++; console.log(`FAIL - ${what}${detail ? ': ' + detail : ''}`); }
}

const browser = await launch();

const phone = (name, pw) => openPhone(browser, URL, name, pw);

// The navigation as laid out: its buttons, the rows they fall in, the
// smallest target, and how 退出 looks next to them.
async function layout(p) {
	return p.evaluate(() => {
		const box = e => e.getBoundingClientRect();
		const links = [...document.querySelectorAll('nav a')];
		const rows = new Set(links.map(a => Math.round(box(a).top)));
		const targets = [...document.querySelectorAll('header a, header button, nav a, main a, main button, main audio')]
		    .filter(e => box(e).width > 0)
		    .map(e => ({ t: e.textContent.trim().slice(0, 12), w: box(e).width, h: box(e).height }));
		const out = document.querySelector('#logout');
		const cs = e => getComputedStyle(e);
		return {
			labels: links.map(a => a.textContent.trim()),
			rows: rows.size,
			small: targets.filter(t => t.w < 44 || t.h < 44),
			logout: out ? {
				inNav: !!out.closest('nav'), inHeader: !!out.closest('header'),
				w: box(out).width, h: box(out).height,
				bg: cs(out).backgroundColor, border: cs(out).borderTopWidth,
				navBg: links.length ? cs(links[0]).backgroundColor : '',
			} : null,
			wide: document.documentElement.scrollWidth,
		};
	});
}

async function navFits(p, role, path) {
	await p.goto(`${URL}${path}`);
	const l = await layout(p);
	const want = ['今天', '通知', '紧急广播', '喇叭', '播出记录', '更多…'];
	check(`${role} ${path}: the six designed buttons`, JSON.stringify(l.labels) === JSON.stringify(want),
	    JSON.stringify(l.labels));
	check(`${role} ${path}: in two rows, no more`, l.rows === 2, `${l.rows} rows`);
	check(`${role} ${path}: 退出 is in the header, not among the buttons, and looks different`,
	    l.logout && !l.logout.inNav && l.logout.inHeader && l.logout.bg !== l.logout.navBg &&
	    l.logout.border !== '0px', JSON.stringify(l.logout));
	check(`${role} ${path}: every target is at least 44 px`, l.small.length === 0, JSON.stringify(l.small));
	check(`${role} ${path}: fits a 360 px screen`, l.wide <= 360, `scrollWidth ${l.wide}`);
}

const aired = (p, id) => p.$(`#aired .broadcast[data-notice="${id}"]`);

try {
	// ---- the village cadre whose box aired the notice ----
	const v = await phone('cun1', process.env.CADRE_PW);
	check('the village cadre lands on the today page', (await v.textContent('h1')).startsWith('今天'));
	const card = await aired(v, AIRED);
	const ctext = card ? await card.textContent() : '';
	check('what aired in the village shows, confirmed by its one box',
	    ctext.includes('试播') && ctext.includes('已播出') && ctext.includes('1/1') &&
	    ctext.includes('甲镇一村'), ctext);
	const stext = SILENT ? await (await aired(v, SILENT))?.textContent() : '';
	check('what aired while the box was offline shows 0/1', (stext || '').includes('0/1'), stext);
	const silent = await v.textContent('#speakers').catch(() => '');
	check('the box that stayed silent is named, with how often',
	    silent.includes('该播没播的喇叭') && silent.includes('村委会门口') && silent.includes('1 次没有播出'), silent);
	check('and is listed as not online', (await v.$$eval('#speakers .offline', es => es.map(e => e.textContent)))
	    .some(t => t.includes('村委会门口') && t.includes('不在线')));
	check('the count says how many boxes, how many online', (await v.textContent('#speakers-count')).includes('共 1 个喇叭'),
	    await v.textContent('#speakers-count'));
	const next = await v.textContent('#next');
	check('what airs next is the daily notice it scheduled', next.includes('开会通知') &&
	    (next.includes('12:00') || next.includes('18:30')), next);
	check('no emergency page is in force', (await v.textContent('#alerts')).includes('现在没有紧急广播'));
	await v.screenshot({ path: `${SHOTS}/00-today-village.png`, fullPage: true });
	await v.screenshot({ path: `${SHOTS}/00-today-village-top.png`, fullPage: false });
	for (const path of ['/today', '/notices', '/pages', '/speakers', '/history', '/more', '/timetable', '/account'])
		await navFits(v, 'village', path);
	// The history plays what aired, on the page.
	await v.goto(`${URL}/history`);
	const heard = await v.evaluate(async () => {
		const a = document.querySelector('.broadcast audio');
		if (!a) return 'no player';
		a.muted = true;
		try { await a.play(); } catch (e) { return 'play: ' + e; }
		await new Promise(r => setTimeout(r, 1200));
		a.pause();
		return { t: a.currentTime, d: a.duration, h: a.getBoundingClientRect().height };
	});
	check('the history has a player of the aired audio, and it plays',
	    heard && heard.t > 0.3 && heard.d > 0.5 && heard.h >= 44, JSON.stringify(heard));
	await v.screenshot({ path: `${SHOTS}/00-history-player.png`, fullPage: false });
	await v.goto(`${URL}/more`);
	const more = await v.$$eval('.more a strong', es => es.map(e => e.textContent));
	check('更多 lists the rest, a village cadre\'s only', JSON.stringify(more) ===
	    JSON.stringify(['时间表', '读音', '我的账号']), JSON.stringify(more));
	check('and offers 退出 again at its foot', (await v.$('main .logout button')) !== null);
	await v.screenshot({ path: `${SHOTS}/00-more-village.png`, fullPage: true });
	await v.goto(`${URL}/notices`);
	await v.screenshot({ path: `${SHOTS}/00-nav-notices.png`, fullPage: false });
	await Promise.all([v.waitForURL(/\/login$/), v.click('header #logout')]);
	check('退出 logs out', v.url().endsWith('/login'));
	await v.context().close();

	// ---- the township and the county see it too ----
	for (const [role, name, pw] of [['township', 'zhen1', 'town-pass-1'], ['county', 'admin', process.env.ADMIN_PW]]) {
		const p = await phone(name, pw);
		const t = await (await aired(p, AIRED))?.textContent();
		check(`${role}: the village's aired notice shows with 1/1`, (t || '').includes('1/1') &&
		    (t || '').includes('甲镇一村'), t);
		const off = await p.$$eval('#speakers .offline', es => es.map(e => e.textContent));
		check(`${role}: the area with a box not online is named, counted`,
		    off.some(x => x.includes(role === 'county' ? '甲镇' : '甲镇一村') && x.includes('1 个不在线')),
		    JSON.stringify(off));
		await p.screenshot({ path: `${SHOTS}/00-today-${role}.png`, fullPage: true });
		for (const path of ['/today', '/speakers', role === 'county' ? '/users' : '/lexicon', '/more'])
			await navFits(p, role, path);
		if (role === 'county') {
			await p.goto(`${URL}/more`);
			const m = await p.$$eval('.more a strong', es => es.map(e => e.textContent));
			check('county: 更多 also has the users and the audit log', m.includes('用户和地区') && m.includes('操作日志'),
			    JSON.stringify(m));
		}
		await p.context().close();
	}

	// ---- another village's cadre sees none of it ----
	const o = await phone('二村王主任', process.env.NEWPW);
	check('another village\'s cadre does not see what aired in 甲镇一村',
	    (await aired(o, AIRED)) === null && !(await o.textContent('main')).includes('试播'));
	check('nor its silent box, nor its next slots', !(await o.textContent('main')).includes('村委会门口') &&
	    !(await o.textContent('#next')).includes('开会通知'));
	check('its own count is of its own boxes', (await o.textContent('#speakers-count')).includes('共 0 个喇叭'),
	    await o.textContent('#speakers-count'));
	check('and it says so plainly', (await o.textContent('#aired')).includes('今天还没有播出'));
	await o.screenshot({ path: `${SHOTS}/00-today-other-village.png`, fullPage: true });
	await navFits(o, 'other village', '/today');
	await o.context().close();

	// ---- the notice list and the history searched, a loudspeaker's page ----
	await lists({ browser, phone, check, URL, SHOTS, AIRED });
} catch (e) {
	check('the browser run finished', false, String(e && e.stack || e));
} finally {
	await browser.close();
}
console.log(`RESULT ${pass} ${fail}`);
