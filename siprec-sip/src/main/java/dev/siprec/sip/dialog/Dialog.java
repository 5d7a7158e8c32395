package dev.siprec.sip.dialog;

import dev.siprec.sip.message.SipHeaders;
import dev.siprec.sip.message.SipRequest;
import dev.siprec.sip.message.SipResponse;
import dev.siprec.sip.transaction.InviteServerTransaction;
import dev.siprec.sip.transaction.SipTimers;
import dev.siprec.sip.transport.ReplyPath;
import dev.siprec.sip.transport.Transport;

/**
 * A dialog created by our 2xx to an INVITE (RFC 3261 §12.1.1), identified by Call-ID, our
 * tag and the SRC's tag. Holds the remote target and the remote CSeq used to reject
 * out-of-order requests (§12.2.2), and retransmits our 2xx until ACKed (§13.3.1.4).
 *
 * <p>Each dialog guards its state with its own monitor, taken after a transaction's when both
 * are needed; the transaction user's callbacks run with neither held.
 */
public final class Dialog {

    private final DialogLayer layer;
    private final String callId;
    private final String localTag;
    private final String remoteTag;
    private final String remoteTarget;
    private final Transport transport;
    private final String localUri; // our To header value, with our tag
    private final String remoteUri; // the SRC's From header value, with its tag
    private final java.util.List<String> routeSet; // from Record-Route, in order (§12.1.1)
    private final ReplyPath path;
    private long localCSeq;
    private long remoteCSeq;
    private final String localHost; // our host as the SRC addresses us, for the Via of our requests
    private InviteServerTransaction pendingInvite; // the last re-INVITE, to refuse an overlapping one (§14.2)
    private volatile Object attachment;
    private boolean confirmed;
    private boolean terminated;
    private byte[] pendingOk; // encoded, retransmitted until its ACK
    private ReplyPath okPath;
    private long okCSeq;
    private SipTimers.Timer okTimer;
    private SipTimers.Timer ackTimeout;
    private SipTimers.Timer sessionTimer;

    Dialog(DialogLayer layer, String callId, String localTag, String remoteTag, String remoteTarget, long remoteCSeq,
           String localUri, String remoteUri, java.util.List<String> routeSet, ReplyPath path, String localHost) {
        this.layer = layer;
        this.localHost = localHost;
        this.callId = callId;
        this.localTag = localTag;
        this.remoteTag = remoteTag;
        this.remoteTarget = remoteTarget;
        this.transport = path.transport();
        this.remoteCSeq = remoteCSeq;
        this.localUri = localUri;
        this.remoteUri = remoteUri;
        this.routeSet = java.util.List.copyOf(routeSet);
        this.path = path;
        this.localCSeq = 1 + java.util.concurrent.ThreadLocalRandom.current().nextInt(1 << 16);
    }

    /** The Call-ID. */
    public String callId() {
        return callId;
    }

    /** Our tag (the To tag of our responses). */
    public String localTag() {
        return localTag;
    }

    /** The SRC's tag (its From tag). */
    public String remoteTag() {
        return remoteTag;
    }

    /** The SRC's Contact URI, where in-dialog requests from us would go. */
    public String remoteTarget() {
        return remoteTarget;
    }

    /** The transport the dialog was created over. */
    public Transport transport() {
        return transport;
    }

    /** Whether the ACK for the initial 2xx arrived. */
    public synchronized boolean isConfirmed() {
        return confirmed;
    }

    /** Application state carried with the dialog. */
    public Object attachment() {
        return attachment;
    }

    /** Attaches application state. */
    public void attachment(Object value) {
        this.attachment = value;
    }

    /**
     * Ends the dialog from our side (RFC 3261 §15.1.1): forgets it and sends BYE over the path
     * the dialog's INVITE came on, retransmitted until answered.
     *
     * @return completes with the BYE's final status code (408 when none came)
     */
    public java.util.concurrent.CompletableFuture<Integer> bye() {
        synchronized (this) {
            terminateLocked();
            SipRequest bye = new SipRequest("BYE", target());
            return layer.send(bye, this).thenApply(SipResponse::statusCode);
        }
    }

    /**
     * Sends an UPDATE in this dialog (RFC 3311), e.g. a metadata snapshot request (RFC 7866).
     *
     * @param extraHeaders name/value pairs
     * @return completes with the final response (a local 408 when none came)
     */
    public java.util.concurrent.CompletableFuture<SipResponse> update(String contentType, byte[] body,
                                                                      String... extraHeaders) {
        synchronized (this) {
            if (terminated) {
                return java.util.concurrent.CompletableFuture.failedFuture(
                        new IllegalStateException("dialog " + callId + " has ended"));
            }
            SipRequest update = new SipRequest("UPDATE", target());
            for (int i = 0; i + 1 < extraHeaders.length; i += 2) {
                update.addHeader(extraHeaders[i], extraHeaders[i + 1]);
            }
            if (contentType != null) {
                update.setBody(contentType, body);
            }
            return layer.send(update, this);
        }
    }

    private String target() {
        return remoteTarget != null ? remoteTarget
                : "sip:" + path.remote().getAddress().getHostAddress() + ":" + path.remote().getPort();
    }

    String localUri() {
        return localUri;
    }

    String remoteUri() {
        return remoteUri;
    }

    java.util.List<String> routeSet() {
        return routeSet;
    }

