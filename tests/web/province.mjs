// tests/web/province.mjs — a province duty officer on a 360x740 phone
// watches a province page's live view in real Chromium: the counties
// below, each with its confirmed count and what it is doing, in Chinese;
// a county that does not answer is shown retrying, one that refused says
// what to do. Env: URL, DUTY_PW, PAGE (the page id), SHOTS.
// Prints ok/FAIL lines and RESULT.
import { chromium } from 'playwright-core';
import { writeFileSync } from 'node:fs';

const URL = process.env.URL, SHOTS = process.env.SHOTS;
let pass = 0, fail = 0;
function check(what, cond, detail) {
	if (cond) { pass++; console.log(`ok - ${what}`); }
	else { fail++; console.log(`FAIL - ${what}${detail ? ': ' + detail : ''}`); }
}
const browser = await chromium.launch({
	executablePath: process.env.CHROMIUM || '/usr/bin/chromium', headless: true,
	args: ['--no-sandbox', '--disable-gpu', '--no-first-run',
	    '--disable-background-networking', '--disable-component-update'],
});
try {
	const ctx = await browser.newContext({ viewport: { width: 360, height: 740 },
	    isMobile: true, hasTouch: true, locale: 'zh-CN' });
	const p = await ctx.newPage();
	p.setDefaultTimeout(20000);
	await p.goto(`${URL}/login`);
	await p.fill('#name', 'duty');
	await p.fill('#password', process.env.DUTY_PW);
	await Promise.all([p.waitForURL(/\/today$/), p.click('button[type=submit]')]);
	await p.goto(`${URL}/pages/${process.env.PAGE}`);
	writeFileSync(`${SHOTS}/province-live.html`, await p.content());
	const card = p.locator('#counties');
	check('the live view has a card of the counties below', await card.count() === 1);
	const rows = await p.locator('#counties tr[id^=county-]').count();
	check('one row per county (3)', rows === 3, String(rows));
	const t = await card.textContent();
	check('the card is headed 下级县区', t.includes('下级县区（3 个）'), t);
	check('上城区 took it and its box confirmed (1 / 1)',
	    (await p.locator('#county-330102').textContent()).match(/1 \/ 1.*(播出中|已播完)/) != null,
	    await p.locator('#county-330102').textContent());
	await p.waitForFunction(() => /连不上，正在重试/.test(
	    document.querySelector('#county-330105')?.textContent || ''), null, { timeout: 10000 })
	    .catch(() => {});
	check('拱墅区, stopped, is shown retrying',
	    /连不上，正在重试（第 \d+ 次）/.test(await p.locator('#county-330105').textContent()),
	    await p.locator('#county-330105').textContent());
	const r3 = await p.locator('#county-330106').textContent();
	check('西湖区 refused, and the officer is told what to do',
	    r3.includes('对方拒收') && r3.includes('令牌'), r3);
	check('the two that did not get it are counted in red',
	    (await card.locator('strong.bad').textContent()).includes('2 个没有收到'));
	const body = await p.textContent('main');
	check('no English on the live view', !/\b(delivered|refused|unreachable|HTTP|error)\b/i.test(body),
	    body.match(/\b(delivered|refused|unreachable|HTTP|error)\b/i)?.[0]);
	const big = await p.textContent('#live');
	check('the big count adds up the counties (1 of 1 confirmed)', /1\s*\/\s*1/.test(big), big);
	check('the stop button is there', await p.locator('#cancel button').count() === 1);
	await p.screenshot({ path: `${SHOTS}/province-live.png`, fullPage: true });
} catch (e) {
	check('the province live view ran to the end', false, e.message);
} finally {
	await browser.close();
}
console.log(`RESULT ${pass} ${fail}`);
