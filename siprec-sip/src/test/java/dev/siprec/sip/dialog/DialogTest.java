package dev.siprec.sip.dialog;

import static org.assertj.core.api.Assertions.assertThat;

import dev.siprec.sip.EmbeddedWire;
import dev.siprec.sip.message.SipRequest;
import dev.siprec.sip.message.SipResponse;
import dev.siprec.sip.transaction.TransactionLayer;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Dialogs and their session timers (RFC 4028 §10) on the dialog layer alone: refreshes we
 * send through the transaction layer, expiry when the SRC does not refresh. Requests go to an
 * {@link EmbeddedWire}; T1 = 500 ms.
 */
class DialogTest {

    final EmbeddedWire wire = new EmbeddedWire();
    final TransactionLayer transactions = new TransactionLayer(500);
    final List<String> events = new CopyOnWriteArrayList<>();
    final DialogLayer dialogs = new DialogLayer(transactions, "test/1", 90, new DialogLayer.Listener() {
        @Override
        public void onAckTimeout(Dialog dialog) {
            events.add("acktimeout " + dialog.callId());
        }

        @Override
        public void onSessionExpired(Dialog dialog) {
            events.add("expired " + dialog.callId());
        }
    });

    {
        transactions.useTimers(wire.timers);
    }

    @AfterEach
    void finish() {
        wire.close();
    }

    Dialog dialog(String callId) {
        return new Dialog(dialogs, callId, "us", "them", "sip:src@127.0.0.1:5099", 1, "<sip:srs@127.0.0.1>;tag=us",
                "<sip:src@127.0.0.1>;tag=them", List.of("<sip:proxy@127.0.0.1;lr>"), wire.udp, "127.0.0.1");
    }

    @Test
    void asRefresherWeSendAnUpdateAtHalfTheIntervalAndExpireWhenItFails() throws Exception {
        Dialog d = dialog("refresh-1");
        d.armSessionTimer(120, true);
        wire.advanceMillis(59_990);
        assertThat(wire.sent()).isEmpty();
        wire.advanceMillis(10);
        List<String> update = wire.sent();
        assertThat(update).singleElement().asString().startsWith("UPDATE sip:src@127.0.0.1:5099 SIP/2.0")
                .contains("Session-Expires: 120;refresher=uas").contains("Route: <sip:proxy@127.0.0.1;lr>")
                .contains("From: <sip:srs@127.0.0.1>;tag=us").contains("To: <sip:src@127.0.0.1>;tag=them");
        // the SRC answers 200: the timer is armed again, and the next refresh comes 60 s later
        SipRequest sentUpdate = EmbeddedWire.parse(update.get(0));
        transactions.onResponse(SipResponse.to(sentUpdate, 200, "OK", "them"));
        wire.advanceMillis(60_000);
        List<String> second = wire.sent();
        assertThat(second).hasSize(1);
        // this one fails: the session has expired
        transactions.onResponse(SipResponse.to(EmbeddedWire.parse(second.get(0)), 481, "Call/Transaction Does Not Exist", "them"));
        assertThat(events).containsExactly("expired refresh-1");
        assertThat(EmbeddedWire.parse(second.get(0)).cseq().number()).isEqualTo(sentUpdate.cseq().number() + 1);
    }

    @Test
    void whenTheSrcRefreshesTheSessionExpiresUnlessItDoesInTime() {
        Dialog d = dialog("expire-1");
        d.armSessionTimer(90, false); // expires at 90 - min(32, 30) = 60 s
        wire.advanceMillis(50_000);
        d.armSessionTimer(90, false); // a refresh: 60 s from now
        wire.advanceMillis(59_990);
        assertThat(events).isEmpty();
        wire.advanceMillis(10);
        assertThat(events).containsExactly("expired expire-1");
        d.terminate();
        d.armSessionTimer(90, false); // a terminated dialog arms nothing
        wire.advanceMillis(100_000);
        assertThat(events).hasSize(1);
    }
}
