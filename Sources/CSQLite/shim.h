#ifndef ACCORD_CSQLITE_SHIM_H
#define ACCORD_CSQLITE_SHIM_H

#include <sqlite3.h>

// Swift cannot call C variadic functions. These wrappers are the only way the
// Swift code reaches sqlite3_db_config and sqlite3_config; each fixes one
// argument shape. https://www.sqlite.org/c3ref/db_config.html

/// sqlite3_db_config(db, op, int onoff, int *result) for the boolean options
/// (SQLITE_DBCONFIG_ENABLE_FKEY, SQLITE_DBCONFIG_TRUSTED_SCHEMA, DEFENSIVE, ...).
static inline int accord_db_config_bool(sqlite3 *db, int op, int onoff, int *result) {
    return sqlite3_db_config(db, op, onoff, result);
}

/// sqlite3_config(SQLITE_CONFIG_MEMSTATUS, onoff): whether SQLite keeps
/// memory statistics, which costs a global mutex on every allocation. Only
/// before SQLite is initialized (the first open); SQLITE_MISUSE after.
static inline int accord_config_memstatus(int onoff) {
    return sqlite3_config(SQLITE_CONFIG_MEMSTATUS, onoff);
}

/// SQLITE_TRANSIENT is a macro that casts -1 to a function pointer, which Swift
/// cannot import; this returns it as a destructor value.
static inline sqlite3_destructor_type accord_sqlite_transient(void) {
    return SQLITE_TRANSIENT;
}

#endif
