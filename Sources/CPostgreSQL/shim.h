// libpq, PostgreSQL's own client library (Debian's libpq-dev), for the PostgreSQL backend.
#ifndef BYLINE_CPOSTGRESQL_SHIM_H
#define BYLINE_CPOSTGRESQL_SHIM_H

#include <postgresql/libpq-fe.h>

#endif
