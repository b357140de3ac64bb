package dev.forestwatch.streams.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import org.junit.jupiter.api.Test;

class RunQueueTest {

    @Test
    void readsTheTimeOnACpuAndTheTimeWaitingForOne() {
        assertThat(RunQueue.parse("4132860107 6870150873 7359\n"))
                .isEqualTo(new RunQueue.Times(4_132_860_107L, 6_870_150_873L));
    }

    @Test
    void findsThisThreadAndCountsTheCpuItBurns() {
        final Long tid = RunQueue.nativeIds().get(Thread.currentThread().getName());
        assertThat(tid).isNotNull();
        final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        final RunQueue.Times before = RunQueue.of(tid);
        final long threadBefore = threads.getCurrentThreadCpuTime();
        double x = 1;
        while (threads.getCurrentThreadCpuTime() - threadBefore < 200_000_000L) {
            x = Math.sin(x) + 1;
        }
        final long burnt = threads.getCurrentThreadCpuTime() - threadBefore;

        final RunQueue.Times spent = RunQueue.of(tid).minus(before);

        // the kernel's count of this very thread: at least what the JVM says it burnt, less a scheduler tick
        assertThat(spent.onCpuNanos()).isGreaterThanOrEqualTo(burnt - 10_000_000L);
        assertThat(spent.waitingNanos()).isNotNegative();
        assertThat(x).isPositive();
    }

    @Test
    void aThreadThatHasEndedCountsNothing() {
        assertThat(RunQueue.of(Integer.MAX_VALUE)).isEqualTo(new RunQueue.Times(0, 0));
    }
}
