#include "diag.h"

#include <stdio.h>
#include <stdlib.h>

#include "banned.h"

static const char *prog = "purvey";
static long n_errors;
static long n_warnings;

void diag_init(const char *program) { prog = program; }

const char *diag_program(void) { return prog; }

static void vreport(const struct diag_loc *loc, const char *kind,
		    const char *fmt, va_list ap)
{
	fprintf(stderr, "%s: ", prog);
	if (loc && loc->file) {
		fputs(loc->file, stderr);
		if (loc->member)
			fprintf(stderr, ":%s", loc->member);
		if (loc->line > 0)
			fprintf(stderr, ":%ld", loc->line);
		if (loc->line > 0 && loc->col > 0)
			fprintf(stderr, ":%ld", loc->col);
		fputs(": ", stderr);
	}
	if (kind)
		fputs(kind, stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

void diag_error(const struct diag_loc *loc, const char *fmt, ...)
{
	va_list ap;

	n_errors++;
	va_start(ap, fmt);
	vreport(loc, NULL, fmt, ap);
	va_end(ap);
}

void diag_warn(const struct diag_loc *loc, const char *fmt, ...)
{
	va_list ap;

	n_warnings++;
	va_start(ap, fmt);
	vreport(loc, "warning: ", fmt, ap);
	va_end(ap);
}

void diag_note(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport(NULL, NULL, fmt, ap);
	va_end(ap);
}

void diag_die(int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport(NULL, NULL, fmt, ap);
	va_end(ap);
	exit(code);
}

long diag_error_count(void) { return n_errors; }
long diag_warning_count(void) { return n_warnings; }
