package dev.siprec.sip;

import io.netty.util.concurrent.ScheduledFuture;

/**
 * A dialog created by our 2xx to an INVITE (RFC 3261 §12.1.1), identified by Call-ID, our
 * tag and the SRC's tag. Holds the remote target and the remote CSeq used to reject
 * out-of-order requests (§12.2.2), and retransmits our 2xx until ACKed (§13.3.1.4).
 */
public final class Dialog {

    private final SipStack stack;
    private final String callId;
    private final String localTag;
    private final String remoteTag;
    private final String remoteTarget;
    private final Transport transport;
    private long remoteCSeq;
    private volatile Object attachment;
    private boolean confirmed;
    private boolean terminated;
    private SipResponse pendingOk;
    private ReplyPath okPath;
    private long okCSeq;
    private ScheduledFuture<?> okTimer;
    private ScheduledFuture<?> ackTimeout;

    Dialog(SipStack stack, String callId, String localTag, String remoteTag, String remoteTarget,
           Transport transport, long remoteCSeq) {
        this.stack = stack;
        this.callId = callId;
        this.localTag = localTag;
        this.remoteTag = remoteTag;
        this.remoteTarget = remoteTarget;
        this.transport = transport;
        this.remoteCSeq = remoteCSeq;
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
    public boolean isConfirmed() {
        synchronized (stack) {
            return confirmed;
        }
    }

    /** Application state carried with the dialog. */
    public Object attachment() {
        return attachment;
    }

    /** Attaches application state. */
    public void attachment(Object value) {
        this.attachment = value;
    }

    /** Forgets the dialog: later requests in it get 481. Idempotent. */
    public void terminate() {
        synchronized (stack) {
            terminateLocked();
        }
    }

    void terminateLocked() {
        if (terminated) {
            return;
        }
        terminated = true;
        stopOk();
        stack.removeDialog(this);
    }

    boolean isTerminated() {
        return terminated;
    }

    String key() {
        return SipStack.dialogKey(callId, localTag, remoteTag);
    }

    /** In-dialog request sequence check (RFC 3261 §12.2.2); true when acceptable. */
    boolean acceptCSeq(long cseq) {
        if (cseq <= remoteCSeq) {
            return false;
        }
        remoteCSeq = cseq;
        return true;
    }

    void startAwaitingAck(SipResponse ok, ReplyPath path, long cseq) {
        stopOk();
        pendingOk = ok;
        okPath = path;
        okCSeq = cseq;
        if (!path.transport().reliable()) {
            scheduleOkRetransmit(stack.t1Millis());
        }
        ackTimeout = stack.schedule(this::onAckTimeout, 64 * stack.t1Millis());
    }

    private void scheduleOkRetransmit(long delay) {
        okTimer = stack.schedule(() -> {
            if (pendingOk == null || terminated) {
                return;
            }
            okPath.send(pendingOk);
            scheduleOkRetransmit(Math.min(delay * 2, stack.t2Millis()));
        }, delay);
    }

    private void onAckTimeout() {
        if (pendingOk == null || terminated) {
            return;
        }
        // §13.3.1.4: a 2xx (initial or re-INVITE) never ACKed ends the session
        terminateLocked();
        stack.handler().onAckTimeout(this);
    }

    /** An ACK for our 2xx; returns true the first time for the initial INVITE. Caller holds the lock. */
    boolean onAck(long cseq) {
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
            okTimer.cancel(false);
            okTimer = null;
        }
        if (ackTimeout != null) {
            ackTimeout.cancel(false);
            ackTimeout = null;
        }
    }
}
