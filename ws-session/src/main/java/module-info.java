/**
 * The session core shared by the server and the client: the handler API, and the machinery that
 * runs one session over a blocking byte stream (read loop, outbound queue, clock, termination).
 */
module org.wsbyhand.session {
    requires transitive org.wsbyhand.protocol;
    requires org.slf4j;

    exports org.wsbyhand.session;
    // The machinery is for the modules that open sessions, not for applications.
    exports org.wsbyhand.session.core to org.wsbyhand.server, org.wsbyhand.client;
}
