// SPDX-License-Identifier: GPL-2.0
/*
 * tcpbench: the TCP ceiling for `make bench` (scripts/bench.sh), measured in
 * the guest over loopback.
 *
 *   tcpbench server PORT
 *   tcpbench stream HOST PORT SECONDS CONNS            client -> server bulk
 *   tcpbench rr HOST PORT SECONDS CONNS REQ RESP       request/reply
 *
 * A client opens CONNS connections (one thread each) and, after SECONDS,
 * prints one line "ops BYTES SECONDS": stream counts 128 KiB writes, rr
 * counts completed transactions (REQ bytes out, RESP bytes back, one at a
 * time per connection, TCP_NODELAY), BYTES is the payload moved, SECONDS the
 * time measured. The server serves every connection in its own thread until
 * the client closes it. Built on the host by scripts/bench.sh.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define STREAM_CHUNK (128 * 1024)
#define MAX_CONNS 64

/* What a client asks for, sent first on each connection. */
struct hello {
	uint32_t mode;		/* 'S' stream, 'R' request/reply */
	uint32_t req;
	uint32_t resp;
};

static volatile int stop;

static void die(const char *what)
{
	perror(what);
	exit(1);
}

static int read_full(int fd, void *buf, size_t len)
{
	char *p = buf;

	while (len) {
		ssize_t n = read(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= n;
	}
	return 0;
}

static int write_full(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= n;
	}
	return 0;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void *serve_conn(void *arg)
{
	int fd = (int)(intptr_t)arg, one = 1;
	struct hello h;
	char *buf;

	if (read_full(fd, &h, sizeof(h)) < 0 || h.req > (1 << 24) || h.resp > (1 << 24))
		goto out;
	buf = calloc(1, h.mode == 'S' ? STREAM_CHUNK : (h.req > h.resp ? h.req : h.resp) + 1);
	if (!buf)
		goto out;
	if (h.mode == 'S') {
		while (read(fd, buf, STREAM_CHUNK) > 0)
			;
	} else {
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
		while (read_full(fd, buf, h.req) == 0 && write_full(fd, buf, h.resp) == 0)
			;
	}
	free(buf);
out:
	close(fd);
	return NULL;
}

static _Noreturn void server(const char *port)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	int ls, one = 1;

	a.sin_port = htons(atoi(port));
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ls = socket(AF_INET, SOCK_STREAM, 0);
	if (ls < 0)
		die("socket");
	setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(ls, (struct sockaddr *)&a, sizeof(a)) < 0 || listen(ls, 64) < 0)
		die("bind/listen");
	for (;;) {
		pthread_t t;
		int fd = accept(ls, NULL, NULL);

		if (fd < 0) {
			if (errno == EINTR)
				continue;
			die("accept");
		}
		if (pthread_create(&t, NULL, serve_conn, (void *)(intptr_t)fd))
			die("pthread_create");
		pthread_detach(t);
	}
}

struct client {
	pthread_t thread;
	int fd;
	struct hello h;
	unsigned long long ops, bytes;
};

static void *run_client(void *arg)
{
	struct client *c = arg;
	size_t len = c->h.mode == 'S' ? STREAM_CHUNK :
		     (c->h.req > c->h.resp ? c->h.req : c->h.resp);
	char *buf = calloc(1, len + 1);

	if (!buf)
		die("calloc");
	while (!stop) {
		if (c->h.mode == 'S') {
			if (write_full(c->fd, buf, STREAM_CHUNK) < 0)
				break;
			c->bytes += STREAM_CHUNK;
		} else {
			if (write_full(c->fd, buf, c->h.req) < 0 ||
			    read_full(c->fd, buf, c->h.resp) < 0)
				break;
			c->bytes += c->h.req + c->h.resp;
		}
		c->ops++;
	}
	free(buf);
	return NULL;
}

static int connect_to(const char *host, const char *port)
{
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM }, *ai;
	int fd, one = 1;

	if (getaddrinfo(host, port, &hints, &ai))
		die("getaddrinfo");
	fd = socket(ai->ai_family, SOCK_STREAM, 0);
	if (fd < 0 || connect(fd, ai->ai_addr, ai->ai_addrlen) < 0)
		die("connect");
	freeaddrinfo(ai);
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	return fd;
}

static int client(int argc, char **argv, int rr)
{
	static struct client cl[MAX_CONNS];
	unsigned long long ops = 0, bytes = 0;
	double secs, t0;
	int i, n;

	if (argc != (rr ? 8 : 6))
		return 2;
	secs = atof(argv[4]);
	n = atoi(argv[5]);
	if (n < 1 || n > MAX_CONNS || secs <= 0)
		return 2;
	for (i = 0; i < n; i++) {
		cl[i].h.mode = rr ? 'R' : 'S';
		cl[i].h.req = rr ? atoi(argv[6]) : 0;
		cl[i].h.resp = rr ? atoi(argv[7]) : 0;
		if (rr && (cl[i].h.req < 1 || cl[i].h.resp < 1))
			return 2;
		cl[i].fd = connect_to(argv[2], argv[3]);
		if (write_full(cl[i].fd, &cl[i].h, sizeof(cl[i].h)) < 0)
			die("write");
	}
	t0 = now();
	for (i = 0; i < n; i++)
		if (pthread_create(&cl[i].thread, NULL, run_client, &cl[i]))
			die("pthread_create");
	usleep((useconds_t)(secs * 1e6));
	stop = 1;
	/* Unblock writers stuck on a full socket. */
	for (i = 0; i < n; i++)
		shutdown(cl[i].fd, SHUT_RDWR);
	secs = now() - t0;
	for (i = 0; i < n; i++) {
		pthread_join(cl[i].thread, NULL);
		close(cl[i].fd);
		ops += cl[i].ops;
		bytes += cl[i].bytes;
	}
	printf("%llu %llu %.3f\n", ops, bytes, secs);
	return 0;
}

int main(int argc, char **argv)
{
	int rc = 2;

	signal(SIGPIPE, SIG_IGN);
	if (argc == 3 && !strcmp(argv[1], "server"))
		server(argv[2]);
	if (argc > 1 && !strcmp(argv[1], "stream"))
		rc = client(argc, argv, 0);
	else if (argc > 1 && !strcmp(argv[1], "rr"))
		rc = client(argc, argv, 1);
	if (rc == 2)
		fprintf(stderr, "usage: tcpbench server PORT | stream HOST PORT SECONDS CONNS |\n"
			"       rr HOST PORT SECONDS CONNS REQ RESP\n");
	return rc;
}
