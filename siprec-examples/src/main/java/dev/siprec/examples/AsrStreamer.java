package dev.siprec.examples;

import dev.siprec.core.AudioFrame;
import dev.siprec.core.EndReason;
import dev.siprec.core.RecordingListener;
import dev.siprec.core.RecordingSession;
import dev.siprec.core.metadata.MetadataChange;
import dev.siprec.core.metadata.RecordingMetadata;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Streams each session's stereo PCM live to a real-time speech recognition service over
 * WebSocket (the JDK's {@code java.net.http} client, no other dependency): one connection per
 * session, a JSON {@code start} message, then every frame as binary {@code linear16}, JSON
 * {@code metadata} on updates, and a JSON {@code end} before a normal close (see
 * {@link SessionEvents}).
 *
 * <p><b>Back-pressure.</b> The listener never blocks the recorder: frames wait in a bounded
 * queue per session ({@code maxQueuedFrames}, 10 s by default) while the previous send is in
 * flight; when the service falls further behind, the oldest frames are dropped and counted
 * (the {@code end} message says how many). <b>Reconnect.</b> When the connection fails or the
 * service closes it before the end, the streamer reconnects with a growing delay (0.25 s
 * doubling to 4 s) and sends a new {@code start} with {@code "resumed": true} and the
 * {@code position} (in samples) of the audio that follows, then the frames it queued meanwhile.
 */
public final class AsrStreamer implements RecordingListener, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(AsrStreamer.class);

    private final URI service;
    private final int maxQueuedFrames;
    private final int maxAttempts;
    private final HttpClient http = HttpClient.newHttpClient();
    private final ScheduledExecutorService retries = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "asr-reconnect");
        t.setDaemon(true);
        return t;
    });
    private final Map<String, Connection> connections = new ConcurrentHashMap<>();
    private final java.util.Set<Connection> live = ConcurrentHashMap.newKeySet(); // not yet closed
    private final LongAdder framesDropped = new LongAdder();
    private final LongAdder reconnects = new LongAdder();

    /** Streams to {@code service} (ws:// or wss://), queueing up to 10 s per session, reconnecting up to 20 times. */
    public AsrStreamer(URI service) {
        this(service, 500, 20);
    }

    AsrStreamer(URI service, int maxQueuedFrames, int maxAttempts) {
        this.service = service;
        this.maxQueuedFrames = maxQueuedFrames;
        this.maxAttempts = maxAttempts;
    }

    /** Frames dropped because a service fell behind, over all sessions. */
    public long framesDropped() {
        return framesDropped.sum();
    }

    /** Connections made again after a failure or an early close. */
    public long reconnects() {
        return reconnects.sum();
    }

    @Override
    public void onSessionStarted(RecordingSession session) {
        Connection c = new Connection(session);
        connections.put(session.id(), c);
        live.add(c);
        c.connect();
    }

    @Override
    public void onAudio(RecordingSession session, AudioFrame frame) {
        Connection c = connections.get(session.id());
        if (c != null) {
            c.offerFrame(frame.position(), SessionEvents.linear16(frame));
        }
    }

    @Override
    public void onMetadataUpdated(RecordingSession session, RecordingMetadata metadata, MetadataChange change) {
        Connection c = connections.get(session.id());
        if (c != null) {
            c.offerText(Json.write(SessionEvents.metadata(session, metadata)));
        }
    }

    @Override
    public void onSessionEnded(RecordingSession session, EndReason reason) {
        Connection c = connections.remove(session.id());
        if (c != null) {
            c.end(reason);
        }
    }

    /**
     * Gives the sessions that ended up to 2 s to send their {@code end} and close, then
     * aborts what is left.
     */
    @Override
    public void close() {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
        while (!live.isEmpty() && connections.isEmpty() && System.nanoTime() < deadline) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        retries.shutdownNow();
        live.forEach(Connection::abort);
    }

    /** One session's WebSocket: a queue of messages and one send in flight at most. */
    private final class Connection implements WebSocket.Listener {
        private final RecordingSession session;
        // guarded by this: what waits to be sent (String: text; Frame: audio)
        private final ArrayDeque<Object> queue = new ArrayDeque<>();
        private int queuedFrames;
        private WebSocket socket;
        private boolean sending;
        private boolean connecting = true; // a connect is under way or scheduled
        private boolean ending;
        private boolean closed;
        private int attempts;
        private long nextPosition; // the position of the next frame to send
        private long dropped;

        Connection(RecordingSession session) {
            this.session = session;
        }

        void connect() {
            http.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5)).buildAsync(service, this)
                    .whenComplete((ws, error) -> {
                        if (error != null) {
                            synchronized (this) {
                                connecting = false;
                            }
                            retry("connect: " + error.getMessage());
                            return;
                        }
                        synchronized (this) {
                            if (closed) {
                                ws.abort();
                                return;
                            }
                            socket = ws;
                            // the start goes first, before what was queued while disconnected
                            connecting = false;
                            queue.addFirst(new Start(Json.write(SessionEvents.start(session, positionOfNext(),
                                    attempts > 0))));
                        }
                        pump();
                    });
        }

        private long positionOfNext() {
            for (Object o : queue) {
                if (o instanceof Frame f) {
                    return f.position;
                }
            }
            return nextPosition;
        }

        void offerFrame(long position, byte[] pcm) {
            synchronized (this) {
                if (closed || ending) {
                    return;
                }
                if (queuedFrames >= maxQueuedFrames) {
                    dropOldestFrame();
                }
                queue.add(new Frame(position, pcm));
                queuedFrames++;
            }
            pump();
        }

        private void dropOldestFrame() {
            for (var it = queue.iterator(); it.hasNext();) {
                if (it.next() instanceof Frame) {
                    it.remove();
                    queuedFrames--;
                    dropped++;
                    framesDropped.increment();
                    return;
                }
            }
        }

        void offerText(String json) {
            synchronized (this) {
                if (closed || ending) {
                    return;
                }
                queue.add(json);
            }
            pump();
        }

        void end(EndReason reason) {
            synchronized (this) {
                if (closed) {
                    return;
                }
                ending = true;
                queue.add(new End(Json.write(SessionEvents.end(session, reason, dropped))));
            }
            pump();
        }

        void abort() {
            WebSocket ws;
            synchronized (this) {
                closed = true;
                ws = socket;
            }
            if (ws != null) {
                ws.abort();
            }
        }

        /** Sends the head of the queue when nothing is in flight (the JDK allows one send at a time). */
        private void pump() {
            Object next;
            WebSocket ws;
            synchronized (this) {
                if (sending || socket == null || closed || queue.isEmpty()) {
                    return;
                }
                ws = socket;
                next = queue.poll();
                if (next instanceof Frame f) {
                    queuedFrames--;
                    nextPosition = f.position + f.pcm.length / 2 / Math.max(1, session.channels().size());
                }
                sending = true;
            }
            CompletableFuture<WebSocket> sent;
            if (next instanceof Frame f) {
                sent = ws.sendBinary(ByteBuffer.wrap(f.pcm), true);
            } else if (next instanceof End e) {
                sent = ws.sendText(e.json, true).thenCompose(w -> w.sendClose(WebSocket.NORMAL_CLOSURE, "session ended"));
            } else if (next instanceof Start st) {
                sent = ws.sendText(st.json, true);
            } else {
                sent = ws.sendText((String) next, true);
            }
            sent.whenComplete((w, error) -> {
                boolean finished = next instanceof End;
                synchronized (this) {
                    sending = false;
                    if (error != null && !finished) {
                        requeue(next);
                        if (socket == ws) {
                            socket = null; // no other send may start on it before the reconnect
                        }
                    }
                    if (finished && error == null) {
                        closed = true;
                        live.remove(this);
                    }
                }
                if (error != null && !finished) {
                    retry("send: " + error.getMessage());
                } else if (!finished) {
                    pump();
                }
            });
        }

        private void requeue(Object message) {
            if (message instanceof Frame) {
                queuedFrames++;
                queue.addFirst(message);
            } else if (!(message instanceof Start)) {
                queue.addFirst(message); // a start is made anew on reconnecting
            }
        }

        private void retry(String why) {
            int attempt;
            synchronized (this) {
                if (closed || connecting || socket != null) {
                    return; // already reconnecting (a failed send and the socket's error both report)
                }
                connecting = true;
                attempt = ++attempts;
                if (attempt > maxAttempts) {
                    closed = true;
                    live.remove(this);
                    log.warn("session {}: giving up on {} after {} attempts ({})", session.id(), service, maxAttempts, why);
                    return;
                }
            }
            long delay = Math.min(4000, 250L << Math.min(4, attempt - 1));
            log.info("session {}: stream to {} lost ({}); reconnecting in {} ms", session.id(), service, why, delay);
            reconnects.increment();
            retries.schedule(this::connect, delay, TimeUnit.MILLISECONDS);
        }

        @Override
        public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
            boolean early;
            synchronized (this) {
                early = !closed && socket == ws;
                if (socket == ws) {
                    socket = null;
                }
            }
            if (early) {
                retry("closed by the service: " + statusCode + " " + reason);
            }
            return null;
        }

        @Override
        public void onError(WebSocket ws, Throwable error) {
            boolean early;
            synchronized (this) {
                early = !closed && socket == ws;
                if (socket == ws) {
                    socket = null;
                }
            }
            if (early) {
                retry(String.valueOf(error.getMessage()));
            }
        }

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            ws.request(1); // results from the service: the example only reads them away
            return null;
        }
    }

    private record Frame(long position, byte[] pcm) {
    }

    private record End(String json) {
    }

    private record Start(String json) {
    }
}
