package io.lvs4j.keepalived;

/** A keepalived.conf that cannot be used, with the place of the first problem. */
public final class ConfigException extends Exception {

    private static final long serialVersionUID = 1L;

    private final ConfigPosition position;

    /** A problem at {@code position}. */
    public ConfigException(ConfigPosition position, String message) {
        super(position + ": " + message);
        this.position = position;
    }

    /** Where the problem is. */
    public ConfigPosition position() {
        return position;
    }
}
