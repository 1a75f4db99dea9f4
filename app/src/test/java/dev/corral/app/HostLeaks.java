package dev.corral.app;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * What one data directory's sandboxes hold on this host, read from the host itself rather than from Corral:
 * containers in runc's state directory, mounts and loop devices below the data directory, cgroups below Corral's
 * parent, and processes in those cgroups. {@link #except} lists what does not belong to the sandboxes that should
 * still be there: what a crash or a delete leaked. Other Corrals (other tests) share the host; only this data
 * directory's entries and the given sandbox ids are looked at.
 */
record HostLeaks(List<String> containers, List<String> mounts, List<String> loopDevices, List<String> cgroups,
                 List<String> processes) {
    private static final Path CGROUP_ROOT = Path.of("/sys/fs/cgroup");
    private static final String CGROUP_PARENT = "corral";
    private static final Pattern SANDBOX_ID = Pattern.compile("sandbox-[a-z0-9]{12}");

    /**
     * Everything of {@code dataDir}'s sandboxes, and of the sandboxes named in {@code ids}, that belongs to no
     * sandbox in {@code alive} (nor to a workspace, which outlives sandboxes).
     */
    static HostLeaks except(Path dataDir, Collection<String> ids, Set<String> alive) {
        Path runtime = dataDir.resolve("runtime");
        return new HostLeaks(
                containers(dataDir).stream().filter(id -> !alive.contains(id)).toList(),
                mountsUnder(dataDir).stream().filter(point -> !ownedBy(runtime, Path.of(point), alive)).toList(),
                loopsUnder(dataDir).stream().filter(back -> !ownedBy(runtime, Path.of(back), alive)).toList(),
                ids.stream().filter(id -> !alive.contains(id)).flatMap(HostLeaks::cgroupsOf).toList(),
                ids.stream().filter(id -> !alive.contains(id)).flatMap(HostLeaks::processesIn).toList());
    }

    boolean none() {
        return containers.isEmpty() && mounts.isEmpty() && loopDevices.isEmpty() && cgroups.isEmpty()
                && processes.isEmpty();
    }

    /** The containers runc's state directory for {@code dataDir} holds. */
    static List<String> containers(Path dataDir) {
        Path root = dataDir.resolve("runc");
        if (!Files.isDirectory(root)) {
            return List.of();
        }
        // runc list stats each container's directory: one deleted meanwhile (a restart finishing a delete) fails
        // the whole listing, so it is asked again.
        for (int attempt = 1; ; attempt++) {
            try {
                return run("runc", "--root", root.toString(), "list", "--quiet").lines().filter(s -> !s.isBlank())
                        .toList();
            } catch (IllegalStateException e) {
                if (attempt == 5 || !e.getMessage().contains("no such file or directory")) {
                    throw e;
                }
            }
        }
    }

    /** Mount points at or below {@code dataDir}, from this process's mount table. */
    static List<String> mountsUnder(Path dataDir) {
        var points = new ArrayList<String>();
        for (String line : read(Path.of("/proc/self/mountinfo")).split("\n")) {
            String[] fields = line.split(" ");
            if (fields.length > 4) {
                String point = unescape(fields[4]);
                if (point.equals(dataDir.toString()) || point.startsWith(dataDir + "/")) {
                    points.add(point);
                }
            }
        }
        return points;
    }

    /** The backing files (below {@code dataDir}) of loop devices, as {@code losetup} lists them. */
    static List<String> loopsUnder(Path dataDir) {
        return run("losetup", "--list", "--noheadings", "--output", "BACK-FILE").lines()
                .map(String::strip)
                .map(back -> back.endsWith(" (deleted)") ? back.substring(0, back.length() - 10) : back)
                .filter(back -> back.startsWith(dataDir + "/"))
                .toList();
    }

    /** Whether a path below the data directory belongs to a workspace or to a sandbox in {@code alive}. */
    private static boolean ownedBy(Path runtime, Path path, Set<String> alive) {
        if (!path.startsWith(runtime)) {
            return !path.startsWith(runtime.getParent().resolve("runc"))
                    && path.startsWith(runtime.getParent().resolve("workspaces"));
        }
        if (path.equals(runtime)) {
            return false;
        }
        Matcher id = SANDBOX_ID.matcher(runtime.relativize(path).getName(0).toString());
        return id.matches() && alive.contains(id.group());
    }

    private static Stream<String> cgroupsOf(String id) {
        try (var hierarchies = Files.list(CGROUP_ROOT)) {
            return hierarchies.map(h -> h.resolve(CGROUP_PARENT).resolve(id)).filter(Files::isDirectory)
                    .map(Path::toString).toList().stream();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Processes of this host in one of the sandbox's cgroups, as {@code pid: command}. */
    private static Stream<String> processesIn(String id) {
        String group = "/" + CGROUP_PARENT + "/" + id;
        try (var procs = Files.list(Path.of("/proc"))) {
            return procs.filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit))
                    .filter(p -> readQuietly(p.resolve("cgroup")).lines()
                            .anyMatch(line -> line.endsWith(group) || line.contains(group + "/")))
                    .map(p -> p.getFileName() + ": " + readQuietly(p.resolve("cmdline")).replace('\0', ' '))
                    .toList().stream();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String readQuietly(Path file) {
        try {
            return Files.readString(file, StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            return ""; // the process ended meanwhile
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A mountinfo path with its octal escapes ({@code \040} for a blank) undone. */
    private static String unescape(String field) {
        Matcher escape = Pattern.compile("\\\\([0-7]{3})").matcher(field);
        return escape.replaceAll(m -> Character.toString((char) Integer.parseInt(m.group(1), 8)));
    }

    private static String run(String... command) {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " failed: " + out);
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
