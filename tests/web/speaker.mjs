// tests/web/speaker.mjs — one loudspeaker's page on a 360x740 phone in real
// headless Chromium: a village cadre sets its volume with the number field
// and with a one-tap choice, is told plainly when what was typed is no
// volume (and nothing changes), sounds the test tone after a second tap
// and sees the box confirm it without reloading by hand; the county admin
// sees the same page; another village's cadre gets 404. Every target at
// least 44 px, nothing wider than the screen, no Latin word shown.
// Env: URL, SHOTS, CADRE_PW, OTHER_PW, ADMIN_PW, SPEAKER (the box's id).
import { launch, looks as looksOn, PHONE } from './phone.mjs';

const URL = process.env.URL, SHOTS = process.env.SHOTS, ID = process.env.SPEAKER;
let pass = 0, fail = 0;
function check(what, cond, detail) {
	if (cond) { pass++; console.log(`ok - ${what}`); }
	else { fail++; console.log(`FAIL - ${what}${detail ? ': ' + detail : ''}`); }
}

const browser = await launch();
async function phone() {
	const ctx = await browser.newContext(PHONE);
	const p = await ctx.newPage();
	p.setDefaultTimeout(20000);
	p.errors = [];
	p.on('pageerror', e => p.errors.push(String(e)));
	return p;
}
async function login(p, name, pw) {
	await p.goto(`${URL}/login`);
	await p.fill('#name', name);
	await p.fill('#password', pw);
	await Promise.all([p.waitForURL(/\/today$/), p.click('button[type=submit]')]);
}
const looks = (p, what, shot) => looksOn(p, check, what, shot);
const volumeSet = p => p.textContent('#volume-set');

try {
	// ---- the village cadre ----
	const v = await phone();
	await login(v, 'cun', process.env.CADRE_PW);
	await v.goto(`${URL}/speakers`);
	const r = await v.goto(`${URL}/speakers/${ID}`);
	check('the village cadre opens the box\'s page', r.status() === 200, String(r.status()));
	await looks(v, 'village cadre, the page', '46-speaker-cadre');
	check('it shows the history strip of 24 hours', (await v.$$('#strip span')).length === 24);
	check('and the test tone button', await v.isVisible('#tone-card button'));

	await v.fill('#volume-input', '35');
	await Promise.all([v.waitForURL(/done=volume/), v.click('#volume-save')]);
	check('the volume typed is saved (35)', (await volumeSet(v)) === '35', await volumeSet(v));
	check('and the page says so', (await v.textContent('main')).includes('音量保存好了'));
	await looks(v, 'village cadre, volume saved', '46-speaker-volume-saved');
	await Promise.all([v.waitForURL(/done=volume/), v.click('#volume-presets button:text-is("70")')]);
	check('one tap on 70 sets 70', (await volumeSet(v)) === '70', await volumeSet(v));

	await v.fill('#volume-input', '150');
	await Promise.all([v.waitForNavigation(), v.click('#volume-save')]);
	const msg = await v.textContent('main');
	check('150 is refused with a Chinese sentence', msg.includes('音量要填 0 到 100 之间的整数'));
	check('and keeps what was typed', (await v.inputValue('#volume-input')) === '150');
	await looks(v, 'village cadre, a volume refused', '46-speaker-volume-refused');
	await v.goto(`${URL}/speakers/${ID}`);
	check('nothing changed: still 70', (await volumeSet(v)) === '70', await volumeSet(v));

	// The test tone: a second tap, then the box's answer on the page.
	await Promise.all([v.waitForNavigation(), v.click('#tone-card button')]);
	check('the tone asks first', (await v.textContent('#confirm')).includes('响一下'));
	await looks(v, 'village cadre, the tone\'s question', '46-speaker-tone-confirm');
	await Promise.all([v.waitForURL(/done=tone/), v.click('#confirm-yes')]);
	const going = await v.textContent('#tone-state');
	check('then it is under way, or already confirmed', /正在试音|喇叭确认播了/.test(going), going);
	// The page looks again by itself (a meta refresh, no script).
	// (each refresh is a new page: poll what it says, bounded)
	let seen = '';
	for (let i = 0; i < 80 && !seen.includes('喇叭确认播了'); i++) {
		await v.waitForTimeout(500);
		seen = await v.textContent('#tone-state').catch(() => '') || '';
	}
	check('the box confirms it, and the page shows it by itself', seen.includes('喇叭确认播了'),
	    seen + ' ' + v.url() + ' ' + await v.evaluate(async () => (await fetch(location.pathname.replace('/speakers/', '/api/v1/speakers/') + '/history')).text()).catch(e => String(e)));
	await looks(v, 'village cadre, the tone confirmed', '46-speaker-tone-done');
	check('no script errors', v.errors.length === 0, JSON.stringify(v.errors));

	// ---- another village's cadre: no such box ----
	const o = await phone();
	await login(o, 'xicun', process.env.OTHER_PW);
	const r2 = await o.goto(`${URL}/speakers/${ID}`);
	check('another village\'s cadre gets 404', r2.status() === 404, String(r2.status()));
	check('and a Chinese sentence', (await o.textContent('main')).includes('没有这个喇叭'));

	// ---- the county admin ----
	const a = await phone();
	await login(a, 'admin', process.env.ADMIN_PW);
	const r3 = await a.goto(`${URL}/speakers/${ID}`);
	check('the county admin opens it too', r3.status() === 200, String(r3.status()));
	check('and sees the volume the cadre set', (await volumeSet(a)) === '70', await volumeSet(a));
	check('and the tone in its history', (await a.textContent('#history')).includes('试音'));
	await looks(a, 'county admin, the page', '46-speaker-county');
	// Closer, as a phone shows them: the volume and the history.
	await a.locator('#volume-card').screenshot({ path: `${SHOTS}/42-speaker-volume-card.png` });
	await a.locator('#history-title').evaluate(e => e.scrollIntoView({ block: 'start' }));
	await a.screenshot({ path: `${SHOTS}/42-speaker-history.png` });
} catch (e) {
	check('the walk-through ran to its end', false, String(e));
} finally {
	await browser.close();
}
console.log(`RESULT ${pass} ${fail}`);
