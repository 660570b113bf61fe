package org.wsbyhand.chat.redis;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;
import redis.clients.jedis.StreamEntryID;

class StreamIdsProperties {

    /** Milliseconds up to the year 2255, the last millisecond whose ids all stay below 2^53. */
    private static final long MAX_MS = 9_007_199_254_739L;

    @Property
    boolean messageIdAndEntryIdAreInverse(@ForAll @LongRange(min = 0, max = MAX_MS) long ms,
            @ForAll @LongRange(min = 0, max = 999) long seq) {
        if (ms == 0 && seq == 0) {
            return true; // 0-0 is not a valid entry id
        }
        StreamEntryID id = new StreamEntryID(ms, seq);
        return StreamIds.entryId(StreamIds.messageId(id)).equals(id);
    }

    @Property
    boolean messageIdsOrderLikeEntryIds(@ForAll @LongRange(min = 1, max = MAX_MS) long ms1,
            @ForAll @LongRange(min = 0, max = 999) long seq1, @ForAll @LongRange(min = 1, max = MAX_MS) long ms2,
            @ForAll @LongRange(min = 0, max = 999) long seq2) {
        StreamEntryID a = new StreamEntryID(ms1, seq1);
        StreamEntryID b = new StreamEntryID(ms2, seq2);
        return Integer.signum(a.compareTo(b))
                == Long.signum(Long.compare(StreamIds.messageId(a), StreamIds.messageId(b)));
    }

    @Property
    boolean messageIdsUpToTheYear2255AreExactInAJavaScriptNumber(@ForAll @LongRange(min = 1, max = MAX_MS) long ms,
            @ForAll @LongRange(min = 0, max = 999) long seq) {
        return StreamIds.messageId(new StreamEntryID(ms, seq)) <= (1L << 53);
    }
}
