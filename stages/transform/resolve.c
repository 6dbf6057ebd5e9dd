/*
 * References to the entities they name. A target is {"$t": type name,
 * "$q": qualifiedName}; emit.c turns it into a placeholder guid or a
 * uniqueAttributes reference.
 *
 * Storage follows Purview's rules (FACTS.md part B): blob paths are
 * azure_blob_path "https://A.blob.core.windows.net/C/P", ADLS Gen2 paths
 * azure_datalake_gen2_path "https://A.dfs.core.windows.net/F/P" (abfss on a
 * blob host is rewritten to dfs), file shares azure_file; scheme, host and
 * file extension lower-cased, "//" collapsed, no trailing slash. Storage is
 * referenced, never created here.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "armid.h"
#include "strutil.h"
#include "transform.h"
#include "banned.h"

void tf_warn(struct transform *tf, const char *fmt, ...)
{
	struct diag_loc loc = {tf->input_name, NULL, 0, 0};
	char buf[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	diag_warn(&loc, "%s", buf);
}

json_t *tf_target(const char *type, const char *qn)
{
	return json_pack("{s:s, s:s}", "$t", type, "$q", qn);
}

char *tf_asset_uri(const char *arm_id)
{
	struct armid id;
	char err[128], *s;

	if (armid_parse(arm_id, &id, err, sizeof(err)) != 0)
		return xstrdup(arm_id);
	s = armid_asset_uri(&id);
	armid_free(&id);
	return s;
}

static const char *str(json_t *o, const char *k) { return json_string_value(json_object_get(o, k)); }

/* Path normalised: no "//", no leading or trailing '/', blanks trimmed, extension lower-cased. */
static char *norm_path(const char *p)
{
	struct sbuf b = {0};
	char *s, *dot, *slash;

	while (*p == ' ' || *p == '/')
		p++;
	for (; *p; p++)
		if (!(*p == '/' && (b.len == 0 || b.data[b.len - 1] == '/')))
			sbuf_add(&b, p, 1);
	s = b.data ? b.data : xstrdup("");
	for (size_t n = strlen(s); n > 0 && (s[n - 1] == '/' || s[n - 1] == ' '); n--)
		s[n - 1] = '\0';
	slash = strrchr(s, '/');
	dot = strrchr(s, '.');
	if (dot && (!slash || dot > slash))
		str_lower(dot);
	return s;
}

/* The storage entity of account, service, container and path, or NULL. */
static json_t *storage(const char *service, const char *account, const char *endpoint,
		       const char *container, const char *path)
{
	char *p = norm_path(path ? path : ""), *c, *qn = NULL, *host;
	const char *type = NULL;
	json_t *t = NULL;

	if (!account || !container || !*container) {
		free(p);
		return NULL;
	}
	host = str_lower(xasprintf("%s.%s.%s", account, service, endpoint ? endpoint : "core.windows.net"));
	c = norm_path(container);
	if (strcmp(service, "blob") == 0)
		type = *p ? "azure_blob_path" : "azure_blob_container";
	else if (strcmp(service, "dfs") == 0)
		type = *p ? "azure_datalake_gen2_path" : "azure_datalake_gen2_filesystem";
	else if (strcmp(service, "file") == 0)
		type = "azure_file";
	if (type) {
		qn = *p ? xasprintf("https://%s/%s/%s", host, c, p) : xasprintf("https://%s/%s", host, c);
		t = tf_target(type, qn);
	}
	free(qn);
	free(host);
	free(c);
	free(p);
	return t;
}

json_t *tf_storage_of_datastore_path(struct transform *tf, const char *wsid, const char *ds,
				     const char *path)
{
	char *key = tf_key(wsid, ds);
	json_t *f = json_object_get(tf->datastores, key);
	const char *type = str(f, "datastore_type");
	json_t *t = NULL;

	free(key);
	if (!f)
		return NULL;
	if (!type)
		return NULL;
	if (strcmp(type, "azure_blob") == 0)
		t = storage("blob", str(f, "account_name"), str(f, "endpoint"), str(f, "container_name"), path);
	else if (strcmp(type, "azure_data_lake_gen2") == 0)
		t = storage("dfs", str(f, "account_name"), str(f, "endpoint"), str(f, "filesystem"), path);
	else if (strcmp(type, "azure_file") == 0)
		t = storage("file", str(f, "account_name"), str(f, "endpoint"), str(f, "file_share_name"), path);
	else if (strcmp(type, "azure_data_lake_gen1") == 0 && str(f, "store_name")) {
		char *p = norm_path(path ? path : ""), *qn;

		qn = xasprintf("adl://%s.azuredatalakestore.net/%s", str(f, "store_name"), p);
		str_lower(qn + 6);
		t = tf_target("azure_datalake_gen1_path", qn);
		free(qn);
		free(p);
	}
	return t;
}

