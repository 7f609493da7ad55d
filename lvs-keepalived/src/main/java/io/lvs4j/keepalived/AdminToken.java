package io.lvs4j.keepalived;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * The admin endpoint's bearer token: 32 random bytes in hexadecimal, written by the director to a file only its user
 * can read ({@code rw-------} in a {@code rwx------} folder), where {@code lvs4j status} on the same host finds it.
 */
public final class AdminToken {

    private static final SecureRandom RANDOM = new SecureRandom();

    private AdminToken() {
    }

    /** A new token. */
    public static String create() {
        byte[] b = new byte[32];
        RANDOM.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    /**
     * Where the director listening on admin port {@code port} keeps its token: {@code $LVS4J_HOME/admin-PORT.token},
     * {@code LVS4J_HOME} defaulting to {@code ~/.lvs4j}.
     */
    public static Path defaultFile(int port) {
        return home().resolve("admin-" + port + ".token");
    }

    /** {@code $LVS4J_HOME}, defaulting to {@code ~/.lvs4j}. */
    static Path home() {
        String home = System.getenv("LVS4J_HOME");
        return home != null && !home.isBlank() ? Path.of(home) : Path.of(System.getProperty("user.home"), ".lvs4j");
    }

    /** Writes {@code token} to {@code file}, readable by this user only, replacing what was there. */
    public static void write(Path file, String token) throws IOException {
        writePrivately(file, (token + "\n").getBytes(StandardCharsets.US_ASCII));
    }

    /**
     * Replaces {@code file} at once (a reader sees the old content or the new, never part) with {@code content},
     * readable by this user only; makes its folder (0700) when missing.
     */
    static void writePrivately(Path file, byte[] content) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        boolean posix = dir.getFileSystem().supportedFileAttributeViews().contains("posix");
        if (!Files.isDirectory(dir)) {
            if (posix) {
                try {
                    Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(
                            PosixFilePermissions.fromString("rwx------")));
                } catch (FileAlreadyExistsException e) {
                    // made meanwhile
                }
            } else {
                Files.createDirectories(dir);
            }
        }
        Path tmp = dir.resolve(file.getFileName() + "." + ProcessHandle.current().pid() + ".tmp");
        Files.deleteIfExists(tmp);
        if (posix) {
            Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } else {
            Files.createFile(tmp);
        }
        Files.write(tmp, content);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /**
     * Reads the token in {@code file}.
     *
     * @throws IOException naming the file when it cannot be read or holds no token
     */
    public static String read(Path file) throws IOException {
        String t;
        try {
            t = Files.readString(file, StandardCharsets.US_ASCII).strip();
        } catch (IOException e) {
            throw new IOException("cannot read the admin token in " + file + " (" + e.getMessage() + "); is a "
                    + "director running on this host with that admin port, as this user?", e);
        }
        if (!t.matches("[0-9a-f]{64}")) {
            throw new IOException(file + " holds no admin token (64 hexadecimal digits)");
        }
        return t;
    }

    /** Whether {@code presented} equals {@code token}, in time that does not depend on where they differ. */
    static boolean matches(String token, String presented) {
        return MessageDigest.isEqual(token.getBytes(StandardCharsets.US_ASCII),
                presented.getBytes(StandardCharsets.US_ASCII));
    }
}
