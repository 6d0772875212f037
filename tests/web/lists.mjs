// tests/web/lists.mjs — the notice list and the history with their search
// and filters, the page of one loudspeaker and a village's boxes a page
// at a time, on a 360x740 phone as the county admin and a village cadre.
// The filters are a plain GET form
// (used here with JavaScript off), a hostile query gets a Chinese sentence
// and the usual page, and a village cadre never sees another village's
// notices or boxes whatever the query says. Run from today.mjs (the same
// data: AIRED aired in 甲镇一村 to 村委会门口, the cadre's daily 开会通知).
import { writeFileSync } from 'node:fs';

export async function lists({ browser, phone, check, URL, SHOTS, AIRED }) {
	const api = (p, method, path, body) => p.evaluate(async ([m, u, b]) => {
		const csrf = document.querySelector('input[name=csrf]')?.value || '';
		const r = await fetch(u, { method: m, headers: { 'Content-Type': 'application/json',
		    'X-CSRF-Token': csrf }, body: b ? JSON.stringify(b) : undefined });
		return { status: r.status, json: await r.json().catch(() => null) };
	}, [method, `/api/v1/${path}`, body]);
	const status = async (p, path) => (await p.goto(`${URL}${path}`)).status();
	const ids = p => p.$$eval('.card.notice', es => es.map(e => ({ id: e.dataset.id, st: e.dataset.state,
	    t: e.textContent })));
	// Every target at least 44 px, nothing wider than the screen.
	const fits = async (p, what) => {
		const l = await p.evaluate(() => {
			const box = e => e.getBoundingClientRect();
			const small = [...document.querySelectorAll('main a, main button, main input, main select')]
			    .filter(e => box(e).width > 0 && e.type !== 'hidden')
			    .filter(e => box(e).height < 44 || box(e).width < 44)
			    .map(e => `${e.tagName} ${e.textContent.trim().slice(0, 10)} ${box(e).width}x${box(e).height}`);
			return { small, wide: document.documentElement.scrollWidth };
		});
		check(`${what}: every target is at least 44 px`, l.small.length === 0, JSON.stringify(l.small));
		check(`${what}: fits a 360 px screen`, l.wide <= 360, `scrollWidth ${l.wide}`);
	};

	// ---- the county admin: a notice and a box in 乙镇一村 ----
	const a = await phone('admin', process.env.ADMIN_PW);
	await a.goto(`${URL}/notices/new`);	/* a page with a csrf field */
	const road = await api(a, 'POST', 'notices', { title: '乙镇修路通知', body: '乙镇一村明天修路，请绕行。',
	    zone: '441202002001', schedule: { kind: 'once', at: '2030-01-01 09:00' } });
	const old = await api(a, 'POST', 'notices', { title: '乙镇旧通知', body: '作废的通知。', zone: '441202002001' });
	const cancel = await api(a, 'POST', `notices/${old.json?.id}/cancel`);
	const box = await api(a, 'POST', 'speakers', { zone: '441202002001', name: '乙镇喇叭' });
	check('set up: a notice, a cancelled one and a box in 乙镇一村', road.status === 201 &&
	    old.status === 201 && cancel.status === 200 && box.status === 201,
	    JSON.stringify([road.status, old.status, cancel.status, box.status]));
	const ROAD = String(road.json?.id), OLD = String(old.json?.id), BOX = box.json?.id;

	await a.goto(`${URL}/notices`);
	let cards = await ids(a);
	const meeting = cards.find(c => c.t.includes('开会通知'));
	check('county: each notice shows its state', cards.length >= 4 && cards.every(c =>
	    ['pending', 'aired', 'unscheduled', 'cancelled'].includes(c.st)), JSON.stringify(cards.map(c => c.st)));
	check('county: the daily notice is 待播 with its next airing', meeting?.st === 'pending' &&
	    meeting.t.includes('待播') && /下次播出：\d{4}-\d\d-\d\d (12:00|18:30)/.test(meeting.t), meeting?.t);
	const aired = cards.find(c => c.id === AIRED);
	check('county: the notice that aired is 已播 with when', aired?.st === 'aired' && aired.t.includes('已播') &&
	    aired.t.includes('上次播出') && !aired.t.includes('下次播出'), aired?.t);
	check('county: the cancelled one is 已取消', cards.find(c => c.id === OLD)?.st === 'cancelled');
	check('county: the one for 2030 is 待播 then', (cards.find(c => c.id === ROAD)?.t || '').includes('2030-01-01 09:00'));
	await a.screenshot({ path: `${SHOTS}/lists-notices-county.png`, fullPage: true });
	await fits(a, 'county /notices');

	// The form, without JavaScript: type, choose, tap 查找.
	const nojs = await browser.newContext({ viewport: { width: 360, height: 740 }, isMobile: true,
	    hasTouch: true, locale: 'zh-CN', javaScriptEnabled: false,
	    storageState: await a.context().storageState() });
	const f = await nojs.newPage();
	await f.goto(`${URL}/notices`);
	await f.fill('#q', '修路');
	await Promise.all([f.waitForURL(/q=/), f.click('form[role=search] button[type=submit]')]);
	cards = await ids(f);
	check('without JavaScript, the search box finds the notice by its text', cards.length === 1 &&
	    cards[0].id === ROAD && (await f.inputValue('#q')) === '修路', JSON.stringify(cards.map(c => c.id)));
	check('the other filters are folded away until wanted', !(await f.isVisible('#state')));
	await f.click('#more summary');
	await f.selectOption('#state', 'cancelled');
	await f.fill('#q', '');
	await Promise.all([f.waitForURL(/state=cancelled/), f.click('form[role=search] button[type=submit]')]);
	cards = await ids(f);
	check('the state filter shows only cancelled notices', cards.length >= 1 && cards.every(c => c.st ===
	    'cancelled') && cards.some(c => c.id === OLD), JSON.stringify(cards));
	check('a filter in use keeps them open, and offers 清除条件', (await f.isVisible('#state')) &&
	    (await f.$('a:has-text("清除条件")')) !== null);
	await f.selectOption('#state', '');
	await f.selectOption('#fzone', '441202002001');
	await Promise.all([f.waitForURL(/zone=441202002001/), f.click('form[role=search] button[type=submit]')]);
	cards = await ids(f);
	check('the zone filter shows only that village\'s', cards.length === 2 &&
	    cards.every(c => c.t.includes('乙镇一村')), JSON.stringify(cards.map(c => c.t.slice(0, 20))));
	await f.goto(`${URL}/notices?q=${encodeURIComponent('正文里没有的字')}`);
	check('a search that finds nothing says so', (await f.textContent('#found')).includes('没有找到'));
	// Matched as typed: '%' and '_' are not wildcards.
	await f.goto(`${URL}/notices?q=%25`);
	check('"%" finds only notices that contain it', (await ids(f)).length === 0);
	await nojs.close();

	// ---- hostile queries: a Chinese sentence, the page as usual ----
	const bad = [
		[`/notices?q=${'长'.repeat(51)}`, '太长'],
		['/notices?state=%3Cscript%3E', '没有这种状态'],
		['/notices?zone=441203001001', '只能看您自己地区里的'],
		['/notices?zone=12ab', '地区选得不对'],
		['/notices?q=%FF%FE', '乱码'],
		['/notices?q=a%01b', '不能用的符号'],
		['/history?from=2026-02-30', '开始日期的格式不对'],
		['/history?from=2026-12-02&to=2026-12-01', '结束日期在开始日期之前'],
		['/history?outcome=x', '没有这种结果'],
	];
	for (const [path, says] of bad) {
		const st = await status(a, path);
		const err = await a.textContent('main .err').catch(() => '');
		check(`${path}: 400 with a Chinese sentence, the normal page`, st === 400 && err.includes(says) &&
		    (await a.$('form[role=search]')) !== null && (await a.$$('nav a')).length === 6, `${st} ${err}`);
	}
	await a.goto(`${URL}/notices?q=${encodeURIComponent('<b>"x"</b>')}`);
	check('the search text comes back as typed, escaped', (await a.inputValue('#q')) === '<b>"x"</b>' &&
	    (await a.$('main b')) === null);
	await a.goto(`${URL}/notices?zone=441203001001`);
	await a.screenshot({ path: `${SHOTS}/lists-notices-bad.png`, fullPage: false });

	// ---- the history's filters ----
	await a.goto(`${URL}/history?outcome=aired`);
	let outs = await a.$$eval('.card.broadcast', es => es.map(e => e.dataset.outcome));
	check('history: the outcome filter shows only what aired', outs.length >= 2 &&
	    outs.every(o => o === 'aired'), JSON.stringify(outs));
	const today = await a.evaluate(() => new Date().toLocaleDateString('sv-SE', { timeZone: 'Asia/Shanghai' }));
	await a.goto(`${URL}/history?from=${today}&to=${today}&q=${encodeURIComponent('试播')}`);
	let bt = await a.$$eval('.card.broadcast', es => es.map(e => e.textContent));
	check('history: today\'s, by text', bt.length >= 1 && bt.every(t => t.includes('试播')), JSON.stringify(bt));
	// Full-width digits, as a Chinese keyboard types them.
	await a.goto(`${URL}/history?from=${encodeURIComponent('２０２６－０１－０１')}&to=2026-01-01`);
	check('history: a full-width date is read, an empty range found empty', (await status(a,
	    `/history?from=${encodeURIComponent('２０２６－０１－０１')}&to=2026-01-01`)) === 200 &&
	    (await a.textContent('#found')).includes('没有找到') && (await a.inputValue('#from')) === '2026-01-01');
	await a.goto(`${URL}/history?zone=441202002001`);
	check('history: the zone filter (乙镇一村 has aired nothing)', (await a.$$('.card.broadcast')).length === 0);
	await a.goto(`${URL}/history`);
	await a.screenshot({ path: `${SHOTS}/lists-history-county.png`, fullPage: false });
	await fits(a, 'county /history');

	// ---- a loudspeaker's page ----
	await a.goto(`${URL}/speakers?zone=441202001001`);
	await Promise.all([a.waitForURL(/\/speakers\/\d+$/), a.click('.card.speaker h3 a')]);
	const SPK = a.url().match(/speakers\/(\d+)$/)[1];
	const facts = await a.textContent('#facts');
	check('the speaker card leads to its page: name, id, zone by name, state, last heard',
	    (await a.textContent('h1')).includes('村委会门口') && facts.includes(SPK) &&
	    facts.includes('甲镇 · 甲镇一村') && facts.includes('不在线') && facts.includes('已接入') &&
	    /\d{4}-\d\d-\d\d \d\d:\d\d/.test(await a.textContent('#heard')), facts);
	const hl = await a.textContent('#health').catch(() => '');
	check('its health as the box last reported it: amplifier, volume, uptime, version, errors, storage',
	    ['功放', '音量', '已运行', '软件版本', '声卡出错', '功放开关出错', '存储空间还剩'].every(w => hl.includes(w)) &&
	    /\d+\.\d+\.\d+/.test(await a.textContent('#version')), hl);
	await a.screenshot({ path: `${SHOTS}/lists-speaker-county.png`, fullPage: true });
	await fits(a, 'county /speakers/ID');
	await Promise.all([a.waitForURL(/\/token$/), a.click('main form button:has-text("生成新的接入口令")')]);
	check('a new token asks first, and makes none yet', (await a.textContent('#confirm')).includes('村委会门口') &&
	    (await a.$('#command')) === null);
	await a.screenshot({ path: `${SHOTS}/lists-token-confirm.png`, fullPage: false });
	await fits(a, 'the token\'s confirm page');
	await Promise.all([a.waitForURL(new RegExp(`/speakers/${SPK}$`)), a.click('text=不做了，返回')]);
	check('不做了 goes back to the speaker', (await a.textContent('h1')).includes('村委会门口'));
	await a.click('main form button:has-text("生成新的接入口令")');
	await a.waitForSelector('#confirm-yes');
	await Promise.all([a.waitForSelector('#command'), a.click('#confirm-yes')]);
	const cmd = await a.textContent('#command');
	check('the second tap shows the enrolment command for this box', cmd.includes('--enroll') &&
	    (await a.$('.qr svg')) !== null, cmd);
	writeFileSync(`${process.env.OUT || '/tmp'}/lists-token.cmd`, cmd);

	// ---- a village of 55 boxes: 50 to a page, 上一页 / 下一页 ----
	await a.goto(`${URL}/speakers?zone=441202002001`);
	const made = [];
	for (let i = 2; i <= 55; i++)
		made.push((await api(a, 'POST', 'speakers', { zone: '441202002001', name: `乙镇${i}号` })).status);
	check('set up: 54 more boxes in 乙镇一村', made.every(x => x === 201),
	    JSON.stringify(made.filter(x => x !== 201)));
	const hrefs = p => p.$$eval('.card.speaker h3 a', as => as.map(x => x.getAttribute('href')));
	const pageof = async p => (await p.textContent('#pageof').catch(() => '')).trim();
	const prevNext = async p => [await p.$('#pager a[rel=prev]') !== null, await p.$('#pager a[rel=next]') !== null];
	await a.goto(`${URL}/speakers?zone=441202002001`);
	const p1 = await hrefs(a);
	check('a village of 55: 50 cards, 第1页，共2页, 下一页 and no 上一页', p1.length === 50 &&
	    (await pageof(a)) === '第1页，共2页' && JSON.stringify(await prevNext(a)) === '[false,true]',
	    `${p1.length} ${await pageof(a)} ${JSON.stringify(await prevNext(a))}`);
	check('its counts above the cards: 共 55 个喇叭', (await a.textContent('#summary')).includes('乙镇一村：共 55 个喇叭'),
	    await a.textContent('#summary'));
	await a.screenshot({ path: `${SHOTS}/lists-speakers-page1.png`, fullPage: false });
	await fits(a, 'county, a village\'s first page');
	await Promise.all([a.waitForURL(/page=2$/), a.click('#pager a:text-is("下一页")')]);
	const p2 = await hrefs(a);
	check('下一页: the other 5, none of the first page\'s, 第2页，共2页, 上一页 only', p2.length === 5 &&
	    !p2.some(h => p1.includes(h)) && (await pageof(a)) === '第2页，共2页' &&
	    JSON.stringify(await prevNext(a)) === '[true,false]', `${p2.length} ${await pageof(a)}`);
	await a.screenshot({ path: `${SHOTS}/lists-speakers-page2.png`, fullPage: true });
	await fits(a, 'county, a village\'s last page');
	await Promise.all([a.waitForURL(/page=1$/), a.click('#pager a:text-is("上一页")')]);
	check('上一页: the first 50 again', JSON.stringify(await hrefs(a)) === JSON.stringify(p1));
	for (const [q, want] of [['99', '第2页，共2页'], ['abc', '第1页，共2页'], ['0', '第1页，共2页'],
	    [encodeURIComponent('２'), '第2页，共2页']]) {
		const st = await status(a, `/speakers?zone=441202002001&page=${q}`);
		check(`page=${decodeURIComponent(q)}: ${want}`, st === 200 && (await pageof(a)) === want, `${st} ${await pageof(a)}`);
	}
	await a.goto(`${URL}/speakers?zone=441202001001`);
	check('a village of one box has no pager', (await a.$('#pager')) === null &&
	    (await a.$$('.card.speaker')).length >= 1);
	await a.context().close();

	// ---- the village cadre: their own only, whatever the query says ----
	const v = await phone('cun1', process.env.CADRE_PW);
	await v.goto(`${URL}/notices`);
	let vt = await v.textContent('main');
	check('village: the list has its own notices, none of 乙镇一村\'s', vt.includes('开会通知') &&
	    !vt.includes('乙镇修路') && !vt.includes('乙镇旧通知'));
	const zopts = await v.$$eval('#fzone option', os => os.map(o => o.value));
	check('village: the zone filter offers only its own village', JSON.stringify(zopts) ===
	    JSON.stringify(['', '441202001001']), JSON.stringify(zopts));
	await v.screenshot({ path: `${SHOTS}/lists-notices-village.png`, fullPage: true });
	await fits(v, 'village /notices');
	const st = await status(v, '/notices?zone=441202002001&q=' + encodeURIComponent('乙镇'));
	vt = await v.textContent('main');
	check('village: asking for another village\'s is refused in words and shows none of it', st === 400 &&
	    vt.includes('只能看您自己地区里的') && !vt.includes('乙镇修路'), vt.slice(0, 200));
	await v.goto(`${URL}/notices?q=${encodeURIComponent('修路')}&state=pending`);
	check('village: a search for the other village\'s text finds nothing', (await ids(v)).length === 0);
	const vapi = await api(v, 'GET', 'notices?zone=441202002001');
	check('village: the API with the other zone gives none of its notices', vapi.status === 200 &&
	    !vapi.json.some(n => n.zone === '441202002001'), JSON.stringify(vapi.json?.map(n => n.zone)));
	await v.goto(`${URL}/history?zone=441202001001`);
	check('village: its own history filters by its village', (await v.$$('.card.broadcast')).length >= 2);
	await v.goto(`${URL}/history`);
	await v.screenshot({ path: `${SHOTS}/lists-history-village.png`, fullPage: false });
	await fits(v, 'village /history');
	check('village: its own box\'s page opens', (await status(v, `/speakers/${SPK}`)) === 200 &&
	    (await v.textContent('h1')).includes('村委会门口'));
	await v.screenshot({ path: `${SHOTS}/lists-speaker-village.png`, fullPage: true });
	await fits(v, 'village /speakers/ID');
	check('village: another village\'s box is not there (404), nor named', (await status(v, `/speakers/${BOX}`)) === 404 &&
	    !(await v.textContent('main')).includes('乙镇喇叭'));
	for (const p of ['/speakers/abc', '/speakers/0', '/speakers/99999999999', '/speakers/-1'])
		check(`village: ${p} is 404`, (await status(v, p)) === 404);
	await v.goto(`${URL}/speakers/${SPK}`);
	const tok = await v.evaluate(async box => {
		const csrf = document.querySelector('input[name=csrf]').value;
		const r = await fetch(`/speakers/${box}/token`, { method: 'POST', headers: {
		    'Content-Type': 'application/x-www-form-urlencoded' }, body: `csrf=${csrf}&confirm=1` });
		return { status: r.status, text: await r.text() };
	}, BOX);
	check('village: a token for another village\'s box, confirmed by hand, is refused', tok.status === 404 &&
	    !tok.text.includes('--enroll'), `${tok.status}`);
	await v.context().close();
}
