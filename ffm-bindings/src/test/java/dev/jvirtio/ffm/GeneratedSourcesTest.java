package dev.jvirtio.ffm;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The generated package must be exactly what jextract makes of jvirtio_kabi.h. Runs regen.sh --check,
 * which regenerates into a scratch directory and diffs; only possible where a jextract build is
 * available, so the test is skipped unless the JEXTRACT environment variable names one.
 */
class GeneratedSourcesTest {
    @Test
    void generatedSourcesAreUntouchedJextractOutput() throws IOException, InterruptedException {
        String jextract = System.getenv("JEXTRACT");
        assumeTrue(jextract != null && Files.isExecutable(Path.of(jextract)),
                "JEXTRACT is not set; cannot regenerate to compare");
        Path script = Path.of(System.getProperty("jvirtio.abi.include", "../native-headers"), "regen.sh");
        assertTrue(Files.isExecutable(script), script + " is missing");
        Process p = new ProcessBuilder(script.toString(), "--check").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(300, TimeUnit.SECONDS), "regen.sh --check timed out");
        assertEquals(0, p.exitValue(), () -> "generated sources differ from jextract output:\n" + out);
    }
}
