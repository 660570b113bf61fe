/** A blocking WebSocket server on java.net sockets, one virtual thread per connection. */
module org.wsbyhand.server {
    requires transitive org.wsbyhand.protocol;
    requires transitive org.wsbyhand.session;
    requires org.slf4j;
    requires jdk.jfr;

    exports org.wsbyhand.server;
    // The JFR events: readable by jdk.jfr, and documented for those who read recordings.
    exports org.wsbyhand.server.jfr;
}
