/*
 * A VFS over "unix-excl" that writes a commit's WAL frames with one
 * pwrite instead of two per frame.
 *
 * SQLite writes each WAL frame as two pwrite(2) calls (its 24-byte header,
 * then the page), and a create dirties about eight pages (the cluster and
 * task rows and their seven indexes): ~17 pwrites per create under the
 * bench, a quarter of the daemon's CPU in perf (system calls are dear on
 * this VM). Here appends to the WAL are gathered in a buffer and written
 * at once when SQLite publishes the commit.
 *
 * When is that? A reader (another connection) only reads frames up to the
 * mxFrame of the WAL-index header it saw, and the writer publishes a new
 * header in walIndexHdrWrite, which first calls xShmBarrier on the database
 * file: the buffer is written there, so no connection can be told of a
 * frame that is not in the file yet. Anything else that touches the WAL
 * file (a read, a sync, a truncate, its size, a write somewhere else, a
 * file control, closing it) writes the buffer first, so the file is
 * always what SQLite believes it wrote whenever it looks.
 *
 * xShmBarrier cannot fail, so the buffered bytes must be sure to fit:
 * before buffering past the space reserved for the WAL, xWrite asks the
 * unix VFS to allocate it (SQLITE_FCNTL_SIZE_HINT, in WAL_CHUNK steps). If
 * that fails (a full disk), nothing is buffered: the write goes through
 * as before and its error (SQLITE_FULL) reaches the job. A failed write
 * at the barrier (an I/O error into allocated space) would leave a commit
 * published that is not in the file: the daemon then aborts, before the
 * batch's clients are answered, and the next start recovers the WAL up to
 * its last complete commit.
 *
 * Every connection has its own database and WAL file objects and uses
 * them from one thread at a time, so nothing here is shared.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "conn.h"

/*
 * The buffer is written before it would grow past this (a huge transaction,
 * or the page cache spilling in one), and kept. It used to grow to 4 MiB
 * and be freed after each such write: glibc then raised its mmap threshold
 * to 4 MiB, and the buffers of the next rounds came from the writer's heap
 * arena, where they stayed (RSS after a settle of 50,000 clusters: 15 MiB
 * against 11). No write is saved by a larger buffer: wal_flush writes at
 * most WAL_WRITE_MAX per call either way. 256 KiB holds a commit of a
 * full batch of creates; it was 512 KiB, resident for good.
 */
#define WAL_BUF_MAX (256 << 10)
/*
 * The WAL's allocation step. This SQLite allocates by writing a byte into
 * every 4 KiB block (no posix_fallocate): a 1 MiB step was 256 pwrite(2)
 * before a new database's first commit, a tenth of the start-up time.
 */
#define WAL_CHUNK   (64 << 10)
/* The unix VFS writes at most 128 KiB - 1 per call (it masks the length with 0x1ffff). */
#define WAL_WRITE_MAX 0x1f000

struct wfile {
	sqlite3_file base;
	struct wfile *wal;	/* a database file's WAL, while open */
	struct wfile *db;	/* a WAL file's database file */
	bool is_wal;
	char *buf;		/* pending appends to the WAL, at off */
	size_t len, cap;
	sqlite3_int64 off;
	sqlite3_int64 reserved;	/* the WAL's size allocated so far (a lower bound) */
	sqlite3_file real[];	/* the unix-excl file, szOsFile bytes */
};

static sqlite3_vfs *real_vfs;
static sqlite3_vfs walvfs;

/* Writes what is pending; returns the SQLite result. */
static int
wal_flush(struct wfile *f)
{
	int rc = SQLITE_OK;

	for (size_t done = 0, n; done < f->len && rc == SQLITE_OK; done += n) {
		n = f->len - done < WAL_WRITE_MAX ? f->len - done : WAL_WRITE_MAX;
		rc = f->real->pMethods->xWrite(f->real, f->buf + done, (int)n,
		    f->off + (sqlite3_int64)done);
	}
	f->len = 0;
	return rc;
}

