// tests/web/zones.mjs — the county duty officer pages in a county of 20
// townships of 15 villages (tests/e2e/44_page_zones.sh) on a 360x740
// phone: a ready text fills the box; the search narrows 300 villages to
// the one asked for, as one types and, without script, with the 查找
// button (what is ticked survives a search); ticking a township ticks
// its villages and pages the township; the confirm step names it and
// says how many zones and villages. Every word is Chinese, every target
// a finger's size, nothing wider than the screen.
// Env: URL, DUTY_PW, SHOTS.
import { launch } from './phone.mjs';

const URL = process.env.URL, SHOTS = process.env.SHOTS;
let pass = 0, fail = 0;
function check(what, cond, detail) {
	if (cond) { pass++; console.log(`ok - ${what}`); }
	else { fail++; console.log(`FAIL - ${what}${detail ? ': ' + detail : ''}`); }
}
const phone = { viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true, locale: 'zh-CN' };
async function login(p, name, pw) {
	await p.goto(`${URL}/login`);
	await p.fill('#name', name);
	await p.fill('#password', pw);
	await Promise.all([p.waitForURL(/\/today$/), p.click('button[type=submit]')]);
}
const box = code => `input[name=zone][value="${code}"]`;
// Every target at least 44 px (a checkbox's target is its whole label
// row), nothing wider than the screen; the words all Chinese (the
// reading's pinyin for a polyphone, da4, is allowed as in latin.mjs).
async function fits(p, what) {
	const l = await p.evaluate(() => {
		const r = e => e.getBoundingClientRect();
		const small = [...document.querySelectorAll('main a, main button, main input, main select, main summary')]
		    .filter(e => r(e).width > 0 && e.type !== 'hidden')
		    .map(e => e.type === 'checkbox' && e.closest('label') ? e.closest('label') : e)
		    .filter(e => r(e).height < 44 || r(e).width < 44)
		    .map(e => `${e.tagName} ${e.textContent.trim().slice(0, 10)} ${r(e).width}x${r(e).height}`);
		return { small, wide: document.documentElement.scrollWidth };
	});
	check(`${what}: every target is at least 44 px`, l.small.length === 0, JSON.stringify(l.small.slice(0, 8)));
	check(`${what}: fits a 360 px screen`, l.wide <= 360, `scrollWidth ${l.wide}`);
	const latin = await p.evaluate(() => {
		const extra = [document.title];
		for (const e of document.querySelectorAll('[placeholder],[title],[aria-label]'))
			extra.push(e.getAttribute('placeholder') || '', e.getAttribute('title') || '',
			    e.getAttribute('aria-label') || '');
		return ((document.body.innerText + '\n' + extra.join('\n'))
		    .match(/[A-Za-z][A-Za-z0-9_.:\/-]*/g) || []).filter(w => w !== 'duty' && !/^[a-z]+[1-5]$/.test(w));
	});
	check(`${what}: shows no Latin text`, latin.length === 0, JSON.stringify(latin.slice(0, 8)));
}
// A tap that posts the form back to itself: wait for the new page.
const again = (p, sel) => Promise.all([p.waitForNavigation(), p.click(sel)]);
const visibleTowns = p => p.$$eval('.ztown', ts => ts.filter(t => !t.hidden).map(t => t.dataset.code));

