-- The credits table partitioned by year (PostgreSQL declarative
-- partitioning, RANGE on `year`, one partition per year), as a migration
-- would do it on a populated database: a new partitioned `credits`, the rows
-- copied year by year, the old table dropped, then the keys and indexes
-- built on the parent (each partition gets its own). Used by
-- tests/bench/partition.sh on a copy of the generated province; psql
-- variables: first_year, last_year (the partitions made, the last one empty
-- for the year to come).
--
-- What the keys must become (a partitioned table's primary key and unique
-- indexes must contain the partition key):
--   pk_credits (id)                        -> (id, year)
--   uq_credits_person_id_certificate_no    -> (person_id, certificate_no, year):
--       the same paper certificate could then be live in two different
--       years of a person; the store's find_live_certificate still checks
--       across years, but only the year is guarded against a race
--   uq_credits_activity_id_person_id       -> (activity_id, person_id, year):
--       the same as before (an activity's credits all carry its year)
--   fk_credits_reverses (reverses_id)      -> (reverses_id, year) referencing (id, year):
--       a reversal carries its original's year (repo::credit::reverse)
--   ix_credits_year                        -> dropped: partition pruning does its work
\set ON_ERROR_STOP on
\timing on
SET maintenance_work_mem = '256MB';
BEGIN;
ALTER TABLE credits RENAME TO credits_unpartitioned;
-- Columns, defaults, NOT NULL and the named CHECK constraints; no indexes.
CREATE TABLE credits (LIKE credits_unpartitioned INCLUDING DEFAULTS INCLUDING CONSTRAINTS)
    PARTITION BY RANGE (year);
SELECT format('CREATE TABLE credits_y%s PARTITION OF credits FOR VALUES FROM (%s) TO (%s)', y, y, y + 1)
FROM generate_series(:first_year, :last_year) AS y \gexec
-- Anything outside the made years (a partition for each coming year is made
-- ahead by the yearly housekeeping; this one should stay empty).
CREATE TABLE credits_other PARTITION OF credits DEFAULT;
INSERT INTO credits SELECT * FROM credits_unpartitioned;
DROP TABLE credits_unpartitioned;
ALTER TABLE credits ADD CONSTRAINT pk_credits PRIMARY KEY (id, year);
CREATE INDEX ix_credits_person_id_year ON credits (person_id, year);
CREATE INDEX ix_credits_report_id ON credits (report_id);
CREATE INDEX ix_credits_department_id_state ON credits (department_id, state);
CREATE UNIQUE INDEX uq_credits_person_id_certificate_no ON credits (person_id, certificate_no, year)
    WHERE certificate_no IS NOT NULL AND entry_path IN ('paper_unit', 'paper_department')
    AND state IN ('draft', 'pending', 'valid');
CREATE UNIQUE INDEX uq_credits_activity_id_person_id ON credits (activity_id, person_id, year)
    WHERE activity_id IS NOT NULL AND reverses_id IS NULL;
ALTER TABLE credits ADD CONSTRAINT fk_credits_person FOREIGN KEY (person_id) REFERENCES people (id);
ALTER TABLE credits ADD CONSTRAINT fk_credits_reverses FOREIGN KEY (reverses_id, year) REFERENCES credits (id, year);
COMMIT;
VACUUM (ANALYZE) credits;