static int
w_close(sqlite3_file *file)
{
	struct wfile *f = (struct wfile *)file;
	int rc = wal_flush(f), rc2;

	if (f->db != NULL)
		f->db->wal = NULL;
	if (f->wal != NULL)
		f->wal->db = NULL;
	free(f->buf);
	f->buf = NULL;
	rc2 = f->real->pMethods->xClose(f->real);
	return rc != SQLITE_OK ? rc : rc2;
}

static int
w_read(sqlite3_file *file, void *p, int n, sqlite3_int64 off)
{
	struct wfile *f = (struct wfile *)file;
	int rc;

	if ((rc = wal_flush(f)) != SQLITE_OK)
		return rc;
	return f->real->pMethods->xRead(f->real, p, n, off);
}

/* Makes sure the WAL has room up to end, so that the buffered write cannot run out of it. */
static bool
wal_reserve(struct wfile *f, sqlite3_int64 end)
{
	sqlite3_int64 want;

	if (end <= f->reserved)
		return true;
	want = (end + WAL_CHUNK - 1) / WAL_CHUNK * WAL_CHUNK;
	if (f->real->pMethods->xFileControl(f->real, SQLITE_FCNTL_SIZE_HINT, &want) != SQLITE_OK)
		return false;
	f->reserved = want;
	return true;
}

static int
w_write(sqlite3_file *file, const void *p, int n, sqlite3_int64 off)
{
	struct wfile *f = (struct wfile *)file;
	int rc;

	if (!f->is_wal)
		return f->real->pMethods->xWrite(f->real, p, n, off);
	if (f->len != 0 && off != f->off + (sqlite3_int64)f->len &&
	    (rc = wal_flush(f)) != SQLITE_OK)
		return rc;
	if (f->len + (size_t)n > WAL_BUF_MAX && (rc = wal_flush(f)) != SQLITE_OK)
		return rc;
	if ((size_t)n > WAL_BUF_MAX || !wal_reserve(f, off + n))
		goto through;
	if (f->len + (size_t)n > f->cap) {
		size_t cap = f->cap != 0 ? f->cap : 64 << 10;
		char *b;

		while (cap < f->len + (size_t)n)
			cap *= 2;
		if ((b = realloc(f->buf, cap)) == NULL)
			goto through;
		f->buf = b;
		f->cap = cap;
	}
	if (f->len == 0)
		f->off = off;
	memcpy(f->buf + f->len, p, (size_t)n);
	f->len += (size_t)n;
	return SQLITE_OK;
through:
	if ((rc = wal_flush(f)) != SQLITE_OK)
		return rc;
	return f->real->pMethods->xWrite(f->real, p, n, off);
}

static int
w_truncate(sqlite3_file *file, sqlite3_int64 size)
{
	struct wfile *f = (struct wfile *)file;
	int rc;

	if ((rc = wal_flush(f)) != SQLITE_OK)
		return rc;
	/* The unix VFS rounds a truncation up to its chunk size; a smaller file is re-reserved. */
	f->reserved = 0;
	return f->real->pMethods->xTruncate(f->real, size);
}

static int
w_sync(sqlite3_file *file, int flags)
{
	struct wfile *f = (struct wfile *)file;
	int rc;

	if ((rc = wal_flush(f)) != SQLITE_OK)
		return rc;
	return f->real->pMethods->xSync(f->real, flags);
}

static int
w_file_size(sqlite3_file *file, sqlite3_int64 *size)
{
	struct wfile *f = (struct wfile *)file;
	int rc;

	if ((rc = wal_flush(f)) != SQLITE_OK)
		return rc;
	return f->real->pMethods->xFileSize(f->real, size);
}

static int
w_lock(sqlite3_file *file, int lock)
{
	struct wfile *f = (struct wfile *)file;

	return f->real->pMethods->xLock(f->real, lock);
}

static int
w_unlock(sqlite3_file *file, int lock)
{
	struct wfile *f = (struct wfile *)file;

	return f->real->pMethods->xUnlock(f->real, lock);
}

