/**
 * Java Flight Recorder events of the server: {@link org.wsbyhand.server.jfr.HandshakeEvent},
 * {@link org.wsbyhand.server.jfr.SessionClosedEvent}, {@link org.wsbyhand.server.jfr.SlowConsumerEvent}
 * and {@link org.wsbyhand.server.jfr.ProtocolViolationEvent}, named {@code org.wsbyhand.*}. They cost
 * nothing while no recording is running; record them with, for example,
 * {@code java -XX:StartFlightRecording:filename=ws.jfr ...} and read them with
 * {@code jfr print --events org.wsbyhand.* ws.jfr}. The server creates and commits them; applications
 * only read them.
 */
package org.wsbyhand.server.jfr;
