// How the C library's allocator keeps memory, for the byline command (not the library: a program
// that embeds Byline chooses its own). Only glibc has these settings; elsewhere this does nothing.
#ifndef BYLINE_CMEMORY_SHIM_H
#define BYLINE_CMEMORY_SHIM_H

#include <stdlib.h> /* defines __GLIBC__ where glibc is the C library */
#if defined(__GLIBC__)
#include <malloc.h>
#endif

/// Keeps freed memory in the process for the next query. glibc otherwise maps each large block
/// afresh (the kernel zeroing every page) and unmaps it on free, so a query that allocates what
/// the last one freed pays a page fault per page again. Blocks up to 32 MiB come from the heap,
/// which is trimmed only past 256 MiB free at its top.
static inline void byline_keep_freed_memory(void) {
#if defined(__GLIBC__)
    mallopt(M_MMAP_THRESHOLD, 32 << 20);
    mallopt(M_TRIM_THRESHOLD, 1 << 30);
    mallopt(M_MMAP_MAX, 0);
#endif
}

#endif
