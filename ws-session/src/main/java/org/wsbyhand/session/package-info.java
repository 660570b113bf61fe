/**
 * The API that server and client sessions share: {@link org.wsbyhand.session.WebSocketHandler}
 * receives a session's events, {@link org.wsbyhand.session.Session} sends on it. The same
 * handler code serves both ends; only how a session is opened differs.
 */
package org.wsbyhand.session;
