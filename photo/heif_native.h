// Veil's small C wrapper around libheif's decoding API.
//
// libheif is used as a library of parsers and codecs only: heif_init() is
// never called, so libheif never scans a plugin folder or LIBHEIF_PLUGIN_PATH
// and never dlopens anything; the decoders built into Debian's libheif
// (libde265 for HEVC, dav1d and aom for AV1) register themselves when the
// library is loaded.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libheif/heif.h>

typedef struct {
	struct heif_context *ctx;
	struct heif_image_handle *handle;
	struct heif_image *img;
	char msg[256];
} veil_heif;

#include "heif_hevc.h"

static void veil_heif_err(veil_heif *v, struct heif_error e) {
	if (e.message != NULL && e.message[0] != '\0') {
		snprintf(v->msg, sizeof v->msg, "%s", e.message);
	} else {
		snprintf(v->msg, sizeof v->msg, "libheif error %d.%d", (int)e.code, (int)e.subcode);
	}
}

static veil_heif *veil_heif_new(void) { return (veil_heif *)calloc(1, sizeof(veil_heif)); }

static const char *veil_heif_msg(veil_heif *v) { return v->msg; }

static void veil_heif_free(veil_heif *v) {
	if (v == NULL) {
		return;
	}
	if (v->img != NULL) {
		heif_image_release(v->img);
	}
	if (v->handle != NULL) {
		heif_image_handle_release(v->handle);
	}
	if (v->ctx != NULL) {
		heif_context_free(v->ctx);
	}
	free(v);
}

// veil_heif_open parses the file in buf (which must stay valid and unmoved
// until veil_heif_free) and reports the primary image's size as shown (after
// rotation and cropping), whether it has alpha and whether that alpha is
// premultiplied. threads bounds libheif's parallel tile decoding.
static int veil_heif_open(veil_heif *v, const void *buf, size_t len, int threads, int *w, int *h, int *alpha,
                          int *prem) {
	v->ctx = heif_context_alloc();
	if (v->ctx == NULL) {
		snprintf(v->msg, sizeof v->msg, "out of memory");
		return -1;
	}
	heif_context_set_max_decoding_threads(v->ctx, threads);
	struct heif_error e = heif_context_read_from_memory_without_copy(v->ctx, buf, len, NULL);
	if (e.code != heif_error_Ok) {
		veil_heif_err(v, e);
		return -1;
	}
	e = heif_context_get_primary_image_handle(v->ctx, &v->handle);
	if (e.code != heif_error_Ok) {
		veil_heif_err(v, e);
		return -1;
	}
	*w = heif_image_handle_get_width(v->handle);
	*h = heif_image_handle_get_height(v->handle);
	*alpha = heif_image_handle_has_alpha_channel(v->handle);
	*prem = heif_image_handle_is_premultiplied_alpha(v->handle);
	return 0;
}

// veil_heif_decode decodes the primary image to 8-bit RGB (and alpha),
// applying the file's rotation, mirroring and cropping. 8-bit pictures are
// asked for as planar RGB: that is what libheif assembles a grid of tiles
// into and what its colour conversion produces, so it saves a full-size copy,
// and interleaving it gives exactly the bytes of libheif's interleaved
// output. Deeper pictures are asked for interleaved, the only way libheif
// 1.15 reduces them to 8 bits.
static int veil_heif_decode(veil_heif *v, int alpha) {
	struct heif_decoding_options *o = heif_decoding_options_alloc();
	if (o == NULL) {
		snprintf(v->msg, sizeof v->msg, "out of memory");
		return -1;
	}
	o->convert_hdr_to_8bit = 1;
	enum heif_chroma chroma = heif_chroma_444;
	if (heif_image_handle_get_luma_bits_per_pixel(v->handle) != 8) {
		chroma = alpha ? heif_chroma_interleaved_RGBA : heif_chroma_interleaved_RGB;
	}
	struct heif_error e = heif_decode_image(v->handle, &v->img, heif_colorspace_RGB, chroma, o);
	heif_decoding_options_free(o);
	if (e.code != heif_error_Ok) {
		veil_heif_err(v, e);
		return -1;
	}
	return 0;
}

typedef struct {
	const uint8_t *p[4]; // R, G, B, alpha (NULL without alpha)
	int stride[4];
	int step; // bytes from one pixel to the next: 1 planar, 3 or 4 interleaved
} veil_planes;

