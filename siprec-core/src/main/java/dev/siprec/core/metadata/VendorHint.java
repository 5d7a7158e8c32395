package dev.siprec.core.metadata;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One SRC vendor's way of saying who called, in an extension of the metadata (see
 * docs/interop.md). Each vendor is one small class; {@link CallerHint#of} asks them in turn.
 */
interface VendorHint {

    /** Every vendor convention we know, in the order they are asked. */
    List<VendorHint> ALL = List.of(new Oracle(), new NetSapiens(), new Ribbon(), new Metaswitch(), new BroadWorks());

    /**
     * The caller per this vendor's convention, from one extension, or null.
     *
     * @param elements the extension's elements by local name ({@link ExtensionXml#elements})
     */
    CallerHint caller(RecordingMetadata md, RecordingMetadata.Extension extension,
                      Map<String, List<ExtensionXml.Element>> elements);

    /** Oracle/Acme: {@code <apkt:callingParty>true</apkt:callingParty>} in a participant's extension. */
    final class Oracle implements VendorHint {
        @Override
        public CallerHint caller(RecordingMetadata md, RecordingMetadata.Extension e,
                                 Map<String, List<ExtensionXml.Element>> elements) {
            if ("participant".equals(e.parentElement()) && e.parentId() != null
                    && "true".equalsIgnoreCase(ExtensionXml.first(elements, "callingParty"))) {
                return new CallerHint(e.parentId(), "oracle-callingParty");
            }
            return null;
        }
    }

    /** NetSapiens: {@code <netsapiensExtension>} with {@code <callingParty participant_id=...>} (or as text). */
    final class NetSapiens implements VendorHint {
        @Override
        public CallerHint caller(RecordingMetadata md, RecordingMetadata.Extension e,
                                 Map<String, List<ExtensionXml.Element>> elements) {
            if (!elements.containsKey("netsapiensExtension")) {
                return null;
            }
            for (ExtensionXml.Element calling : elements.getOrDefault("callingParty", List.of())) {
                String id = calling.attributes().getOrDefault("participant_id", calling.text());
                if (id != null && !id.isBlank() && md.participant(id.trim()) != null) {
                    return new CallerHint(id.trim(), "netsapiens-callingParty");
                }
            }
            return null;
        }
    }

    /** Ribbon/Sonus: {@code <callData><fromhdr>}, the recorded call's From, matched by user part. */
    final class Ribbon implements VendorHint {
        @Override
        public CallerHint caller(RecordingMetadata md, RecordingMetadata.Extension e,
                                 Map<String, List<ExtensionXml.Element>> elements) {
            if (!elements.containsKey("callData")) {
                return null;
            }
            RecordingMetadata.Participant p = CallerHint.byUser(md, ExtensionXml.first(elements, "fromhdr"));
            return p == null ? null : new CallerHint(p.id(), "ribbon-callData-fromhdr");
        }
    }

    /**
     * Metaswitch: {@code <metaswitchRecordingMetadata>} whose {@code callType} says the
     * {@code recordedParty} originated the call, or was called by the other participant.
     */
    final class Metaswitch implements VendorHint {
        @Override
        public CallerHint caller(RecordingMetadata md, RecordingMetadata.Extension e,
                                 Map<String, List<ExtensionXml.Element>> elements) {
            if (!elements.containsKey("metaswitchRecordingMetadata")) {
                return null;
            }
            String callType = ExtensionXml.first(elements, "callType");
            RecordingMetadata.Participant recorded = CallerHint.byUser(md, ExtensionXml.first(elements, "recordedParty"));
            if (recorded == null || callType == null) {
                return null;
            }
            boolean originated = callType.toLowerCase(Locale.ROOT).startsWith("orig");
            return CallerHint.originatedOrNot(md, recorded, originated, "metaswitch-callType");
        }
    }

    /**
     * BroadWorks: {@code <broadWorksRecordingMetadata>} whose {@code callType} holds
     * {@code origCall} or {@code termCall} for the recorded user ({@code userID}).
     */
    final class BroadWorks implements VendorHint {
        @Override
        public CallerHint caller(RecordingMetadata md, RecordingMetadata.Extension e,
                                 Map<String, List<ExtensionXml.Element>> elements) {
            if (!elements.containsKey("broadWorksRecordingMetadata")) {
                return null;
            }
            RecordingMetadata.Participant recorded = CallerHint.byUser(md, ExtensionXml.first(elements, "userID"));
            if (recorded == null) {
                return null;
            }
            if (elements.containsKey("origCall")) {
                return CallerHint.originatedOrNot(md, recorded, true, "broadworks-callType");
            }
            if (elements.containsKey("termCall")) {
                return CallerHint.originatedOrNot(md, recorded, false, "broadworks-callType");
            }
            return null;
        }
    }
}
