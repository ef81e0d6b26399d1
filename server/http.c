/*
 * libmicrohttpd glue.
 *
 * Threading model: one event loop per core, each running a libmicrohttpd
 * daemon of its own (epoll, driven from our loop_main); the loops accept
 * from one listening socket and deal the connections out in turn
 * (loop_accept). A loop answers every call that only reads inline:
 * reads use pooled WAL reader connections and never wait on a writer. A
 * call that writes is gathered instead: the loop lets MHD run over every
 * connection that is ready, collecting the round's writes, then commits
 * them together on its own thread (db_write_run: one transaction, group
 * commit) and answers them on the next pass. The writes of a round wait for
 * one commit, never for a hand-off: an earlier design suspended each
 * writing connection, queued the write to a writer thread and resumed the
 * connection from there, and that hand-off (two epoll_ctl, an eventfd
 * write and read, a futex wake and the context switches) cost a third of
 * the CPU of a valid create (perf, issue #7). While one loop commits, the
 * other reads and parses the next requests: the two overlap on two cores.
 *
 * Slow clients: MHD's connection timeout is an idle timeout that every
 * received byte resets, so a client trickling one byte a second would hold
 * its connection (and memory) forever. Each connection therefore carries a
 * deadline: from its start, and again from the end of each response, the
 * next request must be received whole (headers and body) within
 * --request-timeout seconds. A reaper thread shuts down the sockets past
 * their deadline; MHD then sees the end of the stream and closes the
 * connection itself, on its own thread. While a request is being answered
 * (or waits for the database writer) there is no deadline.
 */
#include <netinet/in.h>
#include <arpa/inet.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <stdatomic.h>
#include <pthread.h>
#include <errno.h>
#include <fcntl.h>
#include <malloc.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <microhttpd.h>

#include "arena.h"
#include "dispatch.h"
#include "http.h"
#include "ids.h"

enum phase {
	PHASE_HEADERS,		/* first call: headers are in, no body yet */
	PHASE_BODY,		/* receiving the body */
	PHASE_WAITING,		/* the write waits for its round's commit (loop_main) */
	PHASE_RESUMED,		/* the write is done; build and send the response */
	PHASE_DELAYED,		/* suspended until an injected delay ends */
	PHASE_DELAY_DONE,	/* the delay is over; send the response */
	PHASE_ANSWERED,		/* a response is queued */
};

struct http_req;

/*
 * Injected delays (admin.md section 3, delay_ms): a delayed connection is
 * suspended and a timer thread resumes it when its deadline passes, so no
 * event-loop thread ever sleeps. The pending timers are a list sorted by
 * deadline; delays are rare and short-lived, so a list is plenty.
 */
struct timer {
	struct http_req *req;
	int64_t deadline_ns;
	struct timer *next;
};

/*
 * Per-connection state (MHD's socket context), on the server's list so the
 * reaper can find it. MHD notifies the connection's end before it closes
 * the socket, and the notification takes conns_lock to unlink it: so while
 * the reaper holds the lock, every fd on the list is still this
 * connection's, never a reused one.
 */
struct http_conn {
	int fd;
	_Atomic int64_t deadline_ns;	/* 0 while a received request is answered */
	bool cut;			/* shut down by the reaper (under conns_lock) */
	struct http_conn *prev, *next;
};

/* Connections the server keeps free of MHD's limit for its own files and the database. */
#define HTTP_FD_RESERVE 64
#define HTTP_CONN_MAX	8192

/*
 * The memory pool of one connection: it holds the request line, the
 * headers and the read and write buffers, so it is also the header size
 * limit (MHD answers 431 past it). MHD clears the used part of the pool
 * between requests; 32 KiB keeps that cheap and leaves room for every
 * header the SDKs send (signed requests carry under 2 KiB).
 */
#define HTTP_CONN_MEMORY (32 * 1024)

/* A connection accepted by one loop and handed to another. */
struct accepted {
	int fd;
	struct sockaddr_in addr;
	socklen_t addrlen;
};

#define LOOP_INBOX 256

/*
 * One event loop: an MHD daemon of its own, fed the connections the loops
 * accept in turn (loop_accept).
 */
struct http_loop {
	struct http_server *srv;
	struct MHD_Daemon *mhd;
	int epfd;		/* the daemon's epoll set and wake_fd, for loop_main to wait on */
	int wake_fd;		/* an eventfd: http_stop wakes the loop */
	struct db_job *writes;	/* the writes gathered this round, in arrival order */
	struct db_job **writes_tail;
	bool busy;		/* events since the last trim (loop_main) */
	/* Connections another loop accepted for this one (loop_accept), under inbox_lock. */
	pthread_mutex_t inbox_lock;
	struct accepted inbox[LOOP_INBOX];
	int ninbox;
	pthread_t thread;
	bool started;
};

#define HTTP_LOOPS_MAX 16

/*
 * A loop that saw events and then none for this long gives memory back:
 * its spare request states (spares_trim) and free heap (malloc_trim,
 * every thread's arena). main.c keeps glibc from trimming on
 * each free() under load; without this, the memory of a burst of reads
 * stayed (RSS 17 MiB against 11 after scripts/bench's loads).
 */
