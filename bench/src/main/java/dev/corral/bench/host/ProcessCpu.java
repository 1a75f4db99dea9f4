package dev.corral.bench.host;

import dev.corral.bench.BenchException;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;

/**
 * CPU time used by this JVM, from {@code /proc/self/stat}: its own threads (the server's and the load client's
 * alike, as both run here), and its children that ended and were reaped (runc, and what runc itself waited for:
 * its init stages and the command it ran). Resolution is one clock tick, 10 ms.
 */
public record ProcessCpu(Duration self, Duration children) {
    public static final ProcessCpu ZERO = new ProcessCpu(Duration.ZERO, Duration.ZERO);
    /** USER_HZ, which Linux fixes at 100 on every architecture the JDK runs on. */
    private static final long TICKS_PER_SECOND = 100;

    public static ProcessCpu read() {
        String stat;
        try {
            stat = KernelFiles.read(Path.of("/proc/self/stat"));
        } catch (IOException e) {
            throw new BenchException("cannot read /proc/self/stat: " + e, e);
        }
        // The command name in parentheses may hold blanks; the fields after it are fixed: utime is the 14th.
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return new ProcessCpu(ticks(fields[11]).plus(ticks(fields[12])), ticks(fields[13]).plus(ticks(fields[14])));
    }

    /** What was used from {@code earlier} to this reading. */
    public ProcessCpu since(ProcessCpu earlier) {
        return new ProcessCpu(self.minus(earlier.self), children.minus(earlier.children));
    }

    public ProcessCpu plus(ProcessCpu other) {
        return new ProcessCpu(self.plus(other.self), children.plus(other.children));
    }

    private static Duration ticks(String field) {
        return Duration.ofMillis(Long.parseLong(field) * 1000 / TICKS_PER_SECOND);
    }
}
