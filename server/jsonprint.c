/*
 * A cJSON printer for answers (jsonprint.h). cJSON's own printer grows its
 * buffer by copying, scans every string twice and prints every number with
 * snprintf and sscanf: an invalid CreateCluster's error body of 1.7 KB
 * cost 36k instructions. This one walks the tree into jsonw, which writes
 * the same bytes (its escapes and number formats are cJSON's) in one
 * growing buffer.
 */
#include <stdbool.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "jsonprint.h"
#include "jsonw.h"

static bool
put_value(struct jsonw *w, const cJSON *item)
{
	switch (item->type & 0xFF) {
	case cJSON_NULL:
		jsonw_null(w);
		return true;
	case cJSON_False:
		jsonw_bool(w, false);
		return true;
	case cJSON_True:
		jsonw_bool(w, true);
		return true;
	case cJSON_Number:
		jsonw_number(w, item->valuedouble);
		return true;
	case cJSON_Raw:
		if (item->valuestring == NULL)
			return false;
		jsonw_value_raw(w, item->valuestring, strlen(item->valuestring));
		return true;
	case cJSON_String:
		jsonw_string(w, item->valuestring);
		return true;
	case cJSON_Array:
		jsonw_array_begin(w);
		for (const cJSON *c = item->child; c != NULL; c = c->next)
			if (!put_value(w, c))
				return false;
		jsonw_array_end(w);
		return true;
	case cJSON_Object:
		jsonw_object_begin(w);
		for (const cJSON *c = item->child; c != NULL; c = c->next) {
			jsonw_key(w, c->string);
			if (!put_value(w, c))
				return false;
		}
		jsonw_object_end(w);
		return true;
	default:
		return false;
	}
}

char *
jsonprint(const cJSON *item, size_t *len)
{
	struct jsonw w;
	char *text;

	if (item == NULL)
		return NULL;
	jsonw_init(&w);
	if (put_value(&w, item) && (text = jsonw_finish(&w, len)) != NULL)
		return text;
	jsonw_finish_free(&w);
	/*
	 * Deeper than jsonw follows (a journaled body may nest up to cJSON's
	 * own limit of 1,000): cJSON's printer, which has no depth limit.
	 */
	if ((text = cJSON_PrintUnformatted(item)) != NULL && len != NULL)
		*len = strlen(text);
	return text;
}
