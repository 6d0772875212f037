// tests/web/phone.mjs — what the browser tests share: the system Chromium
// headless, and a logged-in phone (360x740, touch, zh-CN) as a user.
import { chromium } from 'playwright-core';

// extra: more Chromium switches (voice.mjs: a fake microphone).
export function launch(extra = []) {
	return chromium.launch({
		executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
		headless: true,
		args: ['--no-sandbox', '--disable-gpu', '--no-first-run',
		    '--disable-background-networking', '--disable-component-update',
		    ...extra],
	});
}

export const PHONE = { viewport: { width: 360, height: 740 }, isMobile: true,
    hasTouch: true, locale: 'zh-CN' };

// A new phone logged in as name, on the today page (where login lands).
export async function phone(browser, url, name, pw) {
	const ctx = await browser.newContext(PHONE);
	const p = await ctx.newPage();
	p.setDefaultTimeout(20000);
	await p.goto(`${url}/login`);
	await p.fill('#name', name);
	await p.fill('#password', pw);
	await Promise.all([p.waitForURL(/\/today$/), p.click('button[type=submit]')]);
	return p;
}

// What every page must be on a phone, checked with check(what, cond,
// detail): every target at least 44 px, nothing wider than the screen, no
// Latin word shown (but the users' own names, and allow); a screenshot
// SHOTS/shot.png when shot is given.
export async function looks(p, check, what, shot, allow = ['cun', 'admin', 'xicun']) {
	const l = await p.evaluate(() => {
		const box = e => e.getBoundingClientRect();
		// (a checkbox's target is its whole label, as zones.mjs says)
		const small = [...document.querySelectorAll('main a, main button, main input, main select')]
		    .map(e => e.type === 'checkbox' && e.closest('label') ? e.closest('label') : e)
		    .filter(e => box(e).width > 0 && e.type !== 'hidden')
		    .filter(e => box(e).height < 44 || box(e).width < 44)
		    .map(e => `${e.tagName} ${e.textContent.trim().slice(0, 10)} ${box(e).width}x${box(e).height}`);
		let t = document.body.innerText;
		for (const c of document.querySelectorAll('code'))
			t = t.split(c.innerText).join(' ');
		for (const e of document.querySelectorAll('[title],[aria-label],[placeholder]'))
			t += '\n' + (e.getAttribute('title') || '') + ' ' + (e.getAttribute('aria-label') || '') +
			    ' ' + (e.getAttribute('placeholder') || '');
		const latin = (t + '\n' + document.title).match(/[A-Za-z][A-Za-z0-9_.:\/-]*/g) || [];
		return { small, wide: document.documentElement.scrollWidth, latin };
	});
	check(`${what}: every target is at least 44 px`, l.small.length === 0, JSON.stringify(l.small));
	check(`${what}: fits a 360 px screen`, l.wide <= 360, `scrollWidth ${l.wide}`);
	const latin = l.latin.filter(w => !allow.includes(w));
	check(`${what}: every word is Chinese`, latin.length === 0, JSON.stringify(latin.slice(0, 10)));
	if (shot)
		await p.screenshot({ path: `${process.env.SHOTS}/${shot}.png`, fullPage: true });
}
