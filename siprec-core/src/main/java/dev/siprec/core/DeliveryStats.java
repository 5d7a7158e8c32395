package dev.siprec.core;

/**
 * How a session's audio reached the application: frames are queued from the network threads to
 * the delivery threads, and a listener slower than real time loses frames rather than holding
 * up the network (see {@link SiprecServer.Builder#deliveryQueue}).
 *
 * @param framesDelivered frames passed to {@link RecordingListener#onAudio}
 * @param framesDropped frames dropped because the session's queue was full (the listener fell
 *     behind); the frames after a drop keep their {@link AudioFrame#position()}, so the gap is
 *     visible and the timeline stays in sync
 * @param mostFramesQueued the deepest the session's queue has been
 * @param latency from the arrival of the oldest packet in a frame to the start of its
 *     {@code onAudio} call, over every channel (it includes the playout delay)
 */
public record DeliveryStats(long framesDelivered, long framesDropped, int mostFramesQueued, LatencyStats latency) {
}
