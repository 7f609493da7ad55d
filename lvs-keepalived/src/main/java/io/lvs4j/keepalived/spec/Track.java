package io.lvs4j.keepalived.spec;

import java.time.Duration;
import java.util.List;

/**
 * A tracked vrrp_script.
 *
 * @param script the vrrp_script's name
 * @param command its command, in words
 * @param interval its interval
 * @param timeout its timeout
 * @param weight the weight (the track_script line's, else the script's): 0 puts the instance in FAULT while the
 *     script fails; above 0 is added to the priority while it succeeds; below 0 is added while it fails
 * @param rise successes in a row before it counts as up
 * @param fall failures in a row before it counts as down
 */
public record Track(String script, List<String> command, Duration interval, Duration timeout, int weight,
        int rise, int fall) {
    /**
     * Copies the list and checks the times and counts.
     *
     * @throws IllegalArgumentException when interval or timeout is under 1 ms, or rise or fall under 1
     */
    public Track {
        command = List.copyOf(command);
        if (interval.toMillis() < 1 || timeout.toMillis() < 1) {
            throw new IllegalArgumentException("vrrp_script " + script + ": interval and timeout must be at "
                    + "least 0.001 s but were " + interval + " and " + timeout);
        }
        if (rise < 1 || fall < 1) {
            throw new IllegalArgumentException("vrrp_script " + script + ": rise and fall must be at least 1 but "
                    + "were " + rise + " and " + fall);
        }
    }
}