const browser = await launch();
try {
	// ---- without script: links and the form's own buttons do it all ----
	const nctx = await browser.newContext({ ...phone, javaScriptEnabled: false });
	const n = await nctx.newPage();
	n.setDefaultTimeout(20000);
	await login(n, 'duty', process.env.DUTY_PW);
	await n.goto(`${URL}/pages/new`);
	check('the form offers every township with its own box (20)',
	    (await n.$$('label.zt input')).length === 20, String((await n.$$('label.zt input')).length));
	check('and 全县', (await n.textContent('label.zall')).includes('全县'));
	check('and every village, folded beneath its township (300)',
	    (await n.$$('label.zvill')).length === 300 && (await n.$$('.ztown details[open]')).length === 0);
	await Promise.all([n.waitForURL(/template=fire/), n.click('#tpl >> text=森林防火')]);
	const fire = await n.inputValue('#text');
	check('without script the 森林防火 link fills the box', fire.includes('山火') && fire.includes('【'), fire);
	await n.fill('#zq', '白沙');
	await again(n, '#zfind');
	check('without script 查找 narrows 300 villages to 白沙村',
	    JSON.stringify(await n.$$eval('label.zvill', ls => ls.map(l => l.dataset.code))) === '["441203010015"]',
	    JSON.stringify(await n.$$eval('label.zvill', ls => ls.map(l => l.textContent))));
	check('under its township, 桃源镇, shown open',
	    (await n.textContent('.ztown')).includes('桃源镇') && (await n.$$('.ztown details[open]')).length === 1);
	check('and keeps the text', (await n.inputValue('#text')) === fire);
	await n.screenshot({ path: `${SHOTS}/44-zones-search-nojs.png`, fullPage: true });
	await n.check(box('441203010015'));
	await n.fill('#zq', '东山');
	await again(n, '#zfind');
	check('a township\'s name shows it with all its villages',
	    (await n.$$('label.zvill')).length === 15 && (await n.textContent('.ztown')).includes('东山镇'));
	await n.check(box('441203002'));
	await again(n, 'text=显示全部');
	check('显示全部 brings back all 300', (await n.$$('label.zvill')).length === 300);
	check('and what was ticked under both searches stays ticked',
	    await n.isChecked(box('441203010015')) && await n.isChecked(box('441203002')));
	check('a ticked township shows its villages ticked, greyed',
	    await n.isChecked(box('441203002001')) && await n.isDisabled(box('441203002001')));
	await Promise.all([n.waitForURL(/\/pages\/confirm$/), n.click('text=下一步：确认')]);
	const refused = await n.textContent('.card.err').catch(() => '');
	check('a ready text still holding 【】 is refused, in Chinese', refused.includes('【】'), refused);
	await n.fill('#text', '紧急通知：东山林场发生山火，请附近群众马上撤离到镇中学操场。');
	await Promise.all([n.waitForURL(/\/pages\/confirm$/), n.click('text=下一步：确认')]);
	const line = await n.textContent('#zone-count').catch(() => '');
	check('the confirm step counts the zones: one township and one village, 16 villages',
	    line.includes('选了 2 处') && line.includes('1 个镇') && line.includes('1 个村') &&
	    (await n.textContent('#villages')) === '16', line);
	const named = await n.textContent('#zones');
	check('and names them', named.includes('东山镇') && named.includes('白沙村'), named);
	await n.screenshot({ path: `${SHOTS}/44-zones-confirm-two.png`, fullPage: true });
	await Promise.all([n.waitForURL(/\/pages\/new$/), n.click('text=返回修改')]);
	check('返回修改 keeps both ticks', await n.isChecked(box('441203010015')) && await n.isChecked(box('441203002')));
	await nctx.close();

	// ---- with script, as on a duty officer's phone ----
	const ctx = await browser.newContext(phone);
	const p = await ctx.newPage();
	p.setDefaultTimeout(20000);
	const errors = [];
	p.on('pageerror', e => errors.push(String(e)));
	p.on('console', m => { if (m.type() === 'error') errors.push(m.text()); });
	await login(p, 'duty', process.env.DUTY_PW);
	await p.goto(`${URL}/pages/new`);
	await p.screenshot({ path: `${SHOTS}/44-zones-form.png` });
	await fits(p, 'the paging form');
	await p.fill('#text', '这段会被替换');
	await p.click('#tpl >> text=防汛');
	const flood = await p.inputValue('#text');
	check('tapping 防汛 fills the box in place (no reload)', p.url().endsWith('/pages/new') &&
	    flood.includes('洪水') && flood.includes('转移') && !flood.includes('这段'), flood);
	check('with the first place to fill in selected', await p.evaluate(() => {
		const t = document.getElementById('text');
		return t.value.slice(t.selectionStart, t.selectionEnd).startsWith('【');
	}));
	await p.screenshot({ path: `${SHOTS}/44-zones-template.png` });
	await p.click('#zq');
	await p.keyboard.type('白沙');
	check('typing 白沙 narrows the list to one township', JSON.stringify(await visibleTowns(p)) === '["441203010"]',
	    JSON.stringify(await visibleTowns(p)));
	check('and one village, 白沙村, shown', await p.isVisible('label.zvill[data-code="441203010015"]') &&
	    (await p.$$eval('label.zvill', ls => ls.filter(l => l.offsetParent !== null).length)) === 1);
	await p.keyboard.press('Enter');
	check('Enter in the search does not send the form', p.url().endsWith('/pages/new'));
	await p.screenshot({ path: `${SHOTS}/44-zones-search.png` });
	await p.fill('#zq', '');
	await p.dispatchEvent('#zq', 'input');
	check('clearing it shows every township again', (await visibleTowns(p)).length === 20);
	await p.check(box('441203002'));
	await p.$eval('.ztown[data-code="441203002"] details', d => { d.open = true; });
	check('ticking 整个东山镇 ticks and greys its villages',
	    await p.isChecked(box('441203002007')) && await p.isDisabled(box('441203002007')));
	check('and the count says 1 chosen', (await p.textContent('#zn')) === '1');
	await p.screenshot({ path: `${SHOTS}/44-zones-township.png` });
	await p.fill('#text', flood.replace(/【[^】]*】/g, m => ({ '【河流或水库名】': '东山水库',
	    '【村名或地段】': '东山镇沿河各村', '【安置地点】': '镇中学' })[m] || '这里'));
	await Promise.all([p.waitForURL(/\/pages\/confirm$/), p.click('text=下一步：确认')]);
	const line2 = await p.textContent('#zone-count').catch(() => '');
	check('the confirm step says one township, 15 villages', line2.includes('选了 1 处') &&
	    line2.includes('1 个镇') && (await p.textContent('#villages')) === '15', line2);
	check('and names 东山镇', (await p.textContent('#zones')).includes('东山镇'));
	check('two loudspeakers, both online', (await p.textContent('#count')) === '2' &&
	    (await p.textContent('#online')) === '2', `${await p.textContent('#count')}/${await p.textContent('#online')}`);
	await fits(p, 'the confirm step');
	await p.screenshot({ path: `${SHOTS}/44-zones-confirm.png`, fullPage: true });
	await Promise.all([p.waitForURL(/\/pages\/\d+$/), p.click('#send')]);
	const pid = p.url().match(/pages\/(\d+)/)[1];
	const pg = await p.evaluate(async id => (await (await fetch(`/api/v1/pages/${id}`)).json()), pid);
	check('the page targets the township code', JSON.stringify(pg.zones) === '["441203002"]', JSON.stringify(pg.zones));
	const reached = await p.waitForFunction(() =>
	    document.getElementById('confirmed').textContent === '2' ? true : false,
	    null, { timeout: 20000 }).then(() => true).catch(() => false);
	check('both loudspeakers in 东山镇 confirm playing', reached, await p.textContent('#confirmed'));
	await p.screenshot({ path: `${SHOTS}/44-zones-live.png`, fullPage: true });
	await Promise.all([p.waitForURL(/\/pages\/\d+$/), p.click('text=立即停止这个紧急广播')]);
	check('no script errors', errors.length === 0, errors.join('; '));
} catch (e) {
	check('the browser run finished', false, String(e && e.stack || e));
} finally {
	await browser.close();
}
console.log(`RESULT ${pass} ${fail}`);
