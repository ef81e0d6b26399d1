/*
 * The HTTP server: the only module that includes <microhttpd.h>. It turns
 * connections into calls, hands each to dispatch_call(), runs deferred
 * writes through the database writer, and sends the responses.
 */
#ifndef ACKMOCK_HTTP_H
#define ACKMOCK_HTTP_H

#include <stdint.h>

#include "app.h"

#define HTTP_BODY_MAX (1024 * 1024)

struct http_server;

/*
 * Starts listening on host:port (port 0 picks a free one) with threads
 * event-loop threads. Returns NULL and writes one line into err on failure.
 */
struct http_server *http_start(struct app *app, const char *host, int port, int threads,
    char *err, size_t errlen);

/* The port actually bound. */
int http_port(const struct http_server *srv);

/* Stops accepting, ends the connections and frees srv. NULL-safe. */
void http_stop(struct http_server *srv);

#endif
