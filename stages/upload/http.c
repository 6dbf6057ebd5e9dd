/*
 * One HTTP exchange with libcurl: a reused handle (keep-alive), TLS
 * verification always on (--cacert adds a private CA), the response body
 * kept (Atlas explains its errors there), Retry-After read as seconds or as
 * an HTTP date. Credentials go in headers curl is given, never in a URL,
 * and nothing here prints them.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "diag.h"
#include "exitcodes.h"
#include "upload.h"
#include "banned.h"

double now_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void sleep_seconds(double s)
{
	struct timespec ts;

	if (s <= 0)
		return;
	ts.tv_sec = (time_t)s;
	ts.tv_nsec = (long)((s - (double)ts.tv_sec) * 1e9);
	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

#define SETOPT(u, opt, val)                                                              \
	do {                                                                             \
		if (curl_easy_setopt((u)->curl, opt, val) != CURLE_OK)                   \
			diag_die(PV_EX_SOFTWARE, "libcurl refused option %s", #opt);     \
	} while (0)

void http_init(struct upload *u)
{
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != 0)
		diag_die(PV_EX_SOFTWARE, "cannot initialise libcurl");
	u->curl = curl_easy_init();
	if (!u->curl)
		diag_die(PV_EX_SOFTWARE, "cannot initialise libcurl");
}

void http_free(struct upload *u)
{
	if (u->curl)
		curl_easy_cleanup(u->curl);
	curl_global_cleanup();
}

void http_resp_free(struct http_resp *r) { sbuf_free(&r->body); }

static size_t on_body(char *p, size_t size, size_t n, void *data)
{
	sbuf_add(data, p, size * n);
	return size * n;
}

static size_t on_header(char *p, size_t size, size_t n, void *data)
{
	struct http_resp *r = data;
	size_t len = size * n;

	if (len > 12 && strncasecmp(p, "Retry-After:", 12) == 0) {
		char *v = xstrndup(p + 12, len - 12), *end;
		double secs;

		v[strcspn(v, "\r\n")] = '\0';
		secs = strtod(v, &end);
		if (end != v && (*end == '\0' || *end == ' ')) {
			r->retry_after = secs;
		} else {
			time_t t = curl_getdate(v + strspn(v, " "), NULL);

			if (t != -1)
				r->retry_after = difftime(t, time(NULL));
		}
		if (r->retry_after < 0 && r->retry_after != -1)
			r->retry_after = 0;
		free(v);
	}
	return len;
}

/*
 * Sets up handle c for one exchange; the response goes to r. Returns the
 * header list, to be freed (curl_slist_free_all) once the exchange is over.
 */
struct curl_slist *http_setup(struct upload *u, CURL *c, const char *method, const char *url,
			      const char *content_type, const char *body, size_t len, int with_auth,
			      struct http_resp *r)
{
	struct curl_slist *h = NULL;
	CURL *saved = u->curl;
	char *hdr = NULL;

	memset(r, 0, sizeof(*r));
	r->retry_after = -1;
	u->curl = c; /* SETOPT works on u->curl */
	curl_easy_reset(c);
	SETOPT(u, CURLOPT_URL, url);
	SETOPT(u, CURLOPT_NOSIGNAL, 1L);
	SETOPT(u, CURLOPT_ERRORBUFFER, r->error);
	SETOPT(u, CURLOPT_WRITEFUNCTION, on_body);
	SETOPT(u, CURLOPT_WRITEDATA, &r->body);
	SETOPT(u, CURLOPT_HEADERFUNCTION, on_header);
	SETOPT(u, CURLOPT_HEADERDATA, r);
	SETOPT(u, CURLOPT_TIMEOUT_MS, (long)(u->opt.timeout * 1000));
	SETOPT(u, CURLOPT_CONNECTTIMEOUT_MS, 30000L);
	SETOPT(u, CURLOPT_SSL_VERIFYPEER, 1L);
	SETOPT(u, CURLOPT_SSL_VERIFYHOST, 2L);
	SETOPT(u, CURLOPT_PROTOCOLS_STR, "http,https");
	SETOPT(u, CURLOPT_USERAGENT, "purvey-upload/1");
	SETOPT(u, CURLOPT_PRIVATE, r);
	if (u->opt.cacert)
		SETOPT(u, CURLOPT_CAINFO, u->opt.cacert);
	if (strcmp(method, "GET") == 0) {
		SETOPT(u, CURLOPT_HTTPGET, 1L);
	} else {
		SETOPT(u, CURLOPT_CUSTOMREQUEST, method);
		if (body) {
			SETOPT(u, CURLOPT_POSTFIELDS, body);
			SETOPT(u, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len);
		}
	}
	if (content_type) {
		hdr = xasprintf("Content-Type: %s", content_type);
		h = curl_slist_append(h, hdr);
		free(hdr);
	}
	h = curl_slist_append(h, "Accept: application/json");
	h = curl_slist_append(h, "Expect:");
	if (with_auth && u->opt.auth == AUTH_BASIC) {
		SETOPT(u, CURLOPT_HTTPAUTH, (long)CURLAUTH_BASIC);
		SETOPT(u, CURLOPT_USERNAME, u->sec.user);
		SETOPT(u, CURLOPT_PASSWORD, u->sec.password);
	} else if (with_auth && (u->opt.auth == AUTH_TOKEN || u->opt.auth == AUTH_ENTRA)) {
		hdr = xasprintf("Authorization: Bearer %s", u->opt.auth == AUTH_TOKEN ? u->sec.token : u->bearer);
		h = curl_slist_append(h, hdr);
		memset(hdr, 0, strlen(hdr));
		free(hdr);
	}
	SETOPT(u, CURLOPT_HTTPHEADER, h);
	u->curl = saved;
	return h;
}

/* Fills r from a finished exchange on c. */
void http_finish(struct upload *u, CURL *c, CURLcode code, struct http_resp *r)
{
	r->curl = code;
	if (code != CURLE_OK && !u->opt.verbose)
		/* the stable text: the detailed one says how many ms a connect took */
		snprintf(r->error, sizeof(r->error), "%s", curl_easy_strerror(code));
	if (code == CURLE_OK)
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r->status);
	if (!r->body.data)
		sbuf_add(&r->body, "", 0);
}

long http_call(struct upload *u, const char *method, const char *url, const char *content_type,
	       const char *body, size_t len, int with_auth, struct http_resp *r)
{
	struct curl_slist *h = http_setup(u, u->curl, method, url, content_type, body, len, with_auth, r);

	http_finish(u, u->curl, curl_easy_perform(u->curl), r);
	curl_slist_free_all(h);
	return r->curl == CURLE_OK ? r->status : 0;
}

/* Worth another try: no answer (connection, timeout, cut body) or 408, 429, 5xx but 501. */
int http_transient(const struct http_resp *r)
{
	if (r->curl != CURLE_OK)
		return r->curl != CURLE_SSL_CACERT && r->curl != CURLE_PEER_FAILED_VERIFICATION &&
		       r->curl != CURLE_SSL_CERTPROBLEM && r->curl != CURLE_UNSUPPORTED_PROTOCOL &&
		       r->curl != CURLE_URL_MALFORMAT;
	return r->status == 408 || r->status == 429 || r->status == 500 || r->status == 502 ||
	       r->status == 503 || r->status == 504;
}
