/* The compiler's memory handed back. libbcc compiles each kernel program with clang and
 * LLVM, which are linked into the tool: during a compile 75 MB of their code and data are
 * resident (and 40 MB more, touched once when they were loaded, sit there from the start),
 * and their heap grows by tens of MB. None of it is used once the programs are loaded. */
#ifndef EBPFSHIELD_COMPILER_MEMORY_H
#define EBPFSHIELD_COMPILER_MEMORY_H

#ifdef __cplusplus
extern "C" {
#endif

/* Returns the heap's free memory to the system (malloc_trim) and pages out the mappings
 * of libLLVM and libclang-cpp (MADV_PAGEOUT, as memory pressure would: what a later
 * compile needs is read again from the files). Best effort: a kernel before 5.4 or a
 * missing /proc leaves the pages where they are. */
void compiler_memory_release(void);

#ifdef __cplusplus
}
#endif

#endif
