package dev.jvirtio.ffm;

import dev.jvirtio.ffm.gen.Kabi;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.foreign.GroupLayout;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.PaddingLayout;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Compiles src/test/c/abi_check.c with gcc, which compares native-headers/jvirtio_kabi.h with the
 * system's kernel and libc headers, then checks the Java side (jextract layouts, Kabi constants, Ioctl
 * numbers, Errno values) against the values the C compiler prints. Coverage is checked both ways:
 * every value printed must match, and every generated struct, field, constant, request and errno must
 * have been printed.
 *
 * <p>Skipped (not failed) only if gcc is not installed. {@code -Djvirtio.abi.uapi=DIR} adds DIR as an
 * extra system include directory, to check against newer uapi headers than the build host has.
 */
class AbiCheckTest {
    private static final String GEN_PACKAGE = "dev.jvirtio.ffm.gen";

    private static Map<String, Long> values;
    private static String diagnostics;

    @BeforeAll
    static void compileAndRun() throws IOException, InterruptedException {
        Path gcc = findOnPath("gcc");
        assumeTrue(gcc != null, "gcc is not installed; ABI check skipped");
        Path source = Path.of(requiredProperty("jvirtio.abi.source"));
        Path include = Path.of(requiredProperty("jvirtio.abi.include"));
        Path workdir = Path.of(requiredProperty("jvirtio.abi.workdir"));
        Files.createDirectories(workdir);
        Path exe = workdir.resolve("abi_check");

        List<String> cc = new ArrayList<>(List.of(gcc.toString(), "-std=gnu11", "-Wall", "-Wextra", "-Werror"));
        String extraUapi = System.getProperty("jvirtio.abi.uapi");
        if (extraUapi != null && !extraUapi.isBlank()) {
            cc.addAll(List.of("-isystem", extraUapi));
        }
        cc.addAll(List.of("-I", include.toString(), "-o", exe.toString(), source.toString()));
        Result compiled = run(cc);
        assertEquals(0, compiled.exit, () -> "gcc failed:\n" + compiled.stderr + compiled.stdout);

        Result ran = run(List.of(exe.toString()));
        diagnostics = ran.stderr;
        System.out.print(ran.stderr);
        assertEquals(0, ran.exit, () -> "abi_check found mismatches with the system headers:\n" + ran.stderr);

        Map<String, Long> parsed = new TreeMap<>();
        for (String line : ran.stdout.split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            int eq = line.indexOf('=');
            assertTrue(eq > 0, () -> "malformed abi_check line: " + line);
            Long previous = parsed.put(line.substring(0, eq), Long.parseLong(line.substring(eq + 1)));
            assertEquals(null, previous, () -> "duplicate abi_check key: " + line);
        }
        values = parsed;
    }

    @Test
    void cProgramComparedAgainstSystemHeaders() {
        assertEquals(0L, values.get("meta.mismatches"), diagnostics);
        assertTrue(values.get("meta.compared") > 0, "abi_check compared nothing: " + diagnostics);
    }

    @Test
    void generatedStructLayoutsMatchC() throws ReflectiveOperationException {
        List<String> errors = new ArrayList<>();
        int checked = 0;
        for (Map.Entry<String, Long> e : entries("sizeof.")) {
            GroupLayout layout = layoutOf(e.getKey());
            check(errors, e.getKey(), e.getValue(), layout.byteSize());
            checked++;
        }
        for (Map.Entry<String, Long> e : entries("offsetof.")) {
            String[] parts = e.getKey().split("\\.");
            GroupLayout layout = layoutOf(parts[1]);
            check(errors, e.getKey(), e.getValue(), layout.byteOffset(groupElement(parts[2])));
            checked++;
        }
        for (Map.Entry<String, Long> e : entries("fieldsize.")) {
            String[] parts = e.getKey().split("\\.");
            GroupLayout layout = layoutOf(parts[1]);
            check(errors, e.getKey(), e.getValue(), layout.select(groupElement(parts[2])).byteSize());
            checked++;
        }
        assertTrue(checked > 0, "abi_check printed no layouts");
        assertTrue(errors.isEmpty(), () -> "jextract layouts differ from C:\n" + String.join("\n", errors));
    }

