/*
 * purvey-upload: plays purvey-transform's request stream into Purview's Data
 * Map or Apache Atlas, in order, and writes one outcome line per request
 * (schemas/outcome.schema.json) on standard output, a summary on stderr.
 *
 * Exit: 0 every request succeeded; 75 stopped on a temporary condition (run
 * again, with the same --journal, to resume); 77 authentication or
 * permission; 65 a request the server rejects, or a bad stream; 78 bad
 * configuration; 64 bad command line; 66 input not found; 74 I/O.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "diag.h"
#include "exitcodes.h"
#include "ndjson.h"
#include "upload.h"
#include "banned.h"

static const char *str(json_t *o, const char *k) { return json_string_value(json_object_get(o, k)); }

static void usage(FILE *f)
{
	fputs("usage: purvey-upload --endpoint URL [options] [REQUESTS]\n"
	      "Plays purvey-transform's requests (a file, or standard input) into Purview or\n"
	      "Apache Atlas; writes an outcome line per request.\n"
	      "  --endpoint URL          https://ACCOUNT.purview.azure.com, or an Atlas base URL\n"
	      "  --api datamap|catalog|atlas   API path (default datamap)\n"
	      "  --collection ID         put entities into this collection\n"
	      "  --auth entra|token|basic|none (default entra; atlas: basic)\n"
	      "      entra: AZURE_TENANT_ID, AZURE_CLIENT_ID, AZURE_CLIENT_SECRET or --client-secret-file\n"
	      "      token: PURVEY_TOKEN or --token-file;  basic: PURVEY_USER, PURVEY_PASSWORD or --password-file\n"
	      "  --authority-host URL    Entra login host (default https://login.microsoftonline.com)\n"
	      "  --scope S               token scope (default https://purview.azure.net/.default)\n"
	      "  --cacert FILE           trust this CA too\n"
	      "  --allow-insecure-http   plain http to a host that is not loopback\n"
	      "  --journal FILE          record what succeeded; resume from it\n"
	      "  --missing-sources drop|create|fail   references the server lacks (default drop)\n"
	      "  --keep-going            go on after a request the server rejects\n"
	      "  --max-attempts N        per request (default 8)\n"
	      "  --max-retry-seconds S   per request (default 600)\n"
	      "  --retry-base S          first back-off (default 1)\n"
	      "  --timeout S             one attempt (default 120)\n"
	      "  --rate N                requests per second, at most\n"
	      "  --dry-run               check the stream and show what would be sent; no network\n"
	      "  -v, --verbose  -q, --quiet  -h, --help\n",
	      f);
}

static double num_arg(const char *opt, const char *s, double min, double max)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (errno || end == s || *end || v < min || v > max) {
		diag_note("%s: expected a number from %g to %g, got '%s'", opt, min, max, s);
		exit(PV_EX_USAGE);
	}
	return v;
}

static int pick(const char *opt, const char *s, const char *const *words)
{
	for (int i = 0; words[i]; i++)
		if (strcmp(s, words[i]) == 0)
			return i;
	diag_note("%s: unknown value '%s'", opt, s);
	exit(PV_EX_USAGE);
}

static int loopback(const char *url)
{
	const char *h = strstr(url, "://");
	size_t n;

	if (!h)
		return 0;
	h += 3;
	n = strcspn(h, ":/");
	return (n == 9 && strncmp(h, "localhost", 9) == 0) || strncmp(h, "127.", 4) == 0 ||
	       strncmp(h, "[::1]", 5) == 0;
}

static int parse_args(struct upload *u, int argc, char **argv)
{
	static const char *apis[] = {"datamap", "catalog", "atlas", NULL};
	static const char *auths[] = {"none", "basic", "token", "entra", NULL};
	static const char *missing[] = {"drop", "create", "fail", NULL};
	static const struct option o[] = {
		{"endpoint", 1, NULL, 'e'}, {"api", 1, NULL, 'a'}, {"collection", 1, NULL, 'c'},
		{"auth", 1, NULL, 'A'}, {"authority-host", 1, NULL, 'H'}, {"scope", 1, NULL, 'S'},
		{"client-secret-file", 1, NULL, 's'}, {"token-file", 1, NULL, 't'}, {"password-file", 1, NULL, 'p'},
		{"cacert", 1, NULL, 'C'}, {"allow-insecure-http", 0, NULL, 'I'}, {"journal", 1, NULL, 'j'},
		{"missing-sources", 1, NULL, 'm'}, {"keep-going", 0, NULL, 'k'}, {"max-attempts", 1, NULL, 'n'},
		{"max-retry-seconds", 1, NULL, 'T'}, {"retry-base", 1, NULL, 'b'}, {"timeout", 1, NULL, 'o'},
		{"rate", 1, NULL, 'r'}, {"parallel", 1, NULL, 'P'}, {"dry-run", 0, NULL, 'd'},
		{"verbose", 0, NULL, 'v'}, {"quiet", 0, NULL, 'q'}, {"help", 0, NULL, 'h'}, {NULL, 0, NULL, 0}};
	int c, api = 0, auth = -1;

	while ((c = getopt_long(argc, argv, "vqh", o, NULL)) != -1) {
		switch (c) {
		case 'e': u->opt.endpoint = optarg; break;
		case 'a': api = pick("--api", optarg, apis); break;
		case 'c': u->opt.collection = optarg; break;
		case 'A': auth = pick("--auth", optarg, auths); break;
		case 'H': u->opt.authority = optarg; break;
		case 'S': u->opt.scope = optarg; break;
		case 's': if (!(u->sec.client_secret = secret_file(optarg))) exit(PV_EX_CONFIG); break;
		case 't': if (!(u->sec.token = secret_file(optarg))) exit(PV_EX_CONFIG); break;
		case 'p': if (!(u->sec.password = secret_file(optarg))) exit(PV_EX_CONFIG); break;
		case 'C': u->opt.cacert = optarg; break;
		case 'I': u->opt.allow_insecure_http = 1; break;
		case 'j': u->opt.journal = optarg; break;
		case 'm': u->opt.missing = (enum missing_mode)pick("--missing-sources", optarg, missing); break;
		case 'k': u->opt.keep_going = 1; break;
		case 'n': u->opt.max_attempts = (long)num_arg("--max-attempts", optarg, 1, 1000); break;
		case 'T': u->opt.max_retry_seconds = num_arg("--max-retry-seconds", optarg, 0, 86400); break;
		case 'b': u->opt.retry_base = num_arg("--retry-base", optarg, 0.001, 600); break;
		case 'o': u->opt.timeout = num_arg("--timeout", optarg, 0.1, 86400); break;
		case 'r': u->opt.rate = num_arg("--rate", optarg, 0.01, 100000); break;
		case 'P': u->opt.parallel = (long)num_arg("--parallel", optarg, 1, 64); break;
		case 'd': u->opt.dry_run = 1; break;
		case 'v': u->opt.verbose = 1; break;
		case 'q': u->opt.quiet = 1; break;
		case 'h': usage(stdout); exit(PV_EX_OK);
		default: usage(stderr); exit(PV_EX_USAGE);
		}
	}
	u->opt.api_prefix = api == 0 ? "/datamap/api/atlas/v2/" : api == 1 ? "/catalog/api/atlas/v2/" : "/api/atlas/v2/";
	u->opt.api_version = api == 0 ? "2023-09-01" : NULL;
	u->opt.auth = (enum auth_mode)(auth >= 0 ? auth : api == 2 ? AUTH_BASIC : AUTH_ENTRA);
	if (argc - optind > 1) {
		usage(stderr);
		exit(PV_EX_USAGE);
	}
	if (!u->opt.endpoint && !u->opt.dry_run) {
		diag_note("--endpoint is required (or --dry-run)");
		exit(PV_EX_USAGE);
	}
	if (!u->opt.endpoint)
		u->opt.endpoint = "https://ACCOUNT.purview.azure.com";
	if (!str_istarts(u->opt.endpoint, "https://") && !str_istarts(u->opt.endpoint, "http://")) {
		diag_note("--endpoint: an http(s) URL, got '%s'", u->opt.endpoint);
		exit(PV_EX_CONFIG);
	}
	if (str_istarts(u->opt.endpoint, "http://") && !loopback(u->opt.endpoint) && !u->opt.allow_insecure_http) {
		diag_note("--endpoint: plain http to %s would send credentials in the clear; use https "
			  "(or --allow-insecure-http)", u->opt.endpoint);
		exit(PV_EX_CONFIG);
	}
	return optind;
}

/* Remembers the entities a request creates: later references to them need no check. */
void note_created(struct upload *u, json_t *body, long n)
{
	json_t *e;
	size_t i;

	json_array_foreach(json_object_get(body, "entities"), i, e) {
		char *k = xasprintf("%s %s", str(e, "typeName"), str(json_object_get(e, "attributes"), "qualifiedName"));

		json_object_set_new(u->created, k, json_integer(n));
		free(k);
	}
}

