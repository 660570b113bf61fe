package org.wsbyhand.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.wsbyhand.server.ThreadRelease.State;
import org.wsbyhand.server.ThreadRelease.Step;

/**
 * The state machine of a reader giving its thread back, transition by transition, as drawn in
 * {@link ThreadRelease}'s class comment:
 *
 * <pre>
 *   ACTIVE --tryRelease--> RELEASING --parked--> PARKED --claimWake / wanted--> WAKING --resumed--> ACTIVE
 *                          RELEASING --releaseFailed--> ACTIVE
 *                          RELEASING --wanted--> (remembered: parked returns WAKE)
 * </pre>
 */
class ThreadReleaseTest {

    /** A machine brought to {@code state} along the diagram's own transitions. */
    private static ThreadRelease in(State state) {
        ThreadRelease release = new ThreadRelease();
        switch (state) {
            case ACTIVE -> { }
            case RELEASING -> assertTrue(release.tryRelease());
            case PARKED -> {
                assertTrue(release.tryRelease());
                assertEquals(Step.NONE, release.parked());
            }
            case WAKING -> {
                assertTrue(release.tryRelease());
                assertEquals(Step.NONE, release.parked());
                assertTrue(release.claimWake());
            }
        }
        assertEquals(state, release.state());
        return release;
    }

    @Test
    void startsActive() {
        assertEquals(State.ACTIVE, new ThreadRelease().state());
    }

    @Test
    void activeTryReleaseGoesToReleasing() {
        ThreadRelease release = in(State.ACTIVE);
        assertTrue(release.tryRelease());
        assertEquals(State.RELEASING, release.state());
    }

    @ParameterizedTest
    @EnumSource(value = State.class, names = {"RELEASING", "PARKED", "WAKING"})
    void tryReleaseOnlyFromActive(State state) {
        ThreadRelease release = in(state);
        assertFalse(release.tryRelease());
        assertEquals(state, release.state());
    }

    @Test
    void releasingParkedGoesToParkedWithNothingToDo() {
        ThreadRelease release = in(State.RELEASING);
        assertEquals(Step.NONE, release.parked());
        assertEquals(State.PARKED, release.state());
    }

    @ParameterizedTest
    @EnumSource(value = State.class, names = {"ACTIVE", "PARKED", "WAKING"})
    void parkedIsIllegalOutsideReleasing(State state) {
        ThreadRelease release = in(state);
        assertThrows(IllegalStateException.class, release::parked);
        assertEquals(state, release.state(), "a refused transition changes nothing");
    }

    @Test
    void releasingReleaseFailedGoesBackToActive() {
        ThreadRelease release = in(State.RELEASING);
        release.releaseFailed();
        assertEquals(State.ACTIVE, release.state());
    }

    @Test
    void wantedWhileReleasingIsRememberedAndParkedThenAsksForTheWake() {
        ThreadRelease release = in(State.RELEASING);
        assertEquals(Step.NONE, release.wanted(), "nothing to wake yet: the reader is still leaving");
        assertEquals(State.RELEASING, release.state());
        assertEquals(Step.WAKE, release.parked(), "the reader left while wanted: it must be woken");
        assertEquals(State.WAKING, release.state());
        assertFalse(release.claimWake(), "the watcher must not resume it a second time");
    }

    @Test
    void wantedWhileReleasingIsForgottenWhenTheReleaseFails() {
        ThreadRelease release = in(State.RELEASING);
        release.wanted();
        release.releaseFailed();
        assertEquals(State.ACTIVE, release.state());
        assertTrue(release.tryRelease());
        assertEquals(Step.NONE, release.parked(), "an old wish does not wake a later release");
        assertEquals(State.PARKED, release.state());
    }

    @Test
    void parkedClaimWakeGoesToWakingOnlyOnce() {
        ThreadRelease release = in(State.PARKED);
        assertTrue(release.claimWake());
        assertEquals(State.WAKING, release.state());
        assertFalse(release.claimWake());
        assertEquals(State.WAKING, release.state());
    }

    @Test
    void parkedWantedGoesToWakingAndAsksForTheWakeOnce() {
        ThreadRelease release = in(State.PARKED);
        assertEquals(Step.WAKE, release.wanted());
        assertEquals(State.WAKING, release.state());
        assertEquals(Step.NONE, release.wanted(), "already waking: no second wake");
        assertFalse(release.claimWake(), "the watcher's readiness finds it woken already");
    }

    @ParameterizedTest
    @EnumSource(value = State.class, names = {"ACTIVE", "RELEASING", "WAKING"})
    void claimWakeOnlyFromParked(State state) {
        ThreadRelease release = in(state);
        assertFalse(release.claimWake());
        assertEquals(state, release.state());
    }

    @ParameterizedTest
    @EnumSource(value = State.class, names = {"ACTIVE", "WAKING"})
    void wantedChangesNothingWhileAThreadHasTheSession(State state) {
        ThreadRelease release = in(state);
        assertEquals(Step.NONE, release.wanted());
        assertEquals(state, release.state());
    }

    @Test
    void wakingResumedGoesToActiveAndSaysItWasAway() {
        ThreadRelease release = in(State.WAKING);
        assertTrue(release.resumed());
        assertEquals(State.ACTIVE, release.state());
        assertFalse(release.resumed(), "resumed again: it was not away");
    }

    @Test
    void activeResumedSaysItWasNotAway() {
        ThreadRelease release = in(State.ACTIVE);
        assertFalse(release.resumed());
        assertEquals(State.ACTIVE, release.state());
    }

    @Test
    void aFullCycleCanRepeat() {
        ThreadRelease release = new ThreadRelease();
        for (int round = 0; round < 3; round++) {
            assertTrue(release.tryRelease());
            assertEquals(Step.NONE, release.parked());
            assertEquals(Step.WAKE, release.wanted());
            assertFalse(release.claimWake());
            assertTrue(release.resumed());
            assertEquals(State.ACTIVE, release.state());
        }
    }
}
