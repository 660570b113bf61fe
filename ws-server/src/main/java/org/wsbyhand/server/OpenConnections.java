package org.wsbyhand.server;

import java.util.AbstractCollection;
import java.util.Iterator;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The server's open connections: a concurrent set that iterates weakly (the sweep, broadcast and
 * statistics walk it while connections come and go), and that a shutdown can wait on until it is
 * empty without polling.
 */
final class OpenConnections extends AbstractCollection<ConnectionLoop> {
    private final Set<ConnectionLoop> loops = ConcurrentHashMap.newKeySet();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition empty = lock.newCondition();

    @Override
    public boolean add(ConnectionLoop loop) {
        return loops.add(loop);
    }

    @Override
    public boolean remove(Object loop) {
        boolean removed = loops.remove(loop);
        if (removed && loops.isEmpty()) {
            lock.lock();
            try {
                empty.signalAll();
            } finally {
                lock.unlock();
            }
        }
        return removed;
    }

    @Override
    public Iterator<ConnectionLoop> iterator() {
        return loops.iterator();
    }

    @Override
    public int size() {
        return loops.size();
    }

    @Override
    public boolean isEmpty() {
        return loops.isEmpty();
    }

    /**
     * Waits until no connection is open, or the time is up.
     *
     * @return whether none is open
     * @throws InterruptedException when the waiting thread is interrupted
     */
    boolean awaitEmpty(long nanos) throws InterruptedException {
        lock.lock();
        try {
            // Checked under the lock that remove() signals under: the last removal cannot be missed.
            while (!loops.isEmpty()) {
                if (nanos <= 0) {
                    return false;
                }
                nanos = empty.awaitNanos(nanos);
            }
            return true;
        } finally {
            lock.unlock();
        }
    }
}
