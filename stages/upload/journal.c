/*
 * The journal: a first line naming the endpoint it was written for (a
 * journal says what one server holds; another server's is refused), then,
 * before a request goes out, {"n":N,"h":HASH,"sending":true};
 * once the server accepted it, {"n":N,"h":HASH}; each flushed and fsync'd.
 * A request with the first line but not the second is in doubt: the run
 * stopped while it was in flight, and the server may or may not have
 * applied it (the caller verifies before sending it again). A run with
 * the same journal skips what it holds and sends the rest, so a crash, a
 * kill -9 or a lost network costs nothing but the run again. A last line cut
 * in the middle (the crash came while writing it) is cut off; a journal of
 * another request stream (same n, other content) is refused.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "diag.h"
#include "exitcodes.h"
#include "upload.h"
#include "banned.h"

/* FNV-1a 64 of a request line, as 16 hex digits: identity, not security. */
void request_hash(const char *s, size_t n, char out[17])
{
	uint64_t h = 1469598103934665603ULL;

	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)s[i]) * 1099511628211ULL;
	snprintf(out, 17, "%016llx", (unsigned long long)h);
}

int journal_open(struct upload *u)
{
	FILE *f;
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	long good = 0, lineno = 0;

	u->done = json_object();
	if (!u->opt.journal)
		return 0;
	f = fopen(u->opt.journal, "a+");
	if (!f) {
		diag_note("%s: cannot open the journal: %s", u->opt.journal, strerror(errno));
		return PV_EX_CONFIG;
	}
	rewind(f);
	while ((n = getline(&line, &cap, f)) > 0) {
		json_t *j;

		lineno++;
		if (line[n - 1] != '\n')
			break; /* torn: the run stopped while writing it */
		j = json_loadb(line, (size_t)n, 0, NULL);
		if (lineno == 1 && json_is_string(json_object_get(j, "endpoint"))) {
			/* the header: what this journal was written against */
			const char *e = json_string_value(json_object_get(j, "endpoint"));
			char *want = xasprintf("%s%s", u->opt.endpoint, u->opt.api_prefix);

			if (strcmp(e, want) != 0) {
				diag_note("%s: written for %s, not %s: a journal holds what one server has; "
					  "use another file", u->opt.journal, e, want);
				free(want);
				json_decref(j);
				free(line);
				fclose(f);
				return PV_EX_CONFIG;
			}
			free(want);
			json_decref(j);
			good += n;
			continue;
		}
		if (!j || !json_is_integer(json_object_get(j, "n")) || !json_is_string(json_object_get(j, "h"))) {
			diag_note("%s:%ld: not a journal line", u->opt.journal, lineno);
			json_decref(j);
			free(line);
			fclose(f);
			return PV_EX_CONFIG;
		}
		{
			char key[32];
			int sending = json_is_true(json_object_get(j, "sending"));

			snprintf(key, sizeof(key), "%s%lld", sending ? "?" : "",
				 (long long)json_integer_value(json_object_get(j, "n")));
			json_object_set(u->done, key, json_object_get(j, "h"));
		}
		json_decref(j);
		good += n;
	}
	free(line);
	if (ftruncate(fileno(f), good) != 0) {
		diag_note("%s: cannot cut off a torn last line: %s", u->opt.journal, strerror(errno));
		fclose(f);
		return PV_EX_IOERR;
	}
	fseek(f, 0, SEEK_END);
	u->journal = f;
	if (good == 0 && !u->opt.dry_run) {
		char *where = xasprintf("%s%s", u->opt.endpoint, u->opt.api_prefix);
		json_t *h = json_pack("{s:s}", "endpoint", where);
		char *text = json_dumps(h, JSON_COMPACT | JSON_SORT_KEYS);

		free(where);
		int bad = fprintf(f, "%s\n", text) < 0 || fflush(f) != 0 || fsync(fileno(f)) != 0;

		free(text);
		json_decref(h);
		if (bad) {
			diag_note("%s: cannot write the journal: %s", u->opt.journal, strerror(errno));
			return PV_EX_IOERR;
		}
	}
	return 0;
}

int journal_add(struct upload *u, long n, const char *hash, int sending)
{
	if (!u->journal)
		return 0;
	if (fprintf(u->journal, "{\"h\":\"%s\",\"n\":%ld%s}\n", hash, n, sending ? ",\"sending\":true" : "") < 0 ||
	    fflush(u->journal) != 0 ||
	    fsync(fileno(u->journal)) != 0) {
		diag_note("%s: cannot write the journal: %s", u->opt.journal, strerror(errno));
		return PV_EX_IOERR;
	}
	return 0;
}

void journal_close(struct upload *u)
{
	if (u->journal)
		fclose(u->journal);
	u->journal = NULL;
	json_decref(u->done);
}