static int
w_check_reserved_lock(sqlite3_file *file, int *out)
{
	struct wfile *f = (struct wfile *)file;

	return f->real->pMethods->xCheckReservedLock(f->real, out);
}

static int
w_file_control(sqlite3_file *file, int op, void *arg)
{
	struct wfile *f = (struct wfile *)file;
	int rc;

	if ((rc = wal_flush(f)) != SQLITE_OK)
		return rc;
	return f->real->pMethods->xFileControl(f->real, op, arg);
}

static int
w_sector_size(sqlite3_file *file)
{
	struct wfile *f = (struct wfile *)file;

	return f->real->pMethods->xSectorSize(f->real);
}

static int
w_device_characteristics(sqlite3_file *file)
{
	struct wfile *f = (struct wfile *)file;

	return f->real->pMethods->xDeviceCharacteristics(f->real);
}

static int
w_shm_map(sqlite3_file *file, int pg, int pgsz, int extend, void volatile **pp)
{
	struct wfile *f = (struct wfile *)file;

	return f->real->pMethods->xShmMap(f->real, pg, pgsz, extend, pp);
}

static int
w_shm_lock(sqlite3_file *file, int offset, int n, int flags)
{
	struct wfile *f = (struct wfile *)file;

	return f->real->pMethods->xShmLock(f->real, offset, n, flags);
}

/* Before a WAL-index header is published: the frames it will name go to the file now. */
static void
w_shm_barrier(sqlite3_file *file)
{
	struct wfile *f = (struct wfile *)file;

	if (f->wal != NULL && wal_flush(f->wal) != SQLITE_OK) {
		fprintf(stderr, "ackmock: db: cannot write the WAL of a commit; stopping\n");
		abort();
	}
	f->real->pMethods->xShmBarrier(f->real);
}

static int
w_shm_unmap(sqlite3_file *file, int del)
{
	struct wfile *f = (struct wfile *)file;

	return f->real->pMethods->xShmUnmap(f->real, del);
}

static int
w_fetch(sqlite3_file *file, sqlite3_int64 off, int n, void **pp)
{
	struct wfile *f = (struct wfile *)file;
	int rc;

	if ((rc = wal_flush(f)) != SQLITE_OK)
		return rc;
	return f->real->pMethods->xFetch(f->real, off, n, pp);
}

static int
w_unfetch(sqlite3_file *file, sqlite3_int64 off, void *p)
{
	struct wfile *f = (struct wfile *)file;

	return f->real->pMethods->xUnfetch(f->real, off, p);
}

static const sqlite3_io_methods wfile_methods = {
	.iVersion = 3,
	.xClose = w_close,
	.xRead = w_read,
	.xWrite = w_write,
	.xTruncate = w_truncate,
	.xSync = w_sync,
	.xFileSize = w_file_size,
	.xLock = w_lock,
	.xUnlock = w_unlock,
	.xCheckReservedLock = w_check_reserved_lock,
	.xFileControl = w_file_control,
	.xSectorSize = w_sector_size,
	.xDeviceCharacteristics = w_device_characteristics,
	.xShmMap = w_shm_map,
	.xShmLock = w_shm_lock,
	.xShmBarrier = w_shm_barrier,
	.xShmUnmap = w_shm_unmap,
	.xFetch = w_fetch,
	.xUnfetch = w_unfetch,
};

