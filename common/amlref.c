#include "amlref.h"

#include <stdlib.h>
#include <string.h>

#include "armid.h"
#include "banned.h"
#include "strutil.h"

static json_t *ref_new(const char *form, const char *raw)
{
	return json_pack("{s:s, s:s}", "form", form, "raw", raw);
}

static void set_str(json_t *o, const char *key, const char *v)
{
	if (v)
		json_object_set_new(o, key, json_string(v));
}

static void set_strn(json_t *o, const char *key, const char *v, size_t n)
{
	char *s = xstrndup(v, n);

	json_object_set_new(o, key, json_string(s));
	free(s);
}

/* ${{parent.inputs.X}}, ${{parent.outputs.Y}}, ${{parent.jobs.S.outputs.Z}} */
static json_t *parse_binding(const char *raw)
{
	json_t *r = ref_new("binding", raw);
	size_t n = strlen(raw);
	char *expr, *p;

	if (n < 5 || strcmp(raw + n - 2, "}}") != 0) {
		json_object_set_new(r, "form", json_string("unknown"));
		return r;
	}
	expr = xstrndup(raw + 3, n - 5);
	/* trim blanks inside the braces */
	for (p = expr; *p == ' '; p++)
		;
	memmove(expr, p, strlen(p) + 1);
	for (p = expr + strlen(expr); p > expr && p[-1] == ' '; p--)
		p[-1] = '\0';
	if (str_starts(expr, "parent.inputs.")) {
		set_str(r, "scope", "parent_input");
		set_str(r, "name", expr + strlen("parent.inputs."));
	} else if (str_starts(expr, "parent.outputs.")) {
		set_str(r, "scope", "parent_output");
		set_str(r, "name", expr + strlen("parent.outputs."));
	} else if (str_starts(expr, "parent.jobs.") && (p = strstr(expr, ".outputs.")) &&
		   p > expr + strlen("parent.jobs.")) {
		set_str(r, "scope", "step_output");
		set_strn(r, "step", expr + strlen("parent.jobs."), (size_t)(p - expr) - strlen("parent.jobs."));
		set_str(r, "name", p + strlen(".outputs."));
	} else {
		set_str(r, "scope", "other");
		set_str(r, "expression", expr);
	}
	free(expr);
	return r;
}

/* azureml:NAME:VERSION, azureml:NAME@LABEL, azureml:NAME */
static json_t *parse_short_asset(const char *raw)
{
	const char *s = raw + strlen("azureml:");
	const char *colon = strrchr(s, ':'), *at = strrchr(s, '@');
	json_t *r = ref_new("asset", raw);

	if (colon && colon > s && colon[1]) {
		set_strn(r, "name", s, (size_t)(colon - s));
		set_str(r, "version", colon + 1);
	} else if (at && at > s && at[1]) {
		set_strn(r, "name", s, (size_t)(at - s));
		set_str(r, "label", at + 1);
	} else if (*s) {
		set_str(r, "name", s);
	} else {
		json_object_set_new(r, "form", json_string("unknown"));
	}
	return r;
}

static json_t *from_armid(const char *raw)
{
	struct armid id;
	char err[128];
	json_t *r;
	char *s;

	if (armid_parse(raw, &id, err, sizeof(err)) != 0)
		return ref_new("unknown", raw);
	r = ref_new("asset_id", raw);
	if (id.kind == AK_OTHER)
		set_str(r, "collection", id.collection);
	else
		set_str(r, "kind", aml_kind_name(id.kind));
	s = armid_format(&id);
	set_str(r, "id", s);
	free(s);
	s = armid_workspace_id(&id);
	set_str(r, "workspace_id", s);
	free(s);
	set_str(r, "name", id.name);
	set_str(r, "version", id.version);
	set_str(r, "label", id.label);
	armid_free(&id);
	return r;
}

/* s points after "datastores/": DS/paths/P or DS/ExperimentRun/dcid.JOB[/...] */
static json_t *parse_datastore_path(const char *raw, const char *s, const char *workspace_id)
{
	size_t n = strcspn(s, "/");
	const char *rest = s + n;
	json_t *r = ref_new("datastore_path", raw);
	char *ds = str_lower(xstrndup(s, n));

	set_str(r, "datastore", ds);
	free(ds);
	set_str(r, "workspace_id", workspace_id);
	if (str_istarts(rest, "/paths/")) {
		set_str(r, "path", rest + strlen("/paths/"));
	} else if (str_starts(rest, "/ExperimentRun/dcid.")) {
		const char *job = rest + strlen("/ExperimentRun/dcid.");

		set_str(r, "path", rest + 1);
		set_strn(r, "job", job, strcspn(job, "/"));
	} else {
		json_object_set_new(r, "form", json_string("unknown"));
	}
	if (n == 0)
		json_object_set_new(r, "form", json_string("unknown"));
	return r;
}

