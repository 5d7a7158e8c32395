package dev.siprec.sip;

import dev.siprec.sip.dialog.Dialog;
import dev.siprec.sip.message.SipRequest;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A transaction user that records every callback as "what Call-ID"; tests override what they answer. */
class EventRecordingHandler implements SipHandler {

    final List<String> events = new CopyOnWriteArrayList<>();
    final List<ServerInvite> invites = new CopyOnWriteArrayList<>();

    @Override
    public void onInvite(ServerInvite invite) {
        invites.add(invite);
        events.add("invite " + invite.request().callId());
    }

    @Override
    public void onReInvite(Dialog dialog, ServerInvite invite) {
        events.add("reinvite " + dialog.callId());
    }

    @Override
    public void onUpdate(Dialog dialog, ServerRequest update) {
        events.add("update " + dialog.callId());
    }

    @Override
    public void onAck(Dialog dialog) {
        events.add("ack " + dialog.callId());
    }

    @Override
    public void onBye(Dialog dialog, SipRequest bye) {
        events.add("bye " + dialog.callId());
    }

    @Override
    public void onCancel(ServerInvite invite) {
        events.add("cancel " + invite.request().callId());
    }

    @Override
    public void onAckTimeout(Dialog dialog) {
        events.add("acktimeout " + dialog.callId());
    }

    @Override
    public void onSessionExpired(Dialog dialog) {
        events.add("expired " + dialog.callId());
    }
}
