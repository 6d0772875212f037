// tests/web/page.mjs — the county duty officer pages an emergency from a
// phone in real headless Chromium: writes it, is shown exactly what will
// happen (the words read, the zones, how many loudspeakers), can go back
// without anything being sent, confirms, and watches the confirmed count
// climb to every loudspeaker without reloading; then stops it and watches
// them fall silent. A village cadre cannot page.
// Env: URL, DUTY_PW, CADRE_PW, SHOTS, SPEAKERS (how many targets).
import { launch } from './phone.mjs';

const URL = process.env.URL, SHOTS = process.env.SHOTS;
const N = Number(process.env.SPEAKERS);
let pass = 0, fail = 0;
function check(what, cond, detail) {
	if (cond) { pass++; console.log(`ok - ${what}`); }
	else { fail++; console.log(`FAIL - ${what}${detail ? ': ' + detail : ''}`); }
}
async function login(p, name, pw) {
	await p.goto(`${URL}/login`);
	await p.fill('#name', name);
	await p.fill('#password', pw);
	await Promise.all([p.waitForURL(/\/today$/), p.click('button[type=submit]')]);
}
async function pageCount(p) {
	return p.evaluate(async () => (await (await fetch('/api/v1/pages')).json()).length);
}

// A village's box is folded under its township on the form: open it.
async function tickVillage(p, code) {
	await p.$eval(`.ztown[data-code="${code.slice(0, 9)}"] details`, d => { d.open = true; });
	await p.check(`input[name=zone][value="${code}"]`);
}

