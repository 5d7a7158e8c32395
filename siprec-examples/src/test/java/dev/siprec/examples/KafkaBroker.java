package dev.siprec.examples;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real single-node Kafka broker in KRaft mode (broker and controller in one process), started
 * from the Kafka jars on the test class path (Maven Central's {@code kafka_2.13}): its storage
 * is formatted with {@code kafka.tools.StorageTool}, then {@code kafka.Kafka} runs as a process
 * of its own on loopback ports, and is killed on close.
 */
final class KafkaBroker implements AutoCloseable {

    private final Process process;
    private final int port;
    final Path log;

    KafkaBroker(Path dir) throws IOException, InterruptedException {
        port = freePort();
        int controller = freePort();
        Path config = dir.resolve("server.properties");
        Files.writeString(config, String.join("\n",
                "process.roles=broker,controller",
                "node.id=1",
                "controller.quorum.voters=1@127.0.0.1:" + controller,
                "listeners=PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controller,
                "advertised.listeners=PLAINTEXT://127.0.0.1:" + port,
                "controller.listener.names=CONTROLLER",
                "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
                "log.dirs=" + dir.resolve("data"),
                "num.partitions=3",
                "auto.create.topics.enable=true",
                "offsets.topic.replication.factor=1",
                "transaction.state.log.replication.factor=1",
                "transaction.state.log.min.isr=1",
                "share.coordinator.state.topic.replication.factor=1",
                "share.coordinator.state.topic.min.isr=1",
                "group.initial.rebalance.delay.ms=0") + "\n");
        log = dir.resolve("broker.log");
        String clusterId = org.apache.kafka.common.Uuid.randomUuid().toString();
        Process format = java(List.of("kafka.tools.StorageTool", "format", "-t", clusterId, "-c", config.toString()))
                .redirectOutput(dir.resolve("format.log").toFile()).redirectErrorStream(true).start();
        if (!format.waitFor(60, TimeUnit.SECONDS) || format.exitValue() != 0) {
            format.destroyForcibly();
            throw new IOException("kafka storage format failed: " + Files.readString(dir.resolve("format.log")));
        }
        process = java(List.of("kafka.Kafka", config.toString())).redirectOutput(log.toFile())
                .redirectErrorStream(true).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!listening()) {
            if (!process.isAlive() || System.nanoTime() > deadline) {
                process.destroyForcibly();
                throw new IOException("kafka broker did not start: " + tail());
            }
            Thread.sleep(100);
        }
    }

    private static ProcessBuilder java(List<String> args) {
        List<String> cmd = new java.util.ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx512m",
                "-cp", System.getProperty("java.class.path")));
        cmd.addAll(args);
        return new ProcessBuilder(cmd);
    }

    private boolean listening() {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    String tail() throws IOException {
        String all = Files.exists(log) ? Files.readString(log) : "";
        return all.substring(Math.max(0, all.length() - 4000));
    }

    /** {@code host:port} for the clients. */
    String bootstrap() {
        return "127.0.0.1:" + port;
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}
