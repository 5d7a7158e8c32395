package dev.siprec.core.metadata;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class RecordingMetadataTest {

    static RecordingMetadata parse(String xml) throws MetadataException {
        return new MetadataParser().parse(xml.getBytes(StandardCharsets.UTF_8));
    }

    static final String COMPLETE = """
            <recording xmlns='urn:ietf:params:xml:ns:recording:1'>
              <datamode>complete</datamode>
              <session session_id='s'/>
              <participant participant_id='alice'><nameID aor='sip:alice@x'/></participant>
              <participant participant_id='bob'><nameID aor='sip:bob@x'/></participant>
              <stream stream_id='s1' session_id='s'><label>1</label></stream>
              <stream stream_id='s2' session_id='s'><label>2</label></stream>
              <participantsessionassoc participant_id='bob' session_id='s'><associate-time>t0</associate-time></participantsessionassoc>
              <participantstreamassoc participant_id='alice'><send>s1</send></participantstreamassoc>
              <participantstreamassoc participant_id='bob'><send>s2</send></participantstreamassoc>
            </recording>
            """;

    /** The transfer of the kit's re-INVITE scenario: Bob leaves, Carol joins on Bob's stream. */
    static final String TRANSFER = """
            <recording xmlns='urn:ietf:params:xml:ns:recording:1'>
              <datamode>partial</datamode>
              <participant participant_id='carol'><nameID aor='sip:carol@y'><name>Carol</name></nameID></participant>
              <participantsessionassoc participant_id='bob' session_id='s'>
                <associate-time>t0</associate-time><disassociate-time>t1</disassociate-time>
              </participantsessionassoc>
              <participantsessionassoc participant_id='carol' session_id='s'><associate-time>t1</associate-time></participantsessionassoc>
              <participantstreamassoc participant_id='bob'/>
              <participantstreamassoc participant_id='carol'><send>s2</send></participantstreamassoc>
            </recording>
            """;

    @Test
    void aPartialUpdateIsMergedIntoTheStoredModel() throws Exception {
        RecordingMetadata before = parse(COMPLETE);
        RecordingMetadata update = parse(TRANSFER);
        RecordingMetadata merged = before.apply(update);
        assertThat(merged.dataMode()).isEqualTo("complete");
        assertThat(merged.participants()).extracting(RecordingMetadata.Participant::id)
                .containsExactly("alice", "bob", "carol");
        assertThat(merged.streams()).hasSize(2);
        assertThat(merged.senderOf("s2").id()).isEqualTo("carol");
        assertThat(merged.streamsSentBy("bob")).isEmpty();
        assertThat(merged.participantSessionAssocs()).hasSize(2);
        assertThat(merged.participantSessionAssocs().get(0).disassociateTime()).isEqualTo("t1");
        MetadataChange change = MetadataChange.between(before, update, merged);
        assertThat(change.partial()).isTrue();
        assertThat(change.participantsAdded()).containsExactly("carol");
        assertThat(change.participantsLeft()).containsExactly("bob");
        assertThat(change.participantsChanged()).isEmpty();
        assertThat(change.streamsAdded()).isEmpty();
    }

    @Test
    void correlationValuesForStitchingTransfers() throws Exception {
        RecordingMetadata md = parse("""
                <recording xmlns='urn:ietf:params:xml:ns:recording:1'>
                  <group group_id='grp-7'><associate-time>t</associate-time></group>
                  <session session_id='s1'><sipSessionID>aaa;remote=bbb</sipSessionID><group-ref>grp-7</group-ref></session>
                  <session session_id='s2'><sipSessionID>ccc;remote=ddd</sipSessionID></session>
                  <netsapiensExtension xmlns='http://schema.netsapiens.com/netsapiensSipRec' version='1.1'>
                    <groupSeq>3</groupSeq><byAction>XferSup</byAction>
                  </netsapiensExtension>
                </recording>
                """);
        assertThat(md.groupId()).isEqualTo("grp-7");
        assertThat(md.sipSessionIds()).containsExactly("aaa;remote=bbb", "ccc;remote=ddd");
        assertThat(md.extensionValue("groupSeq")).isEqualTo("3");
        assertThat(md.extensionValue("byAction")).isEqualTo("XferSup");
        assertThat(md.extensionValue("nothing")).isNull();
        assertThat(RecordingMetadata.EMPTY.groupId()).isNull();
    }

    @Test
    void aCompleteUpdateReplacesEverything() throws Exception {
        RecordingMetadata before = parse(COMPLETE);
        RecordingMetadata update = parse(COMPLETE.replace("sip:bob@x", "sip:robert@x")
                .replace("<stream stream_id='s2'", "<stream stream_id='s3' session_id='s'><label>3</label></stream>"
                        + "<stream stream_id='s2'"));
        RecordingMetadata merged = before.apply(update);
        assertThat(merged).isSameAs(update);
        MetadataChange change = MetadataChange.between(before, update, merged);
        assertThat(change.partial()).isFalse();
        assertThat(change.participantsChanged()).containsExactly("bob");
        assertThat(change.streamsAdded()).containsExactly("s3");
    }
}
