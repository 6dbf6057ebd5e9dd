#include "timefmt.h"

#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "banned.h"

/* Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant). */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
	int64_t era;
	unsigned yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned)(y - era * 400);
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

static void civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d)
{
	int64_t era;
	unsigned doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = (unsigned)(z - era * 146097);
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = (int64_t)yoe + era * 400 + (*m <= 2);
}

static int digits(const char **p, int n, int *out)
{
	int v = 0;

	for (int i = 0; i < n; i++) {
		if (!isdigit((unsigned char)(*p)[i]))
			return -1;
		v = v * 10 + ((*p)[i] - '0');
	}
	*p += n;
	*out = v;
	return 0;
}

static int expect(const char **p, char c)
{
	if (**p != c)
		return -1;
	(*p)++;
	return 0;
}

/* Parses in into seconds since the epoch (UTC) and microseconds. */
static int parse(const char *in, int64_t *secs, long *usec)
{
	const char *p = in;
	int y, mo, d, h, mi, s, oh = 0, om = 0, sign = 0;
	long us = 0, scale = 100000;

	if (digits(&p, 4, &y) || expect(&p, '-') || digits(&p, 2, &mo) || expect(&p, '-') ||
	    digits(&p, 2, &d))
		return -1;
	if (*p != 'T' && *p != 't' && *p != ' ')
		return -1;
	p++;
	if (digits(&p, 2, &h) || expect(&p, ':') || digits(&p, 2, &mi) || expect(&p, ':') ||
	    digits(&p, 2, &s))
		return -1;
	if (*p == '.') {
		p++;
		if (!isdigit((unsigned char)*p))
			return -1;
		for (; isdigit((unsigned char)*p); p++, scale /= 10)
			us += (*p - '0') * scale;
	}
	if (*p == 'Z' || *p == 'z') {
		p++;
	} else if (*p == '+' || *p == '-') {
		sign = *p++ == '+' ? 1 : -1;
		if (digits(&p, 2, &oh))
			return -1;
		if (*p == ':')
			p++;
		if (digits(&p, 2, &om))
			return -1;
	}
	if (*p || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 60 ||
	    oh > 23 || om > 59)
		return -1;
	*secs = days_from_civil(y, (unsigned)mo, (unsigned)d) * 86400 + h * 3600 + mi * 60 + s -
		sign * (oh * 3600 + om * 60);
	*usec = us;
	return 0;
}

int time_canon(const char *in, char out[TIME_CANON_MAX])
{
	int64_t secs, days, y;
	long usec, rem;
	unsigned m, d;
	int n;

	if (parse(in, &secs, &usec) != 0)
		return -1;
	days = secs >= 0 ? secs / 86400 : -((-secs + 86399) / 86400);
	rem = (long)(secs - days * 86400);
	civil_from_days(days, &y, &m, &d);
	if (y < 0 || y > 9999)
		return -1;
	n = snprintf(out, TIME_CANON_MAX, "%04d-%02u-%02uT%02ld:%02ld:%02ld", (int)y, m, d,
		     rem / 3600, rem / 60 % 60, rem % 60);
	if (usec) {
		char frac[8];
		int len = 6;

		snprintf(frac, sizeof(frac), "%06ld", usec);
		while (frac[len - 1] == '0')
			len--;
		n += snprintf(out + n, (size_t)(TIME_CANON_MAX - n), ".%.*s", len, frac);
	}
	snprintf(out + n, (size_t)(TIME_CANON_MAX - n), "Z");
	return 0;
}

int time_cmp(const char *a, const char *b)
{
	int64_t sa = 0, sb = 0;
	long ua = 0, ub = 0;

	if (parse(a, &sa, &ua) != 0 || parse(b, &sb, &ub) != 0)
		return strcmp(a, b);
	if (sa != sb)
		return sa < sb ? -1 : 1;
	return ua < ub ? -1 : ua > ub;
}

int time_epoch_ms(const char *t, long long *ms)
{
	int64_t secs;
	long usec;

	if (parse(t, &secs, &usec) != 0)
		return -1;
	*ms = (long long)secs * 1000 + usec / 1000;
	return 0;
}
