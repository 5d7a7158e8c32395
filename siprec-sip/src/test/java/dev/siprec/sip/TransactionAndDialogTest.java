package dev.siprec.sip;

import dev.siprec.sip.dialog.Dialog;
import dev.siprec.sip.message.NameAddress;
import dev.siprec.sip.message.SipHeaders;
import dev.siprec.sip.message.SipMessageParser;
import dev.siprec.sip.message.SipParseException;
import dev.siprec.sip.message.SipRequest;
import dev.siprec.sip.message.SipResponse;
import dev.siprec.sip.transport.ReplyPath;
import dev.siprec.sip.transport.Transport;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.DatagramPacket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The UA core over the transaction and dialog layers, below any socket: INVITE server
 * transactions, 2xx retransmission until ACK, the ACK race, CSeq order. Messages go to an
 * {@link EmbeddedWire}; the timers run on a clock the test moves (T1 = 500 ms).
 */
class TransactionAndDialogTest {

    static final long T1 = 500;
    final EmbeddedWire wire = new EmbeddedWire();
    final ReplyPath udp = wire.udp;
    final EventRecordingHandler handler = new EventRecordingHandler();
    final List<String> events = handler.events;
    final SipStack stack = new SipStack(new SipStack.Config(Map.of(), "test/1", List.of("timer"), "application/sdp",
            "srs", "", null, T1, 90, null), null, handler);

    {
        stack.useTimers(wire.timers);
    }

    @AfterEach
    void finish() {
        wire.close();
    }

    ServerInvite lastInvite() {
        return handler.invites.get(handler.invites.size() - 1);
    }

    void advanceMillis(long ms) {
        wire.advanceMillis(ms);
    }

    List<String> sent() {
        return wire.sent();
    }

    static SipRequest parse(String text) throws SipParseException {
        return EmbeddedWire.parse(text);
    }

    // --- server transactions (RFC 3261 §17.2) ---

    static final String INVITE = "INVITE sip:srs@127.0.0.1:5060 SIP/2.0\r\n"
            + "Via: SIP/2.0/UDP 127.0.0.1:5099;branch=z9hG4bK-inv1\r\n"
            + "From: <sip:src@127.0.0.1>;tag=them\r\nTo: <sip:srs@127.0.0.1>\r\nCall-ID: st-1\r\n"
            + "CSeq: 1 INVITE\r\nContact: <sip:src@127.0.0.1:5099>\r\nContent-Length: 0\r\n\r\n";

    @Test
    void anInviteErrorIsRetransmittedUntilItsAckThenAbsorbedForT4() throws Exception {
        stack.onMessage(parse(INVITE), udp);
        assertThat(events).containsExactly("invite st-1");
        ServerInvite invite = lastInvite();
        assertThat(sent()).singleElement().asString().startsWith("SIP/2.0 100 Trying");
        assertThat(invite.reject(486, "Busy Here")).isTrue();
        assertThat(invite.reject(500, "again")).isFalse(); // one final response
        assertThat(sent()).singleElement().asString().startsWith("SIP/2.0 486 Busy Here");
        advanceMillis(500);
        assertThat(sent()).singleElement().asString().startsWith("SIP/2.0 486"); // Timer G
        stack.onMessage(parse(INVITE), udp); // a retransmitted INVITE gets the last response
        assertThat(sent()).singleElement().asString().startsWith("SIP/2.0 486");
        stack.onMessage(parse(INVITE.replace("INVITE sip", "ACK sip").replace("1 INVITE", "1 ACK")), udp);
        advanceMillis(4000);
        assertThat(sent()).isEmpty(); // the ACK stopped Timer G
        assertThat(stack.sizes()[0]).isEqualTo(1); // absorbing ACKs for T4 (Timer I)
        advanceMillis(1000);
        assertThat(stack.sizes()[0]).isZero();
        assertThat(events).containsExactly("invite st-1"); // retransmissions never reach the handler
    }