#define LOOP_TRIM_QUIET_MS 500

/* What a loop's own epoll set holds (epoll_event.data.u32). */
enum { LOOP_EV_MHD, LOOP_EV_WAKE, LOOP_EV_LISTEN };

struct http_server {
	struct http_loop loops[HTTP_LOOPS_MAX];
	int nloops;
	int listen_fd;
	_Atomic unsigned next_loop;	/* the loop the next accepted connection goes to */
	atomic_bool loops_stopping;
	struct app *app;
	int port;
	int64_t request_timeout_ns;

	pthread_mutex_t conns_lock;
	pthread_cond_t reaper_cond;
	struct http_conn *conns;
	bool reaper_stopping;
	pthread_t reaper;
	bool reaper_started;
	/* Once set, no response is delayed any more (http_stop). */
	atomic_bool stopping;
	pthread_mutex_t timer_lock;
	pthread_cond_t timer_cond;
	struct timer *timers;
	bool timer_stop;
	pthread_t timer_thread;
	bool timer_started;
};

/* The loop of the calling thread (loop_main sets it); on_uri gives it to the request. */
static _Thread_local struct http_loop *this_loop;

struct http_req {
	struct call call;
	struct http_server *srv;
	struct http_loop *loop;	/* the loop that runs its connection */
	struct MHD_Connection *conn;
	struct http_conn *track;	/* the connection's deadline, or NULL */
	char *target;
	char *body;
	size_t body_len, body_cap;
	bool too_large;
	/* MHD closed the connection while its write waited in the round (on_completed). */
	bool orphaned;
	char *detached;	/* an orphan's method and headers, copied out of MHD's memory (req_detach) */
	enum phase phase;
	struct db_job job;
	struct timer timer;
};

/*
 * Request state is recycled per event-loop thread: a request's state
 * (about 2 KiB) and its body buffer are big enough that glibc
 * consolidates its fast bins on every allocation of them, which showed in
 * perf as a few per cent of each request. A loop has a round's requests
 * alive at once (16 under the bench's load, whose commit they wait for),
 * so it keeps up to HTTP_SPARES_MAX of them: with one spare, all but one
 * of a round's requests were allocated and freed anew (req_new was 1 % of
 * a valid create). A loop gone quiet frees its spares (spares_trim); a
 * thread's are freed when it ends, so nothing is left to leak.
 */
#define HTTP_SPARE_BODY_MAX (64 * 1024)
#define HTTP_SPARES_MAX	    32

struct spares {
	int n;
	struct http_req *r[HTTP_SPARES_MAX];
};

static pthread_key_t spares_key;
static pthread_once_t spares_once = PTHREAD_ONCE_INIT;

static void
req_destroy(struct http_req *r)
{
	free(r->body);
	free(r);
}

/* Frees every request state s holds (NULL-safe); s itself stays. */
static void
spares_empty(struct spares *s)
{
	while (s != NULL && s->n > 0)
		req_destroy(s->r[--s->n]);
}

static void
spares_free(void *p)
{
	spares_empty(p);
	free(p);
}

static void
spares_init(void)
{
	pthread_key_create(&spares_key, spares_free);
}

/* The calling thread's spares, made on first use; NULL when out of memory. */
static struct spares *
spares_mine(void)
{
	struct spares *s = pthread_getspecific(spares_key);

	if (s == NULL && (s = calloc(1, sizeof(*s))) != NULL &&
	    pthread_setspecific(spares_key, s) != 0) {
		free(s);
		s = NULL;
	}
	return s;
}

/* Frees the calling thread's spares (its loop has gone quiet). */
static void
spares_trim(void)
{
	spares_empty(pthread_getspecific(spares_key));
}

/* Returns zeroed request state, recycled when the thread has a spare. */
static struct http_req *
req_new(void)
{
	struct spares *s = spares_mine();
	struct http_req *r;
	char *body;
	size_t cap;

	if (s == NULL || s->n == 0)
		return calloc(1, sizeof(*r));
	r = s->r[--s->n];
	body = r->body;
	cap = r->body_cap;
	memset(r, 0, sizeof(*r));
	r->body = body;
	r->body_cap = cap;
	if (body != NULL)
		body[0] = '\0';
	return r;
}

/* Keeps r as one of this thread's spares, or frees it (and its body) when they are full. */
static void
req_free(struct http_req *r)
{
	struct spares *s = spares_mine();

	if (r->body_cap > HTTP_SPARE_BODY_MAX || s == NULL || s->n == HTTP_SPARES_MAX)
		req_destroy(r);
	else
		s->r[s->n++] = r;
}

static int64_t
mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/*
 * Called by MHD with the raw request-target before it unescapes anything:
 * signatures are computed over the target as sent, so keep a copy. The
 * returned pointer becomes the request's state.
 */
