/** Device parts: typed parts, their 16-byte headers, and a hostile-input-safe streaming reader and writer. */
package dev.jvirtio.admin.parts;
