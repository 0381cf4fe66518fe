/* domain_name_normalize: one table of names and what they give (the normalized name, or
 * the reason they are refused), each read from a buffer of exactly its length so that
 * ASan sees any read past it; IDN labels against the sample strings of RFC 3492 7.1. */
#include "check.h"
#include "threatfeed/domain_name.h"

#include <stdlib.h>
#include <string.h>

#define A10 "aaaaaaaaaa"
#define L61 A10 A10 A10 A10 A10 A10 "a"
#define L62 L61 "a"
#define L63 L62 "a"
#define L64 L63 "a"
#define N253 L63 "." L63 "." L63 "." L61 /* 63 * 3 + 61 + 3 dots */
#define N254 L63 "." L63 "." L63 "." L62
#define A55 A10 A10 A10 A10 A10 "aaaaa"
#define UE "\xc3\xbc" /* U+00FC in UTF-8 */

struct name_case {
    const char *in;
    size_t len;       /* 0: strlen(in) */
    const char *want; /* NULL: refused */
    const char *why;  /* when refused */
};

static const struct name_case cases[] = {
    {"evil.example", 0, "evil.example", NULL},
    {"evil.example.", 0, "evil.example", NULL},
    {"EVIL.Example.", 0, "evil.example", NULL},
    {"localhost", 0, "localhost", NULL},
    {"a", 0, "a", NULL},
    {"-ads.example", 0, "-ads.example", NULL},
    {"ads-.ex-ample", 0, "ads-.ex-ample", NULL},
    {"_dmarc.x_y.example", 0, "_dmarc.x_y.example", NULL},
    {"0-9.example", 0, "0-9.example", NULL},
    {"xn--bcher-kva.example", 0, "xn--bcher-kva.example", NULL},
    {L63 ".example", 0, L63 ".example", NULL},
    {L64 ".example", 0, NULL, "label longer than 63 bytes"},
    {"example." L64, 0, NULL, "label longer than 63 bytes"},
    {N253, 0, N253, NULL},
    {N253 ".", 0, N253, NULL},
    {N254, 0, NULL, "name longer than 253 bytes"},
    {N254 ".", 0, NULL, "name longer than 253 bytes"},
    {"", 0, NULL, "empty name"},
    {".", 0, NULL, "empty name"},
    {"evil.example..", 0, NULL, "empty label"},
    {".evil.example", 0, NULL, "empty label"},
    {"evil..example", 0, NULL, "empty label"},
    {"*.evil.example", 0, NULL, "character not allowed"},
    {"evil example", 0, NULL, "character not allowed"},
    {"evil.example/path", 0, NULL, "character not allowed"},
    {"evil\0.example", 13, NULL, "character not allowed"},
    {"evil.example\0", 13, NULL, "character not allowed"},
    {"evil.example", 4, "evil", NULL}, /* the length given, not the NUL */
    {"evil.\x7f", 0, NULL, "character not allowed"},
    {"evil.ex@mple", 0, NULL, "character not allowed"},
    {"b" UE "cher.example", 0, "xn--bcher-kva.example", NULL},
    {"B" UE "CHER.EXAMPLE", 0, "xn--bcher-kva.example", NULL},
    {"b\xc3\x9c"
     "cher.example",
     0, "xn--bcher-2pa.example", NULL}, /* no case mapping of U+00DC */
    {"\xe4\xbe\x8b\xe3\x81\x88.\xe3\x83\x86\xe3\x82\xb9\xe3\x83\x88", 0, "xn--r8jz45g.xn--zckzah",
     NULL},
    {"\xe4\xbe\x8b\xe3\x81\x88.\xe3\x83\x86\xe3\x82\xb9\xe3\x83\x88.", 0, "xn--r8jz45g.xn--zckzah",
     NULL},
    {A55 UE ".example", 0, "xn--" A55 "-8yf.example", NULL}, /* an A-label of 63 bytes */
    {A55 "a" UE ".example", 0, NULL, "label longer than 63 bytes"},
    {A55 A55 UE ".example", 0, NULL, "label longer than 63 bytes"},
    {"b" UE " cher.example", 0, NULL, "character not allowed"},
    {"b" UE "*.example", 0, NULL, "character not allowed"},
    {"b\xc3.example", 0, NULL, "invalid UTF-8"},            /* cut */
    {"b\xc3", 0, NULL, "invalid UTF-8"},                    /* cut at the end */
    {"b\xc3\xc3.example", 0, NULL, "invalid UTF-8"},        /* not a continuation */
    {"\x80.example", 0, NULL, "invalid UTF-8"},             /* a lone continuation */
    {"\xc0\xaf.example", 0, NULL, "invalid UTF-8"},         /* overlong '/' */
    {"\xe0\x80\xaf.example", 0, NULL, "invalid UTF-8"},     /* overlong */
    {"\xed\xa0\x80.example", 0, NULL, "invalid UTF-8"},     /* a surrogate */
    {"\xf4\x90\x80\x80.example", 0, NULL, "invalid UTF-8"}, /* above U+10FFFF */
    {"\xf8\x88\x80\x80\x80.example", 0, NULL, "invalid UTF-8"},
    {"\xff.example", 0, NULL, "invalid UTF-8"},
    {"\xf0\x9f\x98\x80.example", 0, "xn--e28h.example", NULL}, /* U+1F600, 4 bytes */
    /* RFC 3492 7.1, (A) to (R): A-labels in lower case; (H)'s is longer than 63 bytes. */
    /* (A Arabic) */
    {"\xd9\x84\xd9\x8a\xd9\x87\xd9\x85\xd8\xa7\xd8\xa8\xd8\xaa\xd9\x83\xd9\x84\xd9\x85\xd9\x88\xd8"
     "\xb4\xd8\xb9\xd8\xb1\xd8\xa8\xd9\x8a\xd8\x9f.example",
     0, "xn--egbpdaj6bu4bxfgehfvwxn.example", NULL},
    /* (B Chinese (simplified)) */
    {"\xe4\xbb\x96\xe4\xbb\xac\xe4\xb8\xba\xe4\xbb\x80\xe4\xb9\x88\xe4\xb8\x8d\xe8\xaf\xb4\xe4\xb8"
     "\xad\xe6\x96\x87.example",
     0, "xn--ihqwcrb4cv8a8dqg056pqjye.example", NULL},
    /* (C Chinese (traditional)) */
    {"\xe4\xbb\x96\xe5\x80\x91\xe7\x88\xb2\xe4\xbb\x80\xe9\xba\xbd\xe4\xb8\x8d\xe8\xaa\xaa\xe4\xb8"
     "\xad\xe6\x96\x87.example",
     0, "xn--ihqwctvzc91f659drss3x8bo0yb.example", NULL},
    /* (D Czech) */
    {"Pro\xc4\x8dprost\xc4\x9bnemluv\xc3\xad\xc4\x8d"
     "esky.example",
     0, "xn--proprostnemluvesky-uyb24dma41a.example", NULL},
    /* (E Hebrew) */
    {"\xd7\x9c\xd7\x9e\xd7\x94\xd7\x94\xd7\x9d\xd7\xa4\xd7\xa9\xd7\x95\xd7\x98\xd7\x9c\xd7\x90\xd7"
     "\x9e\xd7\x93\xd7\x91\xd7\xa8\xd7\x99\xd7\x9d\xd7\xa2\xd7\x91\xd7\xa8\xd7\x99\xd7\xaa.example",
     0, "xn--4dbcagdahymbxekheh6e0a7fei0b.example", NULL},
    /* (F Hindi) */
    {"\xe0\xa4\xaf\xe0\xa4\xb9\xe0\xa4\xb2\xe0\xa5\x8b\xe0\xa4\x97\xe0\xa4\xb9\xe0\xa4\xbf\xe0\xa4"
     "\xa8\xe0\xa5\x8d\xe0\xa4\xa6\xe0\xa5\x80\xe0\xa4\x95\xe0\xa5\x8d\xe0\xa4\xaf\xe0\xa5\x8b\xe0"
     "\xa4\x82\xe0\xa4\xa8\xe0\xa4\xb9\xe0\xa5\x80\xe0\xa4\x82\xe0\xa4\xac\xe0\xa5\x8b\xe0\xa4\xb2"
     "\xe0\xa4\xb8\xe0\xa4\x95\xe0\xa4\xa4\xe0\xa5\x87\xe0\xa4\xb9\xe0\xa5\x88\xe0\xa4\x82.example",
     0, "xn--i1baa7eci9glrd9b2ae1bj0hfcgg6iyaf8o0a1dig0cd.example", NULL},
    /* (G Japanese) */
    {"\xe3\x81\xaa\xe3\x81\x9c\xe3\x81\xbf\xe3\x82\x93\xe3\x81\xaa\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa"
     "\x9e\xe3\x82\x92\xe8\xa9\xb1\xe3\x81\x97\xe3\x81\xa6\xe3\x81\x8f\xe3\x82\x8c\xe3\x81\xaa\xe3"
     "\x81\x84\xe3\x81\xae\xe3\x81\x8b.example",
     0, "xn--n8jok5ay5dzabd5bym9f0cm5685rrjetr6pdxa.example", NULL},
    /* (H Korean) */
    {"\xec\x84\xb8\xea\xb3\x84\xec\x9d\x98\xeb\xaa\xa8\xeb\x93\xa0\xec\x82\xac\xeb\x9e\x8c\xeb\x93"
     "\xa4\xec\x9d\xb4\xed\x95\x9c\xea\xb5\xad\xec\x96\xb4\xeb\xa5\xbc\xec\x9d\xb4\xed\x95\xb4\xed"
     "\x95\x9c\xeb\x8b\xa4\xeb\xa9\xb4\xec\x96\xbc\xeb\xa7\x88\xeb\x82\x98\xec\xa2\x8b\xec\x9d\x84"
     "\xea\xb9\x8c.example",
     0, NULL, "label longer than 63 bytes"},
    /* (I Russian) */
    {"\xd0\xbf\xd0\xbe\xd1\x87\xd0\xb5\xd0\xbc\xd1\x83\xd0\xb6\xd0\xb5\xd0\xbe\xd0\xbd\xd0\xb8\xd0"
     "\xbd\xd0\xb5\xd0\xb3\xd0\xbe\xd0\xb2\xd0\xbe\xd1\x80\xd1\x8f\xd1\x82\xd0\xbf\xd0\xbe\xd1\x80"
     "\xd1\x83\xd1\x81\xd1\x81\xd0\xba\xd0\xb8.example",
     0, "xn--b1abfaaepdrnnbgefbadotcwatmq2g4l.example", NULL},
    /* (J Spanish) */
    {"Porqu\xc3\xa9nopuedensimplementehablarenEspa\xc3\xb1ol.example", 0,
     "xn--porqunopuedensimplementehablarenespaol-fmd56a.example", NULL},
    /* (K Vietnamese) */
    {"T\xe1\xba\xa1isaoh\xe1\xbb\x8dkh\xc3\xb4ngth\xe1\xbb\x83"
     "ch\xe1\xbb\x89n\xc3\xb3iti\xe1\xba\xbfngVi\xe1\xbb\x87t.example",
     0, "xn--tisaohkhngthchnitingvit-kjcr8268qyxafd2f1b9g.example", NULL},
    /* (L) */
    {"3\xe5\xb9\xb4"
     "B\xe7\xb5\x84\xe9\x87\x91\xe5\x85\xab\xe5\x85\x88\xe7\x94\x9f.example",
     0, "xn--3b-ww4c5e180e575a65lsy2b.example", NULL},
    /* (M) */
    {"\xe5\xae\x89\xe5\xae\xa4\xe5\xa5\x88\xe7\xbe\x8e\xe6\x81\xb5-with-SUPER-MONKEYS.example", 0,
     "xn---with-super-monkeys-pc58ag80a8qai00g7n9n.example", NULL},
    /* (N) */
    {"Hello-Another-Way-"
     "\xe3\x81\x9d\xe3\x82\x8c\xe3\x81\x9e\xe3\x82\x8c\xe3\x81\xae\xe5\xa0\xb4\xe6\x89\x80.example",
     0, "xn--hello-another-way--fc4qua05auwb3674vfr0b.example", NULL},
    /* (O) */
    {"\xe3\x81\xb2\xe3\x81\xa8\xe3\x81\xa4\xe5\xb1\x8b\xe6\xa0\xb9\xe3\x81\xae\xe4\xb8\x8b"
     "2.example",
     0, "xn--2-u9tlzr9756bt3uc0v.example", NULL},
    /* (P) */
    {"Maji\xe3\x81\xa7Koi\xe3\x81\x99\xe3\x82\x8b"
     "5\xe7\xa7\x92\xe5\x89\x8d.example",
     0, "xn--majikoi5-783gue6qz075azm5e.example", NULL},
    /* (Q) */
    {"\xe3\x83\x91\xe3\x83\x95\xe3\x82\xa3\xe3\x83\xbc"
     "de\xe3\x83\xab\xe3\x83\xb3\xe3\x83\x90.example",
     0, "xn--de-jg4avhby1noc0d.example", NULL},
    /* (R) */
    {"\xe3\x81\x9d\xe3\x81\xae\xe3\x82\xb9\xe3\x83\x94\xe3\x83\xbc\xe3\x83\x89\xe3\x81\xa7.example",
     0, "xn--d9juau41awczczp.example", NULL},
    {"-> $1.00 <-", 0, NULL, "character not allowed"}, /* (S) */
};

