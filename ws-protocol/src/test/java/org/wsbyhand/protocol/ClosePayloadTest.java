package org.wsbyhand.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.wsbyhand.protocol.Wire.hex;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ClosePayloadTest {

    private static byte[] bytes(ByteBuffer buffer) {
        byte[] bytes = new byte[buffer.remaining()];
        buffer.get(bytes);
        return bytes;
    }

    private static ClosePayload parse(byte[] payload) throws ProtocolException {
        return ClosePayload.parse(payload, payload.length);
    }

    @Nested
    class Parse {

        @Test
        void emptyPayloadMeansNoStatusReceived() throws ProtocolException {
            assertEquals(new ClosePayload(CloseCode.NO_STATUS_RECEIVED, ""), parse(new byte[0]));
        }

        @Test
        void codeWithoutReasonHasAnEmptyReason() throws ProtocolException {
            assertEquals(new ClosePayload(CloseCode.NORMAL_CLOSURE, ""), parse(hex("03e8")));
        }

        @Test
        void codeAndUtf8ReasonAreParsed() throws ProtocolException {
            byte[] payload = Wire.concat(hex("0fa0"), "au revoir, café ☕".getBytes(StandardCharsets.UTF_8));
            assertEquals(new ClosePayload(CloseCode.of(4000), "au revoir, café ☕"), parse(payload));
        }

        @Test
        void onlyTheGivenLengthOfTheArrayIsRead() throws ProtocolException {
            byte[] payload = Wire.concat(hex("03e9"), "bye".getBytes(StandardCharsets.US_ASCII), hex("ff ff"));
            assertEquals(new ClosePayload(CloseCode.GOING_AWAY, "bye"), ClosePayload.parse(payload, 5));
            assertEquals(new ClosePayload(CloseCode.NO_STATUS_RECEIVED, ""), ClosePayload.parse(payload, 0));
        }

        @Test
        void oneBytePayloadIsTooShort() {
            ProtocolException e = assertThrows(ProtocolException.class, () -> parse(hex("03")));
            assertEquals(Violation.CLOSE_PAYLOAD_TOO_SHORT, e.violation());
            assertEquals(CloseCode.PROTOCOL_ERROR, e.closeCode());
        }

        @ParameterizedTest
        @ValueSource(ints = {0, 999, 1004, 1005, 1006, 1015, 1016, 2999, 5000, 65535})
        void codeThatMayNotBeSentIsAProtocolError(int code) {
            byte[] payload = {(byte) (code >> 8), (byte) code};
            ProtocolException e = assertThrows(ProtocolException.class, () -> parse(payload));
            assertEquals(Violation.INVALID_CLOSE_CODE, e.violation());
            assertEquals(CloseCode.PROTOCOL_ERROR, e.closeCode());
        }

        @ParameterizedTest
        @ValueSource(ints = {1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 1012, 1013, 1014, 3000, 4999})
        void codeThatMayBeSentIsAccepted(int code) throws ProtocolException {
            assertEquals(new ClosePayload(CloseCode.of(code), ""), parse(new byte[] {(byte) (code >> 8), (byte) code}));
        }

        @ParameterizedTest
        @ValueSource(strings = {"ff", "c0 80", "ed a0 80", "f4 90 80 80", "e2 82", "ce"})
        void reasonThatIsNotUtf8IsInvalidPayloadData(String reason) {
            byte[] payload = Wire.concat(hex("03e8 41"), hex(reason));
            ProtocolException e = assertThrows(ProtocolException.class, () -> parse(payload));
            assertEquals(Violation.INVALID_CLOSE_REASON, e.violation());
            assertEquals(CloseCode.INVALID_FRAME_PAYLOAD_DATA, e.closeCode());
        }
    }

    @Nested
    class Encode {

        @Test
        void codeIsWrittenBigEndianBeforeTheReason() {
            assertArrayEquals(hex("03e8 627965"), bytes(ClosePayload.encode(CloseCode.NORMAL_CLOSURE, "bye")));
            assertArrayEquals(hex("1387"), bytes(ClosePayload.encode(CloseCode.of(4999), "")));
        }

        @Test
        void nullReasonIsEmpty() {
            assertArrayEquals(hex("03e9"), bytes(ClosePayload.encode(CloseCode.GOING_AWAY, null)));
        }

        @Test
        void noStatusReceivedEncodesAsAnEmptyPayload() {
            assertEquals(0, ClosePayload.encode(CloseCode.NO_STATUS_RECEIVED, "").remaining());
            assertEquals(0, ClosePayload.encode(CloseCode.NO_STATUS_RECEIVED, null).remaining());
        }

        @Test
        void noStatusReceivedWithAReasonIsRejected() {
            assertThrows(IllegalArgumentException.class, () -> ClosePayload.encode(CloseCode.NO_STATUS_RECEIVED, "why"));
        }

        @ParameterizedTest
        @ValueSource(ints = {0, 999, 1004, 1006, 1015, 1016, 2999, 5000})
        void codeThatMayNotBeSentIsRejected(int code) {
            assertThrows(IllegalArgumentException.class, () -> ClosePayload.encode(CloseCode.of(code), ""));
        }

        @Test
        void reasonOf123Utf8BytesFits() {
            String reason = "é".repeat(61) + "x"; // 61 * 2 + 1 = 123 bytes
            ByteBuffer payload = ClosePayload.encode(CloseCode.NORMAL_CLOSURE, reason);
            assertEquals(125, payload.remaining());
        }

        @Test
        void reasonOf124Utf8BytesIsRejectedEvenWhenItIsFewerCharacters() {
            String reason = "é".repeat(62); // 62 characters, 124 bytes
            assertThrows(IllegalArgumentException.class, () -> ClosePayload.encode(CloseCode.NORMAL_CLOSURE, reason));
        }

        @Test
        void encodedPayloadParsesBackToTheSameCodeAndReason() throws ProtocolException {
            ClosePayload original = new ClosePayload(CloseCode.of(3456), "Grüße 👋");
            assertEquals(original, parse(bytes(ClosePayload.encode(original.code(), original.reason()))));
        }
    }
}
