-- The foundation's audit_log table has not been written since V2 (the ledger replaced it) and
-- nothing reads it; a backup is told apart by its ledger instead.
DROP TABLE audit_log;
