package dev.forestwatch.streams.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import org.junit.jupiter.api.Test;

class ProcessCpuTest {

    @Test
    void countsTheCpuThisThreadBurns() {
        final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        final ProcessCpu self = ProcessCpu.self();
        final long processBefore = self.nanos();
        final long threadBefore = threads.getCurrentThreadCpuTime();
        double x = 1;
        while (threads.getCurrentThreadCpuTime() - threadBefore < 300_000_000L) {
            x = Math.sin(x) + 1;
        }
        final long burnt = threads.getCurrentThreadCpuTime() - threadBefore;

        // the process counts at least this thread's time, give or take a 10 ms clock tick at each end
        assertThat(self.nanos() - processBefore).isGreaterThanOrEqualTo(burnt - 2 * 10_000_000L);
        assertThat(x).isPositive();
    }

    @Test
    void aProcessThatIsGoneFailsWithItsPid() {
        final ProcessCpu gone = new ProcessCpu(Long.MAX_VALUE);

        assertThatThrownBy(gone::nanos).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(Long.toString(Long.MAX_VALUE));
    }
}
