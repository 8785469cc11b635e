/** JMH benchmarks of the jvirtio hot paths; {@code benchmarks/run.sh} runs them beside their C baselines. */
package dev.jvirtio.bench;
