/* Unit tests of the core completeness check on hand-built ELF headers: whole, cut short,
 * and malformed (bad magic, class, type, entry size, tables out of the file). */
#include "check.h"
#include "guard/core_file.h"

#include <elf.h>
#include <string.h>

#define SEGS 3

struct image {
    Elf64_Ehdr eh;
    Elf64_Phdr ph[SEGS];
};

/* A core of SEGS segments, each 4096 bytes after the headers: file size 64+3*56+3*4096. */
static struct image core(void)
{
    struct image im;
    memset(&im, 0, sizeof(im));
    memcpy(im.eh.e_ident, ELFMAG, SELFMAG);
    im.eh.e_ident[EI_CLASS] = ELFCLASS64;
    im.eh.e_ident[EI_DATA] = ELFDATA2LSB;
    im.eh.e_type = ET_CORE;
    im.eh.e_phoff = sizeof(Elf64_Ehdr);
    im.eh.e_phentsize = sizeof(Elf64_Phdr);
    im.eh.e_phnum = SEGS;
    for (int i = 0; i < SEGS; i++) {
        im.ph[i].p_type = PT_LOAD;
        im.ph[i].p_offset = sizeof(im) + (uint64_t)i * 4096;
        im.ph[i].p_filesz = 4096;
    }
    return im;
}

static bool whole(const struct image *im, uint64_t size)
{
    return core_file_whole((const unsigned char *)im, sizeof(*im), size);
}

int main(void)
{
    const uint64_t size = sizeof(struct image) + SEGS * 4096;
    struct image im = core();

    CHECK(whole(&im, size));
    CHECK(!whole(&im, size - 1)); /* the last segment cut short */
    CHECK(!core_file_whole((const unsigned char *)&im, sizeof(im) - 1, size)); /* table cut */
    CHECK(!core_file_whole((const unsigned char *)&im, 10, size));
    im.ph[1].p_offset = UINT64_MAX - 10; /* offset + size overflows */
    CHECK(!whole(&im, size));
    im = core();
    im.eh.e_type = ET_EXEC;
    CHECK(!whole(&im, size));
    im = core();
    im.eh.e_ident[1] = 'X';
    CHECK(!whole(&im, size));
    im = core();
    im.eh.e_ident[EI_CLASS] = ELFCLASS32;
    CHECK(!whole(&im, size));
    im = core();
    im.eh.e_phentsize = 32;
    CHECK(!whole(&im, size));
    im = core();
    im.eh.e_phoff = UINT64_MAX - 8;
    CHECK(!whole(&im, size));
    im = core();
    im.eh.e_phnum = 0xffff; /* PN_XNUM */
    CHECK(!whole(&im, size));
    im = core();
    im.eh.e_phnum = 100; /* more headers than the head holds */
    CHECK(!whole(&im, size));
    CHECK(!core_file_whole((const unsigned char *)&im, sizeof(im), sizeof(im) - 1));
    CHECK_DONE();
}
