package dev.siprec.sip.transport;

import dev.siprec.sip.message.SipMessage;
import dev.siprec.sip.message.SipParseException;

/**
 * The layer above {@link SipTransport}: what it hands parsed messages and parse failures to.
 * Called on the event loop of the socket or connection the bytes came in on; must not block.
 */
public interface TransportUser {

    /** A whole message arrived. */
    void onMessage(SipMessage message, ReplyPath path);

    /** Bytes that did not parse as a SIP message; the exception may carry enough to answer. */
    void onParseError(SipParseException error, ReplyPath path);

    /** Something the transport dropped without passing it up (a stream it could not frame), for counting. */
    void onDropped(String why);

    /**
     * Whether a TCP or TLS connection still carries a dialog: an idle connection that does is
     * kept open, since the SRC's BYE and refreshes come over it.
     */
    boolean carriesDialog(ReplyPath connection);

    /** An error the process cannot recover from reached a socket's handler. */
    void onFatalError(Throwable cause);
}
