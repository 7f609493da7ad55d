package io.lvs4j.failover;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Key files as an operator writes them, right and wrong. */
class KeyFileTest {

    @TempDir
    Path dir;

    @BeforeEach
    void posix() {
        assumeTrue(FileSystems.getDefault().supportedFileAttributeViews().contains("posix"), "needs POSIX modes");
    }

    private Path key(String name, int bytes, String mode) throws IOException {
        Path p = dir.resolve(name);
        Files.write(p, new byte[bytes]);
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(mode));
        return p;
    }

    @Test
    void aPrivateKeyOfSensibleSizeIsRead() throws IOException {
        assertThat(KeyFile.read(key("a.key", 32, "rw-------"))).hasSize(32);
        assertThat(KeyFile.read(key("b.key", 16, "r--------"))).hasSize(16);
        assertThat(KeyFile.read(key("c.key", 4096, "rw-------"))).hasSize(4096);
    }

    @Test
    void aKeyThatGroupOrOthersMayReadIsRefusedNamingTheFileAndItsMode() throws IOException {
        Path world = key("world.key", 32, "rw-r--r--");
        assertThatIllegalArgumentException().isThrownBy(() -> KeyFile.read(world))
                .withMessageStartingWith(world + " has mode 0644 (rw-r--r--): group or others")
                .withMessageEndingWith("chmod 600 " + world);
        Path group = key("group.key", 32, "rw-r-----");
        assertThatIllegalArgumentException().isThrownBy(() -> KeyFile.read(group))
                .withMessageStartingWith(group + " has mode 0640");
        Path writable = key("w.key", 32, "rw-----w-");
        assertThatIllegalArgumentException().isThrownBy(() -> KeyFile.read(writable))
                .withMessageStartingWith(writable + " has mode 0602");
    }

    @Test
    void tooLargeOrTooSmallIsRefused() throws IOException {
        Path big = key("big.key", 4097, "rw-------");
        assertThatIllegalArgumentException().isThrownBy(() -> KeyFile.read(big))
                .withMessageStartingWith(big + " holds more than 4096 bytes");
        Path small = key("small.key", 15, "rw-------");
        assertThatIllegalArgumentException().isThrownBy(() -> KeyFile.read(small))
                .withMessageStartingWith(small + " holds 15 bytes; a key needs at least 16");
        assertThatThrownBy(() -> KeyFile.read(dir.resolve("missing.key"))).isInstanceOf(IOException.class);
    }
}
