/** Little-endian wire helpers and bitmap arithmetic shared by the admin packages; not exported. */
package dev.jvirtio.admin.internal;
