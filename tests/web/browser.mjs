// tests/web/browser.mjs — the web admin in real headless Chromium (Debian's
// /usr/bin/chromium driven by playwright-core; no browser download).
// A village cadre on a 360x740 phone goes from login to a previewed,
// scheduled notice; a county admin makes a user and a loudspeaker.
// Prints "ok - ..." / "FAIL - ..." and a RESULT line; screenshots go to
// $SHOTS. Env: URL, CADRE_PW, ADMIN_PW, SHOTS, OUT.
import { chromium } from 'playwright-core';
import { writeFileSync } from 'node:fs';

const URL = process.env.URL, SHOTS = process.env.SHOTS, OUT = process.env.OUT;
let pass = 0, fail = 0;
function check(what, cond, detail) {
	if (cond) { pass++; console.log(`ok - ${what}`); }
	else { fail++; console.log(`FAIL - ${what}${detail ? ': ' + detail : ''}`); }
}

const browser = await chromium.launch({
	executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
	headless: true,
	args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
	    '--disable-background-networking', '--disable-component-update',
	    '--disable-sync', '--autoplay-policy=no-user-gesture-required'],
});
const timeout = 20000;
// The pages behind the navigation's 更多: one tap there, one on the page.
async function viaMore(pg, label) {
	await Promise.all([pg.waitForURL(/\/more$/), pg.click('nav >> text=更多')]);
	await pg.click(`.more a:has(strong:text-is("${label}"))`);
}
try {
	// ---- a village cadre on a phone ----
	const phone = await browser.newContext({ viewport: { width: 360, height: 740 },
	    isMobile: true, hasTouch: true, locale: 'zh-CN' });
	const p = await phone.newPage();
	p.setDefaultTimeout(timeout);
	let dialogs = 0;
	p.on('dialog', d => { dialogs++; d.dismiss(); });
	await p.goto(`${URL}/notices`);
	check('not logged in: sent to the login page', p.url().endsWith('/login'), p.url());
	await p.screenshot({ path: `${SHOTS}/01-login.png`, fullPage: true });
	await p.fill('#name', 'cun1');
	await p.fill('#password', 'wrong password');
	await p.click('button[type=submit]');
	check('a wrong password is refused in Chinese', (await p.textContent('body')).includes('用户名或密码不对'));
	await p.fill('#name', 'cun1');
	await p.fill('#password', process.env.CADRE_PW);
	await Promise.all([p.waitForURL(/\/today$/), p.click('button[type=submit]')]);
	check('the cadre logs in and lands on the today page', (await p.textContent('h1')).startsWith('今天'),
	    await p.textContent('h1'));
	await Promise.all([p.waitForURL(/\/notices$/), p.click('nav >> text=通知')]);
	check('and one tap on 通知 shows the notices', (await p.textContent('h1')) === '通知');
	const cookies = await phone.cookies();
	const sc = cookies.find(c => c.name === 'dalaba_session');
	check('the session cookie is HttpOnly and SameSite=Strict',
	    sc && sc.httpOnly && sc.sameSite === 'Strict', JSON.stringify(sc));
	await p.click('text=写通知');
	await p.waitForURL(/\/notices\/new$/);
	await p.fill('#title', '开会通知');
	await p.fill('#body', '明天上午9点在村委会开会，请带上2026年的医保卡。<script>alert(1)</script>');
	await p.selectOption('#repeat', '2');
	await p.selectOption('#rate', '130');
	const classes = await p.$$eval('#class option', os => os.map(o => o.value));
	check('a village cadre is offered only the village class',
	    JSON.stringify(classes) === JSON.stringify(['', 'village']), JSON.stringify(classes));
	await p.screenshot({ path: `${SHOTS}/02-notice-form.png`, fullPage: true });
	await Promise.all([p.waitForURL(/\/notices\/\d+\?ok=saved$/), p.click('button:text-is("保存并预览")')]);
	const id = p.url().match(/notices\/(\d+)/)[1];
	writeFileSync(`${OUT}/notice.id`, id);
	const reading = await p.textContent('#reading');
	check('读法预览 reads the numbers the Chinese way',
	    reading.includes('九点') && reading.includes('二零二六年'), reading);
	check('the text is shown, not run (no XSS)',
	    (await p.textContent('#body-text')).includes('<script>alert(1)</script>') && dialogs === 0);
	const dur = await p.waitForFunction(() => {
		const a = document.querySelector('#preview');
		return a && a.readyState >= 1 && isFinite(a.duration) && a.duration > 0 ? a.duration : false;
	}, null, { timeout: 60000 }).then(h => h.jsonValue()).catch(e => String(e));
	check('the preview <audio> loads Ogg Opus and has a duration', typeof dur === 'number' && dur > 2, `duration ${dur}`);
	const played = await p.evaluate(async () => {
		const a = document.querySelector('#preview');
		a.muted = true;
		try { await a.play(); } catch (e) { return 'play: ' + e; }
		await new Promise(r => setTimeout(r, 1500));
		a.pause();
		return a.currentTime;
	});
	check('the preview plays', typeof played === 'number' && played > 0.3, `currentTime ${played}`);
	const wide = await p.evaluate(() => document.documentElement.scrollWidth);
	check('the notice page fits a 360 px screen', wide <= 360, `scrollWidth ${wide}`);
	await p.screenshot({ path: `${SHOTS}/03-notice-preview.png`, fullPage: true });
	// Edit before it airs: the reading follows the new text.
	await Promise.all([p.waitForURL(/\/edit$/), p.click('text=修改')]);
	check('the edit form holds the stored text', (await p.inputValue('#body')).includes('医保卡'));
	await p.fill('#body', '明天上午10点在村委会开会，请带上2026年的医保卡。<script>alert(1)</script>');
	await Promise.all([p.waitForURL(/\/notices\/\d+\?ok=saved$/), p.click('button:text-is("保存并预览")')]);
	const reread = await p.textContent('#reading');
	check('after editing, 读法预览 reads the new time', reread.includes('十点') && !reread.includes('九点'), reread);
	const scheduleUrl = p.url();
	// A news notice, every field edited on the page: each reads back, and
	// the feed is kept (it was once stored as "0" by every web edit).
	const api = path => p.evaluate(async u => (await fetch(u)).json(), `/api/v1/${path}`);
	await p.goto(`${URL}/notices/new`);
	await p.fill('#title', '天气新闻');
	await p.fill('#body', '现在播报天气。');
	await p.click('summary');
	await p.fill('#feed', 'dir:weather');
	await p.selectOption('#feed_items', '2');
	await Promise.all([p.waitForURL(/\/notices\/\d+\?ok=saved$/), p.click('button:text-is("保存并预览")')]);
	const nid = p.url().match(/notices\/(\d+)/)[1];
	let nb = await api(`notices/${nid}`);
	check('a news notice is written on the page', nb.feed === 'dir:weather' && nb.feed_items === 2, JSON.stringify(nb).slice(0, 200));
	await Promise.all([p.waitForURL(/\/edit$/), p.click('text=修改')]);
	check('its edit form holds the feed, shown', (await p.inputValue('#feed')) === 'dir:weather' &&
	    await p.isVisible('#feed'));
	await p.fill('#title', '天气新闻（改）');
	await p.fill('#body', '现在播报明天的天气。');
	await p.selectOption('#repeat', '3');
	await p.selectOption('#rate', '110');
	await p.selectOption('#voice', 'cantonese');
	await p.uncheck('input[name=chime]');
	await p.selectOption('#feed_items', '4');
	await p.screenshot({ path: `${SHOTS}/03b-notice-edit-news.png`, fullPage: true });
	await Promise.all([p.waitForURL(/\/notices\/\d+\?ok=saved$/), p.click('button:text-is("保存并预览")')]);
	nb = await api(`notices/${nid}`);
	const got = [nb.title, nb.body, nb.repeat, nb.rate, nb.voice, nb.chime, nb.feed_items, nb.feed].join('|');
	check('every field edited on the page reads back, the feed kept',
	    got === '天气新闻（改）|现在播报明天的天气。|3|110|cantonese|0|4|dir:weather', got);
	await Promise.all([p.waitForURL(/\/edit$/), p.click('text=修改')]);
	await p.fill('#feed', '');
	await Promise.all([p.waitForURL(/\/notices\/\d+\?ok=saved$/), p.click('button:text-is("保存并预览")')]);
	nb = await api(`notices/${nid}`);
	check('an emptied feed field takes the news away (null, not "0")', nb.feed === null && nb.title === '天气新闻（改）',
	    JSON.stringify([nb.feed, nb.title]));
	await p.goto(`${URL}/notices/new`);
	await p.fill('#body', '想读别处的文件。');
	await p.click('summary');
	await p.fill('#feed', 'dir:/etc');
	await p.click('button:text-is("保存并预览")');
	const ferr = await p.textContent('.card.err').catch(() => '');
	check('a folder outside the news root is refused in Chinese', ferr.includes('新闻来源'), ferr);
	check('and the form keeps what was typed', (await p.inputValue('#body')) === '想读别处的文件。' &&
	    (await p.inputValue('#feed')) === 'dir:/etc');
	await p.goto(scheduleUrl);
	await p.selectOption('#kind', 'once');
	await p.click('button:text-is("安排播出")');
	const err = await p.textContent('.card.err').catch(() => '');
	check('a one-time schedule without a time gets a clear Chinese error', err.includes('请填写「播出时间」'), err);
	await p.selectOption('#kind', 'daily');
	await p.fill('#times', '12:00,18:30');
	await Promise.all([p.waitForURL(/ok=scheduled$/), p.click('button:text-is("安排播出")')]);
	check('the notice is scheduled daily', (await p.textContent('body')).includes('每天 12:00,18:30'));
	// A second notice, cancelled before it airs.
	await p.click('nav >> text=通知');
	await p.click('text=写通知');
	await p.fill('#body', '这条通知写错了。');
	await Promise.all([p.waitForURL(/ok=saved$/), p.click('button:text-is("保存并预览")')]);
	await p.click('button:text-is("取消这条通知")');
	check('cancelling asks first', (await p.textContent('#confirm').catch(() => '')).includes('这条通知写错了'));
	await Promise.all([p.waitForURL(/ok=cancelled$/), p.click('#confirm-yes')]);
	check('a notice is cancelled from its page', (await p.textContent('.meta')).includes('已取消'));
	check('and offers no more scheduling', await p.$('button:text-is("安排播出")') === null);
	await viaMore(p, '时间表');
	await p.waitForURL(/\/timetable$/);
	const slots = await p.$$eval('.slot', els => els.map(e => e.textContent));
	const ours = slots.filter(s => s.includes('开会通知'));
	check('the timetable shows it twice a day over the week', ours.length >= 14 && ours.some(s => s.includes('12:00')) && ours.some(s => s.includes('18:30')), `${ours.length} slots`);
	const ttw = await p.evaluate(() => document.documentElement.scrollWidth);
	check('the timetable fits a 360 px screen', ttw <= 360, `scrollWidth ${ttw}`);
	await p.screenshot({ path: `${SHOTS}/04-timetable.png`, fullPage: false });
	const r = await p.goto(`${URL}/users`);
	check('a village cadre cannot open the users page', r.status() === 403, String(r.status()));
	await p.goto(`${URL}/speakers`);
	await p.screenshot({ path: `${SHOTS}/05-speakers-cadre.png`, fullPage: true });
	await p.click('header #logout');
	await p.waitForURL(/\/login$/);
	const back = await p.goto(`${URL}/notices`);
	check('after logging out the pages need a login again', p.url().endsWith('/login'), back.url());
	await phone.close();

	// ---- a county admin ----
	const desk = await browser.newContext({ viewport: { width: 1024, height: 800 }, locale: 'zh-CN' });
	const c = await desk.newPage();
	c.setDefaultTimeout(timeout);
	await c.goto(`${URL}/login`);
	await c.fill('#name', 'admin');
	await c.fill('#password', process.env.ADMIN_PW);
	await Promise.all([c.waitForURL(/\/today$/), c.click('button[type=submit]')]);
	await viaMore(c, '用户和地区');
	await c.fill('#uname', '二村王主任');
	await c.selectOption('#urole', 'village');
	await c.selectOption('#uzone', '441202001002');
	await c.click('button:text-is("新建用户")');
	const pw = (await c.textContent('#new-password').catch(() => '')).trim();
	check('the county admin creates a user and sees the password once', pw.length >= 12, pw);
	await c.screenshot({ path: `${SHOTS}/06-users.png`, fullPage: true });
	await c.click('nav >> text=喇叭');
	await c.fill('#sname', '村委会门口');
	await c.selectOption('#szone', '441202001001');
	await c.click('button:text-is("建立并生成接入口令")');
	const cmd = (await c.textContent('#command').catch(() => '')).trim();
	check('creating a loudspeaker shows the enrolment command', /^dalaba-speaker --enroll http:\/\/\S+ [0-9a-f]{32} [0-9a-f]{64} -c /.test(cmd), cmd);
	const next = await c.textContent('ol.steps').catch(() => '');
	check('and tells the cadre the next step: hand it to the technician, then watch for 在线',
	    /技术员/.test(next) && /在线/.test(next), next);
	check('and a QR code of it', await c.$('.qr svg path') !== null);
	writeFileSync(`${OUT}/enroll.cmd`, cmd);
	await c.screenshot({ path: `${SHOTS}/07-speaker-enrol.png`, fullPage: true });
	// The county's speakers page counts by township, then by village;
	// the boxes themselves are listed only in a village, a page at a time.
	await c.click('text=返回喇叭列表');
	const towns = await c.$$eval('.card.area h3', hs => hs.map(h => h.textContent));
	check('the county sees its loudspeakers by township', towns.length === 1 && towns[0] === '甲镇', JSON.stringify(towns));
	check('not box by box', (await c.$$('.card.speaker')).length === 0);
	await c.click('.card.area >> text=甲镇');
	const vill = await c.$$eval('.card.area h3', hs => hs.map(h => h.textContent));
	check('a township by village', JSON.stringify(vill) === JSON.stringify(['甲镇一村']), JSON.stringify(vill));
	await c.click('.card.area >> text=甲镇一村');
	check('and a village box by box', (await c.textContent('.card.speaker')).includes('村委会门口'));
	await c.click('text=返回甲镇');
	check('with a way back up', (await c.$$('.card.area')).length === 1);
	await viaMore(c, '读音');
	await c.fill('#word', '大喇叭');
	await c.fill('#pinyin', 'da4 la3 ba5');
	await c.click('button:text-is("保存")');
	check('the county admin adds a pronunciation', (await c.textContent('main')).includes('da4 la3 ba5'));
	await c.fill('#try', '村里的大喇叭响了');
	await c.click('button:text-is("试听")');
	const said = await c.textContent('#reading');
	check('trying a sentence shows the override in the reading', said.includes('da4') || said.includes('la3'), said);
	const tdur = await c.waitForFunction(() => {
		const a = document.querySelector('main audio');
		return a && a.readyState >= 1 && isFinite(a.duration) && a.duration > 0 ? a.duration : false;
	}, null, { timeout: 60000 }).then(h => h.jsonValue()).catch(e => String(e));
	check('and it can be heard', typeof tdur === 'number' && tdur > 0.5, String(tdur));
	for (const [nav, file] of [['播出记录', '08-history'], ['读音', '09-lexicon'], ['操作日志', '10-audit']]) {
		if (nav === '播出记录')
			await c.click(`nav >> text=${nav}`);
		else
			await viaMore(c, nav);
		await c.waitForLoadState();
		await c.screenshot({ path: `${SHOTS}/${file}.png`, fullPage: false });
	}
	const audit = await c.textContent('main');
	check('the audit log names who made the user, in Chinese', audit.includes('新建用户') && audit.includes('admin'), audit.slice(0, 300));
	await desk.close();

	// ---- the new user logs in with the shown password ----
	const third = await browser.newContext({ viewport: { width: 360, height: 740 } });
	const n = await third.newPage();
	n.setDefaultTimeout(timeout);
	await n.goto(`${URL}/login`);
	await n.fill('#name', '二村王主任');
	await n.fill('#password', pw);
	await Promise.all([n.waitForURL(/\/today$/), n.click('button[type=submit]')]);
	check('the new user logs in with the password shown once', n.url().endsWith('/today'));
	const seen = await n.textContent('main');
	check('and does not see the other village\'s notice', !seen.includes('开会通知'));
	await viaMore(n, '我的账号');
	await n.fill('#pwc', pw);
	await n.fill('#pw1', 'my-own-pass-1');
	await n.fill('#pw2', 'my-own-pass-2');
	await n.click('button:text-is("修改密码")');
	check('two different new passwords are refused', (await n.textContent('.card.err').catch(() => '')).includes('不一样'));
	await n.fill('#pwc', 'not my password');
	await n.fill('#pw1', 'my-own-pass-1');
	await n.fill('#pw2', 'my-own-pass-1');
	await n.click('button:text-is("修改密码")');
	check('a wrong current password is refused', (await n.textContent('.card.err').catch(() => '')).includes('密码不对'));
	await n.fill('#pwc', pw);
	await n.fill('#pw1', 'my-own-pass-1');
	await n.fill('#pw2', 'my-own-pass-1');
	await n.click('button:text-is("修改密码")');
	check('the user sets their own password', (await n.textContent('.card.ok').catch(() => '')).includes('密码已修改'));
	writeFileSync(`${OUT}/newpw`, 'my-own-pass-1');
	await third.close();
} catch (e) {
	check('the browser run finished', false, String(e && e.stack || e));
} finally {
	await browser.close();
}
console.log(`RESULT ${pass} ${fail}`);
