// jemalloc's configuration, compiled into the `quantgrid` executable when it is linked with
// jemalloc (QG_JEMALLOC, coordinator/CMakeLists.txt); jemalloc reads this symbol when it starts.
//
// thp:always: jemalloc asks for transparent huge pages (madvise MADV_HUGEPAGE) on the memory it
// maps, where the system lets a program choose (/sys/kernel/mm/transparent_hugepage/enabled says
// "madvise", Debian's default, or "always"). A sweep's chunks are megabytes of records that pass
// through fresh buffers (the worker's, the message, rank 0's decode, the table's blocks); in 4 KiB
// pages each first touch is a page fault, and on a virtual machine a fault costs microseconds.
// With huge pages the 8-symbol sweep of bench/store_startup.py takes about 4,500 page faults
// instead of 20,000, and its whole process about two thirds of the CPU (docs/performance.md,
// section 7).
//
// narenas:1: one arena for every thread (each thread still caches small allocations of its own).
// The big buffers pass from thread to thread (a worker's result to rank 0, rank 0's rows to the
// table's thread), and with an arena per thread a freed buffer went back to its arena while the
// next one was mapped fresh in another: the 8-symbol sweep on 2 cores zeroed new huge pages for a
// quarter of its CPU. MALLOC_CONF in the environment still overrides these, option by option.
extern "C" {
// NOLINTNEXTLINE(cppcoreguidelines-avoid-non-const-global-variables): the name and type jemalloc reads
const char* malloc_conf = "thp:always,narenas:1";
}
