// tests/web/phone.mjs — what the browser tests share: the system Chromium
// headless, and a logged-in phone (360x740, touch, zh-CN) as a user.
import { chromium } from 'playwright-core';

export function launch() {
	return chromium.launch({
		executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
		headless: true,
		args: ['--no-sandbox', '--disable-gpu', '--no-first-run',
		    '--disable-background-networking', '--disable-component-update'],
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
