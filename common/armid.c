#include "armid.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "banned.h"
#include "strutil.h"

#define ARM_PROVIDER "Microsoft.MachineLearningServices"
#define MAX_SEGMENTS 16

static const struct {
	const char *collection;
	enum aml_kind container, version;
	int ci_name; /* names in this collection are case-insensitive */
} collections[] = {
	{"datastores", AK_DATASTORE, AK_NONE, 1},
	{"data", AK_DATA_CONTAINER, AK_DATA_VERSION, 0},
	{"models", AK_MODEL_CONTAINER, AK_MODEL_VERSION, 0},
	{"jobs", AK_JOB, AK_NONE, 0},
	{"environments", AK_ENVIRONMENT_CONTAINER, AK_ENVIRONMENT_VERSION, 0},
	{"components", AK_COMPONENT_CONTAINER, AK_COMPONENT_VERSION, 0},
	{"codes", AK_CODE_CONTAINER, AK_CODE_VERSION, 0},
	{"computes", AK_COMPUTE, AK_NONE, 1},
};
#define N_COLLECTIONS (sizeof(collections) / sizeof(collections[0]))

static const char *kind_names[] = {
	[AK_WORKSPACE] = "workspace",
	[AK_DATASTORE] = "datastore",
	[AK_DATA_CONTAINER] = "data_container",
	[AK_DATA_VERSION] = "data_version",
	[AK_MODEL_CONTAINER] = "model_container",
	[AK_MODEL_VERSION] = "model_version",
	[AK_JOB] = "job",
	[AK_ENVIRONMENT_CONTAINER] = "environment_container",
	[AK_ENVIRONMENT_VERSION] = "environment_version",
	[AK_COMPONENT_CONTAINER] = "component_container",
	[AK_COMPONENT_VERSION] = "component_version",
	[AK_CODE_CONTAINER] = "code_container",
	[AK_CODE_VERSION] = "code_version",
	[AK_COMPUTE] = "compute",
};

const char *aml_kind_name(enum aml_kind k)
{
	if (k <= AK_NONE || k >= AK_OTHER)
		return NULL;
	return kind_names[k];
}

static int find_collection(const char *c)
{
	for (size_t i = 0; i < N_COLLECTIONS; i++)
		if (str_ieq(c, collections[i].collection))
			return (int)i;
	return -1;
}

enum aml_kind aml_kind_for_collection(const char *collection, int versioned)
{
	int i = find_collection(collection);

	if (i < 0)
		return AK_OTHER;
	if (versioned)
		return collections[i].version != AK_NONE ? collections[i].version : AK_OTHER;
	return collections[i].container;
}

enum aml_kind aml_kind_for_arm_type(const char *type)
{
	const char *p;
	char *coll;
	enum aml_kind k;
	size_t n;

	if (!str_istarts(type, ARM_PROVIDER "/workspaces"))
		return AK_NONE;
	p = type + strlen(ARM_PROVIDER "/workspaces");
	if (*p == '\0')
		return AK_WORKSPACE;
	if (*p++ != '/')
		return AK_NONE;
	n = strcspn(p, "/");
	coll = xstrndup(p, n);
	p += n;
	if (*p == '\0')
		k = aml_kind_for_collection(coll, 0);
	else if (str_ieq(p, "/versions"))
		k = aml_kind_for_collection(coll, 1);
	else
		k = AK_OTHER;
	free(coll);
	return k;
}

void armid_free(struct armid *id)
{
	free(id->subscription);
	free(id->resource_group);
	free(id->workspace);
	free(id->collection);
	free(id->name);
	free(id->version);
	free(id->label);
	memset(id, 0, sizeof(*id));
}

/*
 * Splits s on '/' into at most max malloc'd segments (a trailing '/' is
 * allowed, "//" is not). Returns the count, or -1 with nothing allocated.
 */
static int split(const char *s, char **seg, int max)
{
	int n = 0;

	while (*s) {
		size_t len = strcspn(s, "/");

		if (len == 0 || n == max) {
			while (n > 0)
				free(seg[--n]);
			return -1;
		}
		seg[n++] = xstrndup(s, len);
		s += len;
		if (*s == '/')
			s++;
	}
	return n;
}