    @Test
    void everyGeneratedStructAndFieldIsChecked() throws Exception {
        List<String> missing = new ArrayList<>();
        List<String> structs = generatedStructNames();
        assertTrue(!structs.isEmpty(), "no generated struct classes found");
        for (String struct : structs) {
            if (!values.containsKey("sizeof." + struct)) {
                missing.add("sizeof." + struct);
            }
            for (MemoryLayout member : layoutOf(struct).memberLayouts()) {
                if (member instanceof PaddingLayout || member.name().isEmpty()) {
                    continue;
                }
                String key = "offsetof." + struct + "." + member.name().get();
                if (!values.containsKey(key)) {
                    missing.add(key);
                }
            }
        }
        assertTrue(missing.isEmpty(), () -> "abi_check.c does not cover:\n" + String.join("\n", missing));
    }

    @Test
    void kabiConstantsMatchCBothWays() throws ReflectiveOperationException {
        List<String> errors = new ArrayList<>();
        TreeSet<String> javaConstants = new TreeSet<>();
        for (Method m : Kabi.class.getDeclaredMethods()) {
            if (Modifier.isPublic(m.getModifiers()) && Modifier.isStatic(m.getModifiers())
                    && m.getParameterCount() == 0 && m.getName().startsWith("KABI_")) {
                javaConstants.add(m.getName());
            }
        }
        assertTrue(!javaConstants.isEmpty(), "Kabi has no constants");
        for (Map.Entry<String, Long> e : entries("const.")) {
            String name = e.getKey().substring("const.".length());
            if (!javaConstants.remove(name)) {
                errors.add(name + " is printed by abi_check but not generated into Kabi (includes.txt?)");
                continue;
            }
            long javaValue = ((Number) Kabi.class.getMethod(name).invoke(null)).longValue();
            check(errors, e.getKey(), e.getValue(), javaValue);
        }
        for (String left : javaConstants) {
            errors.add("Kabi." + left + " is not checked by abi_check.c");
        }
        assertTrue(errors.isEmpty(), () -> String.join("\n", errors));
    }

    @Test
    void ioctlNumbersMatchCBothWays() throws IllegalAccessException {
        List<String> errors = new ArrayList<>();
        TreeSet<String> requests = new TreeSet<>();
        for (Field f : Ioctl.class.getFields()) {
            if (Modifier.isStatic(f.getModifiers()) && f.getType() == long.class) {
                requests.add(f.getName());
            }
        }
        assertTrue(!requests.isEmpty());
        for (Map.Entry<String, Long> e : entries("ioctl.")) {
            String name = e.getKey().substring("ioctl.".length());
            if (!requests.remove(name)) {
                errors.add(name + " is printed by abi_check but missing from Ioctl");
                continue;
            }
            long javaValue;
            try {
                javaValue = Ioctl.class.getField(name).getLong(null);
            } catch (NoSuchFieldException ex) {
                throw new AssertionError(ex);
            }
            check(errors, e.getKey(), e.getValue(), javaValue);
        }
        for (String left : requests) {
            errors.add("Ioctl." + left + " is not checked by abi_check.c");
        }
        assertTrue(errors.isEmpty(), () -> String.join("\n", errors));
    }

    @Test
    void javaEncoderMatchesSystemIocMacros() {
        List<String> errors = new ArrayList<>();
        List<Map.Entry<String, Long>> cases = entries("ioc.");
        assertTrue(!cases.isEmpty(), "abi_check printed no encoder cases");
        for (Map.Entry<String, Long> e : cases) {
            String[] p = e.getKey().split("\\.");
            long javaValue = Ioctl.ioc(Integer.parseInt(p[1]), Integer.parseInt(p[2]), Integer.parseInt(p[3]),
                    Long.parseLong(p[4]));
            check(errors, e.getKey(), e.getValue(), javaValue);
        }
        assertTrue(errors.isEmpty(), () -> String.join("\n", errors));
    }

