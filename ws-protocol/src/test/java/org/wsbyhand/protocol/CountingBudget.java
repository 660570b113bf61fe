package org.wsbyhand.protocol;

/**
 * A {@link MemoryBudget} for tests: grants up to a limit, counts what is held and the most ever
 * held, and fails the test on a release of more than was granted (a double release).
 */
final class CountingBudget implements MemoryBudget {
    private final long limit;
    private long held;
    private long highWater;
    private int refusals;

    CountingBudget(long limit) {
        this.limit = limit;
    }

    static CountingBudget unlimited() {
        return new CountingBudget(Long.MAX_VALUE);
    }

    @Override
    public boolean tryReserve(long bytes) {
        if (bytes < 0) {
            throw new AssertionError("negative reservation " + bytes);
        }
        if (held + bytes > limit) {
            refusals++;
            return false;
        }
        held += bytes;
        highWater = Math.max(highWater, held);
        return true;
    }

    @Override
    public void release(long bytes) {
        if (bytes < 0 || bytes > held) {
            throw new AssertionError("released " + bytes + " bytes while holding " + held);
        }
        held -= bytes;
    }

    long held() {
        return held;
    }

    long highWater() {
        return highWater;
    }

    int refusals() {
        return refusals;
    }
}
