-- PostgreSQL only. A run's transition is written as one statement (see Journal.commitFenced): the lease fence and
-- every row change as data-modifying CTEs, then this check over their row counts. It raises when the lease moved on
-- (TWL01) or a row was not in the state the change started from (TWS01), so the whole transaction rolls back and
-- nothing of a stale transition is written.
CREATE FUNCTION tw_check(fenced BIGINT, counts BIGINT[], whats TEXT[]) RETURNS INT LANGUAGE plpgsql AS $$
BEGIN
  IF fenced <> 1 THEN
    RAISE EXCEPTION 'the lease is no longer held' USING ERRCODE = 'TWL01';
  END IF;
  FOR i IN 1 .. coalesce(array_length(counts, 1), 0) LOOP
    IF whats[i] IS NOT NULL AND counts[i] <> 1 THEN
      RAISE EXCEPTION '% was not found for update', whats[i] USING ERRCODE = 'TWS01';
    END IF;
  END LOOP;
  RETURN 1;
END
$$;
