/*
 * purvey-extract: reads AML export snapshots (archives, directories, JSON and
 * NDJSON files, stdin) and writes the record stream of
 * schemas/record.schema.json: a snapshot header, one record per AML object,
 * an end trailer with counts.
 *
 * Records are spooled to a temporary file while the inputs are read, because
 * the header carries the snapshot time, which is known only at the end (the
 * newest time found in the data; never the wall clock).
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "armid.h"
#include "cli.h"
#include "exitcodes.h"
#include "extract.h"
#include "ndjson.h"
#include "strutil.h"
#include "banned.h"

#define RECORD_VERSION 1

static void usage(FILE *f)
{
	fputs("usage: purvey-extract [options] INPUT...\n"
	      "Reads Azure ML export snapshots and writes one record per AML object (NDJSON).\n"
	      "INPUT: an archive (tar, tar.gz, zip, ...), a directory, a JSON or NDJSON file\n"
	      "       (also compressed), or - for standard input.\n"
	      "  --max-member-bytes N   largest decompressed file or member (default 268435456)\n"
	      "  --max-depth N          deepest JSON nesting (default 64)\n"
	      "  --max-ratio N          largest decompressed:compressed ratio (default 1000)\n"
	      "  --max-archive-depth N  archives inside archives, at most (default 4)\n"
	      "  --v1-workspace ID      the workspace (ARM id) legacy v1 objects belong to\n"
	      "  -q, --quiet            no progress messages (shown only on a terminal)\n"
	      "  -h, --help             this text\n"
	      "Exit: 0 ok, 64 usage, 65 damaged input (trailer complete:false),\n"
	      "      66 input not found, 74 output could not be written.\n",
	      f);
}

/* The canonical id of a workspace given on the command line, or a usage error. */
static char *workspace_arg(const char *s)
{
	struct armid id;
	char err[160], *ws;

	if (armid_parse(s, &id, err, sizeof(err)) != 0 || id.kind != AK_WORKSPACE) {
		diag_note("--v1-workspace: expected a workspace ARM id, got '%s'%s%s", s,
			  id.kind ? "" : ": ", id.kind ? "" : err);
		armid_free(&id);
		exit(PV_EX_USAGE);
	}
	ws = armid_workspace_id(&id);
	armid_free(&id);
	return ws;
}

static void parse_args(struct extract *x, int argc, char **argv)
{
	static const struct option longopts[] = {
		{"max-member-bytes", required_argument, NULL, 'M'},
		{"max-depth", required_argument, NULL, 'D'},
		{"max-ratio", required_argument, NULL, 'R'},
		{"max-archive-depth", required_argument, NULL, 'A'},
		{"v1-workspace", required_argument, NULL, 'W'},
		{"quiet", no_argument, NULL, 'q'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0}};
	int c;

	while ((c = getopt_long(argc, argv, "qh", longopts, NULL)) != -1) {
		switch (c) {
		case 'M': x->opt.max_member_bytes = (size_t)cli_number("--max-member-bytes", optarg, 1, (long long)(SIZE_MAX / 2)); break;
		case 'D': x->opt.max_depth = (int)cli_number("--max-depth", optarg, 1, 10000); break;
		case 'R': x->opt.max_ratio = (double)cli_number("--max-ratio", optarg, 1, 1000000000); break;
		case 'A': x->opt.max_archive_depth = (int)cli_number("--max-archive-depth", optarg, 1, 64); break;
		case 'W': x->opt.v1_workspace = workspace_arg(optarg); break;
		case 'q': x->opt.quiet = 1; break;
		case 'h': usage(stdout); exit(PV_EX_OK);
		default: usage(stderr); exit(PV_EX_USAGE);
		}
	}
}

/* Progress on stderr, only when it is a terminal and --quiet is not given. */
static void progress(const struct extract *x, int last)
{
	if (!x->progress)
		return;
	if (last || x->records % 1000 == 0)
		fprintf(stderr, "\rpurvey-extract: %ld records%s", x->records, last ? "\n" : "");
}

