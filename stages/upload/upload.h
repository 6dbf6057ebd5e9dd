/* purvey-upload: plays the request stream into Purview or Apache Atlas. */
#ifndef PURVEY_UPLOAD_H
#define PURVEY_UPLOAD_H

#include <curl/curl.h>
#include <jansson.h>
#include <stdio.h>

#include "strutil.h"

enum auth_mode { AUTH_NONE, AUTH_BASIC, AUTH_TOKEN, AUTH_ENTRA };
enum missing_mode { MISSING_DROP, MISSING_CREATE, MISSING_FAIL };

struct upload_opts {
	const char *endpoint;      /* base URL, no trailing '/' */
	const char *api_prefix;    /* "/datamap/api/atlas/v2/" ... */
	const char *api_version;   /* query api-version, or NULL */
	const char *collection;
	enum auth_mode auth;
	const char *authority;     /* Entra authority host */
	const char *scope;
	const char *cacert;
	const char *journal;
	enum missing_mode missing;
	int keep_going, dry_run, verbose, quiet, allow_insecure_http;
	long max_attempts;
	double max_retry_seconds;  /* total time a request may spend retrying */
	double retry_base;         /* first back-off, seconds */
	double timeout;            /* one attempt, seconds */
	double rate;               /* requests per second, 0 for no limit */
	long parallel;
};

enum { JOB_SEND = 0, JOB_DONE = 1 }; /* job_prepare(), beside exit codes */

/* Secrets: read from the environment or files, never argv, never printed. */
struct secrets {
	char *tenant, *client_id, *client_secret; /* entra */
	char *token;                              /* token */
	char *user, *password;                    /* basic */
};

struct http_resp {
	long status;          /* HTTP status, or 0 when no answer came */
	struct sbuf body;
	double retry_after;   /* seconds from Retry-After, or -1 */
	CURLcode curl;
	char error[CURL_ERROR_SIZE];
};

/* One request on its way: what it is, what happened, what is said of it. */
struct job {
	json_t *req;        /* the request line */
	long n;
	char hash[17];      /* of the line as read: the journal's key */
	int bulk;           /* POST entity/bulk */
	json_t *outcome;
	char *url, *text;   /* where to, and the body as sent */
	struct http_resp r; /* the last answer */
	long attempts;
	/* --parallel */
	size_t *deps, n_deps; /* queue indices of the requests creating what this one references */
	int state;            /* queue.c */
	double not_before, started;
	int renewed;
	const char *method;   /* POST, or PUT after a 409 */
	CURL *easy;
	struct curl_slist *headers;
};

struct upload {
	struct upload_opts opt;
	struct secrets sec;
	CURL *curl;
	char *bearer;         /* current access token */
	double bearer_expiry; /* monotonic seconds */
	/* run state */
	json_t *created;      /* "type qualifiedName" -> request n that creates it */
	json_t *exists;       /* "type qualifiedName" -> true/false: external references checked */
	long sent, succeeded, failed, skipped, retries, dropped, sources_created;
	int stop_code;        /* exit code that stopped the run, 0 if none */
	FILE *journal;
	json_t *done;         /* "N" -> hash of requests done, "?N" -> of requests in doubt */
	const char *prefix;   /* our type prefix, from the stream header */
	struct job *queue;    /* --parallel: the requests not yet done */
	size_t n_queue, cap_queue;
	size_t *typedef_jobs; /* queue indices of its typedef requests */
	size_t n_typedef_jobs;
};

/* main.c */
int job_prepare(struct upload *u, struct job *j);
int job_finish(struct upload *u, struct job *j, int rc);
void job_free(struct job *j);
int emit(json_t *outcome);
void note_created(struct upload *u, json_t *body, long n);

/* queue.c: --parallel N */
void queue_add(struct upload *u, struct job *j); /* takes j over */
int queue_run(struct upload *u);                 /* plays what is queued; 0 or an exit code */
void queue_free(struct upload *u);

/* http.c */
void http_init(struct upload *u);
void http_free(struct upload *u);
void http_resp_free(struct http_resp *r);
/* One attempt. url absolute; body may be NULL. Returns r->status (0: no answer). */
long http_call(struct upload *u, const char *method, const char *url, const char *content_type,
	       const char *body, size_t len, int with_auth, struct http_resp *r);
int http_transient(const struct http_resp *r);
struct curl_slist *http_setup(struct upload *u, CURL *c, const char *method, const char *url,
			      const char *content_type, const char *body, size_t len, int with_auth,
			      struct http_resp *r);
void http_finish(struct upload *u, CURL *c, CURLcode code, struct http_resp *r);
double now_seconds(void);
void sleep_seconds(double s);

/* auth.c */
int auth_load(struct upload *u);                 /* reads secrets; 0 or an exit code */
int auth_token(struct upload *u, int force);     /* fresh bearer token if needed; 0 or exit code */
void auth_free(struct upload *u);
char *secret_file(const char *path); /* first line of a file, NULL if unreadable */

/* play.c */
enum verdict { V_DONE, V_PUT, V_RENEW, V_RETRY, V_STOP };
enum verdict judge(struct upload *u, long n, const char *method, const char *url, const char *on_conflict,
		   const struct http_resp *r, long attempts, double started, int renewed, double *delay, int *rc);
void pace(struct upload *u);
double pace_wait(struct upload *u);
char *api_url(struct upload *u, const char *path, int with_collection);
int send_retrying(struct upload *u, long n, const char *method, const char *url, const char *body,
		  const char *on_conflict, struct http_resp *r, long *attempts);
int external_references(struct upload *u, json_t *body, json_t *outcome);
int prefetch_exists(struct upload *u, json_t *refs);
json_t *external_refs(json_t *body); /* new array of the body's uniqueAttributes references */
void mutation_summary(const struct http_resp *r, json_t *outcome);
void report_error(const struct http_resp *r, json_t *outcome);
/* 1 if the server already holds what request req would do, 0 if not, -exitcode on failure. */
int already_applied(struct upload *u, json_t *req);

/* journal.c */
void request_hash(const char *s, size_t n, char out[17]);
int journal_open(struct upload *u);
/* sending: the intent line before the request goes out; else the line once it succeeded. */
int journal_add(struct upload *u, long n, const char *hash, int sending);
void journal_close(struct upload *u);

#endif
