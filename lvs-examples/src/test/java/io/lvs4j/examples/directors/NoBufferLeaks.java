package io.lvs4j.examples.directors;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Fails a test class when Netty's leak detector (at {@code paranoid} in every test run) reports a buffer that was
 * never released, in the directors, servers or checks the class ran.
 */
final class NoBufferLeaks implements BeforeAllCallback, AfterAllCallback {

    private static final List<String> LEAKS = new CopyOnWriteArrayList<>();

    @Override
    public void beforeAll(ExtensionContext context) {
        ByteBufUtil.setLeakListener((type, records) -> LEAKS.add(type + ": " + records));
    }

    @Override
    public void afterAll(ExtensionContext context) throws InterruptedException {
        assertThat(collectLeaks()).as("Netty buffer leaks in %s", context.getDisplayName()).isEmpty();
    }

    /** The leaks reported since the last call, after giving the detector the chance to find collected buffers. */
    static List<String> collectLeaks() throws InterruptedException {
        // the detector learns of a leak only when a later allocation finds the collected buffer's reference queued
        for (int i = 0; i < 5; i++) {
            System.gc();
            Thread.sleep(20);
            for (int j = 0; j < 100; j++) {
                UnpooledByteBufAllocator.DEFAULT.directBuffer(64).release();
            }
        }
        List<String> found = List.copyOf(LEAKS);
        LEAKS.removeAll(found);
        return found;
    }
}
