// hold.mjs — a slow client, many times over: COUNT connections from the
// loopback address FROM to 127.0.0.1:PORT, each sending the start of a
// request and never its end (a "slowloris"). Prints, once all are made,
//   held H refused R
// (held: connected and not answered; refused: answered 503 at once), then
// when the server has closed every held one, or after SECONDS,
//   closed C open O after T s
// and exits 0. Node's net module only: nothing to install.
//
//   node hold.mjs PORT FROM COUNT SECONDS
import net from 'node:net';

const [port, from, count, seconds] = process.argv.slice(2);
const n = Number(count);
const started = Date.now();
let refused = 0, closed = 0, open = 0;
const socks = [];

function connectOne() {
	return new Promise((resolve) => {
		const s = net.connect({ port: Number(port), host: '127.0.0.1',
		    localAddress: from });
		const st = { answered: false, closed: false };
		s.on('connect', () => {
			s.write('GET /login HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ');
			// A moment for a refusal to arrive before the next.
			setTimeout(resolve, 20);
		});
		s.on('data', (d) => {
			if (!st.answered && d.toString().startsWith('HTTP/1.1 503'))
				refused++;
			st.answered = true;
		});
		s.on('error', () => {});
		s.on('close', () => { st.closed = true; resolve(); check(); });
		socks.push(st);
	});
}

let reported = false;
function check() {
	if (!reported)
		return;
	const held = socks.filter((s) => !s.answered);
	if (held.every((s) => s.closed))
		finish();
}

function finish() {
	const held = socks.filter((s) => !s.answered);
	closed = held.filter((s) => s.closed).length;
	open = held.length - closed;
	console.log(`closed ${closed} open ${open} after ` +
	    `${((Date.now() - started) / 1000).toFixed(1)} s`);
	process.exit(0);
}

for (let i = 0; i < n; i++)
	await connectOne();
const held = socks.filter((s) => !s.answered && !s.closed).length;
console.log(`held ${held} refused ${refused}`);
reported = true;
setTimeout(finish, Number(seconds) * 1000);
check();