static void *
on_uri(void *cls, const char *uri, struct MHD_Connection *conn)
{
	struct http_req *r = req_new();

	if (r == NULL)
		return NULL;
	const union MHD_ConnectionInfo *ci =
	    MHD_get_connection_info(conn, MHD_CONNECTION_INFO_SOCKET_CONTEXT);

	r->srv = cls;
	r->loop = this_loop;
	r->conn = conn;
	r->track = ci != NULL ? ci->socket_context : NULL;
	r->target = strdup(uri);
	r->call.app = r->srv->app;
	r->call.started_ns = mono_ns();
	ids_request(r->call.request_id);
	return r;
}

static enum MHD_Result
collect_header(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
	struct request *req = cls;

	if (req->nheaders < CALL_MAX_HEADERS) {
		req->headers[req->nheaders].key = key;
		req->headers[req->nheaders].value = value != NULL ? value : "";
		req->nheaders++;
	}
	return MHD_YES;
}

/*
 * Wakes loop l (NULL: none) after a connection of its was resumed from
 * another thread: a daemon without MHD's own thread has no wake-up of its
 * own, and takes resumed connections up only at its next MHD_run. The
 * eventfd stays readable until the loop drains it, so a wake that comes
 * during a pass is not lost.
 */
static void
loop_wake(struct http_loop *l)
{
	uint64_t one = 1;

	if (l != NULL && write(l->wake_fd, &one, sizeof(one)) < 0) {
		/* EAGAIN: the counter is full, so the loop is awake anyway. */
	}
}

/* Queues r's resumption at deadline_ns; the caller has suspended r. */
static void
timer_add(struct http_server *srv, struct http_req *r, int64_t deadline_ns, struct timer *t)
{
	struct timer **p;

	t->req = r;
	t->deadline_ns = deadline_ns;
	pthread_mutex_lock(&srv->timer_lock);
	if (srv->timer_stop) {
		/* Shutting down and the timer thread may be gone: no delay. */
		struct http_loop *l = r->loop;	/* once resumed, r may be freed */

		pthread_mutex_unlock(&srv->timer_lock);
		r->phase = PHASE_DELAY_DONE;
		MHD_resume_connection(r->conn);
		loop_wake(l);
		return;
	}
	for (p = &srv->timers; *p != NULL && (*p)->deadline_ns <= deadline_ns; p = &(*p)->next)
		;
	t->next = *p;
	*p = t;
	pthread_cond_signal(&srv->timer_cond);
	pthread_mutex_unlock(&srv->timer_lock);
}

static void *
timer_main(void *arg)
{
	struct http_server *srv = arg;

	pthread_setname_np(pthread_self(), "ackmock-timer");
	pthread_mutex_lock(&srv->timer_lock);
	for (;;) {
		int64_t now = mono_ns();

		/* On shutdown every pending delay ends at once, so http_stop need not wait it out. */
		while (srv->timers != NULL && (srv->timer_stop || srv->timers->deadline_ns <= now)) {
			struct timer *t = srv->timers;
			struct http_loop *l = t->req->loop;	/* once resumed, t->req may be freed */

			srv->timers = t->next;
			t->req->phase = PHASE_DELAY_DONE;
			MHD_resume_connection(t->req->conn);
			loop_wake(l);
		}
		if (srv->timer_stop)
			break;
		if (srv->timers == NULL) {
			pthread_cond_wait(&srv->timer_cond, &srv->timer_lock);
		} else {
			struct timespec until = {
			    .tv_sec = (time_t)(srv->timers->deadline_ns / 1000000000),
			    .tv_nsec = (long)(srv->timers->deadline_ns % 1000000000),
			};

			pthread_cond_timedwait(&srv->timer_cond, &srv->timer_lock, &until);
		}
	}
	pthread_mutex_unlock(&srv->timer_lock);
	return NULL;
}

/* The request is in whole (or answered early): no deadline while it is answered. */
static void
request_received(struct http_req *r)
{
	if (r->track != NULL)
		atomic_store(&r->track->deadline_ns, 0);
}

static enum MHD_Result
send_response(struct http_req *r)
{
	struct call *call = &r->call;
	struct MHD_Response *resp;
	enum MHD_Result ret;
	int64_t deadline;

	if (call->resp.body == NULL)
		call_reply_error(call, ERR_INTERNAL, NULL, NULL);
	deadline = call->started_ns + (int64_t)call->delay_ms * 1000000;
	if (r->phase != PHASE_DELAY_DONE && call->delay_ms > 0 && mono_ns() < deadline &&
	    !atomic_load(&r->srv->stopping)) {
		r->phase = PHASE_DELAYED;
		MHD_suspend_connection(r->conn);
		timer_add(r->srv, r, deadline, &r->timer);
		return MHD_YES;
	}
	dispatch_answered(call, mono_ns() - call->started_ns);
	/*
	 * A malloc'd body is handed over rather than copied (a copy and a free
	 * of up to kilobytes a request); an arena's is copied, as the arena
	 * goes with the call.
	 */
	if (call->resp.body_len > 0 && !arena_owns(call->resp.body)) {
		resp = MHD_create_response_from_buffer(call->resp.body_len, call->resp.body,
		    MHD_RESPMEM_MUST_FREE);
		if (resp != NULL)
			call->resp.body = NULL;
	} else {
		resp = MHD_create_response_from_buffer(call->resp.body_len, call->resp.body,
		    MHD_RESPMEM_MUST_COPY);
	}
	if (resp == NULL)
		return MHD_NO;
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, call->resp.content_type);
	MHD_add_response_header(resp, "x-acs-request-id", call->request_id);
	for (size_t i = 0; i < call->resp.nextra; i++)
		MHD_add_response_header(resp, call->resp.extra[i].key, call->resp.extra[i].value);
	if (r->too_large)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_CONNECTION, "close");
	ret = MHD_queue_response(r->conn, (unsigned)call->resp.status, resp);
	MHD_destroy_response(resp);
	r->phase = PHASE_ANSWERED;
	request_received(r);
	return ret;
}

