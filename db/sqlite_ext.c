/*
 * ackmock_sqlite: a loadable extension for the sqlite3 shell, with the SQL
 * functions the daemon defines on its connections, so that a database can
 * be read by hand once the daemon has stopped:
 *
 *   sqlite3 ackmock.db -cmd '.load build/db/ackmock_sqlite'
 *   SELECT spec_json(spec) FROM clusters;          -- the resolved attributes
 *   SELECT * FROM clusters WHERE seq = id_seq('c...') AND cluster_id = 'c...';
 *
 * The daemon's own sources are compiled in here, after sqlite3ext.h, so
 * their SQLite calls go through the shell's API table. In the shell,
 * id_seq() does not read displaced_ids (a few legacy ids; schema/006).
 */
#include <sqlite3ext.h>
SQLITE_EXTENSION_INIT1

#include "idkeys.c"
#include "specpack.c"

int sqlite3_ackmocksqlite_init(sqlite3 *db, char **err, const sqlite3_api_routines *api);

int
sqlite3_ackmocksqlite_init(sqlite3 *db, char **err, const sqlite3_api_routines *api)
{
	static const struct idkeys none;
	int rc;

	(void)err;
	SQLITE_EXTENSION_INIT2(api);
	if ((rc = idkeys_define(db, &none)) != SQLITE_OK)
		return rc;
	return specpack_define(db);
}
