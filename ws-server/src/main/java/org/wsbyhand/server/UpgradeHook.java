package org.wsbyhand.server;

import org.wsbyhand.session.UpgradeRequest;

/**
 * Inspects an upgrade request after the protocol checks (method, version, key, origin allow-list)
 * passed and before the 101 response is sent, and accepts or rejects it. Runs on the connection's
 * thread; may block (e.g. to check a token).
 */
@FunctionalInterface
public interface UpgradeHook {

    /** Accepts everything. */
    UpgradeHook ACCEPT_ALL = request -> UpgradeDecision.accept();

    /**
     * The decision for one request.
     *
     * @param request the upgrade request, after the protocol checks passed
     * @return whether to accept or reject the upgrade
     */
    UpgradeDecision decide(UpgradeRequest request);
}
