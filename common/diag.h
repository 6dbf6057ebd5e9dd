/*
 * Diagnostics on stderr, one line each:
 *   purvey-STAGE: FILE[:MEMBER]:LINE[:COL]: message
 * LINE and COL are printed when > 0; MEMBER when not NULL.
 * Errors and warnings are counted so a stage can report them in its trailer.
 */
#ifndef PURVEY_DIAG_H
#define PURVEY_DIAG_H

#include <stdarg.h>

struct diag_loc {
	const char *file;   /* input as the user named it, or NULL */
	const char *member; /* archive member path (nested joined by ':'), or NULL */
	long line;          /* 1-based, 0 if unknown */
	long col;           /* 1-based, 0 if unknown */
};

void diag_init(const char *program); /* e.g. "purvey-extract" */
const char *diag_program(void);

void diag_error(const struct diag_loc *loc, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void diag_warn(const struct diag_loc *loc, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* A message without location ("purvey-STAGE: message"), not counted. */
void diag_note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Print "purvey-STAGE: message" and exit with code. */
_Noreturn void diag_die(int code, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

long diag_error_count(void);
long diag_warning_count(void);

#endif
