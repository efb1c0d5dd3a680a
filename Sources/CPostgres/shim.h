#ifndef CALLHIST_CPOSTGRES_SHIM_H
#define CALLHIST_CPOSTGRES_SHIM_H
// libpq, PostgreSQL's C client (Debian's libpq-dev puts it here; pkg-config
// libpq adds -I/usr/include/postgresql).
#include <libpq-fe.h>
#endif
