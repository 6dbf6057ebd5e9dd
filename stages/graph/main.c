/*
 * purvey-graph: reads a request stream (purvey-transform's output) and writes
 * the lineage it pushes as Graphviz DOT: one node per entity (processes as
 * boxes, data as ellipses, storage that is only referenced dashed), an edge
 * per input and output. Nodes and edges are sorted: the same requests give
 * the same picture.
 *
 *   purvey-transform < records | purvey-graph | dot -Tsvg > lineage.svg
 */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "exitcodes.h"
#include "ndjson.h"
#include "strutil.h"
#include "banned.h"

struct graph {
	json_t *nodes; /* qualifiedName -> {"type", "label", "process", "entity"} */
	json_t *edges; /* "from\nto" -> true */
	json_t *guids; /* placeholder guid -> qualifiedName, within one request */
	const char *prefix;
};

static const char *str(json_t *o, const char *k) { return json_string_value(json_object_get(o, k)); }

/* The qualifiedName a reference names, registering referenced-only nodes. */
static const char *ref_qn(struct graph *g, json_t *ref)
{
	const char *guid = str(ref, "guid"), *qn;

	if (guid)
		return str(g->guids, guid);
	qn = str(json_object_get(ref, "uniqueAttributes"), "qualifiedName");
	if (qn && !json_object_get(g->nodes, qn)) {
		const char *slash = strrchr(qn, '/');

		json_object_set_new(g->nodes, qn, json_pack("{s:s, s:s, s:b, s:b}", "type", str(ref, "typeName"),
							   "label", slash && slash[1] ? slash + 1 : qn, "process", 0,
							   "entity", 0));
	}
	return qn;
}

static void add_edge(struct graph *g, const char *from, const char *to)
{
	char *k;

	if (!from || !to)
		return;
	k = xasprintf("%s\n%s", from, to);
	json_object_set_new(g->edges, k, json_true());
	free(k);
}

static void add_request(struct graph *g, json_t *req)
{
	json_t *ents = json_object_get(json_object_get(req, "body"), "entities"), *e, *r;
	size_t i, j;

	if (strcmp(str(req, "path") ? str(req, "path") : "", "entity/bulk") != 0)
		return;
	json_object_clear(g->guids);
	json_array_foreach(ents, i, e) {
		json_t *a = json_object_get(e, "attributes");
		int process = json_object_get(a, "inputs") || json_object_get(a, "outputs");

		json_object_set_new(g->guids, str(e, "guid") ? str(e, "guid") : "", json_string(str(a, "qualifiedName")));
		json_object_set_new(g->nodes, str(a, "qualifiedName"),
				    json_pack("{s:s, s:s, s:b, s:b}", "type", str(e, "typeName"), "label", str(a, "name"),
					      "process", process, "entity", 1));
	}
	json_array_foreach(ents, i, e) {
		json_t *a = json_object_get(e, "attributes");
		const char *qn = str(a, "qualifiedName");

		json_array_foreach(json_object_get(a, "inputs"), j, r)
			add_edge(g, ref_qn(g, r), qn);
		json_array_foreach(json_object_get(a, "outputs"), j, r)
			add_edge(g, qn, ref_qn(g, r));
	}
}

/* A DOT string literal. */
static void quoted(FILE *f, const char *s)
{
	fputc('"', f);
	for (; s && *s; s++) {
		if (*s == '"' || *s == '\\')
			fputc('\\', f);
		if (*s == '\n')
			fputs("\\n", f);
		else
			fputc(*s, f);
	}
	fputc('"', f);
}

static int cmp_str(const void *a, const void *b) { return strcmp(*(const char *const *)a, *(const char *const *)b); }

static const char **sorted_keys(json_t *o, size_t *n)
{
	const char **v = xmalloc((json_object_size(o) + 1) * sizeof(*v)), *k;
	json_t *x;

	*n = 0;
	json_object_foreach(o, k, x)
		v[(*n)++] = k;
	qsort(v, *n, sizeof(*v), cmp_str);
	return v;
}

/* Nodes that take part in lineage; the rest (workspaces, datastores) add nothing to the picture. */
static int in_lineage(struct graph *g, const char *qn)
{
	const char *k;
	json_t *x;
	size_t n = strlen(qn);

	json_object_foreach(g->edges, k, x) {
		const char *nl = strchr(k, '\n');

		if (((size_t)(nl - k) == n && strncmp(k, qn, n) == 0) || strcmp(nl + 1, qn) == 0)
			return 1;
	}
	return 0;
}

