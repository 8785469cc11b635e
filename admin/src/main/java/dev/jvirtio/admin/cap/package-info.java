/** Device and driver capabilities (DEVICE_CAP_GET / DRIVER_CAP_SET / CAP_ID_LIST_QUERY). */
package dev.jvirtio.admin.cap;