/* azureml://subscriptions/.../workspaces/W/datastores/DS/paths/P or an asset URI */
static json_t *parse_long_uri(const char *raw)
{
	const char *ds = NULL;
	const char *p = raw;
	json_t *r;

	/* find a "/datastores/" segment, compared case-insensitively */
	for (; *p; p++)
		if (*p == '/' && str_istarts(p, "/datastores/")) {
			ds = p;
			break;
		}
	if (!ds)
		return from_armid(raw);
	{
		char *ws_part = xstrndup(raw, (size_t)(ds - raw));
		struct armid id;
		char err[128], *wsid = NULL;

		if (armid_parse(ws_part, &id, err, sizeof(err)) == 0 && id.kind == AK_WORKSPACE) {
			wsid = armid_workspace_id(&id);
			armid_free(&id);
		}
		free(ws_part);
		if (!wsid)
			return ref_new("unknown", raw);
		r = parse_datastore_path(raw, ds + strlen("/datastores/"), wsid);
		free(wsid);
	}
	return r;
}

/* azureml://jobs/JOB/outputs/OUT[/paths/P] */
static json_t *parse_job_output(const char *raw)
{
	const char *s = raw + strlen("azureml://jobs/");
	size_t n = strcspn(s, "/");
	json_t *r = ref_new("job_output", raw);
	const char *rest = s + n, *out;

	set_strn(r, "job", s, n);
	if (n == 0 || !str_starts(rest, "/outputs/")) {
		json_object_set_new(r, "form", json_string("unknown"));
		return r;
	}
	out = rest + strlen("/outputs/");
	n = strcspn(out, "/");
	set_strn(r, "output", out, n);
	if (str_starts(out + n, "/paths/"))
		set_str(r, "path", out + n + strlen("/paths/"));
	if (n == 0)
		json_object_set_new(r, "form", json_string("unknown"));
	return r;
}

/* azureml://registries/R/T/N/versions/V */
static json_t *parse_registry(const char *raw)
{
	const char *s = raw + strlen("azureml://registries/");
	char *seg[6];
	int n = 0;
	json_t *r = ref_new("registry_asset", raw);

	while (*s && n < 6) {
		size_t len = strcspn(s, "/");

		seg[n++] = xstrndup(s, len);
		s += len;
		if (*s == '/')
			s++;
	}
	if (*s || (n != 3 && n != 5)) {
		json_object_set_new(r, "form", json_string("unknown"));
	} else {
		set_str(r, "registry", seg[0]);
		set_str(r, "collection", seg[1]);
		set_str(r, "name", seg[2]);
		if (n == 5 && str_ieq(seg[3], "versions"))
			set_str(r, "version", seg[4]);
		else if (n == 5 && str_ieq(seg[3], "labels"))
			set_str(r, "label", seg[4]);
		else if (n == 5)
			json_object_set_new(r, "form", json_string("unknown"));
	}
	for (int i = 0; i < n; i++)
		free(seg[i]);
	return r;
}

/* The storage service of a host "A.blob.core.windows.net": "blob", "dfs", "file". */
static void set_service(json_t *r, const char *host, size_t hostlen)
{
	static const char *services[] = {"blob", "dfs", "file", "queue", "table"};
	const char *dot = memchr(host, '.', hostlen);

	if (dot) {
		size_t svclen = strcspn(dot + 1, ".");

		for (size_t i = 0; i < sizeof(services) / sizeof(services[0]); i++)
			if (svclen == strlen(services[i]) && str_istarts(dot + 1, services[i])) {
				char *acct = str_lower(xstrndup(host, (size_t)(dot - host)));

				set_str(r, "service", services[i]);
				set_str(r, "account", acct);
				free(acct);
				return;
			}
		if (str_istarts(dot + 1, "azuredatalakestore.")) {
			char *acct = str_lower(xstrndup(host, (size_t)(dot - host)));

			set_str(r, "service", "adl");
			set_str(r, "account", acct);
			free(acct);
			return;
		}
	}
	set_str(r, "service", "other");
}