// veil_heif_planes finds the decoded samples and checks that they are 8-bit
// and w×h, the size the header promised.
static int veil_heif_planes(veil_heif *v, veil_planes *pl, int w, int h, int alpha) {
	static const enum heif_channel ch[4] = {heif_channel_R, heif_channel_G, heif_channel_B, heif_channel_Alpha};
	memset(pl, 0, sizeof *pl);
	enum heif_chroma chroma = heif_image_get_chroma_format(v->img);
	int interleaved = chroma == heif_chroma_interleaved_RGB || chroma == heif_chroma_interleaved_RGBA;
	if (!interleaved && chroma != heif_chroma_444) {
		snprintf(v->msg, sizeof v->msg, "unexpected decoded layout %d", (int)chroma);
		return -1;
	}
	int n = interleaved ? 1 : (alpha ? 4 : 3);
	for (int c = 0; c < n; c++) {
		enum heif_channel hc = interleaved ? heif_channel_interleaved : ch[c];
		int cw = heif_image_get_width(v->img, hc), chh = heif_image_get_height(v->img, hc);
		if (cw != w || chh != h) {
			snprintf(v->msg, sizeof v->msg, "decoded picture is %dx%d, the header says %dx%d", cw, chh, w, h);
			return -1;
		}
		int bpp = heif_image_get_bits_per_pixel(v->img, hc);
		if (bpp != (interleaved ? (alpha ? 32 : 24) : 8)) {
			snprintf(v->msg, sizeof v->msg, "decoded picture has %d bits per pixel", bpp);
			return -1;
		}
		pl->p[c] = heif_image_get_plane_readonly(v->img, hc, &pl->stride[c]);
		if (pl->p[c] == NULL) {
			snprintf(v->msg, sizeof v->msg, "no decoded picture");
			return -1;
		}
	}
	pl->step = 1;
	if (interleaved) {
		pl->step = alpha ? 4 : 3;
		for (int c = 1; c < pl->step; c++) {
			pl->p[c] = pl->p[0] + c;
			pl->stride[c] = pl->stride[0];
		}
	}
	return 0;
}

static void veil_heif_release(veil_heif *v) {
	heif_image_release(v->img);
	v->img = NULL;
}

static inline void veil_heif_px(const veil_planes *pl, int x, int y, unsigned char *d) {
	long i = (long)x * pl->step;
	d[0] = pl->p[0][(long)y * pl->stride[0] + i];
	d[1] = pl->p[1][(long)y * pl->stride[1] + i];
	d[2] = pl->p[2][(long)y * pl->stride[2] + i];
	d[3] = pl->p[3] != NULL ? pl->p[3][(long)y * pl->stride[3] + i] : 255;
}

// veil_heif_grey_row reports whether row y has R=G=B in every pixel.
static int veil_heif_grey_row(const veil_planes *pl, int y, int w) {
	const uint8_t *r = pl->p[0] + (long)y * pl->stride[0], *g = pl->p[1] + (long)y * pl->stride[1],
	              *b = pl->p[2] + (long)y * pl->stride[2];
	if (pl->step == 1) {
		return memcmp(r, g, (size_t)w) == 0 && memcmp(g, b, (size_t)w) == 0;
	}
	for (long i = 0; i < (long)w * pl->step; i += pl->step) {
		if (r[i] != g[i] || g[i] != b[i]) {
			return 0;
		}
	}
	return 1;
}

// veil_heif_copy interleaves the decoded w×h picture into dst (RGBA, stride
// bytes apart), alpha 255 when the picture has none, and frees libheif's copy.
static int veil_heif_copy(veil_heif *v, unsigned char *dst, long stride, int w, int h, int alpha) {
	veil_planes pl;
	if (veil_heif_planes(v, &pl, w, h, alpha) != 0) {
		return -1;
	}
	for (int y = 0; y < h; y++) {
		unsigned char *d = dst + (long)y * stride;
		if (pl.step == 1 && !alpha) {
			const uint8_t *r = pl.p[0] + (long)y * pl.stride[0], *g = pl.p[1] + (long)y * pl.stride[1],
			              *b = pl.p[2] + (long)y * pl.stride[2];
			for (int x = 0; x < w; x++) {
				d[4 * x + 0] = r[x];
				d[4 * x + 1] = g[x];
				d[4 * x + 2] = b[x];
				d[4 * x + 3] = 255;
			}
			continue;
		}
		for (int x = 0; x < w; x++) {
			veil_heif_px(&pl, x, y, d + 4 * x);
		}
	}
	veil_heif_release(v);
	return 0;
}