/* Runs on the loop's thread once the round's batch is durable (db_write_run). */
static void
on_write_done(struct db_job *job)
{
	struct http_req *r = job->arg;

	r->phase = PHASE_RESUMED;
	if (r->orphaned) {
		/* Its client is gone: finish and account for the call as if it were sent. */
		dispatch_finish(&r->call, job->result);
		dispatch_answered(&r->call, mono_ns() - r->call.started_ns);
		call_finish(&r->call);
		free(r->target);
		free(r->detached);
		req_free(r);
	}
}

static enum err
apply_call(struct db_conn *conn, void *arg)
{
	struct http_req *r = arg;

	return r->call.apply(conn, &r->call);
}

static bool
append_body(struct http_req *r, const char *data, size_t len)
{
	if (r->too_large || len > HTTP_BODY_MAX - r->body_len) {
		/* Over the limit: drop what is buffered and discard the rest unread. */
		r->too_large = true;
		free(r->body);
		r->body = NULL;
		r->body_len = r->body_cap = 0;
		return true;
	}
	if (r->body_len + len + 1 > r->body_cap) {
		size_t cap = r->body_cap != 0 ? r->body_cap : 4096;
		char *grown;

		while (cap < r->body_len + len + 1)
			cap *= 2;
		if ((grown = realloc(r->body, cap)) == NULL)
			return false;
		r->body = grown;
		r->body_cap = cap;
	}
	memcpy(r->body + r->body_len, data, len);
	r->body_len += len;
	r->body[r->body_len] = '\0';
	return true;
}

static bool
declared_too_large(struct MHD_Connection *conn)
{
	const char *cl = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
	    MHD_HTTP_HEADER_CONTENT_LENGTH);
	char *end;
	unsigned long long n;

	if (cl == NULL)
		return false;
	n = strtoull(cl, &end, 10);
	return end != cl && n > HTTP_BODY_MAX;
}

static enum MHD_Result
on_request(void *cls, struct MHD_Connection *conn, const char *url, const char *method,
    const char *version, const char *upload_data, size_t *upload_data_size, void **req_cls)
{
	struct http_req *r = *req_cls;

	if (r == NULL || r->target == NULL)
		return MHD_NO;	/* out of memory in on_uri: drop the connection */
	switch (r->phase) {
	case PHASE_HEADERS:
		r->call.req.method = method;
		MHD_get_connection_values(conn, MHD_HEADER_KIND, collect_header, &r->call.req);
		r->phase = PHASE_BODY;
		if (declared_too_large(conn)) {
			r->too_large = true;
			call_reply_error(&r->call, ERR_ENTITY_TOO_LARGE, NULL, NULL);
			return send_response(r);
		}
		return MHD_YES;
	case PHASE_BODY:
		if (*upload_data_size != 0) {
			if (!append_body(r, upload_data, *upload_data_size))
				return MHD_NO;
			*upload_data_size = 0;
			return MHD_YES;
		}
		if (r->too_large) {
			call_reply_error(&r->call, ERR_ENTITY_TOO_LARGE, NULL, NULL);
			return send_response(r);
		}
		request_received(r);
		r->call.req.body = r->body != NULL ? r->body : "";
		r->call.req.body_len = r->body_len;
		dispatch_call(&r->call, r->target);
		if (r->call.apply == NULL)
			return send_response(r);
		/*
		 * No response now: MHD keeps the connection in its ready list and
		 * calls again on the next pass, after loop_main has committed the
		 * round (PHASE_RESUMED).
		 */
		r->phase = PHASE_WAITING;
		r->job.apply = apply_call;
		r->job.bulk = r->call.write_bulk;
		r->job.done = on_write_done;
		r->job.arg = r;
		r->job.next = NULL;
		*r->loop->writes_tail = &r->job;
		r->loop->writes_tail = &r->job.next;
		return MHD_YES;
	case PHASE_RESUMED:
		dispatch_finish(&r->call, r->job.result);
		return send_response(r);
	case PHASE_DELAY_DONE:
		return send_response(r);
	case PHASE_WAITING:
	case PHASE_DELAYED:
	case PHASE_ANSWERED:
		*upload_data_size = 0;
		return MHD_YES;
	}
	return MHD_NO;
}

