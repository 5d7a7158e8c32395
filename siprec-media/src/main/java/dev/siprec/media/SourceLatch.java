package dev.siprec.media;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who owns a stream's port. The sender of the first valid RTP packet with a negotiated payload
 * type owns the stream (anything else, garbage above all, claims nothing: a datagram sprayed at
 * the port range before the SRC's first packet must not take the call). Another sender takes
 * over only with such a packet, and only after the owner has been silent for
 * {@link #SOURCE_IDLE_NANOS} (SBC fail-over), after {@link #release()} (a re-offer: the SRC may
 * have moved, or its RTCP BYE), or when it sends from the address the SDP gave for the stream
 * and the owner does not. The caller decides what is a valid packet; this class only keeps the
 * owner. On the loop.
 */
final class SourceLatch {

    private static final Logger log = LoggerFactory.getLogger(SourceLatch.class);

    /** How long the owner must have been silent before another sender may take the stream. */
    static final long SOURCE_IDLE_NANOS = 2_000_000_000L;

    private InetSocketAddress owner;
    private long ownerLastSeen;
    private InetAddress preferred; // the stream's address in the SDP offer, if any

    /** Whether {@code sender} owns the stream; if so, it was seen at {@code now}. */
    boolean fromOwner(InetSocketAddress sender, long now) {
        if (sender.equals(owner)) {
            ownerLastSeen = now;
            return true;
        }
        return false;
    }

    /** No one owns the stream. */
    boolean isFree() {
        return owner == null;
    }

    /** Whether a datagram from {@code address} (RTCP, from any port) comes from the owner's host, or no one owns it. */
    boolean ownerHostOrFree(InetAddress address) {
        return owner == null || owner.getAddress().equals(address);
    }

    /**
     * {@code sender}, not the owner, sent a valid packet of the stream: it takes the stream if
     * the rules above let it.
     *
     * @return whether it owns the stream now
     */
    boolean takeOver(InetSocketAddress sender, long now, int port) {
        boolean fromPreferred = preferred != null && preferred.equals(sender.getAddress());
        boolean ownerPreferred = owner != null && preferred != null && preferred.equals(owner.getAddress());
        if (owner == null || now - ownerLastSeen > SOURCE_IDLE_NANOS || (fromPreferred && !ownerPreferred)) {
            if (owner != null) {
                log.debug("port {}: stream taken over by {} from {}", port, sender, owner);
            }
            owner = sender;
            ownerLastSeen = now;
            return true;
        }
        return false;
    }

    /** The SDP names {@code address} for the stream (null: no preference). */
    void prefer(InetAddress address) {
        preferred = address;
    }

    /** Forgets the owner: the next valid packet's sender owns the stream. */
    void release() {
        owner = null;
    }
}
