/** Device resource objects (RESOURCE_OBJ_CREATE / MODIFY / QUERY / DESTROY) and their data. */
package dev.jvirtio.admin.resource;