/*
 * The method and headers of r point into its connection's memory, which
 * MHD frees once on_completed returns. An orphan lives on until its round
 * commits, and is then journaled and logged: copy them into one block it
 * owns. Out of memory, it is recorded without its headers.
 */
static void
req_detach(struct http_req *r)
{
	struct request *q = &r->call.req;
	const char *method = q->method != NULL ? q->method : "";
	size_t total = strlen(method) + 1;
	char *o;

	for (size_t i = 0; i < q->nheaders; i++)
		total += strlen(q->headers[i].key) + strlen(q->headers[i].value) + 2;
	if ((r->detached = malloc(total)) == NULL) {
		q->method = "";
		q->nheaders = 0;
		return;
	}
	o = r->detached;
	q->method = strcpy(o, method);
	o += strlen(o) + 1;
	for (size_t i = 0; i < q->nheaders; i++) {
		q->headers[i].key = strcpy(o, q->headers[i].key);
		o += strlen(o) + 1;
		q->headers[i].value = strcpy(o, q->headers[i].value);
		o += strlen(o) + 1;
	}
}

static void
on_completed(void *cls, struct MHD_Connection *conn, void **req_cls,
    enum MHD_RequestTerminationCode toe)
{
	struct http_req *r = *req_cls;

	if (r == NULL)
		return;
	*req_cls = NULL;
	/*
	 * Closed in the pass that gathered its write (a reset right after the
	 * request): the job is on the loop's list, so r lives on until the
	 * round's commit has run it (on_write_done frees it).
	 */
	if (r->phase == PHASE_WAITING) {
		r->orphaned = true;
		req_detach(r);
		return;
	}
	/* Keep-alive: the next request has its own time from now on. */
	if (r->track != NULL)
		atomic_store(&r->track->deadline_ns, mono_ns() + r->srv->request_timeout_ns);
	if (r->phase == PHASE_ANSWERED)
		dispatch_log(&r->call, mono_ns() - r->call.started_ns);
	call_finish(&r->call);
	free(r->target);
	req_free(r);
}

/* Stops the timer thread (ending every pending delay) and destroys its lock. */
static void
timer_destroy(struct http_server *srv)
{
	if (srv->timer_started) {
		pthread_mutex_lock(&srv->timer_lock);
		srv->timer_stop = true;
		pthread_cond_signal(&srv->timer_cond);
		pthread_mutex_unlock(&srv->timer_lock);
		pthread_join(srv->timer_thread, NULL);
		srv->timer_started = false;
	}
	pthread_cond_destroy(&srv->timer_cond);
	pthread_mutex_destroy(&srv->timer_lock);
}

static void
on_connection(void *cls, struct MHD_Connection *conn, void **socket_context,
    enum MHD_ConnectionNotificationCode toe)
{
	struct http_server *srv = cls;
	struct http_conn *c = *socket_context;

	if (toe == MHD_CONNECTION_NOTIFY_STARTED) {
		const union MHD_ConnectionInfo *ci =
		    MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CONNECTION_FD);

		/* Out of memory: the connection simply has no deadline but MHD's idle timeout. */
		if (ci == NULL || (c = calloc(1, sizeof(*c))) == NULL)
			return;
		c->fd = ci->connect_fd;
		atomic_store(&c->deadline_ns, mono_ns() + srv->request_timeout_ns);
		pthread_mutex_lock(&srv->conns_lock);
		c->next = srv->conns;
		if (srv->conns != NULL)
			srv->conns->prev = c;
		srv->conns = c;
		pthread_mutex_unlock(&srv->conns_lock);
		*socket_context = c;
		return;
	}
	if (c == NULL)
		return;
	pthread_mutex_lock(&srv->conns_lock);
	if (c->prev != NULL)
		c->prev->next = c->next;
	else
		srv->conns = c->next;
	if (c->next != NULL)
		c->next->prev = c->prev;
	pthread_mutex_unlock(&srv->conns_lock);
	free(c);
	*socket_context = NULL;
}

/* Shuts down the connections whose request did not arrive in time (see the top). */
static void *
reaper_main(void *arg)
{
	struct http_server *srv = arg;
	/* A tenth of the timeout, at most a quarter second: cut within 10% of the limit. */
	int64_t period = srv->request_timeout_ns / 10 < 250000000 ? srv->request_timeout_ns / 10
								 : 250000000;

	pthread_setname_np(pthread_self(), "ackmock-reaper");
	pthread_mutex_lock(&srv->conns_lock);
	while (!srv->reaper_stopping) {
		struct timespec until;
		int64_t now = mono_ns();

		for (struct http_conn *c = srv->conns; c != NULL; c = c->next) {
			int64_t deadline = atomic_load(&c->deadline_ns);

			if (deadline != 0 && now > deadline && !c->cut) {
				shutdown(c->fd, SHUT_RDWR);
				c->cut = true;
			}
		}
		clock_gettime(CLOCK_MONOTONIC, &until);
		until.tv_nsec += period % 1000000000;
		until.tv_sec += period / 1000000000 + until.tv_nsec / 1000000000;
		until.tv_nsec %= 1000000000;
		pthread_cond_timedwait(&srv->reaper_cond, &srv->conns_lock, &until);
	}
	pthread_mutex_unlock(&srv->conns_lock);
	return NULL;
}