const browser = await launch();
try {
	const ctx = await browser.newContext({ viewport: { width: 360, height: 740 },
	    isMobile: true, hasTouch: true, locale: 'zh-CN' });
	const p = await ctx.newPage();
	p.setDefaultTimeout(20000);
	const errors = [];
	p.on('pageerror', e => errors.push(String(e)));
	p.on('console', m => { if (m.type() === 'error') errors.push(m.text()); });
	await login(p, 'duty', process.env.DUTY_PW);
	await p.click('nav >> text=紧急广播');
	await p.waitForURL(/\/pages$/);
	await Promise.all([p.waitForURL(/\/pages\/new$/), p.click('text=发布紧急广播')]);
	const text = '全镇紧急通知：水库水位超过警戒线，请低处的村民立即转移到学校。';
	await p.fill('#text', text);
	await p.check('input[name=zone][value="441202001"]');
	await p.fill('#repeat', '3');
	await p.screenshot({ path: `${SHOTS}/20-page-write.png`, fullPage: true });
	await Promise.all([p.waitForURL(/\/pages\/confirm$/), p.click('text=下一步：确认')]);
	const reading = await p.textContent('#reading');
	check('the confirm step shows the words that will be read', reading.includes('水库水位超过警戒线'), reading);
	check(`the confirm step says how many loudspeakers (${N})`, (await p.textContent('#count')) === String(N),
	    await p.textContent('#count'));
	check('the confirm step names the township', (await p.textContent('main')).includes('甲镇'));
	check('nothing is sent before confirming', await pageCount(p) === 0);
	await p.screenshot({ path: `${SHOTS}/21-page-confirm.png`, fullPage: true });

	// A mis-tap: back to the form, which keeps what was written.
	await Promise.all([p.waitForURL(/\/pages\/new$/), p.click('text=返回修改')]);
	check('返回修改 keeps the text', (await p.inputValue('#text')) === text);
	check('and the ticked zone', await p.isChecked('input[name=zone][value="441202001"]'));
	check('still nothing sent', await pageCount(p) === 0);
	await Promise.all([p.waitForURL(/\/pages\/confirm$/), p.click('text=下一步：确认')]);
	await Promise.all([p.waitForURL(/\/pages\/\d+$/), p.click('#send')]);
	check('confirming pages exactly once', await pageCount(p) === 1);
	await p.evaluate(() => { window.notReloaded = true; });
	const reached = await p.waitForFunction(n =>
	    document.getElementById('confirmed').textContent === String(n) &&
	    document.getElementById('targets').textContent === String(n) ? true : false,
	    N, { timeout: 20000 }).then(() => true).catch(() => false);
	check(`the confirmed count climbs to ${N} of ${N} live`, reached,
	    `${await p.textContent('#confirmed')}/${await p.textContent('#targets')}`);
	check('without reloading the page (polling)', await p.evaluate(() => window.notReloaded === true));
	check('no loudspeaker is listed as unconfirmed', (await p.$$('#missing li')).length === 0);
	check('and the heading of that list is not shown', !(await p.isVisible('#missing-head')));
	check('no zone is named as unheard', (await p.$('#unheard')) === null);
	check('state shows 播出中', (await p.textContent('#state')) === '播出中');
	await p.screenshot({ path: `${SHOTS}/22-page-live.png`, fullPage: true });
	// While it airs, the today page leads with it, counted; then back.
	const liveUrl = p.url();
	await Promise.all([p.waitForURL(/\/today$/), p.click('nav >> text=今天')]);
	const inForce = await p.textContent('#alerts .alert').catch(() => '');
	check('the today page shows the page in force with its confirmed count',
	    inForce.includes('水库水位') && inForce.includes(`${N}/${N}`) && inForce.includes('甲镇'), inForce);
	await p.screenshot({ path: `${SHOTS}/22b-today-page-in-force.png`, fullPage: true });
	const tv = await (await browser.newContext({ viewport: { width: 360, height: 740 },
	    isMobile: true, hasTouch: true, locale: 'zh-CN' })).newPage();
	await login(tv, 'cun', process.env.CADRE_PW);
	check('a village cadre inside its zones sees it on the today page too',
	    (await tv.textContent('#alerts').catch(() => '')).includes('水库水位'));
	await tv.context().close();
	await p.goto(liveUrl);
	await Promise.all([p.waitForURL(/\/pages\/\d+$/), p.click('text=立即停止这个紧急广播')]);
	await p.goto(`${URL}/today`);
	check('stopped, it is no longer in force on the today page',
	    (await p.$('#alerts .alert')) === null && (await p.textContent('#alerts')).includes('现在没有紧急广播'));
	await p.goto(liveUrl);
	check('stopped: state 已取消', (await p.textContent('#state')) === '已取消');
	const silent = await p.waitForFunction(() =>
	    document.getElementById('playing').textContent === '0' ? true : false,
	    null, { timeout: 10000 }).then(() => true).catch(() => false);
	check('and the playing count falls to 0', silent, await p.textContent('#playing'));
	check('no cancel button on a stopped page', (await p.$('#cancel')) === null);
	check('no script errors (CSP allows our own script)', errors.length === 0, errors.join('; '));
	await p.screenshot({ path: `${SHOTS}/23-page-stopped.png`, fullPage: true });

	// A page where two villages will hear nothing: one has a loudspeaker
	// that never enrolled, the other none at all. Named before sending,
	// and on the live view; the unenrolled box is a target that never
	// confirms.
	await p.goto(`${URL}/pages/new`);
	await p.fill('#text', '紧急通知：请各村注意防汛。');
	await tickVillage(p, '441202001001');
	await tickVillage(p, '441202002001');
	await tickVillage(p, '441202002002');
	await Promise.all([p.waitForURL(/\/pages\/confirm$/), p.click('text=下一步：确认')]);
	const warn = await p.textContent('#unheard').catch(() => '');
	check('the confirm step names the village whose box never enrolled',
	    warn.includes('乙镇一村') && warn.includes('没有注册'), warn);
	check('and the village with no loudspeaker', warn.includes('乙镇二村') && warn.includes('没有喇叭'), warn);
	check('but not the village that will hear it', !warn.includes('甲镇一村'), warn);
	check(`the count is of every loudspeaker (${N - 1 + 1}), of them ${N - 1} online`,
	    (await p.textContent('#count')) === String(N - 1 + 1) && (await p.textContent('#online')) === String(N - 1),
	    `${await p.textContent('#count')} / ${await p.textContent('#online')}`);
	await p.screenshot({ path: `${SHOTS}/24-page-confirm-unheard.png`, fullPage: true });
	await Promise.all([p.waitForURL(/\/pages\/\d+$/), p.click('#send')]);
	const two = await p.waitForFunction(n =>
	    document.getElementById('confirmed').textContent === String(n) ? true : false,
	    N - 1, { timeout: 20000 }).then(() => true).catch(() => false);
	check(`live: ${N - 1} confirmed of ${N} targets, the unenrolled one counted`, two &&
	    (await p.textContent('#targets')) === String(N),
	    `${await p.textContent('#confirmed')}/${await p.textContent('#targets')}`);
	const missing = await p.$$eval('#missing li', ls => ls.map(l => l.textContent));
	check('the unenrolled box is listed as not confirmed, never enrolled',
	    missing.length === 1 && missing[0].includes('没有注册'), JSON.stringify(missing));
	check('under its heading', await p.isVisible('#missing-head'));
	const live = await p.textContent('#unheard').catch(() => '');
	check('the live view names both villages that hear nothing',
	    live.includes('乙镇一村') && live.includes('乙镇二村'), live);
	await p.screenshot({ path: `${SHOTS}/25-page-live-unheard.png`, fullPage: true });
	await Promise.all([p.waitForURL(/\/pages\/\d+$/), p.click('text=立即停止这个紧急广播')]);
	check('stopped, the unheard warning goes', !(await p.isVisible('#unheard')));

	const v = await (await browser.newContext({ locale: 'zh-CN' })).newPage();
	await login(v, 'cun', process.env.CADRE_PW);
	const r = await v.goto(`${URL}/pages/new`);
	check('a village cadre cannot open the paging form (403)', r.status() === 403, String(r.status()));
	await v.goto(`${URL}/pages`);
	check('but sees the page that reached the village', (await v.textContent('main')).includes('水库水位'));
	const ns = await v.evaluate(async () => (await (await fetch('/api/v1/notices')).json()));
	const pn = ns.find(n => n.page);
	check('the page is a notice of the village too', !!pn, JSON.stringify(ns).slice(0, 200));
	if (pn) {
		await v.goto(`${URL}/notices/${pn.id}`);
		check('whose page sends the cadre to the emergency page, with no schedule or cancel form',
		    (await v.$(`a[href="/pages/${pn.page}"]`)) !== null && (await v.$('#kind')) === null &&
		    !(await v.textContent('main')).includes('取消这条通知'));
	}
} catch (e) {
	check('the browser run finished', false, String(e && e.stack || e));
} finally {
	await browser.close();
}
console.log(`RESULT ${pass} ${fail}`);