/* Writes an outcome line (the reference stays the caller's). */
int emit(json_t *outcome)
{
	int rc = ndjson_write(stdout, outcome);

	json_decref(outcome);
	if (rc == 0 && fflush(stdout) != 0)
		rc = -1;
	return rc;
}

void job_free(struct job *j)
{
	json_decref(j->req);
	json_decref(j->outcome);
	free(j->url);
	free(j->text);
	http_resp_free(&j->r);
	memset(j, 0, sizeof(*j));
}

/*
 * Everything before a request goes out: the journal (done: skip; in doubt:
 * verify on the server), --dry-run, references the server lacks. Returns
 * JOB_SEND, JOB_DONE (j->outcome is final), or an exit code that stops the run.
 */
int job_prepare(struct upload *u, struct job *j)
{
	const char *method = str(j->req, "method"), *path = str(j->req, "path");
	json_t *body = json_object_get(j->req, "body"), *done;
	char key[32];
	int rc = 0;

	j->n = (long)json_integer_value(json_object_get(j->req, "n"));
	j->bulk = strcmp(path, "entity/bulk") == 0 && strcmp(method, "POST") == 0;
	j->outcome = json_pack("{s:s, s:I, s:s, s:s}", "type", "outcome", "n", (json_int_t)j->n, "method", method,
			       "path", path);
	if (json_object_get(j->req, "entities"))
		json_object_set(j->outcome, "entities", json_object_get(j->req, "entities"));
	snprintf(key, sizeof(key), "%ld", j->n);
	done = json_object_get(u->done, key);
	if (done && strcmp(json_string_value(done), j->hash) != 0) {
		diag_note("%s: request %ld differs from the one the journal holds: the journal belongs to "
			  "another request stream", u->opt.journal, j->n);
		return PV_EX_CONFIG;
	}
	if (done) {
		u->skipped++;
		json_object_set_new(j->outcome, "skipped", json_string("done, in the journal"));
		return JOB_DONE;
	}
	j->url = api_url(u, path, j->bulk);
	if (u->opt.dry_run) {
		json_object_set_new(j->outcome, "url", json_string(j->url));
		json_object_set_new(j->outcome, "dry_run", json_true());
		return JOB_DONE;
	}
	snprintf(key, sizeof(key), "?%ld", j->n);
	if (json_object_get(u->done, key)) {
		/* in flight when an earlier run stopped: send again only if it did not land */
		int applied = already_applied(u, j->req);

		if (applied < 0)
			return -applied;
		if (applied) {
			u->skipped++;
			json_object_set_new(j->outcome, "skipped", json_string("applied by an earlier run (verified)"));
			return (rc = journal_add(u, j->n, j->hash, 0)) ? rc : JOB_DONE;
		}
	}
	if (j->bulk && (rc = external_references(u, body, j->outcome)) != 0)
		return rc;
	j->text = body ? json_dumps(body, NDJSON_DUMP_FLAGS) : NULL;
	u->sent++;
	if (u->opt.verbose)
		diag_note("request %ld: %s %s", j->n, method, j->url);
	return (rc = journal_add(u, j->n, j->hash, 1)) ? rc : JOB_SEND;
}

