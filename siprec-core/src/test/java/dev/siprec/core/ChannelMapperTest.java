package dev.siprec.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.siprec.core.metadata.MetadataParser;
import dev.siprec.core.metadata.RecordingMetadata;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Which stream lands on which channel, for metadata shaped the way each vendor sends it. */
class ChannelMapperTest {

    static RecordingMetadata md(String xml) throws Exception {
        return new MetadataParser().parse(xml.getBytes(StandardCharsets.UTF_8));
    }

    static final List<ChannelMapper.Stream> TWO = List.of(new ChannelMapper.Stream(0, "1"),
            new ChannelMapper.Stream(1, "2"));

    /** Two participants a (label 1) and b (label 2), a first in document order, plus extra XML. */
    static String twoParties(String ns, String aorA, String aorB, String extraA, String extraTop) {
        return "<recording xmlns='" + ns + "' xmlns:apkt='http://acmepacket.com/siprec/extensiondata'>"
                + "<datamode>complete</datamode>" + extraTop
                + "<participant participant_id='a'><nameID aor='" + aorA + "'/>" + extraA + "</participant>"
                + "<participant participant_id='b'><nameID aor='" + aorB + "'/></participant>"
                + "<stream stream_id='sa' session_id='s'><label>1</label></stream>"
                + "<stream stream_id='sb' session_id='s'><label>2</label></stream>"
                + "<participantstreamassoc participant_id='a'><send>sa</send></participantstreamassoc>"
                + "<participantstreamassoc participant_id='b'><send>sb</send></participantstreamassoc>"
                + "</recording>";
    }

    @Test
    void withoutHintsTheFirstParticipantIsLeft() throws Exception {
        ChannelMapper.Mapping m = ChannelMapper.standard().map(md(twoParties("urn:ietf:params:xml:ns:recording:1",
                "sip:a@x", "sip:b@x", "", "")), TWO);
        assertThat(m.order()).containsExactly(0, 1);
        assertThat(m.rules()).containsExactly("participant-order", "participant-order");
    }

    @Test
    void oracleCallingPartyPutsTheCallerLeft() throws Exception {
        String xml = twoParties("urn:ietf:params:xml:ns:recording", "sip:agent@x", "sip:+15551230001@x",
                "<extensiondata><apkt:callingParty>false</apkt:callingParty></extensiondata>", "")
                .replace("<nameID aor='sip:+15551230001@x'/>", "<nameID aor='sip:+15551230001@x'/>"
                        + "<extensiondata><apkt:callingParty>true</apkt:callingParty></extensiondata>");
        ChannelMapper.Mapping m = ChannelMapper.standard().map(md(xml), TWO);
        assertThat(m.order()).containsExactly(1, 0);
        assertThat(m.rules().get(0)).isEqualTo("vendor-hint:oracle-callingParty");
    }

    @Test
    void ribbonCallDataFromMatchesTheCallerByUserPart() throws Exception {
        // Ribbon: the caller sends label 2, callData sits in the group, AoRs have no scheme
        String callData = "<group group_id='g'><callData xmlns='urn:ietf:params:xml:ns:callData'>"
                + "<fromhdr>\"Alice\" &lt;sip:+15551230001@carrier.example;user=phone&gt;;tag=1</fromhdr>"
                + "<tohdr>sip:2000@pbx</tohdr><callid>abc</callid></callData></group>";
        String xml = twoParties("urn:ietf:params:xml:ns:recording", "2000@pbx", "+15551230001@carrier.example", "",
                callData);
        ChannelMapper.Mapping m = ChannelMapper.standard().map(md(xml), TWO);
        assertThat(m.order()).containsExactly(1, 0);
        assertThat(m.rules().get(0)).isEqualTo("vendor-hint:ribbon-callData-fromhdr");
    }

    @Test
    void metaswitchCallTypeTellsWhetherTheRecordedPartyCalled() throws Exception {
        String terminating = "<extensiondata><metaswitchRecordingMetadata><callType>terminating</callType>"
                + "<recordedParty>2000</recordedParty></metaswitchRecordingMetadata></extensiondata>";
        String xml = twoParties("urn:ietf:params:xml:ns:recording", "2000", "5551230001", "", terminating);
        ChannelMapper.Mapping m = ChannelMapper.standard().map(md(xml), TWO);
        assertThat(m.order()).containsExactly(1, 0); // 2000 was called: the other party is the caller
        assertThat(m.rules().get(0)).isEqualTo("vendor-hint:metaswitch-callType");
        String originating = terminating.replace("terminating", "originating");
        assertThat(ChannelMapper.standard().map(md(twoParties("urn:ietf:params:xml:ns:recording", "5551230001",
                "2000", "", originating)), TWO).order()).containsExactly(1, 0);
    }

