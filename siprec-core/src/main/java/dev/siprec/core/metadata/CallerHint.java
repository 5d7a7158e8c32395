package dev.siprec.core.metadata;

import java.util.List;
import java.util.Map;

/**
 * Which participant is the caller, from what SRC vendors put in their extension data
 * (see docs/interop.md):
 *
 * <ul>
 *   <li>Oracle/Acme: {@code <apkt:callingParty>true</apkt:callingParty>} in a participant's
 *       extension data;</li>
 *   <li>NetSapiens: {@code <netsapiensExtension>} with {@code <callingParty participant_id=...>};</li>
 *   <li>Ribbon/Sonus: {@code <callData><fromhdr>} (the recorded call's From) matched to a
 *       participant's AoR by user part;</li>
 *   <li>Metaswitch: {@code <metaswitchRecordingMetadata>} {@code callType} originating or
 *       terminating, with {@code recordedParty} matched to a participant's AoR;</li>
 *   <li>BroadWorks: {@code <broadWorksRecordingMetadata>} {@code callType} holding
 *       {@code origCall} or {@code termCall}, with {@code userID} (the recorded user).</li>
 * </ul>
 *
 * @param participantId the caller's participant id
 * @param source which vendor convention said so, e.g. {@code oracle-callingParty}
 */
public record CallerHint(String participantId, String source) {

    /** The caller per the metadata's vendor extensions, or null when none says. */
    public static CallerHint of(RecordingMetadata md) {
        for (RecordingMetadata.Extension e : md.extensions()) {
            Map<String, List<ExtensionXml.Element>> elements = ExtensionXml.elements(e.xml());
            for (VendorHint vendor : VendorHint.ALL) {
                CallerHint hint = vendor.caller(md, e, elements);
                if (hint != null) {
                    return hint;
                }
            }
        }
        return null;
    }

    /**
     * The caller when the vendor says whether {@code recorded} originated the call: it, or
     * else the other participant (null when there is none).
     */
    static CallerHint originatedOrNot(RecordingMetadata md, RecordingMetadata.Participant recorded,
                                      boolean originated, String source) {
        if (originated) {
            return new CallerHint(recorded.id(), source);
        }
        for (RecordingMetadata.Participant q : md.participants()) {
            if (q != recorded && q.id() != null) {
                return new CallerHint(q.id(), source);
            }
        }
        return null;
    }

    /** The participant whose AoR has this user part ("sip:", parameters and host ignored). */
    static RecordingMetadata.Participant byUser(RecordingMetadata md, String address) {
        String user = userPart(address);
        if (user == null || user.isEmpty()) {
            return null;
        }
        for (RecordingMetadata.Participant p : md.participants()) {
            for (RecordingMetadata.NameId n : p.nameIds()) {
                if (user.equals(userPart(n.aor()))) {
                    return p;
                }
            }
        }
        return null;
    }

    /** "Name" <sip:+1555@host;x=y> -> +1555 ; tel:+1555 -> +1555 ; 2000 -> 2000 */
    static String userPart(String address) {
        if (address == null) {
            return null;
        }
        String a = address.trim();
        int lt = a.indexOf('<');
        if (lt >= 0) {
            int gt = a.indexOf('>', lt);
            a = gt < 0 ? a.substring(lt + 1) : a.substring(lt + 1, gt);
        }
        int colon = a.indexOf(':');
        if (colon >= 0 && a.substring(0, colon).matches("(?i)sips?|tel")) {
            a = a.substring(colon + 1);
        }
        int end = a.length();
        for (char c : new char[] {'@', ';', '?'}) {
            int i = a.indexOf(c);
            if (i >= 0 && i < end) {
                end = i;
            }
        }
        return a.substring(0, end);
    }
}