/* scheme://[container@]host/rest */
static json_t *parse_storage_url(const char *raw, size_t schemelen)
{
	json_t *r = ref_new("storage_url", raw);
	char *scheme = str_lower(xstrndup(raw, schemelen));
	const char *s = raw + schemelen + 3, *at, *host;
	size_t authlen = strcspn(s, "/?#"), hostlen;
	char *h;
	const char *path;

	set_str(r, "scheme", scheme);
	at = memchr(s, '@', authlen);
	host = at ? at + 1 : s;
	hostlen = authlen - (size_t)(host - s);
	h = str_lower(xstrndup(host, hostlen));
	set_str(r, "host", h);
	set_service(r, h, hostlen);
	free(h);
	path = s + authlen;
	if (*path == '/')
		path++;
	if (at) { /* wasbs://C@A.blob.../P, abfss://F@A.dfs.../P */
		set_strn(r, "container", s, (size_t)(at - s));
		set_str(r, "path", path);
	} else if (strcmp(scheme, "https") == 0 || strcmp(scheme, "http") == 0) {
		const char *svc = json_string_value(json_object_get(r, "service"));

		if (svc && strcmp(svc, "other") != 0 && strcmp(svc, "adl") != 0) {
			size_t clen = strcspn(path, "/?#");

			set_strn(r, "container", path, clen);
			path += clen;
			if (*path == '/')
				path++;
		}
		set_str(r, "path", path);
	} else {
		set_str(r, "path", path);
	}
	free(scheme);
	return r;
}

static size_t url_scheme_len(const char *s)
{
	static const char *schemes[] = {"https", "http", "wasbs", "wasb", "abfss", "abfs", "adl"};

	for (size_t i = 0; i < sizeof(schemes) / sizeof(schemes[0]); i++) {
		size_t n = strlen(schemes[i]);

		if (str_istarts(s, schemes[i]) && strncmp(s + n, "://", 3) == 0)
			return n;
	}
	return 0;
}

json_t *amlref_parse(const char *s)
{
	size_t n;

	if (str_starts(s, "${{"))
		return parse_binding(s);
	if (str_istarts(s, "azureml://registries/"))
		return parse_registry(s);
	if (str_istarts(s, "azureml://datastores/"))
		return parse_datastore_path(s, s + strlen("azureml://datastores/"), NULL);
	if (str_istarts(s, "azureml://jobs/"))
		return parse_job_output(s);
	if (str_istarts(s, "azureml://subscriptions/"))
		return parse_long_uri(s);
	if (str_istarts(s, "azureml:/") || str_istarts(s, "/subscriptions/"))
		return from_armid(s);
	if (str_istarts(s, "azureml:"))
		return parse_short_asset(s);
	if ((n = url_scheme_len(s)) > 0)
		return parse_storage_url(s, n);
	if (str_starts(s, "runs:/")) {
		const char *run = s + strlen("runs:/");
		size_t len = strcspn(run, "/");
		json_t *r = ref_new("mlflow_run", s);

		set_strn(r, "run", run, len);
		set_str(r, "path", run[len] ? run + len + 1 : "");
		return r;
	}
	if (*s && !strstr(s, "://") && !strchr(s, ':')) {
		json_t *r = ref_new("relative", s);

		set_str(r, "path", str_starts(s, "./") ? s + 2 : s);
		return r;
	}
	return ref_new("unknown", s);
}

void amlref_resolve(json_t *ref, const char *workspace_id, const char *collection)
{
	const char *form = json_string_value(json_object_get(ref, "form"));

	if (!form || strcmp(form, "unknown") == 0)
		return;
	if (strcmp(form, "datastore_path") == 0 && !json_object_get(ref, "workspace_id"))
		json_object_set_new(ref, "workspace_id", json_string(workspace_id));
	if (strcmp(form, "asset") == 0 && collection && workspace_id) {
		const char *name = json_string_value(json_object_get(ref, "name"));
		const char *ver = json_string_value(json_object_get(ref, "version"));
		const char *label = json_string_value(json_object_get(ref, "label"));
		char *id = ver ? xasprintf("%s/%s/%s/versions/%s", workspace_id, collection, name, ver)
			 : label ? xasprintf("%s/%s/%s/labels/%s", workspace_id, collection, name, label)
				 : xasprintf("%s/%s/%s", workspace_id, collection, name);
		json_t *r = from_armid(id);

		free(id);
		if (strcmp(json_string_value(json_object_get(r, "form")), "asset_id") == 0)
			json_object_update(ref, r);
		json_decref(r);
	}
	json_object_del(ref, "raw");
}
