/*
 * purvey-transform: reads the record stream of purvey-extract and writes the
 * request stream of schemas/request.schema.json: a header, one Atlas REST
 * request a line (typedefs first, then entity/bulk batches), an end trailer.
 *
 * Pass one spools the records and keeps, per object, where its newest copy
 * lies; pass one and a half indexes what resolution needs; then the entities
 * are made level by level, in id order, so the same records in any order,
 * with duplicates, give the same bytes.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "exitcodes.h"
#include "ndjson.h"
#include "strutil.h"
#include "transform.h"
#include "banned.h"

#define REQUEST_VERSION 1

static void usage(FILE *f)
{
	fputs("usage: purvey-transform [options] [RECORDS]\n"
	      "Reads purvey-extract's records (a file or - for standard input, the default)\n"
	      "and writes the Atlas requests that push them into Purview (NDJSON).\n"
	      "  --batch-entities N   entities a request, at most (default 100)\n"
	      "  --batch-bytes N      bytes of entities a request, at most (default 1000000)\n"
	      "  --type-prefix P      prefix of our Atlas type names (default purvey_aml_)\n"
	      "  --allow-partial      transform an incomplete record stream all the same\n"
	      "  --print-typedefs     write the Atlas typedefs and stop\n"
	      "  -q, --quiet          no progress messages\n"
	      "  -h, --help           this text\n"
	      "Exit: 0 ok, 64 usage, 65 bad or incomplete records, 66 input not found,\n"
	      "      74 output could not be written.\n",
	      f);
}

static int prefix_ok(const char *p)
{
	if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z')))
		return 0;
	for (; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '_'))
			return 0;
	return 1;
}

static int parse_args(struct transform *tf, int argc, char **argv)
{
	static const struct option longopts[] = {
		{"batch-entities", required_argument, NULL, 'E'},
		{"batch-bytes", required_argument, NULL, 'B'},
		{"type-prefix", required_argument, NULL, 'P'},
		{"allow-partial", no_argument, NULL, 'a'},
		{"print-typedefs", no_argument, NULL, 'T'},
		{"quiet", no_argument, NULL, 'q'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0}};
	int c, print_typedefs = 0;

	while ((c = getopt_long(argc, argv, "qh", longopts, NULL)) != -1) {
		switch (c) {
		case 'E': tf->opt.batch_entities = (long)cli_number("--batch-entities", optarg, 1, 100000); break;
		case 'B': tf->opt.batch_bytes = (long)cli_number("--batch-bytes", optarg, 1, 1LL << 30); break;
		case 'P':
			if (!prefix_ok(optarg)) {
				diag_note("--type-prefix: a letter, then letters, digits or '_', got '%s'", optarg);
				exit(PV_EX_USAGE);
			}
			tf->opt.prefix = optarg;
			break;
		case 'a': tf->opt.allow_partial = 1; break;
		case 'T': print_typedefs = 1; break;
		case 'q': tf->opt.quiet = 1; break;
		case 'h': usage(stdout); exit(PV_EX_OK);
		default: usage(stderr); exit(PV_EX_USAGE);
		}
	}
	if (argc - optind > 1) {
		diag_note("one input at most (give purvey-extract several snapshots instead)");
		usage(stderr);
		exit(PV_EX_USAGE);
	}
	return print_typedefs;
}

static void init(struct transform *tf)
{
	tf->records = json_object();
	tf->datastores = json_object();
	tf->versions = json_object();
	tf->steps = json_object();
	tf->children = json_object();
	tf->job_models = json_object();
	tf->job_outputs = json_object();
	tf->output_paths = json_array();
	tf->skipped = json_object();
	tf->missing_workspaces = json_object();
	tf->batch = json_array();
	tf->placeholders = json_object();
	tf->spool = tmpfile();
	if (!tf->spool)
		diag_die(PV_EX_IOERR, "cannot create a temporary file: %s", strerror(errno));
}

static void cleanup(struct transform *tf)
{
	json_t *all[] = {tf->records, tf->datastores, tf->versions, tf->steps, tf->children,
			 tf->job_models, tf->job_outputs, tf->output_paths, tf->skipped, tf->missing_workspaces, tf->batch,
			 tf->placeholders, tf->header};

	for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++)
		json_decref(all[i]);
	for (int t = 0; t < T_COUNT; t++)
		free(tf->type_names[t]);
	for (size_t i = 0; i < tf->n_recs; i++)
		free(tf->recs[i].id);
	free(tf->recs);
	free(tf->order);
	if (tf->spool)
		fclose(tf->spool);
}

/* Which records can make entities at which level (entities.c), so none is read in vain. */
static int at_asset(const struct tf_record *r)
{
	return strcmp(r->kind, "datastore") == 0 || strcmp(r->kind, "data_version") == 0 ||
	       strcmp(r->kind, "model_version") == 0 || strcmp(r->kind, "job") == 0;
}

