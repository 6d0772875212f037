// tests/web/voice.mjs — a voice notice recorded on a 360x740 phone in real
// headless Chromium, its microphone a WAV the test made (Chromium's fake
// capture device plays it): the village cadre opens 录音通知, taps record,
// speaks (the file plays) and taps stop, hears it back in the page, uploads
// it, writes a line of text on the notice form that holds the recording,
// saves, hears the preview, and airs it at once (two taps). A file that is
// not a recording, chosen with the file field, comes back with the reason
// in Chinese. Every page: 44 px targets, 360 px wide, no Latin word.
// With PART=alert, the county admin instead pages a recorded alert from
// the 紧急广播 form. Env: URL, SHOTS, CADRE_PW, ADMIN_PW, VILLAGE, MIC (the
// WAV), RECORD_S (seconds to record), NOT_AUDIO (a file that is not a
// recording). Prints NOTICE <id> (PAGE <id>).
import { launch, looks as looksOn, PHONE } from './phone.mjs';

const URL = process.env.URL;
let pass = 0, fail = 0;
function check(what, cond, detail) {
	if (cond) { pass++; console.log(`ok - ${what}`); }
	else { fail++; console.log(`FAIL - ${what}${detail ? ': ' + detail : ''}`); }
}
const looks = (p, what, shot) => looksOn(p, check, what, shot);

const browser = await launch(['--use-fake-ui-for-media-stream',
    '--use-fake-device-for-media-stream',
    `--use-file-for-fake-audio-capture=${process.env.MIC}%noloop`]);

// PART=alert: the county admin pages a recorded alert to the village from
// the 紧急广播 form, with the microphone's file chosen in the file field.
async function alert() {
	const ctx = await browser.newContext(PHONE);
	const p = await ctx.newPage();
	p.setDefaultTimeout(30000);
	await p.goto(`${URL}/login`);
	await p.fill('#name', 'admin');
	await p.fill('#password', process.env.ADMIN_PW);
	await Promise.all([p.waitForURL(/\/today$/), p.click('button[type=submit]')]);
	await p.goto(`${URL}/pages/new`);
	check('the alert form offers a recording instead', await p.isVisible('text=改用录音发布'));
	await Promise.all([p.waitForURL(/for=page$/), p.click('text=改用录音发布')]);
	await looks(p, 'the recorded alert\'s upload', '49-voice-alert-upload');
	await p.setInputFiles('#audio', process.env.MIC);
	await Promise.all([p.waitForURL(/\/pages\/new\?recording=[0-9a-f]{32}$/, { timeout: 60000 }),
	    p.click('button:text("上传录音")')]).catch(async e => {
		throw `${e} (at ${p.url()}: ${(await p.textContent('main').catch(() => '')).slice(0, 200)})`;
	});
	check('the upload leads to the alert form holding the recording', await p.isVisible('audio'));
	await p.check(`input[name=zone][value="${process.env.VILLAGE}"]`);
	await p.fill('#repeat', '1');
	await looks(p, 'the recorded alert\'s form', '49-voice-alert-form');
	await Promise.all([p.waitForURL(/\/pages\/confirm$/), p.click('text=下一步：确认')]);
	const m = await p.textContent('main');
	check('the confirm step says the recording is played after the alert tone', m.includes('再放这段录音'), m.slice(0, 200));
	await looks(p, 'the recorded alert\'s confirm step', '49-voice-alert-confirm');
	await Promise.all([p.waitForURL(/\/pages\/\d+$/), p.click('#send')]);
	console.log(`PAGE ${p.url().match(/\/pages\/(\d+)/)[1]}`);
	let state = '';
	for (let i = 0; i < 60 && state !== '播出中' && state !== '已播完'; i++) {
		await p.waitForTimeout(500);
		await p.reload();
		state = await p.textContent('#state').catch(() => '');
	}
	check('the recorded alert goes on the air', state === '播出中' || state === '已播完', state);
	await looks(p, 'the recorded alert, live', '49-voice-alert-live');
}

