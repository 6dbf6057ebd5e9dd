/*
 * Credentials: Entra client credentials (AZURE_TENANT_ID, AZURE_CLIENT_ID,
 * AZURE_CLIENT_SECRET or --client-secret-file), a bearer token
 * (PURVEY_TOKEN or --token-file), Atlas basic auth (PURVEY_USER and
 * PURVEY_PASSWORD or --password-file). Never from argv, never printed.
 * An Entra token is cached and renewed five minutes before it expires, and
 * once more on a 401.
 */
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "exitcodes.h"
#include "upload.h"
#include "banned.h"

static char *env(const char *name)
{
	const char *v = getenv(name);

	return v && *v ? xstrdup(v) : NULL;
}

/* The first line of a file, without its newline; NULL with a message if unreadable. */
char *secret_file(const char *path)
{
	FILE *f = fopen(path, "r");
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;

	if (!f) {
		diag_note("%s: cannot open: %m", path);
		return NULL;
	}
	n = getline(&line, &cap, f);
	fclose(f);
	if (n <= 0) {
		free(line);
		diag_note("%s: empty", path);
		return NULL;
	}
	line[strcspn(line, "\r\n")] = '\0';
	return line;
}

static void wipe(char *s)
{
	if (s) {
		memset(s, 0, strlen(s));
		free(s);
	}
}

void auth_free(struct upload *u)
{
	wipe(u->sec.tenant);
	wipe(u->sec.client_id);
	wipe(u->sec.client_secret);
	wipe(u->sec.token);
	wipe(u->sec.user);
	wipe(u->sec.password);
	wipe(u->bearer);
}

int auth_load(struct upload *u)
{
	struct secrets *s = &u->sec;

	switch (u->opt.auth) {
	case AUTH_NONE:
		return 0;
	case AUTH_TOKEN:
		if (!s->token)
			s->token = env("PURVEY_TOKEN");
		if (!s->token) {
			diag_note("--auth token: set PURVEY_TOKEN or give --token-file");
			return PV_EX_CONFIG;
		}
		return 0;
	case AUTH_BASIC:
		if (!s->user)
			s->user = env("PURVEY_USER");
		if (!s->password)
			s->password = env("PURVEY_PASSWORD");
		if (!s->user || !s->password) {
			diag_note("--auth basic: set PURVEY_USER and PURVEY_PASSWORD (or --password-file)");
			return PV_EX_CONFIG;
		}
		return 0;
	case AUTH_ENTRA:
		s->tenant = env("AZURE_TENANT_ID");
		s->client_id = env("AZURE_CLIENT_ID");
		if (!s->client_secret)
			s->client_secret = env("AZURE_CLIENT_SECRET");
		if (!s->tenant || !s->client_id || !s->client_secret) {
			diag_note("--auth entra: set AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_CLIENT_SECRET "
				  "(or --client-secret-file)");
			return PV_EX_CONFIG;
		}
		return 0;
	}
	return 0;
}

static char *form_escape(CURL *c, const char *s)
{
	char *e = curl_easy_escape(c, s, 0), *r;

	if (!e)
		diag_die(PV_EX_SOFTWARE, "out of memory");
	r = xstrdup(e);
	curl_free(e);
	return r;
}

int auth_token(struct upload *u, int force)
{
	struct http_resp r;
	char *url, *form, *id, *secret, *scope;
	json_t *j;
	const char *tok;
	double now = now_seconds();
	long attempt;

	if (u->opt.auth != AUTH_ENTRA)
		return 0;
	if (!force && u->bearer && now < u->bearer_expiry)
		return 0;
	url = xasprintf("%s/%s/oauth2/v2.0/token", u->opt.authority, u->sec.tenant);
	id = form_escape(u->curl, u->sec.client_id);
	secret = form_escape(u->curl, u->sec.client_secret);
	scope = form_escape(u->curl, u->opt.scope);
	form = xasprintf("grant_type=client_credentials&client_id=%s&client_secret=%s&scope=%s", id, secret, scope);
	wipe(secret);
	free(id);
	free(scope);
	for (attempt = 1;; attempt++) {
		http_call(u, "POST", url, "application/x-www-form-urlencoded", form, strlen(form), 0, &r);
		if (!http_transient(&r) || attempt >= u->opt.max_attempts)
			break;
		diag_note("token endpoint: %s; retry %ld", r.curl ? r.error : "transient HTTP status", attempt);
		http_resp_free(&r);
		sleep_seconds(u->opt.retry_base * (double)attempt);
	}
	wipe(form);
	free(url);
	if (r.status != 200) {
		json_t *e = json_loads(r.body.data, 0, NULL);
		const char *code = json_string_value(json_object_get(e, "error"));
		int rc = r.status == 0 || http_transient(&r) ? PV_EX_TEMPFAIL
			 : code && strcmp(code, "invalid_scope") == 0 ? PV_EX_CONFIG
								    : PV_EX_NOPERM;

		if (r.status == 0)
			diag_note("token endpoint: no answer: %s", r.error);
		else
			diag_note("token endpoint: HTTP %ld%s%s", r.status, code ? ": " : "", code ? code : "");
		json_decref(e);
		http_resp_free(&r);
		return rc;
	}
	j = json_loads(r.body.data, 0, NULL);
	http_resp_free(&r);
	tok = json_string_value(json_object_get(j, "access_token"));
	if (!tok) {
		diag_note("token endpoint: no access_token in its answer");
		json_decref(j);
		return PV_EX_NOPERM;
	}
	wipe(u->bearer);
	u->bearer = xstrdup(tok);
	{
		json_int_t life = json_integer_value(json_object_get(j, "expires_in"));
		double margin = life > 600 ? 300 : (double)life / 10;

		u->bearer_expiry = now + (double)(life > 0 ? life : 300) - margin;
	}
	json_decref(j);
	return 0;
}