/* After the last attempt (rc: 0, or what stopped it): the outcome and the journal. */
int job_finish(struct upload *u, struct job *j, int rc)
{
	const char *method = str(j->req, "method"), *path = str(j->req, "path");

	json_object_set_new(j->outcome, "attempts", json_integer(j->attempts));
	json_object_set_new(j->outcome, "status", json_integer(j->r.status));
	if (rc == 0 && j->r.status >= 200 && j->r.status < 300) {
		u->succeeded++;
		if (j->bulk)
			mutation_summary(&j->r, j->outcome);
		return journal_add(u, j->n, j->hash, 0);
	}
	report_error(&j->r, j->outcome);
	if (rc)
		return rc;
	u->failed++;
	if (j->r.status == 413)
		diag_note("request %ld: too large for the server; lower --batch-entities or --batch-bytes of "
			  "purvey-transform", j->n);
	else
		diag_note("request %ld (%s %s): HTTP %ld %s", j->n, method, path, j->r.status,
			  str(j->outcome, "error_code") ? str(j->outcome, "error_code") : "");
	return u->opt.keep_going ? 0 : PV_EX_DATAERR;
}

/* Plays one request, start to end. Returns 0 to go on, or an exit code that stops the run. */
static int play(struct upload *u, struct job *j)
{
	int rc = job_prepare(u, j);

	if (rc == JOB_SEND)
		rc = job_finish(u, j, send_retrying(u, j->n, str(j->req, "method"), j->url, j->text,
						    str(j->req, "on_conflict"), &j->r, &j->attempts));
	else if (rc == JOB_DONE)
		rc = 0;
	if (j->outcome && emit(j->outcome) != 0 && rc == 0)
		rc = PV_EX_IOERR;
	j->outcome = NULL;
	return rc;
}

