// The WebAssembly exports of Veil's libjpeg-turbo wrapper (photo/jpeg_turbo.h,
// shared with the cgo build). Pointers are offsets into the module's memory;
// Go copies the input in and the pixels out.
#include "jpeg_turbo.h"

#define EXPORT(name) __attribute__((export_name(#name)))

EXPORT(malloc) void *x_malloc(unsigned long n) { return malloc(n); }
EXPORT(free) void x_free(void *p) { free(p); }

EXPORT(veil_new) veil_dec *x_new(void) { return veil_new(); }
EXPORT(veil_free) void x_veil_free(veil_dec *v) { veil_free(v); }
EXPORT(veil_msg) const char *x_msg(veil_dec *v) { return veil_msg(v); }

// x_header packs its four results into out[0..3].
EXPORT(veil_header) int x_header(veil_dec *v, const unsigned char *buf, unsigned long len, int *out) {
	return veil_header(v, buf, len, &out[0], &out[1], &out[2], &out[3]);
}

EXPORT(veil_start) int x_start(veil_dec *v, int kind, int denom, int fast, int *out) {
	return veil_start(v, kind, denom, fast, &out[0], &out[1]);
}

EXPORT(veil_read_rows) int x_read_rows(veil_dec *v, unsigned char *dst, long stride, int n, int *got) {
	return veil_read_rows(v, dst, stride, n, got);
}

EXPORT(veil_read_gather) int x_read_gather(veil_dec *v, unsigned char *dst, int bpp, const int *rowstart,
                                           const int *srcx, const int *dstidx, int *grey) {
	return veil_read_gather(v, dst, bpp, rowstart, srcx, dstidx, grey);
}