/*
 * Raises the soft limit of open files to the hard one, and returns how many
 * connections fit under it, so that a crowd of idle clients meets MHD's
 * connection limit (and is refused cleanly) before accept() fails for lack
 * of descriptors.
 */
static unsigned
connection_limit(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
		return 1024 - HTTP_FD_RESERVE;
	if (rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
		getrlimit(RLIMIT_NOFILE, &rl);
	}
	if (rl.rlim_cur == RLIM_INFINITY || rl.rlim_cur > HTTP_CONN_MAX + HTTP_FD_RESERVE)
		return HTTP_CONN_MAX;
	return rl.rlim_cur > 2 * HTTP_FD_RESERVE ? (unsigned)(rl.rlim_cur - HTTP_FD_RESERVE)
						 : (unsigned)(rl.rlim_cur / 2);
}

/* Hands a to loop l's daemon, which closes it when it cannot take it (its connection limit). */
static void
loop_add(struct http_loop *l, const struct accepted *a)
{
	MHD_add_connection(l->mhd, a->fd, (const struct sockaddr *)&a->addr, a->addrlen);
}

/* Takes up the connections other loops accepted for l. */
static void
loop_take_inbox(struct http_loop *l)
{
	struct accepted got[LOOP_INBOX];
	int n;

	pthread_mutex_lock(&l->inbox_lock);
	n = l->ninbox;
	memcpy(got, l->inbox, (size_t)n * sizeof(got[0]));
	l->ninbox = 0;
	pthread_mutex_unlock(&l->inbox_lock);
	for (int i = 0; i < n; i++)
		loop_add(l, &got[i]);
}

/*
 * Accepts what is pending on the listening socket and deals the connections
 * out to the loops in turn. With each daemon accepting for itself (MHD's
 * way) the split was left to chance: wrk's 32 connections went as unevenly
 * as 21 to 11, and the busier loop set the pace (per-thread CPU of 44
 * against 20 us a create). The socket is edge-triggered: accept until
 * EAGAIN. On any other error (out of descriptors) what is left waits for
 * the next connection's edge rather than spinning.
 */
static void
loop_accept(struct http_loop *l)
{
	struct http_server *srv = l->srv;

	for (;;) {
		struct accepted a = {.addrlen = sizeof(a.addr)};
		struct http_loop *to;
		bool queued = false;

		a.fd = accept4(srv->listen_fd, (struct sockaddr *)&a.addr, &a.addrlen,
		    SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (a.fd < 0) {
			if (errno == EINTR || errno == ECONNABORTED)
				continue;
			return;
		}
		to = &srv->loops[atomic_fetch_add(&srv->next_loop, 1) % (unsigned)srv->nloops];
		if (to != l) {
			pthread_mutex_lock(&to->inbox_lock);
			if ((queued = to->ninbox < LOOP_INBOX))
				to->inbox[to->ninbox++] = a;
			pthread_mutex_unlock(&to->inbox_lock);
		}
		if (queued)
			loop_wake(to);
		else
			loop_add(l, &a);
	}
}

/* Handles what loop_main's own epoll set reported besides MHD's events. */
static void
loop_events(struct http_loop *l, const struct epoll_event *ev, int n)
{
	for (int i = 0; i < n; i++) {
		uint64_t count;

		if (ev[i].data.u32 == LOOP_EV_LISTEN) {
			loop_accept(l);
		} else if (ev[i].data.u32 == LOOP_EV_WAKE) {
			/* Drained, or it would keep the set readable. */
			if (read(l->wake_fd, &count, sizeof(count)) < 0) {
				/* EAGAIN: drained already. */
			}
			loop_take_inbox(l);
		}
	}
}

/*
 * Commits the round's writes. While the other loop holds the writer, this
 * one (when it may) reads what has arrived since into the same round (a
 * bigger batch) instead of waiting; it waits only with nothing new to
 * read. The writes stay gathered until they are committed.
 */
static void
loop_commit(struct http_loop *l, bool may_gather)
{
	struct db *db = l->srv->app->db;
	struct epoll_event ev[3];
	int n;

	if (!db_write_try_run(db, l->writes)) {
		if (may_gather && (n = epoll_wait(l->epfd, ev, 3, 0)) > 0) {
			loop_events(l, ev, n);
			return;
		}
		db_write_run(db, l->writes);
	}
	l->writes = NULL;
	l->writes_tail = &l->writes;
}

/*
 * One loop: let MHD handle what is ready, commit the writes that gathered,
 * and go round again at once to answer them; wait only when nothing is
 * left to do. The wait is on an epoll set of our own that holds MHD's (it
 * turns readable while MHD's has events, without taking them), wake_fd
 * and the listening socket.
 */
static void *
loop_main(void *arg)
{
	struct http_loop *l = arg;
	struct epoll_event ev[3];

	this_loop = l;
	pthread_setname_np(pthread_self(), "ackmock-loop");
	for (;;) {
		/* Read before the pass, so that the answers of the last commit still go out. */
		bool stopping = atomic_load(&l->srv->loops_stopping);
		MHD_UNSIGNED_LONG_LONG ms;
		int timeout = -1, n;

		MHD_run(l->mhd);
		if (l->writes != NULL) {
			/* Stopping: what the last pass read is committed all the same. */
			loop_commit(l, !stopping);
			if (!stopping)
				continue;
		}
		if (stopping)
			break;
		if (MHD_get_timeout(l->mhd, &ms) == MHD_YES)
			timeout = ms < INT32_MAX ? (int)ms : INT32_MAX;
		if (timeout == 0)
			continue;
		if (l->busy && (timeout < 0 || timeout > LOOP_TRIM_QUIET_MS))
			timeout = LOOP_TRIM_QUIET_MS;
		n = epoll_wait(l->epfd, ev, 3, timeout);
		if (n > 0) {
			l->busy = true;
			loop_events(l, ev, n);
		} else if (n == 0 && l->busy && timeout == LOOP_TRIM_QUIET_MS) {
			spares_trim();
			malloc_trim(0);
			l->busy = false;
		}
	}
	this_loop = NULL;
	return NULL;
}

/* A non-blocking listening socket on addr; -1 with err written on failure. */
static int
listen_on(const struct sockaddr_in *addr, int *port, char *err, size_t errlen)
{
	struct sockaddr_in bound;
	socklen_t len = sizeof(bound);
	int one = 1;
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);

	if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) != 0 ||
	    bind(fd, (const struct sockaddr *)addr, sizeof(*addr)) != 0 || listen(fd, 1024) != 0 ||
	    getsockname(fd, (struct sockaddr *)&bound, &len) != 0) {
		char host[INET_ADDRSTRLEN] = "?";

		inet_ntop(AF_INET, &addr->sin_addr, host, sizeof(host));
		snprintf(err, errlen, "cannot listen on %s:%d (address in use or not local?)", host,
		    ntohs(addr->sin_port));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	*port = ntohs(bound.sin_port);
	return fd;
}

