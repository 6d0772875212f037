// tests/web/targets.mjs — one notice to several villages and a village's
// cut-in (插播), as the cadres do them on a 360x740 phone in Chromium.
// The township cadre ticks 一村 and 二村 under 甲镇 on the write form, sees
// both named on the notice, airs it (after the confirm step) and finds one
// record per village; a refused form keeps the villages ticked. The village
// cadre (one village: no such choice offered) taps 插播 on a notice, reads
// what it will do, confirms, and it goes on the air above the county's
// routine notice. Every target at least 44 px, nothing wider than 360.
// Env: URL, SHOTS, TOWN_PW, CADRE_PW; TOKEN (the machine's API token) for
// the county's notice and to read the store's view.
import { launch, phone as openPhone } from './phone.mjs';

const URL = process.env.URL, SHOTS = process.env.SHOTS;
let pass = 0, fail = 0;
function check(what, cond, detail) {
	if (cond) { pass++; console.log(`ok - ${what}`); }
	else { fail++; console.log(`FAIL - ${what}${detail ? ': ' + detail : ''}`); }
}
const sleep = ms => new Promise(r => setTimeout(r, ms));

const browser = await launch();

const phone = (name, pw) => openPhone(browser, URL, name, pw);

const fits = async (p, what) => {
	const l = await p.evaluate(() => {
		const box = e => e.getBoundingClientRect();
		const small = [...document.querySelectorAll('main a, main button, main input, main select, main summary')]
		    .filter(e => box(e).width > 0 && e.type !== 'hidden')
		    .filter(e => e.type === 'checkbox' ? box(e.closest('label')).height < 44 :
		        box(e).height < 44 || box(e).width < 44)
		    .map(e => `${e.tagName} ${(e.textContent || e.name).trim().slice(0, 10)} ${box(e).width}x${box(e).height}`);
		return { small, wide: document.documentElement.scrollWidth };
	});
	check(`${what}: every target is at least 44 px`, l.small.length === 0, JSON.stringify(l.small));
	check(`${what}: fits a 360 px screen`, l.wide <= 360, `scrollWidth ${l.wide}`);
};
const api = async path => (await fetch(`${URL}/api/v1/${path}`,
    { headers: { Authorization: `Bearer ${process.env.TOKEN}` } })).json();

// ---- the township cadre: one notice to 一村 and 二村 ----
const z = await phone('zhen', process.env.TOWN_PW);
await z.goto(`${URL}/notices/new`);
const offered = await z.$$eval('#targets label.zvill', ls => ls.map(l => l.textContent.trim()));
check('the write form offers 甲镇\'s three villages to tick', JSON.stringify(offered) ===
    JSON.stringify(['一村', '二村', '三村']), JSON.stringify(offered));
check('and the whole township as one box', /整个甲镇/.test(await z.textContent('#targets label.zt')));
check('folded away until wanted', !(await z.$eval('#targets', d => d.open)));
await z.click('#targets > summary');
await z.click('#targets .ztown details > summary');
await z.screenshot({ path: `${SHOTS}/targets-form.png`, fullPage: true });
await fits(z, 'the write form with its villages');
await z.check('input[name=targets][value="441202001001"]');
await z.check('input[name=targets][value="441202001002"]');
// The chooser's search, without script: the form comes back narrowed,
// nothing saved, what was typed and ticked kept.
const n0 = (await api('notices')).length;
await z.fill('#body', '先不存。');
await z.fill('#zq', '二');
await Promise.all([z.waitForURL(/find=1/), z.click('#zfind')]);
const shown = await z.$$eval('#targets label.zvill:not([hidden])', ls => ls.map(l => l.textContent.trim()));
check('查找 narrows the villages to 二村, saving nothing', JSON.stringify(shown) === JSON.stringify(['二村']) &&
    (await api('notices')).length === n0 && (await z.inputValue('#body')) === '先不存。', JSON.stringify(shown));
check('and 一村, ticked but hidden, is kept', await z.isChecked('input[name=targets][value="441202001002"]') &&
    (await z.$('input[type=hidden][name=targets][value="441202001001"]')) !== null);
await z.goto(`${URL}/notices/new`);
await z.click('#targets > summary');
await z.click('#targets .ztown details > summary');
await z.fill('#title', '打疫苗');
await z.check('input[name=targets][value="441202001001"]');
await z.check('input[name=targets][value="441202001002"]');
// A refused form keeps the villages ticked.
await z.fill('#body', '');
await z.evaluate(() => document.querySelector('#body').removeAttribute('required'));
await z.click('main form button:has-text("保存并预览")');
check('an empty text is refused in Chinese', /请/.test(await z.textContent('.card.err')),
    await z.textContent('main'));
check('and the villages stay ticked', await z.isChecked('input[name=targets][value="441202001001"]') &&
    await z.isChecked('input[name=targets][value="441202001002"]') && !(await z.isChecked('input[name=targets][value="441202001003"]')));
await z.fill('#body', '一村和二村的老人请注意，明天上午九点到村卫生室打流感疫苗，请带好身份证。');
await Promise.all([z.waitForURL(/\/notices\/\d+\?ok=saved/), z.click('main form button:has-text("保存并预览")')]);
const nid = z.url().match(/notices\/(\d+)/)[1];
check('saved, the notice names both villages', (await z.textContent('#targets')) === '播给 一村、二村',
    await z.textContent('#targets'));
await Promise.all([z.waitForURL(/\/now$/), z.click('form[action$="/now"] button')]);
check('马上播出 asks first, naming both villages', /一村、二村/.test(await z.textContent('main')),
    await z.textContent('main'));
