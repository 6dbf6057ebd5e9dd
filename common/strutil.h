/* Small string helpers shared by the stages. Returned strings are malloc'd. */
#ifndef PURVEY_STRUTIL_H
#define PURVEY_STRUTIL_H

#include <stddef.h>

/* malloc'd copy of s[0..n); aborts on out-of-memory like every allocation here. */
char *xstrndup(const char *s, size_t n);
char *xstrdup(const char *s);
void *xmalloc(size_t n);
void *xrealloc(void *p, size_t n);
/* malloc'd printf. */
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Lower-cases ASCII letters in place; returns s. */
char *str_lower(char *s);
int str_ieq(const char *a, const char *b);
/* 1 if s starts with prefix, compared case-insensitively. */
int str_istarts(const char *s, const char *prefix);
int str_starts(const char *s, const char *prefix);
int str_ends(const char *s, const char *suffix);

/* A growable byte buffer, always NUL-terminated. */
struct sbuf {
	char *data;
	size_t len;
	size_t cap;
};
void sbuf_add(struct sbuf *b, const void *p, size_t n);
void sbuf_adds(struct sbuf *b, const char *s);
void sbuf_free(struct sbuf *b);

#endif
