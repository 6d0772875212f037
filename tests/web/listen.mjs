// tests/web/listen.mjs — a village's public page (listening again) as a
// villager opens it from the QR code on the door: a 360x740 phone with
// JavaScript off (WeChat's own browser needs none here), no login. The
// page shows the village, a player per aired notice with an Ogg Opus and
// an MP3 source and its text, what airs next and the feed's address; it
// fits the screen in large type, every word is Chinese (the addresses and
// times aside), and no cookie is left behind. Screenshot: SHOTS/51-listen.
// Env: URL, SHOTS, VILLAGE (its code), NAME (its name), AIRED (how many
// notices aired there).
import { launch, PHONE } from './phone.mjs';

const URL = process.env.URL, SHOTS = process.env.SHOTS;
const VILLAGE = process.env.VILLAGE, NAME = process.env.NAME;
const AIRED = Number(process.env.AIRED);
let pass = 0, fail = 0;
function check(what, cond, detail) {
	if (cond) { pass++; console.log(`ok - ${what}`); }
	else { fail++; console.log(`FAIL - ${what}${detail ? ': ' + detail : ''}`); }
}

const browser = await launch();
try {
	const ctx = await browser.newContext({ ...PHONE, javaScriptEnabled: false });
	const p = await ctx.newPage();
	p.setDefaultTimeout(20000);
	const res = await p.goto(`${URL}/v/${VILLAGE}`);
	check('the page opens without a login (200)', res.status() === 200, res.status());
	check('it is not the login page', !p.url().includes('/login'), p.url());
	check(`its heading names the village (${NAME})`,
	    (await p.locator('h1').innerText()).includes(NAME));
	const audio = p.locator('audio');
	check(`a player for each of the ${AIRED} notices that aired`,
	    await audio.count() === AIRED, await audio.count());
	let sources = true, lazy = true, controls = true;
	for (let i = 0; i < await audio.count(); i++) {
		const a = audio.nth(i);
		lazy &&= await a.getAttribute('preload') === 'none';
		controls &&= await a.getAttribute('controls') !== null;
		const types = await a.locator('source').evaluateAll(s => s.map(e => e.type));
		sources &&= types.some(t => t.startsWith('audio/ogg')) && types.includes('audio/mpeg');
	}
	check('each has controls of its own, no script needed', controls && await audio.count() > 0);
	check('nothing is fetched before play is tapped (preload none)', lazy);
	check('each offers Ogg Opus and MP3', sources);
	const visible = await audio.first().isVisible();
	check('the first player is on the screen', visible);
	check('each notice shows its text', await p.locator('article .text').count() === AIRED);
	check('what airs next is listed', await p.locator('main ul li').count() >= 1);
	const feed = p.locator(`a[href$="/v/${VILLAGE}/feed.xml"]`);
	check("the feed's address is on the page", await feed.count() === 1);

	const l = await p.locator('body').evaluate(b => {
		const cs = e => getComputedStyle(e);
		const text = b.innerText.replace(/https?:\/\/\S+/g, ' ');
		return {
			latin: (text + '\n' + document.title).match(/[A-Za-z][A-Za-z0-9_.:\/-]*/g) || [],
			wide: document.documentElement.scrollWidth,
			body: parseFloat(cs(b).fontSize),
			h1: parseFloat(cs(document.querySelector('h1')).fontSize),
			scripts: document.scripts.length,
		};
	});
	check('every word is Chinese (the addresses and times aside)', l.latin.length === 0,
	    JSON.stringify(l.latin.slice(0, 10)));
	check('it fits a 360 px screen', l.wide <= 360, `scrollWidth ${l.wide}`);
	check(`large type (body ${l.body} px, heading ${l.h1} px)`, l.body >= 20 && l.h1 >= 28);
	check('no script on it', l.scripts === 0, l.scripts);
	check('no cookie is left', (await ctx.cookies()).length === 0,
	    JSON.stringify(await ctx.cookies()));
	await p.screenshot({ path: `${SHOTS}/51-listen.png`, fullPage: true });

	const nx = await p.goto(`${URL}/v/999999999999`);
	check('a village that is not there: 404 in Chinese', nx.status() === 404 &&
	    /没有这个村/.test(await p.locator('body').innerText()));
	await ctx.close();
} catch (e) {
	check('the walk through the page', false, String(e).slice(0, 400));
} finally {
	await browser.close();
}
console.log(`RESULT ${pass} ${fail}`);