/* Checks a line of the request stream against the contract; NULL if fine. */
static const char *request_problem(json_t *v, long expect_n)
{
	const char *m = str(v, "method");

	if (!json_is_integer(json_object_get(v, "n")) || json_integer_value(json_object_get(v, "n")) != expect_n)
		return "requests out of order (\"n\" is not the next number)";
	if (!m || (strcmp(m, "GET") && strcmp(m, "POST") && strcmp(m, "PUT") && strcmp(m, "DELETE")))
		return "request without a method";
	if (!str(v, "path") || str(v, "path")[0] == '/' || strstr(str(v, "path"), ".."))
		return "request without a relative path";
	return NULL;
}

static int run(struct upload *u, FILE *in, const char *name)
{
	struct ndjson_reader r;
	struct diag_loc loc = {name, NULL, 0, 0};
	json_t *v;
	char msg[256];
	long col, expect = 1;
	int rc = 0, trailer = 0;
	enum ndjson_status st;

	ndjson_reader_init(&r, in);
	while (rc == 0 && (st = ndjson_next(&r, &v, msg, sizeof(msg), &col)) != NDJSON_EOF) {
		const char *type, *problem;

		loc.line = r.line;
		loc.col = col;
		if (st != NDJSON_VALUE) {
			diag_error(&loc, "%s", st == NDJSON_BAD ? msg : strerror(errno));
			rc = st == NDJSON_BAD ? PV_EX_DATAERR : PV_EX_IOERR;
			break;
		}
		type = str(v, "type") ? str(v, "type") : "";
		if (r.line == 1) {
			if (strcmp(type, "requests") != 0 || json_integer_value(json_object_get(v, "v")) != 1) {
				diag_error(&loc, "not a request stream (version 1): the first line is no requests header");
				rc = PV_EX_DATAERR;
			} else {
				u->prefix = xstrdup(str(v, "type_prefix") ? str(v, "type_prefix") : "purvey_aml_");
			}
		} else if (trailer) {
			diag_error(&loc, "line after the end trailer");
			rc = PV_EX_DATAERR;
		} else if (strcmp(type, "end") == 0) {
			trailer = 1;
			if (!json_is_true(json_object_get(v, "complete")))
				diag_warn(&loc, "the request stream says it was made from incomplete records");
		} else if (strcmp(type, "request") != 0 || (problem = request_problem(v, expect))) {
			diag_error(&loc, "%s", strcmp(type, "request") ? "not a request line" : problem);
			rc = PV_EX_DATAERR;
		} else {
			struct job j = {0};

			expect++;
			request_hash(r.buf, strlen(r.buf), j.hash);
			j.req = json_incref(v);
			if (strcmp(str(v, "path"), "entity/bulk") == 0 && strcmp(str(v, "method"), "POST") == 0)
				note_created(u, json_object_get(v, "body"), (long)json_integer_value(json_object_get(v, "n")));
			if (u->opt.parallel > 1 && (strcmp(str(v, "path"), "types/typedefs") == 0 ||
						    (strcmp(str(v, "path"), "entity/bulk") == 0 &&
						     strcmp(str(v, "method"), "POST") == 0))) {
				queue_add(u, &j);
			} else {
				rc = queue_run(u); /* what waits goes first: order is kept */
				if (rc == 0)
					rc = play(u, &j);
				job_free(&j);
			}
		}
		json_decref(v);
	}
	ndjson_reader_free(&r);
	if (rc == 0)
		rc = queue_run(u);
	queue_free(u);
	if (rc == 0 && !trailer) {
		loc.line = 0;
		diag_error(&loc, "request stream cut short: no end trailer (what was sent is journaled)");
		rc = PV_EX_DATAERR;
	}
	return rc;
}

