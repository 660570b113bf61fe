package org.wsbyhand.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** The per-address table; times are passed in, so the tests move time by hand. */
class AddressBudgetsTest {

    private static final long T0 = 7_000_000_000L;

    private static long seconds(double s) {
        return T0 + (long) (s * TimeUnit.SECONDS.toNanos(1));
    }

    private static InetAddress ip(String literal) {
        try {
            return InetAddress.getByName(literal); // a literal: no lookup
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    /** Takes tokens from {@code address}'s bucket while there are some; returns how many. */
    private static int drain(AddressBudgets table, InetAddress address, long now) {
        int taken = 0;
        TokenBucket bucket = table.bucket(address, now);
        while (bucket.hasToken(now)) {
            bucket.take();
            taken++;
        }
        return taken;
    }

    @Nested
    class Keys {
        @Test
        void eachIpv4AddressHasItsOwnBucket() {
            AddressBudgets table = new AddressBudgets(1, 3, 100);
            assertEquals(3, drain(table, ip("10.0.0.1"), T0));
            assertEquals(0, drain(table, ip("10.0.0.1"), T0));
            assertEquals(3, drain(table, ip("10.0.0.2"), T0));
        }

        @Test
        void theAddressesOfOneIpv6Slash64ShareABucket() {
            AddressBudgets table = new AddressBudgets(1, 3, 100);
            assertEquals(3, drain(table, ip("2001:db8:1:2:aaaa::1"), T0));
            assertEquals(0, drain(table, ip("2001:db8:1:2:bbbb::7"), T0));
            assertEquals(3, drain(table, ip("2001:db8:1:3::1"), T0), "another /64");
        }

        @Test
        void anIpv6KeyIsItsNetworkAndAnIpv4KeyIsItself() {
            assertEquals(ip("2001:db8:1:2::"), AddressBudgets.key(ip("2001:db8:1:2:dead:beef:1:2")));
            assertEquals(ip("192.0.2.7"), AddressBudgets.key(ip("192.0.2.7")));
            assertEquals(ip("10.0.0.1"), AddressBudgets.key(ip("::ffff:10.0.0.1")), "an IPv4-mapped address is IPv4");
            assertNotEquals(AddressBudgets.key(ip("2001:db8:1:2::")), AddressBudgets.key(ip("2001:db8:1:3::")));
        }
    }

    @Nested
    class Bound {
        @Test
        void theTableNeverHoldsMoreThanItsBound() {
            AddressBudgets table = new AddressBudgets(1, 3, 50);
            for (int i = 0; i < 1000; i++) {
                table.bucket(ip("10.0." + (i / 250) + "." + (i % 250)), T0).take();
                assertTrue(table.size() <= 50, "size " + table.size());
            }
            assertEquals(50, table.size());
        }

        @Test
        void whenFullOfBusyAddressesTheLeastRecentlyUsedStartsAgainFull() {
            AddressBudgets table = new AddressBudgets(1, 3, 2);
            drain(table, ip("10.0.0.1"), T0);
            drain(table, ip("10.0.0.2"), T0);
            drain(table, ip("10.0.0.3"), T0); // pushes out 10.0.0.1, which had not refilled
            assertEquals(1, table.busyEvictions());
            assertEquals(3, drain(table, ip("10.0.0.1"), T0));
        }

        @Test
        void aRecentlyUsedAddressIsKeptOverAnOlderOne() {
            AddressBudgets table = new AddressBudgets(1, 3, 2);
            drain(table, ip("10.0.0.1"), T0);
            drain(table, ip("10.0.0.2"), T0);
            table.bucket(ip("10.0.0.1"), T0); // used again: now 10.0.0.2 is the least recent
            drain(table, ip("10.0.0.3"), T0);
            assertEquals(0, drain(table, ip("10.0.0.1"), T0), "still remembered, still empty");
        }
    }

    @Nested
    class Forgetting {
        @Test
        void addressesThatFellQuietAreForgottenAsNewOnesComeIn() {
            AddressBudgets table = new AddressBudgets(10, 5, 1000);
            for (int i = 0; i < 100; i++) {
                table.bucket(ip("10.1.0." + i), T0).take();
            }
            assertEquals(100, table.size());
            // Half a second later every bucket has refilled: each lookup forgets up to two of them.
            for (int i = 0; i < 50; i++) {
                table.bucket(ip("10.2.0." + i), seconds(0.5)).take();
            }
            assertEquals(50, table.size(), "only the addresses of the last half second are left");
            assertEquals(0, table.busyEvictions());
        }

        @Test
        void aBucketThatHasNotRefilledIsNotForgotten() {
            AddressBudgets table = new AddressBudgets(1, 5, 1000);
            drain(table, ip("10.0.0.1"), T0);
            for (int i = 0; i < 10; i++) {
                table.bucket(ip("10.0.1." + i), seconds(2));
            }
            assertEquals(2, drain(table, ip("10.0.0.1"), seconds(2)), "two seconds' worth, not a fresh five");
        }

        @Test
        void aForgottenAddressDecidesExactlyAsIfItHadBeenKept() {
            AddressBudgets forgetful = new AddressBudgets(2, 4, 1000);
            AddressBudgets kept = new AddressBudgets(2, 4, 1000);
            InetAddress a = ip("10.0.0.1");
            drain(forgetful, a, T0);
            drain(kept, a, T0);
            forgetful.bucket(ip("10.0.0.2"), seconds(3)); // a is full again and forgotten here
            assertEquals(1, forgetful.size());
            assertEquals(drain(kept, a, seconds(3)), drain(forgetful, a, seconds(3)));
        }

        @Test
        void theBucketInUseIsNeverForgottenUnderItsUser() {
            AddressBudgets table = new AddressBudgets(1, 1, 10);
            TokenBucket only = table.bucket(ip("10.0.0.1"), T0);
            assertSame(only, table.bucket(ip("10.0.0.1"), seconds(60)));
            assertEquals(1, table.size());
        }
    }

    @Test
    void sizesBelowOneAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> new AddressBudgets(0, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> new AddressBudgets(1, 0, 1));
        assertThrows(IllegalArgumentException.class, () -> new AddressBudgets(1, 1, 0));
    }
}
