#include "threatfeed/domain_name.h"

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

/* RFC 3492 section 5, the parameters of Punycode for IDNA. */
#define PUNY_BASE 36u
#define PUNY_TMIN 1u
#define PUNY_TMAX 26u
#define PUNY_SKEW 38u
#define PUNY_DAMP 700u
#define PUNY_BIAS 72u
#define PUNY_N 0x80u

#define ACE_PREFIX "xn--"
#define ACE_PREFIX_LEN 4
/* Every code point takes at least one byte of the A-label. */
#define IDN_CODE_POINTS_MAX (DOMAIN_LABEL_MAX - ACE_PREFIX_LEN)

static int fail(const char **why, const char *reason)
{
    if (why)
        *why = reason;
    return -1;
}

/* The byte as it goes into a name (letters folded to lower case), 0 when not allowed. */
static char name_char(uint32_t c)
{
    if (c >= 'A' && c <= 'Z')
        return (char)(c - 'A' + 'a');
    if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_')
        return (char)c;
    return 0;
}

/* The code point of the UTF-8 sequence at s[0..len) into *cp; returns its length, 0 when
 * it is not valid UTF-8 (cut, overlong, a surrogate or above U+10FFFF). */
static size_t utf8_decode(const unsigned char *s, size_t len, uint32_t *cp)
{
    static const uint32_t min[4] = {0, 0x80, 0x800, 0x10000};
    size_t n = s[0] < 0x80             ? 1
               : (s[0] & 0xe0) == 0xc0 ? 2
               : (s[0] & 0xf0) == 0xe0 ? 3
               : (s[0] & 0xf8) == 0xf0 ? 4
                                       : 0;
    if (n == 0 || n > len)
        return 0;
    uint32_t c = n == 1 ? s[0] : s[0] & (0x7fu >> n);
    for (size_t i = 1; i < n; i++) {
        if ((s[i] & 0xc0) != 0x80)
            return 0;
        c = c << 6 | (s[i] & 0x3fu);
    }
    if (c < min[n - 1] || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
        return 0;
    *cp = c;
    return n;
}

static uint32_t puny_adapt(uint32_t delta, uint32_t points, bool first)
{
    uint32_t k = 0;
    delta = first ? delta / PUNY_DAMP : delta / 2;
    delta += delta / points;
    for (; delta > (PUNY_BASE - PUNY_TMIN) * PUNY_TMAX / 2; k += PUNY_BASE)
        delta /= PUNY_BASE - PUNY_TMIN;
    return k + (PUNY_BASE - PUNY_TMIN + 1) * delta / (delta + PUNY_SKEW);
}

static char puny_digit(uint32_t d)
{
    return (char)(d < 26 ? 'a' + d : '0' + d - 26);
}

/* Appends q as a generalized variable-length integer (RFC 3492 6.3); false when out is full. */
static bool puny_put(uint32_t q, uint32_t bias, char *out, size_t cap, size_t *n)
{
    for (uint32_t k = PUNY_BASE;; k += PUNY_BASE) {
        uint32_t t = k <= bias ? PUNY_TMIN : k >= bias + PUNY_TMAX ? PUNY_TMAX : k - bias;
        if (*n == cap)
            return false;
        if (q < t) {
            out[(*n)++] = puny_digit(q);
            return true;
        }
        out[(*n)++] = puny_digit(t + (q - t) % (PUNY_BASE - t));
        q = (q - t) / (PUNY_BASE - t);
    }
}

/* The Punycode of cp[0..ncp) into out (cap bytes); returns its length, 0 when it does not
 * fit. With ncp <= IDN_CODE_POINTS_MAX and code points <= U+10FFFF, delta stays below
 * 0x10ffff * 60 + 60 * 60: no overflow check is needed. */
static size_t puny_encode(const uint32_t *cp, size_t ncp, char *out, size_t cap)
{
    size_t n = 0, basic = 0;
    for (size_t i = 0; i < ncp; i++)
        basic += cp[i] < PUNY_N;
    if (basic + (basic > 0) > cap)
        return 0;
    for (size_t i = 0; i < ncp; i++)
        if (cp[i] < PUNY_N)
            out[n++] = (char)cp[i];
    if (basic)
        out[n++] = '-';
    uint32_t code = PUNY_N, delta = 0, bias = PUNY_BIAS;
    for (size_t done = basic; done < ncp; delta++, code++) {
        uint32_t m = UINT32_MAX;
        for (size_t i = 0; i < ncp; i++)
            if (cp[i] >= code && cp[i] < m)
                m = cp[i];
        delta += (m - code) * (uint32_t)(done + 1);
        code = m;
        for (size_t i = 0; i < ncp; i++) {
            if (cp[i] < code) {
                delta++;
            } else if (cp[i] == code) {
                if (!puny_put(delta, bias, out, cap, &n))
                    return 0;
                bias = puny_adapt(delta, (uint32_t)(done + 1), done == basic);
                delta = 0;
                done++;
            }
        }
    }
    return n;
}

/* A label with non-ASCII bytes: its A-label into out; returns its length or -1. */
static int idn_label(const unsigned char *in, size_t len, char *out, const char **why)
{
    uint32_t cp[IDN_CODE_POINTS_MAX];
    size_t ncp = 0;
    for (size_t i = 0, k; i < len; i += k) {
        uint32_t c = 0;
        k = utf8_decode(in + i, len - i, &c);
        if (k == 0)
            return fail(why, "invalid UTF-8");
        if (c < 0x80 && !(c = (uint32_t)name_char(c)))
            return fail(why, "character not allowed");
        if (ncp == IDN_CODE_POINTS_MAX)
            return fail(why, "label longer than 63 bytes");
        cp[ncp++] = c;
    }
    memcpy(out, ACE_PREFIX, ACE_PREFIX_LEN);
    size_t n = puny_encode(cp, ncp, out + ACE_PREFIX_LEN, DOMAIN_LABEL_MAX - ACE_PREFIX_LEN);
    if (n == 0)
        return fail(why, "label longer than 63 bytes");
    return (int)(ACE_PREFIX_LEN + n);
}

/* An ASCII label into out; returns its length or -1. */
static int ascii_label(const unsigned char *in, size_t len, char *out, const char **why)
{
    if (len > DOMAIN_LABEL_MAX)
        return fail(why, "label longer than 63 bytes");
    for (size_t i = 0; i < len; i++)
        if (!(out[i] = name_char(in[i])))
            return fail(why, "character not allowed");
    return (int)len;
}

/* Appends the label in[0..len) at out + *n (after the dot the caller put). */
static int put_label(const unsigned char *in, size_t len, char *out, size_t *n, const char **why)
{
    char label[DOMAIN_LABEL_MAX];
    bool ascii = true;
    if (len == 0)
        return fail(why, "empty label");
    for (size_t i = 0; i < len && ascii; i++)
        ascii = in[i] < 0x80;
    int k = ascii ? ascii_label(in, len, label, why) : idn_label(in, len, label, why);
    if (k < 0)
        return -1;
    if (*n + (size_t)k > DOMAIN_NAME_MAX)
        return fail(why, "name longer than 253 bytes");
    memcpy(out + *n, label, (size_t)k);
    *n += (size_t)k;
    return 0;
}

int domain_name_normalize(const char *in, size_t len, char out[DOMAIN_NAME_MAX + 1],
                          const char **why)
{
    const unsigned char *s = (const unsigned char *)in;
    size_t n = 0;
    out[0] = '\0';
    if (len && s[len - 1] == '.')
        len--;
    if (len == 0)
        return fail(why, "empty name");
    for (size_t start = 0;;) {
        const unsigned char *dot = memchr(s + start, '.', len - start);
        size_t end = dot ? (size_t)(dot - s) : len;
        if (start)
            out[n++] = '.'; /* n <= 253 here: out has room */
        if (put_label(s + start, end - start, out, &n, why) != 0) {
            out[0] = '\0';
            return -1;
        }
        if (!dot)
            break;
        start = end + 1;
    }
    out[n] = '\0';
    return 0;
}
