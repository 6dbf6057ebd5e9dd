/* A minimal unit-test harness: each CHECK prints "PASS name" or "FAIL name". */
#ifndef PURVEY_CHECK_H
#define PURVEY_CHECK_H

#include <stdio.h>
#include <string.h>

static int check_failures;

#define CHECK(name, cond)                                                         \
	do {                                                                      \
		if (cond) {                                                       \
			printf("PASS %s\n", name);                                \
		} else {                                                          \
			printf("FAIL %s (%s:%d: %s)\n", name, __FILE__, __LINE__, #cond); \
			check_failures++;                                         \
		}                                                                 \
	} while (0)

/* Compares two strings, either of which may be NULL. */
#define CHECK_STR(name, got, want)                                                \
	do {                                                                      \
		const char *g_ = (got), *w_ = (want);                             \
		if ((!g_ && !w_) || (g_ && w_ && strcmp(g_, w_) == 0)) {          \
			printf("PASS %s\n", name);                                \
		} else {                                                          \
			printf("FAIL %s: got '%s', want '%s'\n", name, g_ ? g_ : "(null)", \
			       w_ ? w_ : "(null)");                               \
			check_failures++;                                         \
		}                                                                 \
	} while (0)

#endif