/* Starts loop l's daemon and its thread. */
static bool
loop_start(struct http_server *srv, struct http_loop *l, unsigned conn_limit, char *err,
    size_t errlen)
{
	const union MHD_DaemonInfo *info;
	struct epoll_event mhd_ev = {.events = EPOLLIN, .data.u32 = LOOP_EV_MHD};
	struct epoll_event wake_ev = {.events = EPOLLIN, .data.u32 = LOOP_EV_WAKE};
	/* Exclusive: one loop is woken per new connection, not all of them. */
	struct epoll_event listen_ev = {.events = EPOLLIN | EPOLLET | EPOLLEXCLUSIVE,
	    .data.u32 = LOOP_EV_LISTEN};

	l->srv = srv;
	l->writes_tail = &l->writes;
	l->epfd = l->wake_fd = -1;
	pthread_mutex_init(&l->inbox_lock, NULL);
	l->mhd = MHD_start_daemon(MHD_USE_EPOLL | MHD_USE_NO_LISTEN_SOCKET | MHD_ALLOW_SUSPEND_RESUME |
		MHD_USE_ERROR_LOG, 0,
	    NULL, NULL, on_request, srv,
	    MHD_OPTION_URI_LOG_CALLBACK, on_uri, srv,
	    MHD_OPTION_NOTIFY_COMPLETED, on_completed, srv,
	    MHD_OPTION_NOTIFY_CONNECTION, on_connection, srv,
	    MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)srv->app->cfg->request_timeout_s,
	    MHD_OPTION_CONNECTION_LIMIT, conn_limit,
	    MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)HTTP_CONN_MEMORY,
	    MHD_OPTION_END);
	if (l->mhd == NULL) {
		snprintf(err, errlen, "cannot start the HTTP server");
		return false;
	}
	info = MHD_get_daemon_info(l->mhd, MHD_DAEMON_INFO_EPOLL_FD);
	if (info == NULL || (l->epfd = epoll_create1(EPOLL_CLOEXEC)) < 0 ||
	    (l->wake_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)) < 0 ||
	    epoll_ctl(l->epfd, EPOLL_CTL_ADD, info->epoll_fd, &mhd_ev) != 0 ||
	    epoll_ctl(l->epfd, EPOLL_CTL_ADD, l->wake_fd, &wake_ev) != 0 ||
	    epoll_ctl(l->epfd, EPOLL_CTL_ADD, srv->listen_fd, &listen_ev) != 0) {
		snprintf(err, errlen, "cannot set up an event loop");
		return false;
	}
	if (pthread_create(&l->thread, NULL, loop_main, l) != 0) {
		snprintf(err, errlen, "cannot start an event-loop thread");
		return false;
	}
	l->started = true;
	return true;
}

