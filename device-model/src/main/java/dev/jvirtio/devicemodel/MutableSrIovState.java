package dev.jvirtio.devicemodel;

/**
 * A settable {@link SrIovState} for tests and demos. Not thread-safe: change it on the device thread or while
 * the engine is idle.
 *
 * <pre>{@code
 * var sriov = new MutableSrIovState(4, true);
 * var engine = new AdminCommandEngine(config, sriov);
 * sriov.vfEnable(false); // the SR-IOV group disappears
 * }</pre>
 */
public final class MutableSrIovState implements SrIovState {
    private int numVfs;
    private boolean vfEnable;

    /**
     * @param numVfs   initial NumVFs
     * @param vfEnable initial VF Enable
     */
    public MutableSrIovState(int numVfs, boolean vfEnable) {
        numVfs(numVfs);
        this.vfEnable = vfEnable;
    }

    @Override
    public int numVfs() {
        return numVfs;
    }

    /** Sets NumVFs (0..65535). */
    public void numVfs(int n) {
        if (n < 0 || n > 0xffff) {
            throw new IllegalArgumentException("NumVFs out of range: " + n);
        }
        this.numVfs = n;
    }

    @Override
    public boolean vfEnable() {
        return vfEnable;
    }

    /** Sets VF Enable. */
    public void vfEnable(boolean on) {
        this.vfEnable = on;
    }
}
