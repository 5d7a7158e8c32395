package dev.siprec.core;

import java.util.ArrayDeque;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Carries one session's listener calls from its event loop to the delivery threads, so that
 * a slow application never holds up the network: in order, one call at a time per session.
 *
 * <p>Audio frames are copied into pooled buffers (no allocation once the pool has grown to the
 * queue's working depth). At most {@code maxFrames} wait; a frame that finds the queue full is
 * dropped and counted, and the ones after it keep their timeline positions, so the application
 * can tell the gap and the recording stays in sync. Other calls (start, metadata, DTMF, end)
 * are never dropped.
 *
 * <p>Threads: one producer, the session's event loop ({@link #offerFrame}, {@link #offer}); one
 * consumer at a time, whichever delivery thread runs {@link #run} (a session is scheduled at
 * most once). The queue is guarded by this object's monitor, held only to move items.
 */
final class SessionDelivery implements Runnable {

    private static final Logger log = LoggerFactory.getLogger(SessionDelivery.class);
    private static final int BATCH = 32; // items per turn before yielding the thread to other sessions

    /** A copied frame waiting for the application. */
    static final class QueuedFrame {
        final short[] samples;
        final long[] arrivalNanos;
        long position;
        int samplesPerChannel;
        long concealedChannels;

        QueuedFrame(int samples, int channels) {
            this.samples = new short[samples];
            this.arrivalNanos = new long[channels];
        }
    }

    /** Receives the frames in order on a delivery thread. */
    interface FrameHandler {
        /** The frame is the handler's only during the call. */
        void deliver(QueuedFrame frame);
    }

    private final String sessionId;
    private final Executor executor;
    private final FrameHandler handler;
    private final int maxFrames;
    private final int channels;
    private final ArrayDeque<Object> queue = new ArrayDeque<>(); // QueuedFrame or Runnable
    private final ArrayDeque<QueuedFrame> free = new ArrayDeque<>();
    private int framesQueued;
    private boolean scheduled;
    private long framesDropped;
    private long framesDelivered;
    private int mostQueued;
    private boolean dropLogged;

    SessionDelivery(String sessionId, Executor executor, FrameHandler handler, int maxFrames, int channels) {
        this.sessionId = sessionId;
        this.executor = executor;
        this.handler = handler;
        this.maxFrames = Math.max(1, maxFrames);
        this.channels = channels;
    }

    /**
     * Queues a copy of a frame; on the session's loop.
     *
     * @return false when the queue was full and the frame was dropped (counted)
     */
    boolean offerFrame(long position, short[] samples, int samplesPerChannel, long concealedChannels,
                       long[] arrivalNanos) {
        QueuedFrame f;
        synchronized (this) {
            if (framesQueued >= maxFrames) {
                framesDropped++;
                if (!dropLogged) {
                    dropLogged = true; // once per session: the count tells the rest
                    log.warn("session {}: the RecordingListener is slower than real time; {} frames queued, "
                            + "dropping frames (counted in deliveryStats().framesDropped())", sessionId, maxFrames);
                }
                return false;
            }
            f = free.poll();
        }
        int n = samplesPerChannel * channels;
        if (f == null || f.samples.length < n) {
            f = new QueuedFrame(n, channels);
        }
        System.arraycopy(samples, 0, f.samples, 0, n);
        System.arraycopy(arrivalNanos, 0, f.arrivalNanos, 0, channels);
        f.position = position;
        f.samplesPerChannel = samplesPerChannel;
        f.concealedChannels = concealedChannels;
        enqueue(f, true);
        return true;
    }

    /** Queues any other listener call; never dropped. */
    void offer(Runnable call) {
        enqueue(call, false);
    }

    private void enqueue(Object item, boolean frame) {
        boolean schedule;
        synchronized (this) {
            queue.add(item);
            if (frame) {
                framesQueued++;
                mostQueued = Math.max(mostQueued, framesQueued);
            }
            schedule = !scheduled;
            scheduled = true;
        }
        if (schedule) {
            schedule();
        }
    }

    private void schedule() {
        try {
            executor.execute(this);
        } catch (RejectedExecutionException e) {
            run(); // the delivery threads are gone (server closing): deliver here rather than lose it
        }
    }

    /** Delivers up to a batch of queued calls, then lets other sessions have the thread. */
    @Override
    public void run() {
        for (int i = 0; i < BATCH; i++) {
            Object item;
            synchronized (this) {
                item = queue.poll();
                if (item == null) {
                    scheduled = false;
                    return;
                }
            }
            if (item instanceof QueuedFrame f) {
                try {
                    handler.deliver(f);
                } finally {
                    synchronized (this) {
                        framesQueued--;
                        framesDelivered++;
                        free.add(f);
                    }
                }
            } else {
                ((Runnable) item).run();
            }
        }
        schedule(); // more left: back of the line
    }

    /** The counters so far. */
    synchronized DeliveryStats stats(LatencyStats latency) {
        return new DeliveryStats(framesDelivered, framesDropped, mostQueued, latency);
    }
}