try {
	if (process.env.PART === 'alert') {
		await alert();
		throw 'done';
	}
	const ctx = await browser.newContext(PHONE);
	await ctx.grantPermissions(['microphone'], { origin: URL });
	const p = await ctx.newPage();
	p.setDefaultTimeout(30000);
	const errors = [];
	p.on('pageerror', e => errors.push(String(e)));
	await p.goto(`${URL}/login`);
	await p.fill('#name', 'cun');
	await p.fill('#password', process.env.CADRE_PW);
	await Promise.all([p.waitForURL(/\/today$/), p.click('button[type=submit]')]);

	check('the today page offers 录音通知', await p.isVisible('a[href="/notices/new/voice"]'));
	await Promise.all([p.waitForURL(/\/notices\/new\/voice$/), p.click('a[href="/notices/new/voice"]')]);
	check('the recorder shows (the browser can record)', await p.isVisible('#rec-btn'));
	await looks(p, 'the recording page', '49-voice-start');

	await p.click('#rec-btn');
	await p.waitForFunction(() => /正在录音/.test(document.querySelector('#rec-state').textContent));
	await p.waitForTimeout(Number(process.env.RECORD_S) * 1000);
	await looks(p, 'while recording', '49-voice-recording');
	await p.click('#rec-btn');
	await p.waitForSelector('#rec-play:not([hidden])');
	const state = await p.textContent('#rec-state');
	check('stopping says it is recorded and how long', /录好了，共 \d+ 秒/.test(state), state);
	const picked = await p.evaluate(() => {
		const f = document.querySelector('#audio').files[0];
		return f ? `${f.type} ${f.size}` : '';
	});
	check('the recording is in the form\'s file field', /^audio\/\S+ \d{4,}/.test(picked), picked);
	await looks(p, 'recorded, to hear back', '49-voice-recorded');

	await Promise.all([p.waitForURL(/\/notices\/new\?recording=[0-9a-f]{32}$/, { timeout: 60000 }),
	    p.click("button:text(\"上传录音\")")]);
	check('uploading leads to the notice form holding it', true);
	const dur = await p.evaluate(() => new Promise(ok => {
		const a = document.querySelector('audio');
		if (a.readyState >= 1) ok(a.duration);
		a.addEventListener('loadedmetadata', () => ok(a.duration));
		a.addEventListener('error', () => ok(-1));
		a.load();
	}));
	check('which plays the recording as the server keeps it', dur > 1, String(dur));
	check('the text is optional and only shown', (await p.textContent('label[for=body]')).includes('只显示，不播读'));
	await p.fill('#body', '明天上午九点，村委会门口发新医保卡，请带户口本。');
	await p.selectOption('#repeat', '1');
	await looks(p, 'the voice notice\'s form', '49-voice-form');
	await Promise.all([p.waitForURL(/\/notices\/\d+\?ok=saved$/), p.click('button:text("保存并预览")')]);
	const id = p.url().match(/\/notices\/(\d+)/)[1];
	console.log(`NOTICE ${id}`);
	const text = await p.textContent('main');
	check('the saved notice says it is a recording', text.includes('录音，播 1 遍'), text.slice(0, 200));
	check('and shows its text', text.includes('村委会门口发新医保卡'));
	check('and has no reading to preview (nothing is read)', !(await p.isVisible('#reading')));
	const pv = await p.evaluate(() => new Promise(ok => {
		const a = document.querySelector('#preview');
		if (a.readyState >= 1) ok(a.duration);
		a.addEventListener('loadedmetadata', () => ok(a.duration));
		a.addEventListener('error', () => ok(-1));
		a.load();
	}));
	check('its preview plays: chimes and the recording', pv > Number(process.env.RECORD_S) - 2, String(pv));
	await looks(p, 'the voice notice', '49-voice-notice');

	await Promise.all([p.waitForNavigation(), p.click('button:text("马上播出")')]);
	await Promise.all([p.waitForURL(/ok=now|ok=/), p.click('button:text("确定，马上播出")')]);
	check('airing it now is confirmed in Chinese', (await p.textContent('main')).includes('马上播出'));
	await looks(p, 'on the air', '49-voice-airing');

	// A file that is not a recording, chosen with the file field.
	await p.goto(`${URL}/notices/new/voice`);
	await p.setInputFiles('#audio', process.env.NOT_AUDIO);
	await Promise.all([p.waitForURL(/err=not_audio$/), p.click("button:text(\"上传录音\")")]);
	const err = await p.textContent('.card.err');
	check('a file that is not a recording comes back, said in Chinese', /[一-龥]/.test(err), err);
	await looks(p, 'a file refused', '49-voice-refused');
	check('no script errors', errors.length === 0, JSON.stringify(errors));
} catch (e) {
	if (e !== 'done')
		check('the walk-through ran to its end', false, String(e));
} finally {
	await browser.close();
}
console.log(`RESULT ${pass} ${fail}`);
