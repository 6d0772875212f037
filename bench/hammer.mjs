// hammer.mjs — many HTTP requests from one process, for bench/page.sh's
// abuse of dalabad: TOTAL requests, PARALLEL at a time, from the loopback
// address FROM (so that they count against that source), each with the
// given headers and body. One process, not one curl per request: the
// bench must load dalabad, not the machine with process starts. Prints
// "done N codes CODE:COUNT ..." and exits 0.
//
//   node hammer.mjs METHOD URL PARALLEL TOTAL FROM [HEADER: VALUE]... [--body TEXT]
import http from 'node:http';

const argv = process.argv.slice(2);
const [method, url, parallel, total, from] = argv;
const headers = {};
let body = null;
for (let i = 5; i < argv.length; i++) {
	if (argv[i] === '--body') {
		body = argv[++i];
		continue;
	}
	const c = argv[i].indexOf(':');
	headers[argv[i].slice(0, c).trim()] = argv[i].slice(c + 1).trim();
}
if (body !== null) {
	headers['Content-Type'] = headers['Content-Type'] || 'application/json';
	headers['Content-Length'] = Buffer.byteLength(body);
}
const u = new URL(url);
const codes = {};
let started = 0, done = 0;

function one() {
	if (started >= Number(total))
		return;
	started++;
	const rq = http.request({ host: u.hostname, port: u.port, path: u.pathname + u.search,
	    method, headers, localAddress: from, agent: false }, (res) => {
		codes[res.statusCode] = (codes[res.statusCode] || 0) + 1;
		res.resume();
		res.on('end', next);
		res.on('error', next);
	});
	rq.on('error', () => { codes.error = (codes.error || 0) + 1; next(); });
	if (body !== null)
		rq.write(body);
	rq.end();
}

function next() {
	done++;
	if (done >= Number(total)) {
		console.log('done ' + done + ' codes ' + Object.entries(codes).map(([k, v]) => k + ':' + v).join(' '));
		process.exit(0);
	}
	one();
}

for (let i = 0; i < Number(parallel); i++)
	one();