/* The endpoint suffix of a host "acct.blob.core.windows.net": "core.windows.net". */
static const char *endpoint_of(const char *host)
{
	const char *p = strchr(host, '.');

	return p && (p = strchr(p + 1, '.')) ? p + 1 : NULL;
}

json_t *tf_storage_of_url(json_t *ref)
{
	const char *svc = str(ref, "service"), *host = str(ref, "host");

	if (!svc || !host)
		return NULL;
	if (strcmp(svc, "blob") == 0 || strcmp(svc, "dfs") == 0 || strcmp(svc, "file") == 0) {
		const char *scheme = str(ref, "scheme");
		/* abfs(s) is the Data Lake protocol, whatever host it names */
		const char *s = scheme && str_starts(scheme, "abfs") ? "dfs" : svc;

		return storage(s, str(ref, "account"), endpoint_of(host), str(ref, "container"), str(ref, "path"));
	}
	if (strcmp(svc, "adl") == 0) {
		char *p = norm_path(str(ref, "path") ? str(ref, "path") : "");
		char *qn = xasprintf("adl://%s/%s", host, p);
		json_t *t = tf_target("azure_datalake_gen1_path", qn);

		free(p);
		free(qn);
		return t;
	}
	return NULL;
}

char *tf_ref_text(json_t *ref)
{
	const char *form = str(ref, "form");

	if (!form)
		return xstrdup("");
	if (strcmp(form, "datastore_path") == 0)
		return xasprintf("azureml://datastores/%s/paths/%s", str(ref, "datastore"), str(ref, "path"));
	if (strcmp(form, "asset_id") == 0)
		return tf_asset_uri(str(ref, "id"));
	if (strcmp(form, "job_output") == 0)
		return str(ref, "path") ? xasprintf("azureml://jobs/%s/outputs/%s/paths/%s", str(ref, "job"),
						    str(ref, "output"), str(ref, "path"))
					: xasprintf("azureml://jobs/%s/outputs/%s", str(ref, "job"), str(ref, "output"));
	if (strcmp(form, "storage_url") == 0) {
		const char *c = str(ref, "container");

		if (c && str_starts(str(ref, "scheme"), "http"))
			return xasprintf("%s://%s/%s/%s", str(ref, "scheme"), str(ref, "host"), c, str(ref, "path"));
		if (c)
			return xasprintf("%s://%s@%s/%s", str(ref, "scheme"), c, str(ref, "host"), str(ref, "path"));
		return xasprintf("%s://%s/%s", str(ref, "scheme"), str(ref, "host"), str(ref, "path"));
	}
	if (strcmp(form, "registry_asset") == 0)
		return xasprintf("azureml://registries/%s/%s/%s/%s/%s", str(ref, "registry"),
				 str(ref, "collection"), str(ref, "name"), str(ref, "version") ? "versions" : "labels",
				 str(ref, "version") ? str(ref, "version") : str(ref, "label"));
	if (strcmp(form, "asset") == 0)
		return str(ref, "version") ? xasprintf("azureml:%s:%s", str(ref, "name"), str(ref, "version"))
					   : xasprintf("azureml:%s", str(ref, "name"));
	if (strcmp(form, "mlflow_run") == 0)
		return xasprintf("runs:/%s/%s", str(ref, "run"), str(ref, "path"));
	if (str(ref, "raw"))
		return xstrdup(str(ref, "raw"));
	if (str(ref, "path"))
		return xstrdup(str(ref, "path"));
	return xstrdup(form);
}

