/*
 * Oracle for the G.726-32 decoder tests: Debian's spandsp (libspandsp-dev) encodes a test
 * signal and decodes codewords to 16-bit linear PCM. Written for this project; see make.sh.
 *
 *   g726_ref encode IN.s16 OUT.codes   (one 4-bit codeword per byte)
 *   g726_ref decode IN.codes OUT.s16
 *   g726_ref bench IN.codes N           (decode the file N times; prints ns per sample)
 */
#include <spandsp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static unsigned char *slurp(const char *path, long *n) {
    FILE *f = fopen(path, "rb");
    if (!f) { perror(path); exit(1); }
    fseek(f, 0, SEEK_END); *n = ftell(f); fseek(f, 0, SEEK_SET);
    unsigned char *b = malloc(*n > 0 ? *n : 1);
    if (fread(b, 1, *n, f) != (size_t) *n) { perror(path); exit(1); }
    fclose(f);
    return b;
}

int main(int argc, char **argv) {
    if (argc < 4) { fprintf(stderr, "usage: g726_ref encode|decode|bench IN OUT|N\n"); return 2; }
    long n;
    unsigned char *in = slurp(argv[2], &n);
    g726_state_t *s = g726_init(NULL, 32000, G726_ENCODING_LINEAR, G726_PACKING_NONE);
    if (strcmp(argv[1], "encode") == 0) {
        long samples = n / 2;
        uint8_t *codes = malloc(samples);
        int k = g726_encode(s, codes, (const int16_t *) in, samples);
        FILE *o = fopen(argv[3], "wb"); fwrite(codes, 1, k, o); fclose(o);
    } else if (strcmp(argv[1], "decode") == 0) {
        int16_t *pcm = malloc(n * sizeof(int16_t));
        int k = g726_decode(s, pcm, in, n);
        FILE *o = fopen(argv[3], "wb"); fwrite(pcm, 2, k, o); fclose(o);
    } else {
        int rounds = atoi(argv[3]);
        int16_t *pcm = malloc(n * sizeof(int16_t));
        struct timespec a, b;
        clock_gettime(CLOCK_MONOTONIC, &a);
        long sink = 0;
        for (int r = 0; r < rounds; r++) {
            g726_init(s, 32000, G726_ENCODING_LINEAR, G726_PACKING_NONE);
            g726_decode(s, pcm, in, n);
            sink += pcm[r % n];
        }
        clock_gettime(CLOCK_MONOTONIC, &b);
        double ns = (b.tv_sec - a.tv_sec) * 1e9 + (b.tv_nsec - a.tv_nsec);
        printf("spandsp g726-32 decode: %.2f ns per sample (%ld)\n", ns / ((double) rounds * n), sink & 1);
    }
    return 0;
}
