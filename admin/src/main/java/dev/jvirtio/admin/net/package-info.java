/** virtio-net flow filter capabilities and resource objects. */
package dev.jvirtio.admin.net;