int main(int argc, char **argv)
{
	struct upload u;
	FILE *in = stdin;
	const char *name = "-";
	int rc, first;

	diag_init("purvey-upload");
	signal(SIGPIPE, SIG_IGN);
	memset(&u, 0, sizeof(u));
	u.opt.authority = "https://login.microsoftonline.com";
	u.opt.scope = "https://purview.azure.net/.default";
	u.opt.max_attempts = 8;
	u.opt.max_retry_seconds = 600;
	u.opt.retry_base = 1;
	u.opt.timeout = 120;
	u.opt.parallel = 1;
	srand((unsigned)time(NULL) ^ (unsigned)getpid()); /* back-off jitter only */
	first = parse_args(&u, argc, argv);
	if (first < argc && strcmp(argv[first], "-") != 0) {
		name = argv[first];
		if (!(in = fopen(name, "r"))) {
			diag_note("%s: cannot open: %s", name, strerror(errno));
			auth_free(&u);
			return PV_EX_NOINPUT;
		}
	}
	u.created = json_object();
	u.exists = json_object();
	http_init(&u);
	rc = u.opt.dry_run ? 0 : auth_load(&u);
	if (rc == 0)
		rc = journal_open(&u);
	if (rc == 0)
		rc = run(&u, in, name);
	if (ndjson_finish(stdout) != 0 && rc == 0) {
		diag_note("cannot write to standard output: %s", strerror(errno));
		rc = PV_EX_IOERR;
	}
	if (rc == 0 && u.failed > 0)
		rc = PV_EX_DATAERR;
	if (!u.opt.quiet)
		diag_note("%ld requests sent: %ld succeeded, %ld failed; %ld already done (journal); "
			  "%ld retries; %ld references dropped; %ld sources created",
			  u.sent, u.succeeded, u.failed, u.skipped, u.retries, u.dropped, u.sources_created);
	if (in != stdin)
		fclose(in);
	journal_close(&u);
	json_decref(u.created);
	json_decref(u.exists);
	free((char *)u.prefix);
	http_free(&u);
	auth_free(&u);
	return rc;
}
