// Veil's small C wrapper around the libjpeg API of libjpeg-turbo, built two
// ways from this one file: natively through cgo (photo/jpeg_cgo.go), and to
// WebAssembly, translated to Go (photo/internal/libjpegwasm), for builds
// without cgo.
//
// Natively every entry point sets its own setjmp before calling into
// libjpeg, so that libjpeg's fatal errors (whose default handler calls
// exit()) and the warnings Veil treats as errors longjmp back to it and
// become a message for Go. No longjmp ever crosses a Go frame.
//
// WebAssembly (clang 14, wasi-libc) has no setjmp. There the same places call
// veil_throw, imported from the host: the Go host panics, the caller recovers,
// reads the message and throws the whole module instance away, so no state
// half-way through libjpeg is ever used again.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifdef __wasm__
__attribute__((import_module("env"), import_name("throw"))) _Noreturn void veil_throw(void);
#define VEIL_TRY(v) 0
#define VEIL_JUMP(e) veil_throw()
#else
#include <setjmp.h>
#define VEIL_TRY(v) setjmp((v)->err.jb)
#define VEIL_JUMP(e) longjmp((e)->jb, 1)
#endif

#include <jerror.h>
#include <jpeglib.h>

// VEIL_MAX_SCANS bounds the scans of a progressive JPEG, as TurboJPEG's
// TJFLAG_LIMITSCANS does: a hostile file can otherwise make the decoder spend
// minutes on thousands of empty scans.
#define VEIL_MAX_SCANS 500

// VEIL_MAX_MEMORY bounds libjpeg's own allocations (a progressive 110 MP
// image at 4:4:4 needs about 660 MB of coefficients).
#define VEIL_MAX_MEMORY (1200L * 1024 * 1024)

typedef struct {
	struct jpeg_error_mgr pub;
#ifndef __wasm__
	jmp_buf jb;
#endif
	char msg[JMSG_LENGTH_MAX + 64];
} veil_err;

typedef struct {
	struct jpeg_decompress_struct d;
	veil_err err;
	struct jpeg_progress_mgr prog;
	int created;
	int cmyk; // output is CMYK, converted to RGBA row by row
	unsigned char *row;  // one scanline for CMYK conversion and sampling
	unsigned char *conv; // the same scanline converted to RGBA
} veil_dec;

static void veil_error_exit(j_common_ptr c) {
	veil_err *e = (veil_err *)c->err;
	(*c->err->format_message)(c, e->msg);
	VEIL_JUMP(e);
}

// veil_emit_message makes libjpeg's warnings fatal, apart from a few that
// concern only metadata. libjpeg reports a truncated or damaged file as a
// warning and fills the missing part with grey; Veil must never show or hash
// such a partial picture.
static void veil_emit_message(j_common_ptr c, int level) {
	if (level >= 0) {
		return; // trace messages
	}
	switch (c->err->msg_code) {
	case JWRN_JFIF_MAJOR: // unknown JFIF revision
	case JWRN_BOGUS_ICC:  // damaged ICC profile: only read on request
	case JWRN_ADOBE_XFORM: // unknown Adobe transform: libjpeg guesses as others do
		return;
	case JWRN_EXTRANEOUS_DATA:
		// Padding after the last scan, before EOI, is common in camera files
		// and leaves every pixel intact (a scan cut short is JWRN_HIT_MARKER).
		if (c->err->msg_parm.i[1] == 0xD9) {
			return;
		}
		break;
	}
	veil_err *e = (veil_err *)c->err;
	(*c->err->format_message)(c, e->msg);
	VEIL_JUMP(e);
}

static void veil_progress(j_common_ptr c) {
	j_decompress_ptr d = (j_decompress_ptr)c;
	if (d->progressive_mode && d->input_scan_number > VEIL_MAX_SCANS) {
		veil_err *e = (veil_err *)c->err;
		snprintf(e->msg, sizeof e->msg, "progressive JPEG has more than %d scans", VEIL_MAX_SCANS);
		VEIL_JUMP(e);
	}
}

static veil_dec *veil_new(void) {
	veil_dec *v = (veil_dec *)calloc(1, sizeof(veil_dec));
	return v;
}

static void veil_free(veil_dec *v) {
	if (v == NULL) {
		return;
	}
	if (v->created) {
		jpeg_destroy_decompress(&v->d);
	}
	free(v->row);
	free(v->conv);
	free(v);
}

static const char *veil_msg(veil_dec *v) { return v->err.msg; }

// veil_header reads the headers of buf (which must stay valid and unmoved
// until veil_free) and reports the stored size and colour space.
static int veil_header(veil_dec *v, const unsigned char *buf, unsigned long len, int *w, int *h, int *comps, int *cs) {
	v->d.err = jpeg_std_error(&v->err.pub);
	v->err.pub.error_exit = veil_error_exit;
	v->err.pub.emit_message = veil_emit_message;
	if (VEIL_TRY(v)) {
		return -1;
	}
	jpeg_create_decompress(&v->d);
	v->created = 1;
	v->d.mem->max_memory_to_use = VEIL_MAX_MEMORY;
	v->prog.progress_monitor = veil_progress;
	v->d.progress = &v->prog;
	jpeg_mem_src(&v->d, buf, len);
	jpeg_read_header(&v->d, TRUE);
	*w = (int)v->d.image_width;
	*h = (int)v->d.image_height;
	*comps = v->d.num_components;
	*cs = (int)v->d.jpeg_color_space;
	return 0;
}

// Output kinds for veil_start.
enum { VEIL_RGBA = 0, VEIL_GRAY = 1 };

