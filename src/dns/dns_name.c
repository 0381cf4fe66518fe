#include "dns/dns_name.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Appends byte c of a label as ldns_rdf2buffer_str_dname does: \c for the characters that
 * mean something in a zone file, \DDD for what is not printable ASCII. */
static size_t put_label_byte(char *out, unsigned char c)
{
    if (c == '.' || c == ';' || c == '(' || c == ')' || c == '\\') {
        out[0] = '\\';
        out[1] = (char)c;
        return 2;
    }
    if (c < 0x21 || c > 0x7e) { /* !(isascii(c) && isgraph(c)) in the C locale */
        out[0] = '\\';
        out[1] = (char)('0' + c / 100);
        out[2] = (char)('0' + c / 10 % 10);
        out[3] = (char)('0' + c % 10);
        return 4;
    }
    out[0] = (char)c;
    return 1;
}

/* The labels of a wire-format name, each followed by a dot: "." for the root. */
static size_t put_name(char *out, const uint8_t *data, size_t size)
{
    size_t n = 0, pos = 0;
    if (size == 1)
        out[n++] = '.';
    while (pos < size && data[pos] != 0) {
        size_t len = data[pos++];
        for (size_t i = 0; i < len && pos < size; i++)
            n += put_label_byte(out + n, data[pos++]);
        if (pos < size)
            out[n++] = '.';
    }
    return n;
}

int dns_name_format(const ldns_rdf *name, char *dst, size_t size)
{
    if (!name || ldns_rdf_get_type(name) != LDNS_RDF_TYPE_DNAME) {
        char *str = ldns_rdf2str(name);
        if (!str)
            return -1;
        snprintf(dst, size, "%s", str);
        free(str);
        return 0;
    }
    if (ldns_rdf_size(name) > LDNS_MAX_DOMAINLEN || ldns_rdf_size(name) == 0)
        return -1;
    char out[4 * LDNS_MAX_DOMAINLEN + 1]; /* every byte as \DDD */
    size_t n = put_name(out, ldns_rdf_data(name), ldns_rdf_size(name));
    if (size == 0)
        return 0;
    if (n >= size)
        n = size - 1;
    memcpy(dst, out, n);
    dst[n] = '\0';
    return 0;
}
