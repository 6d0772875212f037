/*
 * icecast.c — the baseline for bench/fanout: the same speech at the same
 * Opus bitrate, served the usual way (Icecast2, one TCP connection per
 * listener). A paced source client PUTs an Ogg Opus stream; lightweight
 * listeners GET it and count bytes; Icecast's CPU comes from /proc.
 */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include <opus/opusenc.h>

#include "bench/icecast.h"
#include "broadcaster/broadcaster.h"

struct membuf {
	unsigned char *d;
	size_t len, cap;
};

static int
mem_write(void *user, const unsigned char *p, opus_int32 len)
{
	struct membuf *m = user;
	if (m->len + (size_t)len > m->cap) {
		m->cap = (m->len + (size_t)len) * 2;
		m->d = realloc(m->d, m->cap);
	}
	memcpy(m->d + m->len, p, (size_t)len);
	m->len += (size_t)len;
	return 0;
}

static int
mem_close(void *user)
{
	(void)user;
	return 0;
}

/* The stream: speech-like audio at the broadcaster's own Opus settings. */
static void
make_ogg(struct membuf *m, int seconds)
{
	static const OpusEncCallbacks cb = { mem_write, mem_close };
	OggOpusComments *c = ope_comments_create();
	int err;
	OggOpusEnc *e = ope_encoder_create_callbacks(&cb, m, c, BCAST_RATE, 1, 0, &err);
	static int16_t pcm[BCAST_RATE];
	long k = 0;

	ope_encoder_ctl(e, OPUS_SET_BITRATE(BCAST_OPUS_BITRATE));
	ope_encoder_ctl(e, OPUS_SET_SIGNAL(OPUS_SIGNAL_VOICE));
	/* 200 ms pages, as a live source sends: Icecast relays whole pages. */
	ope_encoder_ctl(e, OPE_SET_MUXING_DELAY(9600));
	ope_encoder_ctl(e, OPUS_SET_EXPERT_FRAME_DURATION(OPUS_FRAMESIZE_60_MS));
	for (int s = 0; s < seconds; s++) {
		for (int i = 0; i < BCAST_RATE; i++, k++)
			pcm[i] = (int16_t)(6000 * sin(2 * M_PI * (300 + 200 *
			    sin(k / 9000.0)) * k / BCAST_RATE));
		ope_encoder_write(e, pcm, BCAST_RATE);
	}
	ope_encoder_drain(e);
	ope_encoder_destroy(e);
	ope_comments_destroy(c);
}

static double
now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static long
proc_cpu_ticks(pid_t pid)
{
	char path[64], buf[1024];
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	FILE *f = fopen(path, "r");
	if (f == NULL || fgets(buf, sizeof(buf), f) == NULL) {
		if (f)
			fclose(f);
		return -1;
	}
	fclose(f);
	char *p = strrchr(buf, ')');
	long ut = 0, st = 0;
	/* fields after ')' start at 3 (state); utime is 14, stime 15 */
	sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %ld %ld", &ut, &st);
	return ut + st;
}

static int
tcp_connect(int port)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
	inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&a, sizeof(a)) != 0) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

