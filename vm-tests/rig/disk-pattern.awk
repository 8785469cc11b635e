# Writes the known disk pattern for the guest's virtio-blk image to stdout (plain ASCII, no NUL bytes).
# Usage: awk -v sectors=N -f disk-pattern.awk > disk.img
# Sector k (512 bytes) is 8 lines of 64 bytes; line j reads "VMRIG-DISK-SECTOR-<k, 10 digits>-LINE-<j>-",
# padded with '.' to 63 bytes, then '\n'. Every line of the disk is unique, so a misplaced read or write
# shows which sector and line went wrong. dev.jvirtio.vmtests.DiskPattern computes the same bytes.
BEGIN {
  if (sectors == "" || sectors < 1) { print "disk-pattern.awk: sectors=N required" > "/dev/stderr"; exit 1 }
  dots = "...................................."
  for (k = 0; k < sectors; k++)
    for (j = 0; j < 8; j++) {
      s = sprintf("VMRIG-DISK-SECTOR-%010d-LINE-%d-", k, j)
      printf "%s%s\n", s, substr(dots, 1, 63 - length(s))
    }
}
