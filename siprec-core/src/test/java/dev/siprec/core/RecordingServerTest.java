package dev.siprec.core;

import org.junit.jupiter.api.AfterEach;

/** A test with a recording server of its own (started by the test) and a listener that records what it hears. */
abstract class RecordingServerTest {

    final EndToEndTest.Recorder recorder = new EndToEndTest.Recorder();
    SiprecServer server;

    @AfterEach
    void stopServer() {
        if (server != null) {
            server.close();
        }
    }
}