    @Test
    void netsapiensCallingPartyById() throws Exception {
        String ext = "<netsapiensExtension xmlns='http://schema.netsapiens.com/netsapiensSipRec' version='1.1'>"
                + "<groupSeq>1</groupSeq><callingParty participant_id='b'/><calledParty participant_id='a'/>"
                + "</netsapiensExtension>";
        String xml = twoParties("urn:ietf:params:xml:ns:recording:1", "sip:a@x", "sip:b@x", "", "")
                .replace("</recording>", ext + "</recording>");
        ChannelMapper.Mapping m = ChannelMapper.standard().map(md(xml), TWO);
        assertThat(m.order()).containsExactly(1, 0);
        assertThat(m.rules().get(0)).isEqualTo("vendor-hint:netsapiens-callingParty");
    }

    @Test
    void configuredRulesApplyWhenNoVendorSays() throws Exception {
        RecordingMetadata plain = md(twoParties("urn:ietf:params:xml:ns:recording:1", "sip:agent-7@cc", "sip:c@x",
                "", ""));
        ChannelMapper byLabel = ChannelMapper.standard(ChannelMapper.byLabel("2"));
        assertThat(byLabel.map(plain, TWO).order()).containsExactly(1, 0);
        assertThat(byLabel.map(plain, TWO).rules()).containsExactly("configured-rule-1", "participant-order");
        ChannelMapper agentRight = ChannelMapper.standard(ChannelMapper.byAor(Pattern.compile("^sip:(?!agent)")));
        assertThat(agentRight.map(plain, TWO).order()).containsExactly(1, 0);
        // without metadata: m-line order
        assertThat(ChannelMapper.standard().map(RecordingMetadata.EMPTY, TWO).rules())
                .containsExactly("m-line-order", "m-line-order");
    }

    @Test
    void aMixedStreamNamesEveryoneOnItWithTheCallerFirst() throws Exception {
        // Metaswitch-style mono: one stream both parties send; 2000 (first in the document) was called
        String terminating = "<extensiondata><metaswitchRecordingMetadata><callType>terminating</callType>"
                + "<recordedParty>2000</recordedParty></metaswitchRecordingMetadata></extensiondata>";
        String mixed = twoParties("urn:ietf:params:xml:ns:recording", "2000", "5551230001", "", terminating)
                .replace("<stream stream_id='sb' session_id='s'><label>2</label></stream>", "")
                .replace("<send>sb</send>", "<send>sa</send>");
        RecordingMetadata md = md(mixed);
        assertThat(RecordingSessionManager.voicesOf(md, md.streamByLabel("1"), 1))
                .extracting(p -> p.nameIds().get(0).aor()).containsExactly("5551230001", "2000");
        // without a hint: document order; one unlabelled mixed stream: everyone
        RecordingMetadata plain = md(mixed.replace(terminating, ""));
        assertThat(RecordingSessionManager.voicesOf(plain, plain.streamByLabel("1"), 1))
                .extracting(RecordingMetadata.Participant::id).containsExactly("a", "b");
        assertThat(RecordingSessionManager.voicesOf(plain, null, 1)).hasSize(2);
        assertThat(RecordingSessionManager.voicesOf(plain, null, 2)).isEmpty();
        // a channel of one sender keeps one
        RecordingMetadata two = md(twoParties("urn:ietf:params:xml:ns:recording:1", "sip:a@x", "sip:b@x", "", ""));
        assertThat(RecordingSessionManager.voicesOf(two, two.streamByLabel("2"), 2))
                .extracting(RecordingMetadata.Participant::id).containsExactly("b");
        RecordedChannel c = new RecordedChannel(0, 0, "1", "sa", null, "PCMU/8000", "r",
                RecordingSessionManager.voicesOf(md, md.streamByLabel("1"), 1));
        assertThat(c.participant().nameIds().get(0).aor()).isEqualTo("5551230001");
        assertThat(c.participants()).hasSize(2);
    }
}
