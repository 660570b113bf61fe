/** A blocking WebSocket server on java.net sockets, one virtual thread per connection. */
module org.wsbyhand.server {
    requires transitive org.wsbyhand.protocol;
    requires transitive org.wsbyhand.session;
    requires org.slf4j;

    exports org.wsbyhand.server;
}