static void write_dot(struct graph *g, FILE *f)
{
	size_t n, i;
	const char **keys = sorted_keys(g->nodes, &n);

	fputs("digraph lineage {\n  rankdir=LR;\n  node [fontname=\"Helvetica\", fontsize=10];\n", f);
	for (i = 0; i < n; i++) {
		json_t *node = json_object_get(g->nodes, keys[i]);
		const char *type = str(node, "type");

		if (!in_lineage(g, keys[i]))
			continue;
		fputs("  ", f);
		quoted(f, keys[i]);
		fputs(" [label=", f);
		{
			char *label = xasprintf("%s\n%s", str(node, "label"),
						str_starts(type, g->prefix) ? type + strlen(g->prefix) : type);

			quoted(f, label);
			free(label);
		}
		if (json_is_true(json_object_get(node, "process")))
			fputs(", shape=box, style=filled, fillcolor=\"#dbe8f6\"", f);
		else if (!json_is_true(json_object_get(node, "entity")))
			fputs(", shape=ellipse, style=dashed", f);
		else
			fputs(", shape=ellipse", f);
		fputs("];\n", f);
	}
	free(keys);
	keys = sorted_keys(g->edges, &n);
	for (i = 0; i < n; i++) {
		const char *nl = strchr(keys[i], '\n');
		char *from = xstrndup(keys[i], (size_t)(nl - keys[i]));

		fputs("  ", f);
		quoted(f, from);
		fputs(" -> ", f);
		quoted(f, nl + 1);
		fputs(";\n", f);
		free(from);
	}
	free(keys);
	fputs("}\n", f);
}

int main(int argc, char **argv)
{
	struct graph g = {NULL, NULL, NULL, "purvey_aml_"};
	char *prefix = NULL; /* the stream's own, when it says one */
	struct ndjson_reader r;
	struct diag_loc loc = {"-", NULL, 0, 0};
	FILE *in = stdin;
	json_t *v;
	char msg[256];
	long col;
	enum ndjson_status st;
	int rc = PV_EX_OK, c;

	diag_init("purvey-graph");
	while ((c = getopt(argc, argv, "h")) != -1) {
		fputs("usage: purvey-graph [REQUESTS]\n"
		      "Reads purvey-transform's requests (a file, or standard input) and writes\n"
		      "the lineage they push as Graphviz DOT. Exit: 0 ok, 64 usage, 65 bad input,\n"
		      "66 input not found, 74 output could not be written.\n",
		      c == 'h' ? stdout : stderr);
		return c == 'h' ? PV_EX_OK : PV_EX_USAGE;
	}
	if (optind < argc && strcmp(argv[optind], "-") != 0) {
		loc.file = argv[optind];
		if (!(in = fopen(argv[optind], "r"))) {
			diag_note("%s: cannot open: %s", argv[optind], strerror(errno));
			return PV_EX_NOINPUT;
		}
	}
	g.nodes = json_object();
	g.edges = json_object();
	g.guids = json_object();
	ndjson_reader_init(&r, in);
	while ((st = ndjson_next(&r, &v, msg, sizeof(msg), &col)) != NDJSON_EOF) {
		loc.line = r.line;
		loc.col = col;
		if (st != NDJSON_VALUE) {
			diag_error(&loc, "%s", st == NDJSON_BAD ? msg : strerror(errno));
			rc = PV_EX_DATAERR;
			break;
		}
		if (r.line == 1 && strcmp(str(v, "type") ? str(v, "type") : "", "requests") != 0) {
			diag_error(&loc, "not a request stream: the first line is no requests header");
			rc = PV_EX_DATAERR;
			json_decref(v);
			break;
		}
		if (r.line == 1 && str(v, "type_prefix"))
			g.prefix = prefix = xstrdup(str(v, "type_prefix"));
		add_request(&g, v);
		json_decref(v);
	}
	ndjson_reader_free(&r);
	if (rc == PV_EX_OK) {
		write_dot(&g, stdout);
		if (ndjson_finish(stdout) != 0) {
			diag_note("cannot write to standard output: %s", strerror(errno));
			rc = PV_EX_IOERR;
		}
	}
	free(prefix);
	json_decref(g.nodes);
	json_decref(g.edges);
	json_decref(g.guids);
	if (in != stdin)
		fclose(in);
	return rc;
}