/* The newest version of an asset in the snapshot (numeric versions compare as numbers). */
static const char *latest_version(struct transform *tf, const char *wsid, const char *coll, const char *name)
{
	char *k1 = tf_key(wsid, coll), *key = tf_key(k1, name);
	json_t *vs = json_object_get(tf->versions, key), *v;
	const char *best = NULL;
	size_t i;

	free(k1);
	free(key);
	json_array_foreach(vs, i, v) {
		const char *s = json_string_value(v);

		if (!best || (strlen(s) > strlen(best)) || (strlen(s) == strlen(best) && strcmp(s, best) > 0))
			best = s;
	}
	return best;
}

static void unresolved(struct transform *tf, const char *what, json_t *ref, const char *why)
{
	char *t = tf_ref_text(ref);

	tf->unresolved++;
	tf_warn(tf, "%s: %s: %s", what, t, why);
	free(t);
}

/* An asset in a workspace, by kind: the data asset or model entity. */
static json_t *asset_target(struct transform *tf, json_t *ref, const char *what)
{
	const char *kind = str(ref, "kind"), *id = str(ref, "id");
	enum tf_type t;
	json_t *r;
	char *uri;

	if (kind && str(ref, "label") &&
	    (strcmp(kind, "data_version") == 0 || strcmp(kind, "model_version") == 0)) {
		/* azureml:NAME@latest: the newest version in the snapshot */
		const char *coll = strcmp(kind, "data_version") == 0 ? "data" : "models";
		const char *v = latest_version(tf, str(ref, "workspace_id"), coll, str(ref, "name"));
		char *vid;

		if (!v) {
			unresolved(tf, what, ref, "no version of it in the snapshot");
			return NULL;
		}
		vid = xasprintf("%s/%s/%s/versions/%s", str(ref, "workspace_id"), coll, str(ref, "name"), v);
		uri = tf_asset_uri(vid);
		r = tf_target(tf_type(tf, strcmp(coll, "data") == 0 ? T_DATA_ASSET : T_MODEL), uri);
		free(vid);
		free(uri);
		return r;
	}
	if (kind && strcmp(kind, "data_version") == 0) {
		t = T_DATA_ASSET;
	} else if (kind && strcmp(kind, "model_version") == 0) {
		t = T_MODEL;
	} else {
		unresolved(tf, what, ref, "not a data or model asset");
		return NULL;
	}
	if (!json_object_get(tf->records, id)) {
		/* referenced by name all the same: it may exist from another push */
		unresolved(tf, what, ref, "not in the snapshot; referenced by qualifiedName");
	}
	uri = tf_asset_uri(id);
	r = tf_target(tf_type(tf, t), uri);
	free(uri);
	return r;
}

json_t *tf_resolve_ref(struct transform *tf, json_t *ref, const char *wsid, const char *what)
{
	const char *form = str(ref, "form");
	json_t *t;

	if (!form)
		return NULL;
	if (strcmp(form, "asset_id") == 0)
		return asset_target(tf, ref, what);
	if (strcmp(form, "datastore_path") == 0) {
		const char *ws = str(ref, "workspace_id") ? str(ref, "workspace_id") : wsid;

		t = tf_storage_of_datastore_path(tf, ws, str(ref, "datastore"), str(ref, "path"));
		if (!t)
			unresolved(tf, what, ref, "its datastore is not in the snapshot or has no storage purvey can name");
		return t;
	}
	if (strcmp(form, "storage_url") == 0) {
		t = tf_storage_of_url(ref);
		if (!t)
			unresolved(tf, what, ref, "not Azure storage purvey can name");
		return t;
	}
	if (strcmp(form, "job_output") == 0)
		return tf_job_output_target(tf, wsid, str(ref, "job"), str(ref, "output"));
	if (strcmp(form, "registry_asset") == 0) {
		const char *coll = str(ref, "collection");
		char *text;

		if (!coll || (strcmp(coll, "models") != 0 && strcmp(coll, "data") != 0)) {
			unresolved(tf, what, ref, "a registry asset that is no data or model");
			return NULL;
		}
		text = tf_ref_text(ref);
		t = tf_target(tf_type(tf, strcmp(coll, "models") == 0 ? T_MODEL : T_DATA_ASSET), text);
		free(text);
		unresolved(tf, what, ref, "a registry asset, outside the workspace; referenced by qualifiedName");
		return t;
	}
	unresolved(tf, what, ref, "purvey cannot say what this names");
	return NULL;
}