void extract_emit(struct extract *x, json_t *record, const char *kind)
{
	json_t *c = json_object_get(x->counts, kind);

	if (!x->write_failed && ndjson_write(x->spool, record) != 0)
		x->write_failed = 1;
	x->records++;
	json_object_set_new(x->counts, kind, json_integer(json_integer_value(c) + 1));
	json_decref(record);
	progress(x, 0);
}

static int complete(const struct extract *x)
{
	return !x->bad_data && !x->no_input;
}

/* Header, spooled records, trailer. Returns 0, or -1 if stdout failed. */
static int write_stream(struct extract *x)
{
	json_t *header, *trailer;
	char buf[64 * 1024];
	size_t n;
	int rc = 0;

	header = json_pack("{s:s, s:i, s:s, s:O, s:o}", "type", "snapshot", "v", RECORD_VERSION,
			   "producer", "purvey-extract", "inputs", x->inputs, "snapshot_time",
			   x->snapshot_time[0] ? json_string(x->snapshot_time) : json_null());
	if (ndjson_write(stdout, header) != 0)
		rc = -1;
	json_decref(header);
	if (fflush(x->spool) != 0 || ferror(x->spool) || fseek(x->spool, 0, SEEK_SET) != 0)
		diag_die(PV_EX_IOERR, "cannot read back the temporary file: %s", strerror(errno));
	while (rc == 0 && (n = fread(buf, 1, sizeof(buf), x->spool)) > 0)
		if (fwrite(buf, 1, n, stdout) != n)
			rc = -1;
	if (ferror(x->spool))
		diag_die(PV_EX_IOERR, "cannot read back the temporary file: %s", strerror(errno));
	trailer = json_pack("{s:s, s:i, s:I, s:O, s:O, s:I, s:I, s:I, s:b}", "type", "end", "v",
			    RECORD_VERSION, "records", (json_int_t)x->records, "counts", x->counts,
			    "unknown_kinds", x->unknown, "unidentifiable", (json_int_t)x->unidentifiable,
			    "warnings", (json_int_t)diag_warning_count(), "errors",
			    (json_int_t)diag_error_count(), "complete", complete(x));
	if (rc == 0 && ndjson_write(stdout, trailer) != 0)
		rc = -1;
	json_decref(trailer);
	if (ndjson_finish(stdout) != 0)
		rc = -1;
	return rc;
}

int main(int argc, char **argv)
{
	struct extract x;
	int rc;

	diag_init("purvey-extract");
	signal(SIGPIPE, SIG_IGN); /* a closed pipe is a write error, checked */
	memset(&x, 0, sizeof(x));
	x.opt.max_member_bytes = 256u << 20;
	x.opt.max_depth = 64;
	x.opt.max_ratio = 1000;
	x.opt.max_archive_depth = 4;
	parse_args(&x, argc, argv);
	if (optind == argc) {
		usage(stderr);
		return PV_EX_USAGE;
	}
	x.counts = json_object();
	x.unknown = json_object();
	x.inputs = json_array();
	x.spool = tmpfile();
	if (!x.spool)
		diag_die(PV_EX_IOERR, "cannot create a temporary file: %s", strerror(errno));
	x.progress = !x.opt.quiet && isatty(STDERR_FILENO);
	for (int i = optind; i < argc; i++)
		extract_input(&x, argv[i]);
	progress(&x, 1);
	if (x.write_failed)
		diag_die(PV_EX_IOERR, "cannot write the temporary file: %s", strerror(errno));
	if (write_stream(&x) != 0) {
		diag_note("cannot write to standard output: %s", strerror(errno ? errno : EIO));
		rc = PV_EX_IOERR;
	} else {
		rc = x.no_input ? PV_EX_NOINPUT : x.bad_data ? PV_EX_DATAERR : PV_EX_OK;
	}
	fclose(x.spool);
	json_decref(x.counts);
	json_decref(x.unknown);
	json_decref(x.inputs);
	free(x.opt.v1_workspace);
	return rc;
}
