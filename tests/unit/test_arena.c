/*
 * arena.c: cJSON allocates from the entered arena and nowhere else, frees
 * of arena memory are no-ops while other memory is really freed, what does
 * not fit falls back to malloc, and a released arena's chunks are reused.
 * Run under valgrind and ASan by scripts/test, so a wrong free() shows.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "arena.h"
#include "tap.h"

/* A document like a DescribeTaskInfo answer: dozens of small strings. */
static cJSON *
small_doc(int n)
{
	cJSON *doc = cJSON_CreateObject();

	for (int i = 0; i < n; i++) {
		char key[16];

		snprintf(key, sizeof(key), "k%d", i);
		cJSON_AddStringToObject(doc, key, "value");
	}
	return doc;
}

static void
test_outside_any_arena(void)
{
	cJSON *doc = small_doc(4);
	char *text = cJSON_PrintUnformatted(doc);

	tap_ok(!arena_owns(doc) && !arena_owns(text), "outside an arena cJSON uses malloc");
	cJSON_free(text);
	cJSON_Delete(doc);
}

static void
test_inside(void)
{
	struct arena a = {0};
	cJSON *doc;
	char *text, *big;

	arena_enter(&a);
	doc = small_doc(60);
	text = cJSON_PrintUnformatted(doc);
	tap_ok(arena_holds_all(&a), "all of it so far in the arena");
	/* Bigger than a quarter chunk: malloc'd even inside the arena, and really freed. */
	big = cJSON_malloc(16 * 1024);
	arena_leave();
	tap_ok(!arena_holds_all(&a), "after a malloc'd allocation, not all");
	tap_ok(arena_owns(doc) && arena_owns(doc->child) && arena_owns(doc->child->valuestring),
	    "inside an arena nodes, keys and strings come from it");
	tap_ok(arena_owns(text), "and so does printed text");
	tap_str(strstr(text, "\"k59\":\"value\"") != NULL ? "found" : text, "found",
	    "the printed text is whole");
	tap_ok(big != NULL && !arena_owns(big), "a 16 KiB allocation is malloc'd");
	cJSON_free(big);
	cJSON_Delete(doc);	/* no-ops for arena memory */
	arena_free(text);
	tap_ok(a.chunks != NULL, "the arena holds its chunk until released");
	arena_release(&a);
	tap_ok(a.chunks == NULL && a.next == NULL && arena_holds_all(&a),
	    "released, the arena is empty");
}

static void
test_reuse_and_cap(void)
{
	struct arena a = {0}, b = {0};
	void *first, *again;
	int in_arena = 0, total = 0;

	arena_enter(&a);
	first = cJSON_malloc(100);
	arena_leave();
	arena_release(&a);
	arena_enter(&b);
	again = cJSON_malloc(100);
	arena_leave();
	tap_ok(first == again, "a released chunk is the next one handed out");
	arena_release(&b);

	/* 2 MiB of 4 KiB pieces: the first 1 MiB (the per-call cap) in the arena, the rest malloc'd. */
	void **pieces = calloc(512, sizeof(*pieces));

	arena_enter(&a);
	for (int i = 0; i < 512; i++, total++) {
		pieces[i] = cJSON_malloc(4096);
		memset(pieces[i], 0xab, 4096);
		in_arena += arena_owns(pieces[i]);
	}
	arena_leave();
	tap_ok(in_arena > 200 && in_arena < total, "past its cap a call falls back to malloc (%d of %d)",
	    in_arena, total);
	tap_ok(!arena_holds_all(&a), "and the arena no longer holds all");
	for (int i = 0; i < 512; i++)
		cJSON_free(pieces[i]);
	free(pieces);
	arena_release(&a);
}

int
main(void)
{
	arena_init();
	arena_init();	/* idempotent */
	test_outside_any_arena();
	test_inside();
	test_reuse_and_cap();
	arena_free(NULL);
	tap_ok(true, "arena_free(NULL) does nothing");
	return tap_done();
}