static int
w_open(sqlite3_vfs *vfs, sqlite3_filename name, sqlite3_file *file, int flags, int *out_flags)
{
	struct wfile *f = (struct wfile *)file;
	int rc;

	(void)vfs;
	memset(f, 0, sizeof(*f));
	rc = real_vfs->xOpen(real_vfs, name, f->real, flags, out_flags);
	if (f->real->pMethods == NULL) {
		f->base.pMethods = NULL;
		return rc;
	}
	f->base.pMethods = &wfile_methods;
	if (rc == SQLITE_OK && (flags & SQLITE_OPEN_WAL) && name != NULL) {
		/* Opened through this VFS, the database file object is ours. */
		struct wfile *db = (struct wfile *)sqlite3_database_file_object(name);
		int chunk = WAL_CHUNK;

		/* Without its database file, no barrier would write the buffer: write through. */
		if (db != NULL) {
			f->is_wal = true;
			f->db = db;
			db->wal = f;
		}
		f->real->pMethods->xFileControl(f->real, SQLITE_FCNTL_CHUNK_SIZE, &chunk);
	}
	return rc;
}

static int
w_delete(sqlite3_vfs *vfs, const char *name, int sync_dir)
{
	(void)vfs;
	return real_vfs->xDelete(real_vfs, name, sync_dir);
}

static int
w_access(sqlite3_vfs *vfs, const char *name, int flags, int *out)
{
	(void)vfs;
	return real_vfs->xAccess(real_vfs, name, flags, out);
}

static int
w_full_pathname(sqlite3_vfs *vfs, const char *name, int n, char *out)
{
	(void)vfs;
	return real_vfs->xFullPathname(real_vfs, name, n, out);
}

static void *
w_dl_open(sqlite3_vfs *vfs, const char *name)
{
	(void)vfs;
	return real_vfs->xDlOpen(real_vfs, name);
}

static void
w_dl_error(sqlite3_vfs *vfs, int n, char *msg)
{
	(void)vfs;
	real_vfs->xDlError(real_vfs, n, msg);
}

static void (*w_dl_sym(sqlite3_vfs *vfs, void *h, const char *sym))(void)
{
	(void)vfs;
	return real_vfs->xDlSym(real_vfs, h, sym);
}

static void
w_dl_close(sqlite3_vfs *vfs, void *h)
{
	(void)vfs;
	real_vfs->xDlClose(real_vfs, h);
}

static int
w_randomness(sqlite3_vfs *vfs, int n, char *out)
{
	(void)vfs;
	return real_vfs->xRandomness(real_vfs, n, out);
}

static int
w_sleep(sqlite3_vfs *vfs, int us)
{
	(void)vfs;
	return real_vfs->xSleep(real_vfs, us);
}

static int
w_current_time(sqlite3_vfs *vfs, double *out)
{
	(void)vfs;
	return real_vfs->xCurrentTime(real_vfs, out);
}

static int
w_get_last_error(sqlite3_vfs *vfs, int n, char *out)
{
	(void)vfs;
	return real_vfs->xGetLastError(real_vfs, n, out);
}

static int
w_current_time_int64(sqlite3_vfs *vfs, sqlite3_int64 *out)
{
	(void)vfs;
	return real_vfs->xCurrentTimeInt64(real_vfs, out);
}

const char *
walvfs_register(void)
{
	if (real_vfs != NULL)
		return walvfs.zName;
	if ((real_vfs = sqlite3_vfs_find("unix-excl")) == NULL)
		return NULL;
	walvfs = (sqlite3_vfs){
	    .iVersion = 2,
	    .szOsFile = (int)sizeof(struct wfile) + real_vfs->szOsFile,
	    .mxPathname = real_vfs->mxPathname,
	    .zName = "ackmock-wal",
	    .xOpen = w_open,
	    .xDelete = w_delete,
	    .xAccess = w_access,
	    .xFullPathname = w_full_pathname,
	    .xDlOpen = w_dl_open,
	    .xDlError = w_dl_error,
	    .xDlSym = w_dl_sym,
	    .xDlClose = w_dl_close,
	    .xRandomness = w_randomness,
	    .xSleep = w_sleep,
	    .xCurrentTime = w_current_time,
	    .xGetLastError = w_get_last_error,
	    .xCurrentTimeInt64 = w_current_time_int64,
	};
	if (sqlite3_vfs_register(&walvfs, 0) != SQLITE_OK) {
		real_vfs = NULL;
		return NULL;
	}
	return walvfs.zName;
}
