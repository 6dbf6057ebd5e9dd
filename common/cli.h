/* Command-line helpers shared by the stages. */
#ifndef PURVEY_CLI_H
#define PURVEY_CLI_H

/*
 * The whole number s, given to option opt, from min to max; anything else
 * ("12abc", "-1", too large) is a usage error: a message and exit 64.
 */
long long cli_number(const char *opt, const char *s, long long min, long long max);

#endif