// veil_heif_gather keeps only listed pixels of the decoded w×h picture, as
// veil_read_gather does for JPEG: the pixels of row y are srcx[k] for k in
// [rowstart[y], rowstart[y+1]), each copied (RGBA) to pixel dstidx[k] of
// dst. *grey is cleared when any pixel of the whole picture has R, G and B
// not all equal. libheif's copy is freed.
static int veil_heif_gather(veil_heif *v, unsigned char *dst, int w, int h, int alpha, const int *rowstart,
                            const int *srcx, const int *dstidx, int *grey) {
	veil_planes pl;
	if (veil_heif_planes(v, &pl, w, h, alpha) != 0) {
		return -1;
	}
	for (int y = 0; y < h; y++) {
		if (*grey && !veil_heif_grey_row(&pl, y, w)) {
			*grey = 0;
		}
		for (int k = rowstart[y]; k < rowstart[y + 1]; k++) {
			veil_heif_px(&pl, srcx[k], y, dst + 4 * (long)dstidx[k]);
		}
	}
	veil_heif_release(v);
	return 0;
}

// veil_axis maps output sample i of dn, resampled from n, to the two source
// samples it lies between and the second's weight out of 256, sampling at
// pixel centres as x/image/draw's ApproxBiLinear does.
static inline void veil_axis(int i, int n, int dn, int *s0, int *s1, int *wt) {
	double s = ((double)i + 0.5) * n / dn - 0.5;
	if (s < 0) {
		s = 0;
	}
	int a = (int)s;
	if (a > n - 1) {
		a = n - 1;
	}
	*s0 = a;
	*s1 = a + 1 < n ? a + 1 : a;
	*wt = (int)((s - a) * 256 + 0.5);
}

// veil_axis_table returns veil_axis for each of dn outputs as three arrays
// of dn: first samples, second samples, weights; NULL without memory. The
// caller frees it.
static int *veil_axis_table(int n, int dn) {
	int *t = (int *)malloc(sizeof(int) * 3 * (size_t)dn);
	if (t != NULL) {
		for (int i = 0; i < dn; i++) {
			veil_axis(i, n, dn, &t[i], &t[dn + i], &t[2 * dn + i]);
		}
	}
	return t;
}

// veil_heif_scale_rows writes rows [y0, y1) of the decoded w×h picture
// (planes pl, from veil_heif_planes) resampled to dw×dh (RGBA, stride bytes
// apart) by bilinear interpolation at pixel centres, as x/image/draw's
// ApproxBiLinear does, in 8-bit fixed point. A row depends only on the
// planes, so separate bands of rows can be written from separate threads.
// For previews only: the pixels are approximate.
static int veil_heif_scale_rows(const veil_planes *pl, unsigned char *dst, long stride, int w, int h, int dw, int dh,
                                int y0, int y1) {
	int *xs = veil_axis_table(w, dw);
	if (xs == NULL) {
		return -1;
	}
	int *x1s = xs + dw, *wxs = xs + 2 * dw;
	for (int x = 0; x < dw; x++) {
		xs[x] *= pl->step;
		x1s[x] *= pl->step;
	}
	int nc = pl->p[3] != NULL ? 4 : 3;
	for (int y = y0; y < y1; y++) {
		int sy0, sy1, wy;
		veil_axis(y, h, dh, &sy0, &sy1, &wy);
		unsigned char *d = dst + (long)y * stride;
		for (int c = 0; c < nc; c++) {
			const uint8_t *r0 = pl->p[c] + (long)sy0 * pl->stride[c], *r1 = pl->p[c] + (long)sy1 * pl->stride[c];
			for (int x = 0; x < dw; x++) {
				int wx = wxs[x];
				int top = r0[xs[x]] * (256 - wx) + r0[x1s[x]] * wx;
				int bot = r1[xs[x]] * (256 - wx) + r1[x1s[x]] * wx;
				d[4 * x + c] = (unsigned char)((top * (256 - wy) + bot * wy + 32768) >> 16);
			}
		}
		if (nc == 3) {
			for (int x = 0; x < dw; x++) {
				d[4 * x + 3] = 255;
			}
		}
	}
	free(xs);
	return 0;
}
