package io.lvs4j.keepalived;

/**
 * A problem found in a keepalived.conf: an error (the file is refused) or a warning (a keyword lvs4j reads but does
 * not act on, for instance).
 *
 * @param error whether the file is refused for it
 * @param position where it is
 * @param message what is wrong, naming the keyword or value
 */
public record ConfigProblem(boolean error, ConfigPosition position, String message) {

    /** {@code file:line:column: error: message} (or {@code warning:}). */
    @Override
    public String toString() {
        return position + ": " + (error ? "error: " : "warning: ") + message;
    }
}
