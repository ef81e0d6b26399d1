-- The request journal in chunks (issue #7, sixth round): one row per flush.
--
-- As a row per request, the journal cost a fifth of a valid create's CPU:
-- each entry's insert, its eviction 10,000 entries later (reading its page
-- back from the file) and its ~550 bytes in the WAL and the checkpoint. A
-- chunk holds the entries of one flush (up to 256), each packed as its
-- difference from the one before (db/journalpack.h); a CreateCluster entry
-- then takes about 70 bytes. The ring still keeps exactly --journal-max
-- entries: eviction deletes the oldest chunks and cuts the head off the
-- oldest one it keeps.
--
-- The rows of the old journal table are packed into chunks by the daemon
-- in the same transaction (db_journal_adopt), which then drops the table:
-- SQL cannot write the packed form.

CREATE TABLE journal_chunks (
	seq INTEGER PRIMARY KEY,
	first_seq INTEGER NOT NULL,	-- the seq of its first entry; the others follow in order
	last_seq INTEGER NOT NULL,
	count INTEGER NOT NULL CHECK (count > 0),
	data BLOB NOT NULL
) STRICT;
