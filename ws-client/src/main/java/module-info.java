/** A blocking WebSocket client on java.net sockets and virtual threads, on the shared session core. */
module org.wsbyhand.client {
    requires transitive org.wsbyhand.protocol;
    requires transitive org.wsbyhand.session;
    requires org.slf4j;

    exports org.wsbyhand.client;
}
