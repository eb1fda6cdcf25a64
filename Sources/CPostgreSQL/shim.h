// libpq, PostgreSQL's own client library (Debian's libpq-dev), for the PostgreSQL backend.
//
// Loaded when first used, not when byline starts: linking it pulled in TLS, Kerberos and LDAP
// libraries whose set-up took about 4 ms of every start-up (a C program doing nothing: 0.7 ms
// alone, 4.8 ms linked to libpq). Swift calls the byline_PQ… wrappers below, each of which finds
// its libpq function once (dlsym) and calls it; byline_libpq_available() says whether libpq can
// be loaded at all, and is asked before connecting.
#ifndef BYLINE_CPOSTGRESQL_SHIM_H
#define BYLINE_CPOSTGRESQL_SHIM_H

#include <dlfcn.h>
#include <stddef.h>
#include <postgresql/libpq-fe.h>

static inline void *byline_libpq(void) {
    static void *handle;
    if (!handle) handle = dlopen("libpq.so.5", RTLD_NOW | RTLD_LOCAL);
    return handle;
}

/// Whether libpq could be loaded (it holds every function below).
static inline int byline_libpq_available(void) {
    void *handle = byline_libpq();
    return handle != NULL && dlsym(handle, "PQconnectdb") != NULL && dlsym(handle, "PQsetSingleRowMode") != NULL;
}

#define BYLINE_PQ(result, name, parameters, arguments)                                   \
    static inline result byline_##name parameters {                                      \
        static __typeof__(&name) function;                                               \
        if (!function) function = (__typeof__(&name))dlsym(byline_libpq(), #name);       \
        return function arguments;                                                       \
    }

BYLINE_PQ(PGconn *, PQconnectdb, (const char *conninfo), (conninfo))
BYLINE_PQ(ConnStatusType, PQstatus, (const PGconn *conn), (conn))
BYLINE_PQ(char *, PQerrorMessage, (const PGconn *conn), (conn))
BYLINE_PQ(void, PQfinish, (PGconn *conn), (conn))
BYLINE_PQ(char *, PQdb, (const PGconn *conn), (conn))
BYLINE_PQ(char *, PQhost, (const PGconn *conn), (conn))
BYLINE_PQ(int, PQsetClientEncoding, (PGconn *conn, const char *encoding), (conn, encoding))
BYLINE_PQ(int, PQsocket, (const PGconn *conn), (conn))
BYLINE_PQ(PGresult *, PQexec, (PGconn *conn, const char *query), (conn, query))
BYLINE_PQ(PGresult *, PQexecParams,
          (PGconn *conn, const char *command, int nParams, const Oid *paramTypes, const char *const *paramValues,
           const int *paramLengths, const int *paramFormats, int resultFormat),
          (conn, command, nParams, paramTypes, paramValues, paramLengths, paramFormats, resultFormat))
BYLINE_PQ(int, PQsendQueryParams,
          (PGconn *conn, const char *command, int nParams, const Oid *paramTypes, const char *const *paramValues,
           const int *paramLengths, const int *paramFormats, int resultFormat),
          (conn, command, nParams, paramTypes, paramValues, paramLengths, paramFormats, resultFormat))
BYLINE_PQ(int, PQsetSingleRowMode, (PGconn *conn), (conn))
BYLINE_PQ(int, PQconsumeInput, (PGconn *conn), (conn))
BYLINE_PQ(int, PQisBusy, (PGconn *conn), (conn))
BYLINE_PQ(PGresult *, PQgetResult, (PGconn *conn), (conn))
BYLINE_PQ(ExecStatusType, PQresultStatus, (const PGresult *res), (res))
BYLINE_PQ(char *, PQresultErrorMessage, (const PGresult *res), (res))
BYLINE_PQ(char *, PQresultErrorField, (const PGresult *res, int fieldcode), (res, fieldcode))
BYLINE_PQ(char *, PQgetvalue, (const PGresult *res, int tup_num, int field_num), (res, tup_num, field_num))
BYLINE_PQ(int, PQgetisnull, (const PGresult *res, int tup_num, int field_num), (res, tup_num, field_num))
BYLINE_PQ(void, PQclear, (PGresult *res), (res))
BYLINE_PQ(int, PQputCopyData, (PGconn *conn, const char *buffer, int nbytes), (conn, buffer, nbytes))
BYLINE_PQ(int, PQputCopyEnd, (PGconn *conn, const char *errormsg), (conn, errormsg))
BYLINE_PQ(PGcancel *, PQgetCancel, (PGconn *conn), (conn))
BYLINE_PQ(void, PQfreeCancel, (PGcancel *cancel), (cancel))
BYLINE_PQ(int, PQcancel, (PGcancel *cancel, char *errbuf, int errbufsize), (cancel, errbuf, errbufsize))

#undef BYLINE_PQ

#endif
