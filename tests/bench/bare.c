/*
 * The physical limit scripts/bench compares ackmock with: a bare
 * libmicrohttpd server that reads the whole request body and answers every
 * request with one fixed JSON document, with keep-alive.
 *
 * It runs libmicrohttpd the usual way, its internal thread pool of one
 * epoll loop per online core, with server/http.c's connection limit,
 * per-connection memory (32 KiB) and timeout. http.c drives its daemons
 * from loops of its own so that each round's writes commit together; for
 * a server that answers inline that is the slower way (one more epoll_wait
 * per round), so this stays the fastest plain libmicrohttpd server and the
 * ratio errs against ackmock. Its two loops split the load evenly enough
 * that http.c's round-robin accept would not help it (per-thread CPU under
 * the valid-create load: 90/92, 91/89, 100/82 ticks). It builds each
 * response with MHD_RESPMEM_MUST_COPY and the same two headers
 * (Content-Type, x-acs-request-id), as http.c does.
 *
 * Usage: bench_bare  (listens on 127.0.0.1, a port of the kernel's choice,
 * prints "bare listening on http://127.0.0.1:PORT", stops on SIGINT/SIGTERM).
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <microhttpd.h>

static const char reply[] =
    "{\"cluster_id\":\"c0123456789abcdef0123456789abcdef\","
    "\"request_id\":\"687C5BAA-D103-4993-884B-C35E4314A1E1\","
    "\"task_id\":\"T-0123456789abcdef01234567\"}";

static enum MHD_Result
on_request(void *cls, struct MHD_Connection *conn, const char *url, const char *method,
    const char *version, const char *upload_data, size_t *upload_data_size, void **req_cls)
{
	static int started;
	struct MHD_Response *resp;
	enum MHD_Result ret;

	if (*req_cls == NULL) {
		*req_cls = &started;
		return MHD_YES;
	}
	if (*upload_data_size != 0) {
		/* Read and drop the body, as a server that parses it would have to read it. */
		*upload_data_size = 0;
		return MHD_YES;
	}
	resp = MHD_create_response_from_buffer(sizeof(reply) - 1, (void *)reply,
	    MHD_RESPMEM_MUST_COPY);
	if (resp == NULL)
		return MHD_NO;
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE,
	    "application/json;charset=utf-8");
	MHD_add_response_header(resp, "x-acs-request-id", "687C5BAA-D103-4993-884B-C35E4314A1E1");
	ret = MHD_queue_response(conn, MHD_HTTP_OK, resp);
	MHD_destroy_response(resp);
	return ret;
}

int
main(void)
{
	struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = 0};
	const union MHD_DaemonInfo *info;
	struct MHD_Daemon *mhd;
	sigset_t stop;
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	int sig;

	sigemptyset(&stop);
	sigaddset(&stop, SIGINT);
	sigaddset(&stop, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &stop, NULL);
	signal(SIGPIPE, SIG_IGN);
	addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	mhd = MHD_start_daemon(
	    MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_ALLOW_SUSPEND_RESUME |
		MHD_USE_ERROR_LOG,
	    0, NULL, NULL, on_request, NULL,
	    MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&addr,
	    MHD_OPTION_THREAD_POOL_SIZE, (unsigned)(ncpu < 1 ? 1 : ncpu > 16 ? 16 : ncpu),
	    MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)60,
	    MHD_OPTION_CONNECTION_LIMIT, (unsigned)8192,
	    MHD_OPTION_LISTEN_BACKLOG_SIZE, (unsigned)1024,
	    MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)(32 * 1024),
	    MHD_OPTION_END);
	if (mhd == NULL) {
		fprintf(stderr, "bench_bare: cannot listen\n");
		return 1;
	}
	info = MHD_get_daemon_info(mhd, MHD_DAEMON_INFO_BIND_PORT);
	printf("bare listening on http://127.0.0.1:%d\n", info != NULL ? info->port : 0);
	fflush(stdout);
	while (sigwait(&stop, &sig) != 0)
		;
	MHD_stop_daemon(mhd);
	return 0;
}