static void run(const struct name_case *c)
{
    size_t len = c->len ? c->len : strlen(c->in);
    char *in = malloc(len ? len : 1), out[DOMAIN_NAME_MAX + 1];
    const char *why = NULL;
    int failures = check_failures;
    memcpy(in, c->in, len);
    int rc = domain_name_normalize(in, len, out, &why);
    if (c->want) {
        CHECK_INT(rc, 0);
        CHECK_STR(out, c->want);
    } else {
        CHECK_INT(rc, -1);
        CHECK_STR(out, "");
        CHECK_STR(why, c->why);
    }
    if (check_failures != failures)
        fprintf(stderr, "  (the case of \"%.40s\")\n", c->in);
    free(in);
}

/* 10 MB of one label, then of dotted labels: refused without reading past the length. */
static void huge(void)
{
    size_t len = 10u << 20;
    char *in = malloc(len), out[DOMAIN_NAME_MAX + 1];
    const char *why = NULL;
    memset(in, 'a', len);
    CHECK_INT(domain_name_normalize(in, len, out, &why), -1);
    CHECK_STR(why, "label longer than 63 bytes");
    for (size_t i = 1; i < len; i += 2)
        in[i] = '.';
    CHECK_INT(domain_name_normalize(in, len, out, &why), -1);
    CHECK_STR(why, "name longer than 253 bytes");
    memset(in, 0xe4, len); /* lead bytes without continuations */
    CHECK_INT(domain_name_normalize(in, len, out, &why), -1);
    CHECK_STR(why, "invalid UTF-8");
    CHECK_INT(domain_name_normalize(in, len, out, NULL), -1); /* why may be NULL */
    free(in);
}

int main(void)
{
    for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++)
        run(&cases[i]);
    huge();
    CHECK_DONE();
}
