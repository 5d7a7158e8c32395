package dev.siprec.sip.transaction;

import static org.assertj.core.api.Assertions.assertThat;

import dev.siprec.sip.EmbeddedWire;
import dev.siprec.sip.message.SipHeaders;
import dev.siprec.sip.message.SipRequest;
import dev.siprec.sip.message.SipResponse;
import dev.siprec.sip.transport.ReplyPath;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Non-INVITE client transactions (RFC 3261 §17.1.2) on their own: Timer E and F, provisional
 * responses, reliable transports. Requests go to an {@link EmbeddedWire}; T1 = 500 ms.
 */
class ClientTransactionTest {

    static final long T1 = 500;
    final EmbeddedWire wire = new EmbeddedWire();
    final ReplyPath udp = wire.udp;
    final TransactionLayer layer = new TransactionLayer(T1);

    {
        layer.useTimers(wire.timers);
    }

    @AfterEach
    void finish() {
        wire.close();
    }

    SipRequest bye() {
        SipRequest r = new SipRequest("BYE", "sip:src@127.0.0.1:5099");
        r.addHeader(SipHeaders.VIA, "SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bK-ct1");
        r.addHeader(SipHeaders.FROM, "<sip:srs@127.0.0.1>;tag=us");
        r.addHeader(SipHeaders.TO, "<sip:src@127.0.0.1>;tag=them");
        r.addHeader(SipHeaders.CALL_ID, "ct-1");
        r.addHeader(SipHeaders.CSEQ, "7 BYE");
        return r;
    }

    @Test
    void aClientTransactionRetransmitsOnUdpAtT1DoublingToT2UntilAFinalResponse() throws Exception {
        SipRequest bye = bye();
        ClientTransaction tx = new ClientTransaction(layer, "z9hG4bK-ct1", bye, udp);
        CompletableFuture<SipResponse> result = tx.start();
        assertThat(wire.sent()).hasSize(1);
        // Timer E: 500, 1000, 2000, 4000, 4000 ms apart (T2 = 4 s)
        long[] gaps = {500, 1000, 2000, 4000, 4000};
        for (long gap : gaps) {
            wire.advanceMillis(gap - 10);
            assertThat(wire.sent()).isEmpty();
            wire.advanceMillis(10);
            assertThat(wire.sent()).hasSize(1).allMatch(m -> m.startsWith("BYE "));
        }
        tx.onResponse(SipResponse.to(bye, 100, "Trying", null));
        assertThat(result).isNotDone();
        wire.advanceMillis(4000); // after a provisional: every T2
        assertThat(wire.sent()).hasSize(1);
        tx.onResponse(SipResponse.to(bye, 200, "OK", null));
        assertThat(result).isCompleted();
        assertThat(result.get().statusCode()).isEqualTo(200);
        tx.onResponse(SipResponse.to(bye, 500, "late", null)); // a second final response changes nothing
        assertThat(result.get().statusCode()).isEqualTo(200);
        wire.advanceMillis(40_000);
        assertThat(wire.sent()).isEmpty();
        assertThat(wire.timers.pending()).isZero();
    }

    @Test
    void aClientTransactionWithoutAnswerEndsWithALocal408AfterTimerF() throws Exception {
        CompletableFuture<SipResponse> result = new ClientTransaction(layer, "z9hG4bK-ct2", bye(), udp).start();
        wire.advanceMillis(64 * T1 - 10);
        assertThat(result).isNotDone();
        assertThat(wire.sent()).hasSize(1 + 10); // the request, then E at 0.5, 1.5, 3.5, 7.5, 11.5 ... 31.5 s
        wire.advanceMillis(10);
        assertThat(result.get().statusCode()).isEqualTo(408);
    }

    @Test
    void aClientTransactionOverAReliableTransportIsNotRetransmitted() throws Exception {
        ReplyPath tcp = wire.tcp();
        CompletableFuture<SipResponse> result = new ClientTransaction(layer, "z9hG4bK-ct3", bye(), tcp).start();
        wire.advanceMillis(10_000);
        assertThat(wire.sent()).hasSize(1);
        wire.advanceMillis(64 * T1);
        assertThat(result.get().statusCode()).isEqualTo(408);
    }
}