    /** The path of the INVITE that created the dialog: our requests in it go there. */
    public ReplyPath path() {
        return path;
    }

    String localHost() {
        return localHost;
    }

    /**
     * Takes {@code reInvite} as the dialog's pending INVITE, unless an earlier one is still
     * unanswered (§14.2: the caller then answers 500 with Retry-After).
     */
    public synchronized boolean claimInvite(InviteServerTransaction reInvite) {
        if (offerPending()) {
            return false;
        }
        pendingInvite = reInvite;
        return true;
    }

    /** Whether a re-INVITE's offer is still unanswered (RFC 3311 §5.2 refuses an UPDATE offer then). */
    public synchronized boolean offerPending() {
        return pendingInvite != null && !pendingInvite.hasFinalResponse() && !pendingInvite.isTerminated();
    }

    long nextLocalCSeq() {
        return localCSeq++;
    }

    /** Forgets the dialog: later requests in it get 481. Idempotent. */
    public synchronized void terminate() {
        terminateLocked();
    }

    /** Caller holds this dialog's lock. */
    void terminateLocked() {
        if (terminated) {
            return;
        }
        terminated = true;
        stopOk();
        if (sessionTimer != null) {
            sessionTimer.cancel();
        }
        layer.remove(this);
    }

    /**
     * (Re)arms the session timer after a refresh (RFC 4028 §10): as refresher we send an UPDATE
     * at half the interval; otherwise the session expires at interval - min(32, interval/3)
     * unless the SRC refreshes first.
     */
    synchronized void armSessionTimer(int intervalSeconds, boolean weRefresh) {
        if (terminated) {
            return;
        }
        if (sessionTimer != null) {
            sessionTimer.cancel();
        }
        long ms = intervalSeconds * 1000L;
        if (weRefresh) {
            sessionTimer = layer.transactions().schedule(() -> refresh(intervalSeconds), ms / 2);
        } else {
            long expiry = ms - Math.min(32_000L, ms / 3);
            sessionTimer = layer.transactions().schedule(this::expired, expiry);
        }
    }

    private void refresh(int intervalSeconds) {
        java.util.concurrent.CompletableFuture<SipResponse> answered;
        synchronized (this) {
            if (terminated) {
                return;
            }
            SipRequest update = new SipRequest("UPDATE", target());
            update.addHeader("Session-Expires", intervalSeconds + ";refresher=uas");
            update.addHeader(SipHeaders.SUPPORTED, "timer");
            answered = layer.send(update, this);
        }
        answered.whenComplete((response, error) -> {
            if (response != null && response.statusCode() >= 200 && response.statusCode() < 300) {
                armSessionTimer(intervalSeconds, true);
            } else {
                expired();
            }
        });
    }

    /** No lock held: the handler's code runs here. */
    private void expired() {
        if (!isTerminated()) {
            layer.listener().onSessionExpired(this);
        }
    }

    /** Whether the dialog has ended. */
    public synchronized boolean isTerminated() {
        return terminated;
    }

    String key() {
        return DialogLayer.key(callId, localTag, remoteTag);
    }

    /** In-dialog request sequence check (RFC 3261 §12.2.2); true when acceptable. */
    public synchronized boolean acceptCSeq(long cseq) {
        if (cseq <= remoteCSeq) {
            return false;
        }
        remoteCSeq = cseq;
        return true;
    }

    /** Keeps a 2xx for retransmission until its ACK (§13.3.1.4); returns it encoded, to be sent. */
    public synchronized byte[] startAwaitingAck(SipResponse ok, ReplyPath path, long cseq) {
        stopOk();
        pendingOk = ok.encode();
        okPath = path;
        okCSeq = cseq;
        if (!path.transport().reliable()) {
            scheduleOkRetransmit(layer.transactions().t1Millis());
        }
        ackTimeout = layer.transactions().schedule(this::onAckTimeout, 64 * layer.transactions().t1Millis());
        return pendingOk;
    }

    private void scheduleOkRetransmit(long delay) {
        okTimer = layer.transactions().schedule(() -> {
            byte[] ok;
            ReplyPath to;
            synchronized (this) {
                if (pendingOk == null || terminated) {
                    return;
                }
                ok = pendingOk;
                to = okPath;
                scheduleOkRetransmit(Math.min(delay * 2, layer.transactions().t2Millis()));
            }
            layer.transactions().counters().retransmissionSent();
            to.send(ok);
        }, delay);
    }

    private void onAckTimeout() {
        synchronized (this) {
            if (pendingOk == null || terminated) {
                return;
            }
            // §13.3.1.4: a 2xx (initial or re-INVITE) never ACKed ends the session
            terminateLocked();
        }
        layer.listener().onAckTimeout(this); // no lock held
    }

    /** An ACK for our 2xx; returns true the first time for the initial INVITE. */
    public synchronized boolean onAck(long cseq) {
        if (pendingOk == null || cseq != okCSeq) {
            return false; // retransmitted or stray ACK: absorbed
        }
        stopOk();
        boolean first = !confirmed;
        confirmed = true;
        return first;
    }

    private void stopOk() {
        pendingOk = null;
        if (okTimer != null) {
            okTimer.cancel();
            okTimer = null;
        }
        if (ackTimeout != null) {
            ackTimeout.cancel();
            ackTimeout = null;
        }
    }
}