static int at_workspace(const struct tf_record *r) { return strcmp(r->kind, "workspace") == 0; }

/* Records of kinds that make no entity (environments, components, code), counted. */
static void count_not_pushed(struct transform *tf)
{
	for (size_t i = 0; i < tf->n_recs; i++) {
		const struct tf_record *r = &tf->recs[i];
		json_t *c;

		if (at_workspace(r) || at_asset(r))
			continue;
		c = json_object_get(tf->skipped, r->kind);
		json_object_set_new(tf->skipped, r->kind, json_integer(json_integer_value(c) + 1));
	}
}

static int at_pipeline(const struct tf_record *r) { return r->pipeline; }

static int at_process(const struct tf_record *r)
{
	return strcmp(r->kind, "data_version") == 0 || strcmp(r->kind, "job") == 0;
}

static enum tf_level current_level;

static void make_entities(struct transform *tf, json_t *rec) { tf_record_entities(tf, rec, current_level); }

static void entities(struct transform *tf)
{
	int (*want[L_COUNT])(const struct tf_record *) = {at_workspace, at_asset, at_pipeline, at_process};

	for (int level = 0; level < L_COUNT; level++) {
		current_level = (enum tf_level)level;
		tf_each(tf, want[level], make_entities);
	}
	tf_flush(tf);
	count_not_pushed(tf);
}

int main(int argc, char **argv)
{
	struct transform tf;
	FILE *in = stdin;
	int rc;

	diag_init("purvey-transform");
	signal(SIGPIPE, SIG_IGN);
	memset(&tf, 0, sizeof(tf));
	tf.opt.prefix = "purvey_aml_";
	tf.opt.batch_entities = 100;
	tf.opt.batch_bytes = 1000000;
	if (parse_args(&tf, argc, argv)) {
		json_t *d;

		tf_types_init(&tf);
		d = tf_typedefs(&tf);
		rc = json_dumpf(d, stdout, JSON_INDENT(2) | JSON_SORT_KEYS) || fputc('\n', stdout) == EOF ||
		     ndjson_finish(stdout) ? PV_EX_IOERR : PV_EX_OK;
		json_decref(d);
		cleanup(&tf);
		return rc;
	}
	tf.input_name = optind < argc ? argv[optind] : "-";
	if (strcmp(tf.input_name, "-") != 0 && !(in = fopen(tf.input_name, "r"))) {
		diag_note("%s: cannot open: %s", tf.input_name, strerror(errno));
		return PV_EX_NOINPUT;
	}
	init(&tf);
	tf_types_init(&tf);
	rc = tf_read(&tf, in);
	if (in != stdin)
		fclose(in);
	if (rc != 0) {
		cleanup(&tf);
		return rc;
	}
	tf_index(&tf);
	tf_write(&tf, json_pack("{s:s, s:i, s:s, s:O, s:s}", "type", "requests", "v", REQUEST_VERSION,
				"producer", "purvey-transform", "snapshot_time",
				json_object_get(tf.header, "snapshot_time"), "type_prefix", tf.opt.prefix));
	tf_emit_typedefs(&tf);
	entities(&tf);
	tf_write(&tf, json_pack("{s:s, s:i, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:O, s:I, s:b}", "type", "end", "v",
				REQUEST_VERSION, "records", (json_int_t)tf.records_read, "objects",
				(json_int_t)json_object_size(tf.records), "requests", (json_int_t)tf.requests, "entities",
				(json_int_t)tf.entities, "duplicates", (json_int_t)tf.duplicates, "unresolved",
				(json_int_t)tf.unresolved, "cut", (json_int_t)tf.cut, "not_pushed", tf.skipped,
				"warnings", (json_int_t)diag_warning_count(), "complete", !tf.partial));
	rc = PV_EX_OK;
	if (tf.write_failed || ndjson_finish(stdout) != 0) {
		int e = tf.write_failed ? tf.write_errno : errno;

		diag_note("cannot write to standard output: %s", strerror(e ? e : EIO));
		rc = PV_EX_IOERR;
	}
	cleanup(&tf);
	return rc;
}
