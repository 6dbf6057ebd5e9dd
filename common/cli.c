#include "cli.h"

#include <errno.h>
#include <stdlib.h>

#include "diag.h"
#include "exitcodes.h"
#include "banned.h"

long long cli_number(const char *opt, const char *s, long long min, long long max)
{
	char *end;
	long long v;

	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno || end == s || *end || v < min || v > max) {
		diag_note("%s: expected a whole number from %lld to %lld, got '%s'", opt, min, max, s);
		exit(PV_EX_USAGE);
	}
	return v;
}
