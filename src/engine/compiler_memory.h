/* The compiler's memory handed back. libbcc compiles each kernel program with clang and
 * LLVM, which are linked into the tool: during a compile 75 MB of their code and data are
 * resident (and 40 MB more, touched once when they were loaded, sit there from the start),
 * and their heap grows by tens of MB. None of it is used once the programs are loaded. */
#ifndef EBPFSHIELD_COMPILER_MEMORY_H
#define EBPFSHIELD_COMPILER_MEMORY_H

#ifdef __cplusplus
extern "C" {
#endif

/* Returns the heap's free memory to the system (malloc_trim): between two compiles. */
void compiler_memory_trim(void);

/* compiler_memory_trim, and the mappings of libLLVM and libclang-cpp paged out
 * (MADV_PAGEOUT, as memory pressure would: what is needed again is read again from the
 * files): before the first compile and after the last. Not between two compiles: the
 * second would read back most of what the first left (8 s more under qemu TCG for
 * 30 MB less peak). Best effort: a kernel before 5.4 or a missing /proc leaves the pages
 * where they are. */
void compiler_memory_release(void);

#ifdef __cplusplus
}
#endif

#endif
