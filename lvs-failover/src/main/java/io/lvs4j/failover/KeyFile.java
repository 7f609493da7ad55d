package io.lvs4j.failover;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Reads a failover group's shared key from a file, as ssh reads a private key: the file's bytes are the key, and a
 * file that group or others may read or write is refused (on file systems with POSIX permissions), as is one outside
 * {@value #MIN_BYTES}..{@value #MAX_BYTES} bytes. Create one with
 * {@code (umask 077; head -c 32 /dev/urandom > group.key)}.
 */
public final class KeyFile {

    /** The smallest key: {@value} bytes. */
    public static final int MIN_BYTES = 16;
    /** The largest key file: {@value} bytes (a key is 32 random bytes; anything much larger is the wrong file). */
    public static final int MAX_BYTES = 4096;

    private KeyFile() {
    }

    /**
     * The key in {@code path}.
     *
     * @throws IllegalArgumentException naming the file when group or others have any permission on it (with its mode
     *     and the chmod that fixes it), or when it holds fewer than {@value #MIN_BYTES} or more than
     *     {@value #MAX_BYTES} bytes
     * @throws IOException when it cannot be read
     */
    public static byte[] read(Path path) throws IOException {
        PosixFileAttributeView posix = Files.getFileAttributeView(path, PosixFileAttributeView.class);
        if (posix != null) {
            Set<PosixFilePermission> mode = posix.readAttributes().permissions();
            if (!mode.stream().allMatch(p -> p.name().startsWith("OWNER_"))) {
                throw new IllegalArgumentException(path + " has mode " + octal(mode) + " ("
                        + PosixFilePermissions.toString(mode) + "): group or others can read or change the key, so "
                        + "it is refused, as ssh refuses such a private key; chmod 600 " + path);
            }
        }
        byte[] key;
        try (InputStream in = Files.newInputStream(path)) {
            key = in.readNBytes(MAX_BYTES + 1); // never more, whatever the file is
        }
        if (key.length > MAX_BYTES) {
            throw new IllegalArgumentException(path + " holds more than " + MAX_BYTES + " bytes: not a key file "
                    + "(a key is 16 to " + MAX_BYTES + " bytes, e.g. head -c 32 /dev/urandom)");
        }
        if (key.length < MIN_BYTES) {
            throw new IllegalArgumentException(path + " holds " + key.length + " bytes; a key needs at least "
                    + MIN_BYTES + " (e.g. head -c 32 /dev/urandom > " + path.getFileName() + ")");
        }
        return key;
    }

    private static String octal(Set<PosixFilePermission> mode) {
        int bits = 0;
        for (PosixFilePermission p : mode) {
            bits |= 1 << (8 - p.ordinal()); // OWNER_READ is ordinal 0: 0400
        }
        return String.format("0%03o", bits);
    }
}