double
icecast_listeners_per_core(int n, int seconds, double *delivered)
{
	char dir[] = "/tmp/dalaba-icecast-XXXXXX", conf[128];
	int port = 40000 + getpid() % 10000;
	struct membuf ogg = { 0 };
	double result = -1;

	*delivered = 0;
	if (access("/usr/bin/icecast2", X_OK) != 0 || mkdtemp(dir) == NULL)
		return -1;
	chmod(dir, 0777);	/* Icecast drops root and must write its logs */
	snprintf(conf, sizeof(conf), "%s/icecast.xml", dir);
	FILE *f = fopen(conf, "w");
	fprintf(f, "<icecast><limits><clients>%d</clients><sources>2</sources>"
	    "<queue-size>1048576</queue-size><burst-size>0</burst-size>"
	    "<source-timeout>10</source-timeout></limits>"
	    "<authentication><source-password>dalaba</source-password>"
	    "<admin-user>admin</admin-user><admin-password>dalaba</admin-password>"
	    "</authentication><hostname>127.0.0.1</hostname>"
	    "<listen-socket><port>%d</port><bind-address>127.0.0.1</bind-address>"
	    "</listen-socket><fileserve>0</fileserve><paths>"
	    "<basedir>/usr/share/icecast2</basedir><logdir>%s</logdir>"
	    "<webroot>/usr/share/icecast2/web</webroot>"
	    "<adminroot>/usr/share/icecast2/admin</adminroot></paths>"
	    "<logging><accesslog>access.log</accesslog><errorlog>error.log"
	    "</errorlog><loglevel>1</loglevel></logging><security><chroot>0"
	    "</chroot>%s</security></icecast>\n", n + 100, port, dir,
	    getuid() == 0 ? "<changeowner><user>icecast2</user><group>icecast"
	    "</group></changeowner>" : "");
	fclose(f);

	pid_t pid = fork();
	if (pid == 0) {
		int null = open("/dev/null", O_WRONLY);
		dup2(null, 1);
		dup2(null, 2);
		execl("/usr/bin/icecast2", "icecast2", "-c", conf, (char *)NULL);
		_exit(127);
	}
	/* Up to WARM_S seconds for listeners to join, then the measured
	 * window, then a little slack. */
	enum { WARM_S = 30 };
	int total_s = WARM_S + seconds + 2;
	make_ogg(&ogg, total_s);
	int src = -1;
	for (int i = 0; i < 50 && (src = tcp_connect(port)) < 0; i++)
		usleep(100000);
	if (src < 0)
		goto out;
	char hdr[512];
	int hl = snprintf(hdr, sizeof(hdr), "PUT /dalaba.opus HTTP/1.1\r\n"
	    "Host: 127.0.0.1:%d\r\nAuthorization: Basic c291cmNlOmRhbGFiYQ==\r\n"
	    "Content-Type: audio/ogg\r\nIce-Public: 0\r\n\r\n", port);
	if (write(src, hdr, (size_t)hl) != hl)
		goto out;
	usleep(200000);

	int ep = epoll_create1(0), *fds = calloc((size_t)n, sizeof(int));
	long *got = calloc((size_t)n, sizeof(long)), *got0 = calloc((size_t)n,
	    sizeof(long));
	/* Icecast listens with a small backlog: keep few connects in flight,
	 * and retry a listener whose connect was refused. */
	char *state = calloc((size_t)n, 1);	/* 0 new, 1 connecting, 2 listening */
	int opened = 0, inflight = 0, joined = 0, measuring = 0, next = 0;
	double rate = (double)ogg.len / total_s, t0 = now_s(), tm = 0;
	long cpu0 = 0, cpu = 0;
	size_t sent = 0;
	unsigned char buf[65536];
	struct epoll_event evs[512];
	const char *get = "GET /dalaba.opus HTTP/1.0\r\n\r\n";
	/* The source is paced at the stream's real rate throughout, so
	 * Icecast keeps the mount and admits listeners as they come. */
	while (sent < ogg.len) {
		double t = now_s();
		size_t due = (size_t)((t - t0) * rate) + 4096;
		if (due > ogg.len)
			due = ogg.len;
		if (due > sent) {
			ssize_t w = write(src, ogg.d + sent, due - sent);
			if (w <= 0)
				break;
			sent += (size_t)w;
		}
		while (inflight < 8 && opened < n) {
			while (state[next] != 0)
				next = (next + 1) % n;
			struct sockaddr_in a = { .sin_family = AF_INET,
			    .sin_port = htons((uint16_t)port) };
			inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
			fds[next] = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
			connect(fds[next], (struct sockaddr *)&a, sizeof(a));
			struct epoll_event ev = { .events = EPOLLOUT,
			    .data.u32 = (uint32_t)next };
			epoll_ctl(ep, EPOLL_CTL_ADD, fds[next], &ev);
			state[next] = 1;
			opened++;
			inflight++;
		}
		int k = epoll_wait(ep, evs, 512, 5);
		for (int i = 0; i < k; i++) {
			int id = (int)evs[i].data.u32;
			if (state[id] == 1) {
				int soerr = 0;
				socklen_t sl = sizeof(soerr);
				inflight--;
				getsockopt(fds[id], SOL_SOCKET, SO_ERROR, &soerr, &sl);
				if (soerr != 0 || (evs[i].events & (EPOLLERR | EPOLLHUP)) ||
				    write(fds[id], get, strlen(get)) < 0) {
					close(fds[id]);	/* refused: try it again */
					state[id] = 0;
					opened--;
					continue;
				}
				state[id] = 2;
				struct epoll_event ev = { .events = EPOLLIN,
				    .data.u32 = (uint32_t)id };
				epoll_ctl(ep, EPOLL_CTL_MOD, fds[id], &ev);
				continue;
			}
			ssize_t r;
			while ((r = read(fds[id], buf, sizeof(buf))) > 0) {
				if (got[id] == 0)
					joined++;
				got[id] += r;
			}
		}
		if (!measuring && (joined == n || t - t0 > WARM_S)) {
			measuring = 1;
			tm = now_s();
			cpu0 = proc_cpu_ticks(pid);
			memcpy(got0, got, (size_t)n * sizeof(long));
		}
		if (measuring && now_s() - tm >= seconds) {
			cpu = proc_cpu_ticks(pid) - cpu0;
			break;
		}
	}
	double wall = measuring ? now_s() - tm : 0;
	if (measuring && cpu == 0)	/* the stream ran out first */
		cpu = proc_cpu_ticks(pid) - cpu0;
	/* Listeners that got most of the window's bytes kept up. */
	int kept = 0;
	for (int i = 0; i < n; i++)
		kept += got[i] - got0[i] > (long)(rate * wall * 0.8);
	*delivered = 100.0 * kept / n;
	double cpu_s = (double)cpu / sysconf(_SC_CLK_TCK);
	printf("# icecast2 %5d listeners (%d joined): %.3f s CPU over %.1f s of "
	    "audio, %.1f %% kept up with the stream\n", n, joined, cpu_s, wall,
	    *delivered);
	if (cpu_s > 0 && wall > 0)
		result = joined / (cpu_s / wall);
	for (int i = 0; i < n; i++)
		if (state[i])
			close(fds[i]);
	close(ep);
	free(state);
	free(fds);
	free(got);
	free(got0);
out:
	if (src >= 0)
		close(src);
	kill(pid, SIGTERM);
	waitpid(pid, NULL, 0);
	free(ogg.d);
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	if (getenv("KEEP_ICECAST") == NULL && system(cmd) != 0)
		fprintf(stderr, "# could not remove %s\n", dir);
	return result;
}
