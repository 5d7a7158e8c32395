package dev.siprec.core.metadata;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class MetadataParserTest {

    final MetadataParser parser = new MetadataParser();

    RecordingMetadata parse(String xml) throws MetadataException {
        return parser.parse(xml.getBytes(StandardCharsets.UTF_8));
    }

    /** RFC 7865 shape, as Cisco CUBE and the SIPp kit send it. */
    static final String RFC_STYLE = """
            <?xml version="1.0" encoding="UTF-8"?>
            <recording xmlns='urn:ietf:params:xml:ns:recording:1'>
              <datamode>complete</datamode>
              <group group_id="7+OTCyoxTmqmqyA/1weDAg==">
                <associate-time>2026-11-27T10:00:00Z</associate-time>
              </group>
              <session session_id="hVpd7YQgRW2nD22h7q60JQ==">
                <sipSessionID>ab30317f1a784dc48ff824d0d3715d86;remote=47755a9de7794ba387653f2099600ef2</sipSessionID>
                <group-ref>7+OTCyoxTmqmqyA/1weDAg==</group-ref>
                <start-time>2026-11-27T10:00:00.123Z</start-time>
              </session>
              <participant participant_id="srfBElmCRp2QB23b7Mpk0w==">
                <nameID aor="sip:alice@example.com">
                  <name xml:lang="en">Alice</name>
                </nameID>
              </participant>
              <participant participant_id="zSfPoSvdSDCmU3A3TRDxAw==">
                <nameID aor="sip:bob@example.net"/>
              </participant>
              <stream stream_id="UAAMm5GRQKSCMVvLyl4rFw==" session_id="hVpd7YQgRW2nD22h7q60JQ==">
                <label>1</label>
              </stream>
              <stream stream_id="i1Pz3to5hGk8fuXl+PbwCw==" session_id="hVpd7YQgRW2nD22h7q60JQ==">
                <label>2</label>
              </stream>
              <sessionrecordingassoc session_id="hVpd7YQgRW2nD22h7q60JQ==">
                <associate-time>2026-11-27T10:00:00Z</associate-time>
              </sessionrecordingassoc>
              <participantsessionassoc participant_id="srfBElmCRp2QB23b7Mpk0w==" session_id="hVpd7YQgRW2nD22h7q60JQ==">
                <associate-time>2026-11-27T10:00:00Z</associate-time>
              </participantsessionassoc>
              <participantstreamassoc participant_id="srfBElmCRp2QB23b7Mpk0w==">
                <send>UAAMm5GRQKSCMVvLyl4rFw==</send>
                <recv>i1Pz3to5hGk8fuXl+PbwCw==</recv>
              </participantstreamassoc>
              <participantstreamassoc participant_id="zSfPoSvdSDCmU3A3TRDxAw==">
                <send>i1Pz3to5hGk8fuXl+PbwCw==</send>
                <recv>UAAMm5GRQKSCMVvLyl4rFw==</recv>
              </participantstreamassoc>
            </recording>
            """;

    @Test
    void readsTheWholeRfc7865Model() throws Exception {
        RecordingMetadata md = parse(RFC_STYLE);
        assertThat(md.dataMode()).isEqualTo("complete");
        assertThat(md.groups()).containsExactly(
                new RecordingMetadata.Group("7+OTCyoxTmqmqyA/1weDAg==", "2026-11-27T10:00:00Z"));
        RecordingMetadata.Session s = md.sessions().get(0);
        assertThat(s.id()).isEqualTo("hVpd7YQgRW2nD22h7q60JQ==");
        assertThat(s.sipSessionIds()).containsExactly(
                "ab30317f1a784dc48ff824d0d3715d86;remote=47755a9de7794ba387653f2099600ef2");
        assertThat(s.groupRef()).isEqualTo("7+OTCyoxTmqmqyA/1weDAg==");
        assertThat(s.startTime()).isEqualTo("2026-11-27T10:00:00.123Z");
        assertThat(md.participants()).extracting(RecordingMetadata.Participant::aor)
                .containsExactly("sip:alice@example.com", "sip:bob@example.net");
        assertThat(md.participants().get(0).nameIds().get(0))
                .isEqualTo(new RecordingMetadata.NameId("sip:alice@example.com", "Alice", "en"));
        assertThat(md.streams()).extracting(RecordingMetadata.Stream::label).containsExactly("1", "2");
        assertThat(md.sessionRecordingAssocs()).hasSize(1);
        assertThat(md.participantSessionAssocs().get(0).associateTime()).isEqualTo("2026-11-27T10:00:00Z");
        assertThat(md.streamsSentBy("zSfPoSvdSDCmU3A3TRDxAw==")).containsExactly("i1Pz3to5hGk8fuXl+PbwCw==");
        assertThat(md.senderOf("UAAMm5GRQKSCMVvLyl4rFw==").aor()).isEqualTo("sip:alice@example.com");
        assertThat(md.extensions()).isEmpty();
    }

    /** Oracle/Acme draft style: old namespace, id= and session=, send inside participant, apkt extension. */
    static final String ACME_STYLE = """
            <?xml version='1.0' encoding='UTF-8'?>
            <recording xmlns='urn:ietf:params:xml:ns:recording' xmlns:apkt='http://acmepacket.com/siprec/extensiondata'>
              <dataMode>complete</dataMode>
              <session id="gG7y3XhVSmWmZ0gQHyDvUA==">
                <associate-time>2026-11-27T10:00:00</associate-time>
                <extensiondata>
                  <apkt:ucid encoding="hex">00FA080018803B5F4A1B2C</apkt:ucid>
                  <apkt:callerOrig>true</apkt:callerOrig>
                </extensiondata>
              </session>
              <participant id="Qk7mTDeAQoGMmeHfz3hFdw==" session="gG7y3XhVSmWmZ0gQHyDvUA==">
                <nameID aor="sip:+15551230001@carrier.example"><name>+15551230001</name></nameID>
                <send>Vb2XOF3iQdKFQV5Wv5C7qQ==</send>
                <extensiondata><apkt:callingParty>true</apkt:callingParty></extensiondata>
              </participant>
              <participant id="h2LwGhcrRDeLzIFu8wbqAw==" session="gG7y3XhVSmWmZ0gQHyDvUA==">
                <nameID aor="sip:2000@pbx.example"/>
                <send>EJ0AdEmxTXCEHG4Bo5uKDw==</send>
              </participant>
              <stream id="Vb2XOF3iQdKFQV5Wv5C7qQ==" session="gG7y3XhVSmWmZ0gQHyDvUA==">
                <label>16777219</label><mode>separate</mode>
              </stream>
              <stream id="EJ0AdEmxTXCEHG4Bo5uKDw==" session="gG7y3XhVSmWmZ0gQHyDvUA==">
                <label>16777220</label><mode>separate</mode>
              </stream>
            </recording>
            """;

    @Test
    void acceptsTheOracleDraftStyleAndKeepsExtensionDataRawWithItsNamespace() throws Exception {
        RecordingMetadata md = parse(ACME_STYLE);
        assertThat(md.dataMode()).isEqualTo("complete");
        assertThat(md.sessions().get(0).id()).isEqualTo("gG7y3XhVSmWmZ0gQHyDvUA==");
        assertThat(md.participants()).extracting(RecordingMetadata.Participant::id)
                .containsExactly("Qk7mTDeAQoGMmeHfz3hFdw==", "h2LwGhcrRDeLzIFu8wbqAw==");
        assertThat(md.streamsSentBy("Qk7mTDeAQoGMmeHfz3hFdw==")).containsExactly("Vb2XOF3iQdKFQV5Wv5C7qQ==");
        assertThat(md.streams().get(1)).isEqualTo(new RecordingMetadata.Stream("EJ0AdEmxTXCEHG4Bo5uKDw==",
                "gG7y3XhVSmWmZ0gQHyDvUA==", "16777220", "separate"));
        assertThat(md.extensions()).hasSize(3);
        RecordingMetadata.Extension calling = md.extensions().stream()
                .filter(e -> e.parentElement().equals("participant")).findFirst().orElseThrow();
        assertThat(calling.parentId()).isEqualTo("Qk7mTDeAQoGMmeHfz3hFdw==");
        assertThat(calling.xml()).isEqualTo("<extensiondata xmlns=\"urn:ietf:params:xml:ns:recording\" "
                + "xmlns:apkt=\"http://acmepacket.com/siprec/extensiondata\">"
                + "<apkt:callingParty>true</apkt:callingParty></extensiondata>");
        RecordingMetadata.Extension ucid = md.extensions().get(1);
        assertThat(ucid.parentElement()).isEqualTo("session");
        assertThat(ucid.xml()).contains("<apkt:ucid encoding=\"hex\">00FA080018803B5F4A1B2C</apkt:ucid>");
    }

    @Test
    void anyPrefixWorksLikeSonusTnsAndUnknownElementsAreKept() throws Exception {
        RecordingMetadata md = parse("""
                <tns:recording xmlns:tns="urn:ietf:params:xml:ns:recording:1">
                  <tns:datamode>partial</tns:datamode>
                  <tns:participant participant_id="p1">
                    <tns:nameID aor="sip:a@x"/>
                    <tns:vendorThing foo="1 &amp; 2">text</tns:vendorThing>
                  </tns:participant>
                  <tns:stream stream_id="s1" session_id="x"><tns:label>0</tns:label></tns:stream>
                  <tns:participantstreamassoc participant_id="p1"><tns:send>s1</tns:send></tns:participantstreamassoc>
                  <callData xmlns="http://ribbon.example/calldata"><fromhdr>sip:a@x</fromhdr></callData>
                </tns:recording>
                """);
        assertThat(md.dataMode()).isEqualTo("partial");
        assertThat(md.participant("p1").aor()).isEqualTo("sip:a@x");
        assertThat(md.senderOf("s1").id()).isEqualTo("p1");
        assertThat(md.extensions()).extracting(RecordingMetadata.Extension::xml).containsExactly(
                "<tns:vendorThing xmlns:tns=\"urn:ietf:params:xml:ns:recording:1\" foo=\"1 &amp; 2\">text"
                        + "</tns:vendorThing>",
                "<callData xmlns=\"http://ribbon.example/calldata\"><fromhdr>sip:a@x</fromhdr></callData>");
        assertThat(md.extensions().get(1).parentElement()).isEqualTo("recording");
    }

    /** The pre-RFC schema BroadWorks sends (draft-ram-siprec-metadata-format style), dual stream mode. */
    static final String BROADWORKS = """
            <?xml version="1.0" encoding="UTF-8"?>
            <recording_metadata xmlns="urn:ietf:params:xml:ns:siprec">
              <dataMode>complete</dataMode>
              <recording id="urn:uuid:rec-1"><requestor>SRC</requestor><type>selective</type></recording>
              <group id="urn:uuid:grp-1" recording="urn:uuid:rec-1"><initiator>sip:4001@as.example.com</initiator></group>
              <session id="urn:uuid:ses-1" group="urn:uuid:grp-1"><start-time>2026-11-27T10:00:00Z</start-time></session>
              <participant id="urn:uuid:p-agent" session="urn:uuid:ses-1">
                <aor>sip:4001@as.example.com</aor><send><id>urn:uuid:st-1</id></send>
              </participant>
              <participant id="urn:uuid:p-caller" session="urn:uuid:ses-1">
                <aor>tel:+15551230001</aor><send><id>urn:uuid:st-2</id></send>
              </participant>
              <stream id="urn:uuid:st-1" session="urn:uuid:ses-1"><label>1</label><mode>separate</mode></stream>
              <stream id="urn:uuid:st-2" session="urn:uuid:ses-1"><label>2</label><mode>separate</mode></stream>
              <extensiondata id="urn:uuid:ext-1" parent="urn:uuid:ses-1">
                <broadWorksRecordingMetadata xmlns="http://schema.broadsoft.com/broadworksCallRecording" version="3.0">
                  <userID>4001@as.example.com</userID>
                  <callID>callhalf-12345:0</callID>
                  <callType><termCall><callingPartyNumber>+15551230001</callingPartyNumber></termCall></callType>
                </broadWorksRecordingMetadata>
              </extensiondata>
            </recording_metadata>
            """;

    @Test
    void readsTheBroadWorksPreRfcSchema() throws Exception {
        RecordingMetadata md = parse(BROADWORKS);
        assertThat(md.dataMode()).isEqualTo("complete");
        assertThat(md.sessions().get(0).groupRef()).isEqualTo("urn:uuid:grp-1");
        assertThat(md.participants()).extracting(RecordingMetadata.Participant::aor)
                .containsExactly("sip:4001@as.example.com", "tel:+15551230001");
        assertThat(md.streamsSentBy("urn:uuid:p-caller")).containsExactly("urn:uuid:st-2");
        assertThat(md.streams().get(0).mode()).isEqualTo("separate");
        RecordingMetadata.Extension bw = md.extensions().stream()
                .filter(e -> e.xml().contains("broadWorksRecordingMetadata")).findFirst().orElseThrow();
        assertThat(bw.parentId()).isEqualTo("urn:uuid:ses-1");
        // termCall: the recorded user (the agent) was called, so the other party is the caller
        assertThat(CallerHint.of(md)).isEqualTo(new CallerHint("urn:uuid:p-caller", "broadworks-callType"));
    }

    @Test
    void toleratesEmptyAssociationsAndMissingPieces() throws Exception {
        RecordingMetadata md = parse("<recording xmlns='urn:ietf:params:xml:ns:recording:1'>"
                + "<participant participant_id='a'/><participantstreamassoc participant_id='a'/>"
                + "<stream stream_id=''/></recording>");
        assertThat(md.streamsSentBy("a")).isEmpty();
        assertThat(md.participant("a").aor()).isNull();
        assertThat(md.dataMode()).isNull();
    }

    @Test
    void malformedXmlSaysWhere() {
        assertThatThrownBy(() -> parse("<recording><participant></recording>"))
                .isInstanceOf(MetadataException.class).hasMessageContaining("malformed metadata XML at line 1");
        assertThatThrownBy(() -> parse("<recording>a & b</recording>")).isInstanceOf(MetadataException.class);
        assertThatThrownBy(() -> parse("")).isInstanceOf(MetadataException.class);
        assertThatThrownBy(() -> parse("<recording/><second/>")).isInstanceOf(MetadataException.class);
    }

    @Test
    void neverResolvesDtdsOrEntities() {
        assertThatThrownBy(() -> parse("<?xml version='1.0'?><!DOCTYPE r [<!ENTITY x SYSTEM 'file:///etc/passwd'>]>"
                + "<recording><participant participant_id='&x;'/></recording>"))
                .isInstanceOf(MetadataException.class).hasMessageContaining("DOCTYPE");
        String billionLaughs = "<?xml version='1.0'?><!DOCTYPE l [<!ENTITY a 'aaaaaaaaaa'>"
                + "<!ENTITY b '&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;'>]><recording>&b;</recording>";
        assertThatThrownBy(() -> parse(billionLaughs)).isInstanceOf(MetadataException.class);
    }

    @Test
    void boundsSizeAndDepth() {
        String deep = "<a>".repeat(100) + "</a>".repeat(100);
        assertThatThrownBy(() -> parse(deep)).isInstanceOf(MetadataException.class);
        MetadataParser small = new MetadataParser(100, 32);
        assertThatThrownBy(() -> small.parse(RFC_STYLE.getBytes(StandardCharsets.UTF_8)))
                .hasMessageContaining("exceeds the limit of 100");
    }

    @Test
    void unescapedAmpersandsAreRepairedAndSaidAndEntitiesAreLeftAlone() throws Exception {
        String xml = """
                <recording xmlns="urn:ietf:params:xml:ns:recording:1">
                  <datamode>complete</datamode>
                  <participant participant_id="p1">
                    <nameID aor="sip:care@att.example"><name>AT&T Care &amp; Billing &#38; R&D</name></nameID>
                  </participant>
                </recording>""";
        byte[] bytes = xml.getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> parser.parse(bytes)).isInstanceOf(MetadataException.class);
        java.util.List<String> repairs = new java.util.ArrayList<>();
        RecordingMetadata md = parser.parse(bytes, repairs);
        assertThat(md.participants()).singleElement().satisfies(p ->
                assertThat(p.nameIds().get(0).name()).isEqualTo("AT&T Care & Billing & R&D"));
        assertThat(repairs).singleElement().asString().startsWith("2 unescaped '&'");
        // a document that is broken otherwise stays broken
        assertThatThrownBy(() -> parser.parse("<recording><a>&</b></recording>".getBytes(StandardCharsets.UTF_8),
                new java.util.ArrayList<>())).isInstanceOf(MetadataException.class);
        assertThat(MetadataParser.escapeBareAmpersands("<a>&lt;&#x26;&#38;</a>".getBytes(StandardCharsets.UTF_8)))
                .isNull();
    }
}