// veil_start starts decompression. kind is VEIL_GRAY for greyscale files
// (chosen by the caller from the colour space) and VEIL_RGBA otherwise; CMYK
// and YCCK files are converted to RGBA by Veil. denom (1, 2, 4 or 8) asks for
// DCT-domain scaling, and fast trades exactness for speed (previews only).
// Defaults otherwise: ISLOW IDCT and fancy upsampling, as djpeg.
static int veil_start(veil_dec *v, int kind, int denom, int fast, int *ow, int *oh) {
	if (VEIL_TRY(v)) {
		return -1;
	}
	J_COLOR_SPACE in = v->d.jpeg_color_space;
	if (kind == VEIL_GRAY) {
		v->d.out_color_space = JCS_GRAYSCALE;
	} else if (in == JCS_CMYK || in == JCS_YCCK) {
		v->d.out_color_space = JCS_CMYK;
		v->cmyk = 1;
	} else {
		v->d.out_color_space = JCS_EXT_RGBA;
	}
	v->d.scale_num = 1;
	v->d.scale_denom = (unsigned int)denom;
	if (fast) {
		v->d.dct_method = JDCT_IFAST;
		v->d.do_fancy_upsampling = FALSE;
	}
	jpeg_start_decompress(&v->d);
	*ow = (int)v->d.output_width;
	*oh = (int)v->d.output_height;
	if (v->cmyk) {
		v->row = (unsigned char *)malloc((size_t)v->d.output_width * 4);
		if (v->row == NULL) {
			snprintf(v->err.msg, sizeof v->err.msg, "out of memory");
			return -1;
		}
	}
	return 0;
}

// veil_cmyk_to_rgba converts n pixels of libjpeg's CMYK output as ImageMagick
// does (which PDQ's reference uses): the samples are taken as Adobe-inverted,
// so R = c*k/255 in its 16-bit quantum, rounded, then scaled to 8 bits.
static void veil_cmyk_to_rgba(const unsigned char *src, unsigned char *dst, int n) {
	for (int i = 0; i < n; i++) {
		unsigned int k = src[4 * i + 3];
		for (int j = 0; j < 3; j++) {
			unsigned int p = (unsigned int)src[4 * i + j] * k * 257u; // value*255 in Q16
			unsigned int q16 = (2u * p + 255u) / 510u;                  // round(p/255)
			dst[4 * i + j] = (unsigned char)(((q16 + 128u) - ((q16 + 128u) >> 8)) >> 8);
		}
		dst[4 * i + 3] = 255;
	}
}

// veil_read_rows decodes up to n output rows into dst (stride bytes apart)
// and reports how many it wrote in *got. After the last row it finishes
// decompression, so trailing corruption is noticed too.
static int veil_read_rows(veil_dec *v, unsigned char *dst, long stride, int n, int *got) {
	*got = 0;
	if (VEIL_TRY(v)) {
		return -1;
	}
	while (*got < n && v->d.output_scanline < v->d.output_height) {
		JSAMPROW rowp = dst + (long)*got * stride;
		JSAMPROW into = v->cmyk ? v->row : rowp;
		if (jpeg_read_scanlines(&v->d, &into, 1) != 1) {
			ERREXIT(&v->d, JERR_INPUT_EOF);
		}
		if (v->cmyk) {
			veil_cmyk_to_rgba(v->row, rowp, (int)v->d.output_width);
		}
		(*got)++;
	}
	if (v->d.output_scanline == v->d.output_height) {
		jpeg_finish_decompress(&v->d);
	}
	return 0;
}

static int veil_all_grey(const unsigned char *p, int n) {
	for (int i = 0; i < n; i++, p += 4) {
		if (p[0] != p[1] || p[1] != p[2]) {
			return 0;
		}
	}
	return 1;
}

// veil_read_gather decodes every row but keeps only listed pixels: the
// pixels of source row y are srcx[k] for k in [rowstart[y], rowstart[y+1]),
// each copied to pixel dstidx[k] of dst. bpp is 4 (RGBA) or 1 (grey). *grey
// is cleared when any decoded RGBA pixel of the whole picture (not only the
// kept ones) has R, G and B not all equal.
static int veil_read_gather(veil_dec *v, unsigned char *dst, int bpp, const int *rowstart,
                            const int *srcx, const int *dstidx, int *grey) {
	if (VEIL_TRY(v)) {
		return -1;
	}
	int w = (int)v->d.output_width;
	if (v->row == NULL) {
		v->row = (unsigned char *)malloc((size_t)w * 4);
		if (v->row == NULL) {
			snprintf(v->err.msg, sizeof v->err.msg, "out of memory");
			return -1;
		}
	}
	if (v->cmyk && v->conv == NULL) {
		v->conv = (unsigned char *)malloc((size_t)w * 4);
		if (v->conv == NULL) {
			snprintf(v->err.msg, sizeof v->err.msg, "out of memory");
			return -1;
		}
	}
	while (v->d.output_scanline < v->d.output_height) {
		int y = (int)v->d.output_scanline;
		JSAMPROW tmp = v->row;
		if (jpeg_read_scanlines(&v->d, &tmp, 1) != 1) {
			ERREXIT(&v->d, JERR_INPUT_EOF);
		}
		const unsigned char *src = v->row;
		if (v->cmyk) {
			veil_cmyk_to_rgba(v->row, v->conv, w);
			src = v->conv;
		}
		if (bpp == 4 && *grey && !veil_all_grey(src, w)) {
			*grey = 0;
		}
		int end = rowstart[y + 1];
		if (bpp == 4) {
			for (int k = rowstart[y]; k < end; k++) {
				memcpy(dst + 4 * (long)dstidx[k], src + 4 * srcx[k], 4);
			}
		} else {
			for (int k = rowstart[y]; k < end; k++) {
				dst[dstidx[k]] = src[srcx[k]];
			}
		}
	}
	jpeg_finish_decompress(&v->d);
	return 0;
}
