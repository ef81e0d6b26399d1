/* Secret redaction for the request journal (redact.h). */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cjson/cJSON.h>

#include "jsonbody.h"
#include "redact.h"

/* Secret keys, normalised: lower case, without '_' and '-'. */
static const char *const secret_keys[] = {
    "loginpassword",
    "keypair",
    "userdata",
};

#define NSECRET_KEYS (sizeof(secret_keys) / sizeof(secret_keys[0]))

bool
redact_is_secret_key(const char *key)
{
	char norm[64];
	size_t n = 0;

	if (key == NULL)
		return false;
	for (const char *p = key; *p != '\0'; p++) {
		if (*p == '_' || *p == '-')
			continue;
		if (n + 1 >= sizeof(norm))
			break;
		norm[n++] = (char)tolower((unsigned char)*p);
	}
	norm[n] = '\0';
	for (size_t i = 0; i < NSECRET_KEYS; i++)
		if (strcmp(norm, secret_keys[i]) == 0)
			return true;
	/* A long key is cut above; look for "password" in the whole of it. */
	for (const char *p = key; *p != '\0'; p++)
		if (strncasecmp(p, "password", 8) == 0)
			return true;
	return false;
}

/* Replaces the value of every secret key under node, at any depth. */
static bool
redact_tree(cJSON *node)
{
	for (cJSON *c = node != NULL ? node->child : NULL; c != NULL; c = c->next) {
		if (cJSON_IsObject(node) && redact_is_secret_key(c->string)) {
			cJSON *mask = cJSON_CreateString(REDACT_MASK);

			/* ReplaceItemViaPointer keeps no key: the replacement brings its own. */
			if (mask == NULL || (mask->string = strdup(c->string)) == NULL ||
			    !cJSON_ReplaceItemViaPointer(node, c, mask)) {
				cJSON_Delete(mask);
				return false;
			}
			c = mask;
			continue;
		}
		if ((cJSON_IsObject(c) || cJSON_IsArray(c)) && !redact_tree(c))
			return false;
	}
	return true;
}

/* True when s[0..len) contains, without case, any of the secret key names. */
static bool
mentions_secret(const char *s, size_t len)
{
	static const char *const words[] = {
	    "password", "key_pair", "keypair", "key-pair", "user_data", "userdata", "user-data",
	};

	for (size_t i = 0; i < len; i++)
		for (size_t w = 0; w < sizeof(words) / sizeof(words[0]); w++) {
			size_t wl = strlen(words[w]);

			if (wl <= len - i && strncasecmp(s + i, words[w], wl) == 0)
				return true;
		}
	return false;
}

/* Escapes s[0..len) to printable ASCII; see redact_text. */
static char *
escape_bytes(const char *s, size_t len)
{
	static const char hex[] = "0123456789ABCDEF";
	char *out = malloc(len * 3 + 1);
	size_t o = 0;

	if (out == NULL)
		return NULL;
	for (size_t i = 0; i < len; i++) {
		unsigned char ch = (unsigned char)s[i];

		if (ch >= 0x20 && ch < 0x7f && ch != '%') {
			out[o++] = (char)ch;
		} else {
			out[o++] = '%';
			out[o++] = hex[ch >> 4];
			out[o++] = hex[ch & 15];
		}
	}
	out[o] = '\0';
	return out;
}

char *
redact_text(const char *s)
{
	return escape_bytes(s != NULL ? s : "", s != NULL ? strlen(s) : 0);
}

/* Cuts text to REDACT_BODY_MAX bytes with a marker; takes ownership of text. */
static char *
cap_length(char *text)
{
	static const char marker[] = "...[truncated]";
	size_t at = REDACT_BODY_MAX - sizeof(marker) + 1;

	if (text == NULL || strlen(text) <= REDACT_BODY_MAX)
		return text;
	/* Never cut a UTF-8 sequence in two: back up to the start of a character. */
	while (at > 0 && ((unsigned char)text[at] & 0xC0) == 0x80)
		at--;
	memcpy(text + at, marker, sizeof(marker));
	return text;
}

char *
redact_body(const char *body, size_t len)
{
	const char *end = NULL;
	cJSON *doc = NULL;
	char *out = NULL;

	if (body == NULL || len == 0)
		return strdup("");
	if (jsonbody_utf8_valid(body, len))
		doc = cJSON_ParseWithLengthOpts(body, len, &end, false);
	if (doc != NULL) {
		/* Only whitespace may follow the document, as in jsonbody_parse. */
		while (end < body + len && strchr(" \t\r\n", *end) != NULL && *end != '\0')
			end++;
		if (end == body + len) {
			if (redact_tree(doc))
				out = cJSON_PrintUnformatted(doc);
			cJSON_Delete(doc);
			return cap_length(out);
		}
		cJSON_Delete(doc);
	}
	if (mentions_secret(body, len)) {
		char note[96];

		snprintf(note, sizeof(note), "[%zu bytes, not JSON, withheld: may hold a secret]",
		         len);
		return strdup(note);
	}
	return cap_length(escape_bytes(body, len > REDACT_BODY_MAX ? REDACT_BODY_MAX + 1 : len));
}

char *
redact_authorization(const char *value)
{
	const char *sig, *colon;
	char *out, *cut;
	size_t keep, len;

	if (value == NULL)
		return NULL;
	if (strncmp(value, "acs ", 4) == 0 && (colon = strchr(value + 4, ':')) != NULL) {
		keep = (size_t)(colon - value) + 1;
	} else if ((sig = strstr(value, "Signature=")) != NULL) {
		keep = (size_t)(sig - value) + strlen("Signature=");
		/* Whatever follows the signature (another comma-separated field) is kept. */
		const char *rest = sig + strcspn(sig, ",");

		len = keep + strlen(REDACT_MASK) + strlen(rest);
		if ((out = malloc(len + 1)) == NULL)
			return NULL;
		memcpy(out, value, keep);
		snprintf(out + keep, len + 1 - keep, "%s%s", REDACT_MASK, rest);
		cut = redact_text(out);
		free(out);
		return cut;
	} else {
		keep = strcspn(value, " ");
		if (value[keep] == ' ')
			keep++;
	}
	len = keep + strlen(REDACT_MASK);
	if ((out = malloc(len + 1)) == NULL)
		return NULL;
	memcpy(out, value, keep);
	memcpy(out + keep, REDACT_MASK, strlen(REDACT_MASK) + 1);
	cut = redact_text(out);
	free(out);
	return cut;
}