static int fail(struct armid *id, char *err, size_t errlen, const char *why)
{
	armid_free(id);
	snprintf(err, errlen, "%s", why);
	return -1;
}

static int parse_child(struct armid *id, char **seg, int n, int i, char *err, size_t errlen)
{
	int c;

	if (i == n) {
		id->kind = AK_WORKSPACE;
		return 0;
	}
	if (n - i < 2)
		return fail(id, err, errlen, "child resource without a name");
	c = find_collection(seg[i]);
	id->collection = c >= 0 ? xstrdup(collections[c].collection) : str_lower(xstrdup(seg[i]));
	id->name = xstrdup(seg[i + 1]);
	if (c >= 0 && collections[c].ci_name)
		str_lower(id->name);
	i += 2;
	if (i == n) {
		id->kind = aml_kind_for_collection(id->collection, 0);
		return 0;
	}
	if (n - i != 2)
		return fail(id, err, errlen, "unexpected segments after the resource name");
	if (str_ieq(seg[i], "versions"))
		id->version = xstrdup(seg[i + 1]);
	else if (str_ieq(seg[i], "labels"))
		id->label = xstrdup(seg[i + 1]);
	else
		return fail(id, err, errlen, "expected 'versions' or 'labels' after the resource name");
	id->kind = aml_kind_for_collection(id->collection, id->version != NULL);
	if (id->label && id->kind != AK_OTHER)
		id->kind = aml_kind_for_collection(id->collection, 1);
	return 0;
}

int armid_parse(const char *s, struct armid *id, char *err, size_t errlen)
{
	char *seg[MAX_SEGMENTS];
	int n, i, uri_form = 0, rc;

	memset(id, 0, sizeof(*id));
	if (str_istarts(s, "azureml://")) {
		s += strlen("azureml://");
		uri_form = 1;
	} else if (str_istarts(s, "azureml:/")) {
		s += strlen("azureml:");
	}
	if (!uri_form) {
		if (*s != '/')
			return fail(id, err, errlen, "not an ARM id (does not start with '/')");
		s++;
	}
	n = split(s, seg, MAX_SEGMENTS);
	if (n < 0)
		return fail(id, err, errlen, "malformed id (empty or too many segments)");
	rc = -1;
	if (n < 4 || !str_ieq(seg[0], "subscriptions") || !str_ieq(seg[2], "resourceGroups")) {
		fail(id, err, errlen, "expected /subscriptions/S/resourceGroups/RG");
		goto out;
	}
	i = 4;
	if (!uri_form) {
		if (n < 6 || !str_ieq(seg[4], "providers") || !str_ieq(seg[5], ARM_PROVIDER)) {
			fail(id, err, errlen, "not a " ARM_PROVIDER " id");
			goto out;
		}
		i = 6;
	}
	if (n - i < 2 || !str_ieq(seg[i], "workspaces")) {
		fail(id, err, errlen, "expected workspaces/W");
		goto out;
	}
	id->subscription = str_lower(xstrdup(seg[1]));
	id->resource_group = str_lower(xstrdup(seg[3]));
	id->workspace = str_lower(xstrdup(seg[i + 1]));
	rc = parse_child(id, seg, n, i + 2, err, errlen);
out:
	for (i = 0; i < n; i++)
		free(seg[i]);
	return rc;
}

char *armid_workspace_id(const struct armid *id)
{
	return xasprintf("/subscriptions/%s/resourceGroups/%s/providers/" ARM_PROVIDER
			 "/workspaces/%s",
			 id->subscription, id->resource_group, id->workspace);
}

static char *append_child(char *base, const struct armid *id)
{
	char *s;

	if (!id->name)
		return base;
	if (id->version)
		s = xasprintf("%s/%s/%s/versions/%s", base, id->collection, id->name, id->version);
	else if (id->label)
		s = xasprintf("%s/%s/%s/labels/%s", base, id->collection, id->name, id->label);
	else
		s = xasprintf("%s/%s/%s", base, id->collection, id->name);
	free(base);
	return s;
}

char *armid_format(const struct armid *id) { return append_child(armid_workspace_id(id), id); }

char *armid_asset_uri(const struct armid *id)
{
	char *base = xasprintf("azureml://subscriptions/%s/resourcegroups/%s/workspaces/%s",
			       id->subscription, id->resource_group, id->workspace);

	return append_child(base, id);
}