    @Test
    void errnoConstantsMatchLibcBothWays() throws IllegalAccessException {
        List<String> errors = new ArrayList<>();
        TreeSet<String> names = new TreeSet<>();
        for (Field f : Errno.class.getFields()) {
            if (Modifier.isStatic(f.getModifiers()) && f.getType() == int.class) {
                names.add(f.getName());
            }
        }
        for (Map.Entry<String, Long> e : entries("errno.")) {
            String name = e.getKey().substring("errno.".length());
            if (!names.remove(name)) {
                errors.add(name + " is printed by abi_check but missing from Errno");
                continue;
            }
            try {
                check(errors, e.getKey(), e.getValue(), Errno.class.getField(name).getInt(null));
            } catch (NoSuchFieldException ex) {
                throw new AssertionError(ex);
            }
        }
        for (String left : names) {
            errors.add("Errno." + left + " is not checked by abi_check.c");
        }
        assertTrue(errors.isEmpty(), () -> String.join("\n", errors));
    }

    // ---- helpers ----

    private static void check(List<String> errors, String key, long c, long java) {
        if (c != java) {
            errors.add(key + ": C says " + c + ", Java says " + java);
        }
    }

    private static List<Map.Entry<String, Long>> entries(String prefix) {
        return values.entrySet().stream().filter(e -> e.getKey().startsWith(prefix)).toList();
    }

    private static GroupLayout layoutOf(String keyOrStruct) throws ReflectiveOperationException {
        String struct = keyOrStruct.startsWith("sizeof.") ? keyOrStruct.substring("sizeof.".length()) : keyOrStruct;
        Class<?> cls;
        try {
            cls = Class.forName(GEN_PACKAGE + "." + struct);
        } catch (ClassNotFoundException e) {
            fail("abi_check describes struct " + struct + " but jextract generated no class for it (includes.txt?)");
            throw e;
        }
        return (GroupLayout) cls.getMethod("layout").invoke(null);
    }

    /** Struct classes of the generated package, found next to Kabi.class on the class path. */
    private static List<String> generatedStructNames() throws URISyntaxException, IOException {
        Path dir = Path.of(Kabi.class.getProtectionDomain().getCodeSource().getLocation().toURI())
                .resolve(GEN_PACKAGE.replace('.', '/'));
        assumeTrue(Files.isDirectory(dir), "generated classes are not in a directory: " + dir);
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString())
                    .filter(n -> n.startsWith("kabi_") && n.endsWith(".class") && !n.contains("$"))
                    .map(n -> n.substring(0, n.length() - ".class".length()))
                    .sorted()
                    .toList();
        }
    }

    private static String requiredProperty(String name) {
        String v = System.getProperty(name);
        if (v == null) {
            fail("system property " + name + " is not set (it comes from the ffm-bindings pom)");
        }
        return v;
    }

    private static Path findOnPath(String program) {
        String path = System.getenv("PATH");
        if (path == null) {
            return null;
        }
        for (String dir : path.split(java.io.File.pathSeparator)) {
            Path candidate = Path.of(dir, program);
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        return null;
    }

    private record Result(int exit, String stdout, String stderr) {
    }

    private static Result run(List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).start();
        // Drain stderr on another thread so a chatty process cannot block on a full pipe.
        var err = new java.util.concurrent.CompletableFuture<String>();
        Thread drain = Thread.ofPlatform().daemon().start(() -> {
            try {
                err.complete(new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
            } catch (IOException e) {
                err.completeExceptionally(e);
            }
        });
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("timed out: " + command);
        }
        drain.join();
        return new Result(p.exitValue(), out, err.join());
    }
}