/* Stops the loops' threads, then their daemons (which close their connections). */
static void
loops_stop(struct http_server *srv)
{
	atomic_store(&srv->loops_stopping, true);
	for (int i = 0; i < srv->nloops; i++) {
		struct http_loop *l = &srv->loops[i];

		if (l->started) {
			loop_wake(l);
			pthread_join(l->thread, NULL);
			l->started = false;
		}
	}
	for (int i = 0; i < srv->nloops; i++) {
		struct http_loop *l = &srv->loops[i];

		if (l->mhd != NULL)
			MHD_stop_daemon(l->mhd);
		if (l->epfd >= 0)
			close(l->epfd);
		if (l->wake_fd >= 0)
			close(l->wake_fd);
		/* Accepted for this loop, never taken up. */
		for (int j = 0; j < l->ninbox; j++)
			close(l->inbox[j].fd);
		pthread_mutex_destroy(&l->inbox_lock);
		l->mhd = NULL;
		l->epfd = l->wake_fd = -1;
		l->ninbox = 0;
	}
	srv->nloops = 0;
}

struct http_server *
http_start(struct app *app, const char *host, int port, int threads, char *err, size_t errlen)
{
	struct http_server *srv = calloc(1, sizeof(*srv));
	struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
	pthread_condattr_t cattr;
	unsigned limit;

	if (srv == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	if (strcmp(host, "localhost") == 0)
		host = "127.0.0.1";
	if (inet_pton(AF_INET, host, &addr.sin_addr) != 1) {
		snprintf(err, errlen, "--listen: '%s' is not an IPv4 address", host);
		free(srv);
		return NULL;
	}
	if (threads < 1)
		threads = 1;
	if (threads > HTTP_LOOPS_MAX)
		threads = HTTP_LOOPS_MAX;
	pthread_once(&spares_once, spares_init);
	srv->app = app;
	srv->request_timeout_ns = app->cfg->request_timeout_s * 1000000000LL;
	pthread_mutex_init(&srv->conns_lock, NULL);
	/* The reaper's waits are on the monotonic clock, like the deadlines. */
	pthread_condattr_init(&cattr);
	pthread_condattr_setclock(&cattr, CLOCK_MONOTONIC);
	pthread_cond_init(&srv->reaper_cond, &cattr);
	pthread_condattr_destroy(&cattr);
	pthread_mutex_init(&srv->timer_lock, NULL);
	/* The timer's waits are on the monotonic clock too. */
	pthread_condattr_init(&cattr);
	pthread_condattr_setclock(&cattr, CLOCK_MONOTONIC);
	pthread_cond_init(&srv->timer_cond, &cattr);
	pthread_condattr_destroy(&cattr);
	if ((srv->listen_fd = listen_on(&addr, &srv->port, err, errlen)) < 0)
		goto fail;
	if (pthread_create(&srv->timer_thread, NULL, timer_main, srv) != 0) {
		snprintf(err, errlen, "cannot start the timer thread");
		goto fail;
	}
	srv->timer_started = true;
	/* Each daemon counts its own connections: the limit is shared out. */
	limit = connection_limit() / (unsigned)threads;
	for (srv->nloops = 0; srv->nloops < threads; srv->nloops++)
		if (!loop_start(srv, &srv->loops[srv->nloops], limit, err, errlen)) {
			srv->nloops++;
			goto fail;
		}
	if (pthread_create(&srv->reaper, NULL, reaper_main, srv) != 0) {
		snprintf(err, errlen, "cannot start the connection reaper thread");
		goto fail;
	}
	srv->reaper_started = true;
	return srv;
fail:
	loops_stop(srv);
	timer_destroy(srv);
	if (srv->listen_fd >= 0)
		close(srv->listen_fd);
	pthread_mutex_destroy(&srv->conns_lock);
	pthread_cond_destroy(&srv->reaper_cond);
	free(srv);
	return NULL;
}

int
http_port(const struct http_server *srv)
{
	return srv->port;
}

void
http_stop(struct http_server *srv)
{
	if (srv == NULL)
		return;
	atomic_store(&srv->stopping, true);
	/* Ends every pending delay: the delayed answers go out while the loops still run. */
	pthread_mutex_lock(&srv->timer_lock);
	srv->timer_stop = true;
	pthread_cond_signal(&srv->timer_cond);
	pthread_mutex_unlock(&srv->timer_lock);
	if (srv->reaper_started) {
		pthread_mutex_lock(&srv->conns_lock);
		srv->reaper_stopping = true;
		pthread_cond_signal(&srv->reaper_cond);
		pthread_mutex_unlock(&srv->conns_lock);
		pthread_join(srv->reaper, NULL);
	}
	timer_destroy(srv);
	loops_stop(srv);
	close(srv->listen_fd);
	pthread_mutex_destroy(&srv->conns_lock);
	pthread_cond_destroy(&srv->reaper_cond);
	free(srv);
}
