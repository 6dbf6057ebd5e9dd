/* Exit codes of every purvey stage (sysexits.h values, DESIGN.md). */
#ifndef PURVEY_EXITCODES_H
#define PURVEY_EXITCODES_H

enum pv_exit {
	PV_EX_OK = 0,
	PV_EX_USAGE = 64,       /* bad command line */
	PV_EX_DATAERR = 65,     /* bad input data */
	PV_EX_NOINPUT = 66,     /* cannot open input */
	PV_EX_UNAVAILABLE = 69, /* service unavailable */
	PV_EX_SOFTWARE = 70,    /* internal error */
	PV_EX_IOERR = 74,       /* I/O error (output) */
	PV_EX_TEMPFAIL = 75,    /* temporary failure, retry later */
	PV_EX_NOPERM = 77,      /* permission denied */
	PV_EX_CONFIG = 78       /* configuration error */
};

#endif
