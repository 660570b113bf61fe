/** {@link org.wsbyhand.micrometer.WebSocketMetrics}: a ws-server's meters in a Micrometer registry. */
package org.wsbyhand.micrometer;
