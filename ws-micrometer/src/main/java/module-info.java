/** Micrometer meters for a ws-server {@code WebSocketServer}. */
// micrometer-core is an automatic module (named in its manifest); its types are in this module's API.
@SuppressWarnings({"requires-automatic", "requires-transitive-automatic"})
module org.wsbyhand.micrometer {
    requires transitive org.wsbyhand.server;
    requires transitive micrometer.core;

    exports org.wsbyhand.micrometer;
}
