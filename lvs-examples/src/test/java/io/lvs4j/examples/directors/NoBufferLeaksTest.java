package io.lvs4j.examples.directors;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The leak check the example tests run under does see a buffer that is never released. */
@ExtendWith(NoBufferLeaks.class)
class NoBufferLeaksTest {

    @Test
    void aBufferDroppedWithoutReleaseIsReported() throws InterruptedException {
        assertThat(NoBufferLeaks.collectLeaks()).isEmpty();
        leak();
        assertThat(NoBufferLeaks.collectLeaks()).as("the dropped buffer").isNotEmpty();
    }

    private static void leak() {
        ByteBuf b = UnpooledByteBufAllocator.DEFAULT.directBuffer(16);
        b.touch("NoBufferLeaksTest leaks this buffer on purpose; the LEAK report it causes is expected");
        b.writeInt(1); // dropped here without release(): a leak
    }
}
