// SQLite storage. Swift cannot import SQLITE_TRANSIENT (a cast of -1 to a function pointer), so it is exposed here.
#pragma once
#include <sqlite3.h>

static inline sqlite3_destructor_type csqlite_transient(void) {
    return SQLITE_TRANSIENT;
}
