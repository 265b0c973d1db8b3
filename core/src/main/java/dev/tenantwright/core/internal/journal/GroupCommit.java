package dev.tenantwright.core.internal.journal;

import dev.tenantwright.core.internal.journal.JournalException.Reason;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Group commit: transitions of different runs that are ready at the same moment share one journal transaction, so
 * durable throughput is not capped at one commit (and, on H2, one {@code CHECKPOINT}) per transition.
 *
 * <p>A caller queues its work and waits. If no commit is under way it leads: it takes everything queued (its own work
 * included) and runs it as one transaction; callers that arrive meanwhile queue up and form the next group, led by
 * one of them. Nothing waits on purpose for a group to fill: a lone transition commits at once, as before, and under
 * load the groups grow by themselves while the previous commit is being written.
 *
 * <p>Each caller still gets its own outcome. When the group's transaction is refused (one run's lease moved on, one
 * row was not in the expected state, a statement failed), nothing of it was committed, so every part is run again in
 * a transaction of its own and gets the answer it would have had alone. When the outcome of the group's commit is
 * unknown, or the journal is unavailable, every part gets that answer: each run resumes from what the journal holds,
 * as it does when its own commit is lost. Thread-safe.
 */
final class GroupCommit {

  /** One caller's work: statements to run inside the group's transaction. */
  @FunctionalInterface
  interface Part {
    void apply(Connection c) throws SQLException;
  }

  private static final class Pending {
    final Part part;
    boolean done;
    RuntimeException failure;

    Pending(Part part) {
      this.part = part;
    }
  }

  private final Sql sql;
  private final int maxGroup;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition finished = lock.newCondition();
  private final ArrayDeque<Pending> queue = new ArrayDeque<>();
  private boolean leading;

  GroupCommit(Sql sql, int maxGroup) {
    this.sql = sql;
    this.maxGroup = maxGroup;
  }

  /**
   * Commits {@code part}, alone or with others; returns once it is committed.
   *
   * @throws JournalException as {@link Sql#transaction} would for this part alone, or
   *     {@link Reason#UNKNOWN_OUTCOME} / {@link Reason#UNAVAILABLE} when the group's commit met them
   */
  void commit(Part part) {
    Pending me = new Pending(part);
    boolean interrupted = false;
    lock.lock();
    try {
      queue.add(me);
      // uninterruptible: the work may be committing in another caller's transaction, so the answer must be awaited
      while (leading && !me.done) {
        try {
          finished.await();
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
      if (!me.done) {
        leading = true;
      }
    } finally {
      lock.unlock();
    }
    try {
      if (!me.done) {
        lead(me);
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
    if (me.failure != null) {
      throw me.failure;
    }
  }

  /** How many commits wait in the queue for the next group (for tests that need a group formed). */
  int queued() {
    lock.lock();
    try {
      return queue.size();
    } finally {
      lock.unlock();
    }
  }

  private void lead(Pending me) {
    try {
      while (!me.done) {
        List<Pending> group = new ArrayList<>();
        lock.lock();
        try {
          while (!queue.isEmpty() && group.size() < maxGroup) {
            group.add(queue.poll());
          }
        } finally {
          lock.unlock();
        }
        try {
          run(group);
        } catch (Throwable t) {
          // an Error in one caller's work: every part of the group gets an answer (none of it was committed, or
          // whether it was is unknown) rather than waiting for a group that is no longer queued anywhere
          RuntimeException failure = new JournalException(Reason.UNKNOWN_OUTCOME,
              "the journal transaction failed: " + t, t);
          group.forEach(p -> p.failure = p.failure != null ? p.failure : failure);
          if (group.contains(me)) {
            me.failure = t instanceof RuntimeException r ? r : failure;
          }
        } finally {
          lock.lock();
          try {
            for (Pending p : group) {
              p.done = true;
            }
            finished.signalAll();
          } finally {
            lock.unlock();
          }
        }
      }
    } finally {
      lock.lock();
      try {
        leading = false;
        finished.signalAll();
      } finally {
        lock.unlock();
      }
    }
  }

  private void run(List<Pending> group) {
    if (group.size() == 1) {
      alone(group.get(0));
      return;
    }
    try {
      sql.transaction(c -> {
        for (Pending p : group) {
          p.part.apply(c);
        }
        return null;
      });
    } catch (JournalException e) {
      if (e.reason() == Reason.UNKNOWN_OUTCOME || e.reason() == Reason.UNAVAILABLE) {
        group.forEach(p -> p.failure = e);
      } else {
        group.forEach(this::alone);
      }
    } catch (RuntimeException e) {
      group.forEach(this::alone);
    }
  }

  private void alone(Pending p) {
    try {
      sql.transaction(c -> {
        p.part.apply(c);
        return null;
      });
    } catch (RuntimeException e) {
      p.failure = e;
    }
  }
}