    @Test
    void anAcceptedInviteMakesADialogWhose2xxIsRetransmittedUntilTheAck() throws Exception {
        stack.onMessage(parse(INVITE), udp);
        ServerInvite invite = lastInvite();
        sent();
        Dialog dialog = invite.accept("application/sdp", "v=0\r\n".getBytes(StandardCharsets.UTF_8));
        assertThat(dialog).isNotNull();
        assertThat(invite.accept("application/sdp", new byte[0])).isNull(); // answered once
        String ok = sent().get(0);
        assertThat(ok).startsWith("SIP/2.0 200 OK").contains(";tag=" + dialog.localTag()).contains("Contact: <sip:srs@");
        advanceMillis(500);
        advanceMillis(1000);
        assertThat(sent()).hasSize(2).allMatch(m -> m.equals(ok)); // T1, 2*T1 (§13.3.1.4)
        String ack = INVITE.replace("INVITE sip", "ACK sip").replace("1 INVITE", "1 ACK")
                .replace("branch=z9hG4bK-inv1", "branch=z9hG4bK-ack1")
                .replace("To: <sip:srs@127.0.0.1>", "To: <sip:srs@127.0.0.1>;tag=" + dialog.localTag());
        stack.onMessage(parse(ack), udp);
        stack.onMessage(parse(ack), udp); // a retransmitted ACK: absorbed
        assertThat(events).containsExactly("invite st-1", "ack st-1");
        assertThat(dialog.isConfirmed()).isTrue();
        advanceMillis(40_000);
        assertThat(sent()).isEmpty();
        // in-dialog requests must come in CSeq order (§12.2.2)
        assertThat(dialog.acceptCSeq(2)).isTrue();
        assertThat(dialog.acceptCSeq(2)).isFalse();
        assertThat(dialog.acceptCSeq(1)).isFalse();
        assertThat(dialog.acceptCSeq(3)).isTrue();
    }

    @Test
    void anAckThatRacesInWhileThe2xxLeavesFindsTheDialogWaitingForIt() throws Exception {
        // An ACK processed on another event loop the moment the 2xx is written (here: from the
        // write itself) must confirm the dialog, not be taken for a stray.
        stack.onMessage(parse(INVITE), udp);
        ServerInvite invite = lastInvite();
        String[] ack = {null};
        wire.channel().pipeline().addFirst(new io.netty.channel.ChannelOutboundHandlerAdapter() {
            @Override
            public void write(io.netty.channel.ChannelHandlerContext ctx, Object msg,
                              io.netty.channel.ChannelPromise promise) throws Exception {
                String text = ((DatagramPacket) msg).content().toString(StandardCharsets.UTF_8);
                super.write(ctx, msg, promise);
                if (text.startsWith("SIP/2.0 200") && ack[0] == null) {
                    String tag = NameAddress.parse(text.lines().filter(l -> l.startsWith("To:")).findFirst()
                            .orElseThrow().substring(3)).tag();
                    ack[0] = INVITE.replace("INVITE sip", "ACK sip").replace("1 INVITE", "1 ACK")
                            .replace("branch=z9hG4bK-inv1", "branch=z9hG4bK-ack2")
                            .replace("To: <sip:srs@127.0.0.1>", "To: <sip:srs@127.0.0.1>;tag=" + tag);
                    stack.onMessage(parse(ack[0]), udp);
                }
            }
        });
        Dialog dialog = invite.accept("application/sdp", "v=0\r\n".getBytes(StandardCharsets.UTF_8));
        assertThat(ack[0]).isNotNull();
        assertThat(events).containsExactly("invite st-1", "ack st-1");
        assertThat(dialog.isConfirmed()).isTrue();
        advanceMillis(64 * T1);
        assertThat(events).containsExactly("invite st-1", "ack st-1"); // no ACK timeout
        assertThat(dialog.isTerminated()).isFalse();
    }

    @Test
    void a2xxNeverAckedEndsTheDialogAfter64T1() throws Exception {
        stack.onMessage(parse(INVITE), udp);
        ServerInvite invite = lastInvite();
        Dialog dialog = invite.accept("application/sdp", "v=0\r\n".getBytes(StandardCharsets.UTF_8));
        advanceMillis(64 * T1 - 10);
        assertThat(events).containsExactly("invite st-1");
        advanceMillis(10);
        assertThat(events).containsExactly("invite st-1", "acktimeout st-1");
        assertThat(dialog.isTerminated()).isTrue();
        assertThat(stack.sizes()[1]).isZero();
    }

}