await z.screenshot({ path: `${SHOTS}/targets-confirm.png`, fullPage: true });
await Promise.all([z.waitForURL(/ok=now/), z.click('#confirm-yes')]);
let cards = [];
for (let i = 0; i < 60; i++) {
	await z.goto(`${URL}/notices/${nid}`);
	cards = await z.$$eval('.card.aired', cs => cs.map(c => c.textContent));
	if (cards.length === 2 && cards.every(t => /已播出/.test(t) && /1\/1/.test(t))) break;
	await sleep(1000);
}
check('it aired in both villages, one record each, each confirmed by its box',
    cards.length === 2 && cards.some(t => t.startsWith('一村')) && cards.some(t => t.startsWith('二村')) &&
    cards.every(t => /1\/1/.test(t)), JSON.stringify(cards));
await z.screenshot({ path: `${SHOTS}/targets-aired.png`, fullPage: true });
await fits(z, 'the notice of two villages');
await z.goto(`${URL}/notices`);
check('the notice list names both villages', (await z.textContent(`.card.notice[data-id="${nid}"]`))
    .includes('播给 一村、二村'));

// ---- the village cadre: 插播 above the county's routine notice ----
const c = await phone('cun', process.env.CADRE_PW);
await c.goto(`${URL}/notices/new`);
check('a cadre of one village is not offered villages to tick', (await c.$('#targets')) === null);
await c.fill('#title', '寻人');
await c.fill('#body', '一村村民请注意，村里的王大爷今天早上走失，穿蓝色上衣，看到的请马上告诉村委会。');
await Promise.all([c.waitForURL(/\/notices\/\d+\?ok=saved/), c.click('main form button:has-text("保存并预览")')]);
const uid = c.url().match(/notices\/(\d+)/)[1];
await fits(c, 'the village notice with its 插播 button');
// The schedule form shows the chosen kind's fields only, picks a time,
// takes a volume, and says when it first airs.
const shownNow = () => c.evaluate(() => ['#at', '#time1', '#times', 'input[name=wd]', '#from']
    .map(q => document.querySelector(q).offsetParent !== null));
check('播一次 shows the date and time only', JSON.stringify(await shownNow()) ===
    JSON.stringify([true, false, false, false, false]), JSON.stringify(await shownNow()));
await c.selectOption('#kind', 'daily');
check('每天 shows the time picker and the dates, not the date of one airing',
    JSON.stringify(await shownNow()) === JSON.stringify([false, true, true, false, true]),
    JSON.stringify(await shownNow()));
await c.selectOption('#kind', 'weekly');
check('每周几天 shows the weekdays too', JSON.stringify(await shownNow()) ===
    JSON.stringify([false, true, true, true, true]), JSON.stringify(await shownNow()));
await c.selectOption('#kind', 'daily');
await c.fill('#time1', '07:30');
await c.selectOption('#volume', '40');
await Promise.all([c.waitForURL(/ok=scheduled/), c.click('form[action$="/schedule"] button[type=submit]')]);
const said = await c.textContent('.card.ok');
check('scheduled, the page says when it first airs', /第一次播出：\d{4}-\d\d-\d\d 07:30/.test(said), said);
const sch = (await api(`notices/${uid}`)).schedules || [];
check('with the picked time and the volume chosen', sch.length === 1 && sch[0].times === '07:30' &&
    sch[0].volume === 40, JSON.stringify(sch));
// The county's long routine notice, on the air everywhere.
const long = '各位村民请注意，现在播送县里的春耕生产通知。今年春耕要抓紧时间，做好选种、育秧和农田灌溉，各村要组织好劳动力，互相帮助，不误农时。';
const made = await (await fetch(`${URL}/api/v1/notices`, { method: 'POST',
    headers: { Authorization: `Bearer ${process.env.TOKEN}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ title: '春耕', body: long, zone: '441202', repeat: 3, chime: false,
        schedule: { kind: 'once', at: 'now' } }) })).json();
const county = made.id;
let onAir = false;
for (let i = 0; i < 30 && !onAir; i++) {
	const b = await api(`broadcasts?notice=${county}`);
	onAir = Array.isArray(b) && b.some(x => x.on_air_at && !x.outcome);
	if (!onAir) await sleep(500);
}
check('the county\'s routine notice is on the air', onAir);
await Promise.all([c.waitForURL(/\/urgent$/), c.click('form[action$="/urgent"] button')]);
const q = await c.textContent('main');
check('插播 asks first and says what it does', /插播/.test(q) && /接着播/.test(q) && /紧急广播不会被打断/.test(q), q);
await c.screenshot({ path: `${SHOTS}/targets-urgent-confirm.png`, fullPage: true });
await fits(c, 'the 插播 confirm step');
await Promise.all([c.waitForURL(/ok=urgent/), c.click('#confirm-yes')]);
check('it says it is cutting in', /正在插播/.test(await c.textContent('main')));
let heard = false;
for (let i = 0; i < 30 && !heard; i++) {
	const n = await api(`notices/${uid}`);
	heard = (n.broadcasts || []).some(b => b.confirmed === 1 && b.on_air_at);
	if (!heard) await sleep(500);
}
const still = (await api(`broadcasts?notice=${county}`)).some(x => x.on_air_at && !x.outcome);
await fetch(`${URL}/api/v1/notices/${county}/cancel`, { method: 'POST',
    headers: { Authorization: `Bearer ${process.env.TOKEN}` } });
check('一村\'s box plays the cut-in while the county notice goes on elsewhere', heard && still,
    `heard ${heard}, county still on ${still}`);
await c.screenshot({ path: `${SHOTS}/targets-urgent.png`, fullPage: true });

await browser.close();
console.log(`RESULT ${pass} ${fail}`);
