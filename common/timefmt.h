/*
 * Timestamps in one canonical form: RFC 3339 in UTC,
 *   YYYY-MM-DDTHH:MM:SS[.f]Z
 * with the fraction cut to microseconds (what every AML serialiser keeps)
 * and trailing zeros dropped, so the same moment from an ARM file (7 digits,
 * "+00:00", "\u002B00:00") and from a CLI file (6 digits) is the same string.
 */
#ifndef PURVEY_TIMEFMT_H
#define PURVEY_TIMEFMT_H

#include <stddef.h>

#define TIME_CANON_MAX 32

/*
 * Reads "YYYY-MM-DD[T ]HH:MM:SS[.fff...][Z|+HH:MM|-HH:MM|+HHMM]" (no zone is
 * UTC) and writes the canonical form into out. Returns 0, or -1 if in is not
 * such a time.
 */
int time_canon(const char *in, char out[TIME_CANON_MAX]);
/* Milliseconds since the epoch (Atlas "date"); 0 on success, -1 if not a time. */
int time_epoch_ms(const char *t, long long *ms);
/* Compares two canonical times: <0, 0, >0. */
int time_cmp(const char *a, const char *b);

#endif
