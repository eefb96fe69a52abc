// Veil's HEIC preview from the decoded YCbCr planes.
//
// libheif 1.15 assembles a grid (every iPhone photo is one of 512x512 HEVC
// tiles) by converting each tile to planar RGB 4:4:4 and pasting it into a
// full-size RGB picture, which Veil then resamples: for a 12 MP photo that is
// 36 MB of fresh memory written and read again, and a colour conversion of
// every pixel, before a preview of a fifth of them is shown. For the preview
// only, Veil decodes the tiles itself (through the same strict, stoppable
// libde265 decoder as libheif's, heif_hevc.h), pastes their YCbCr 4:2:0
// planes into a canvas of 1.5 bytes a pixel, and converts to RGB and
// resamples in one pass at the output size, in bands of rows on all cores,
// converting only the samples the output uses. The conversion is libheif's
// (Op_YCbCr_to_RGB: its coefficients, its nearest-neighbour chroma, its
// limited-range scale factors), in fixed point, so the result is libheif's
// picture resampled, but for a rare rounding of a tie. Anything else (alpha, more than 8 bits,
// other chroma layouts, matrices libheif converts specially) is left to
// libheif: photo/heif_ycbcr.go decides.

typedef struct {
	uint8_t *p[3]; // Y, Cb, Cr: w×h and ((w+1)/2)×((h+1)/2), rows packed
	int w, h;
} veil_ycbcr;

typedef struct {
	veil_ycbcr *dst;
	int x0, y0; // where the tile goes, even
	int tw, th; // the tile's size (ispe)
	// The colour description from the bitstream (VUI), as libheif's plugin
	// records it: matrix coefficients, colour primaries, full range.
	int matrix, primaries, full;
	char msg[160];
} veil_tile;

// veil_tile_take checks that a decoded tile is what the preview handles and
// pastes its planes into the canvas, cropped at its right and bottom edges.
static struct heif_error veil_tile_take(const struct de265_image *img, void *arg) {
	veil_tile *t = (veil_tile *)arg;
	if (de265_get_chroma_format(img) != de265_chroma_420) {
		return veil_hevc_fail(heif_suberror_Unsupported_color_conversion, "veil: not 4:2:0");
	}
	for (int c = 0; c < 3; c++) {
		int cw = de265_get_image_width(img, c), ch = de265_get_image_height(img, c);
		int ew = c == 0 ? t->tw : (t->tw + 1) / 2, eh = c == 0 ? t->th : (t->th + 1) / 2;
		if (de265_get_bits_per_pixel(img, c) != 8 || cw != ew || ch != eh) {
			return veil_hevc_fail(heif_suberror_Unsupported_color_conversion, "veil: unexpected tile layout");
		}
	}
	t->matrix = de265_get_image_matrix_coefficients(img);
	t->primaries = de265_get_image_colour_primaries(img);
	t->full = de265_get_image_full_range_flag(img) != 0;
	for (int c = 0; c < 3; c++) {
		int sub = c == 0 ? 0 : 1;
		int stride = 0;
		const uint8_t *src = de265_get_image_plane(img, c, &stride);
		int dw = c == 0 ? t->dst->w : (t->dst->w + 1) / 2, dh = c == 0 ? t->dst->h : (t->dst->h + 1) / 2;
		int x0 = t->x0 >> sub, y0 = t->y0 >> sub;
		int n = de265_get_image_width(img, c), rows = de265_get_image_height(img, c);
		if (n > dw - x0) {
			n = dw - x0;
		}
		if (rows > dh - y0) {
			rows = dh - y0;
		}
		if (src == NULL || n <= 0 || rows <= 0) {
			return veil_hevc_fail(heif_suberror_Invalid_image_size, "empty HEVC picture");
		}
		for (int y = 0; y < rows; y++) {
			memcpy(t->dst->p[c] + (size_t)(y0 + y) * dw + x0, src + (size_t)y * stride, (size_t)n);
		}
	}
	return veil_hevc_ok();
}

// veil_tile_decode decodes one tile (the parameter sets and NAL units in
// data, each after a 4-byte length, as libheif hands them to its decoders)
// into the canvas. It returns 0, or -1 with t->msg set; a message starting
// "veil:" means the tile is valid but not for this path.
static int veil_tile_decode(veil_tile *t, const uint8_t *data, size_t n) {
	void *d = NULL;
	struct heif_error e = veil_hevc_new(&d);
	if (e.code == heif_error_Ok) {
		e = veil_hevc_push(d, data, n);
		if (e.code == heif_error_Ok) {
			e = veil_hevc_picture((veil_hevc *)d, veil_tile_take, t);
		}
		veil_hevc_free(d);
	}
	if (e.code != heif_error_Ok) {
		snprintf(t->msg, sizeof t->msg, "%s", e.message != NULL ? e.message : "decoder failed");
		return -1;
	}
	return 0;
}

// veil_ycc is libheif's YCbCr to RGB conversion for one picture
// (get_YCbCr_to_RGB_coefficients and Op_YCbCr_to_RGB<uint8_t>) in 16-bit
// fixed point: R = ky*(Y-yoff) + rcr*(Cr-128), and so on, the limited-range
// scale factors folded into ky and the chroma coefficients.
typedef struct {
	int ky, yoff, rcr, gcb, gcr, bcb;
} veil_ycc;

static inline unsigned char veil_ycc_clip(int v) {
	v = (v + 32768) >> 16;
	return v < 0 ? 0 : v > 255 ? 255 : (unsigned char)v;
}

// veil_ycc_px converts one sample, its chroma that of its nearest chroma
// sample, as libheif's conversion takes it.
static inline void veil_ycc_px(const veil_ycc *k, int y, int cb, int cr, unsigned char *rgb) {
	int yy = k->ky * (y - k->yoff);
	cb -= 128;
	cr -= 128;
	rgb[0] = veil_ycc_clip(yy + k->rcr * cr);
	rgb[1] = veil_ycc_clip(yy + k->gcb * cb + k->gcr * cr);
	rgb[2] = veil_ycc_clip(yy + k->bcb * cb);
}

// veil_ycc_row converts the columns cols[0..n) of source row sy into
// rgb (3 bytes a source column, indexed by column).
static void veil_ycc_row(const veil_ycbcr *s, const veil_ycc *k, int sy, const int *cols, int n, unsigned char *rgb) {
	int cw = (s->w + 1) / 2;
	const uint8_t *l = s->p[0] + (size_t)sy * s->w, *cb = s->p[1] + (size_t)(sy >> 1) * cw,
	              *cr = s->p[2] + (size_t)(sy >> 1) * cw;
	for (int i = 0; i < n; i++) {
		int x = cols[i];
		veil_ycc_px(k, l[x], cb[x >> 1], cr[x >> 1], rgb + 3 * x);
	}
}

// veil_ycbcr_scale_rows writes rows [y0, y1) of the canvas resampled to
// dw×dh and converted to RGB: pixel (x, y) as RGBA at dst + x*xstep +
// y*ystep, so that the caller can have the picture written rotated (as irot
// asks) instead of copying it afterwards. Source samples are converted as
// libheif would and interpolated with veil_heif_scale_rows' positions,
// weights and rounding, so the result is libheif's RGB resampled; but only
// the samples used are converted, each once: the source rows the output
// needs, two at a time, in the columns it needs.
static int veil_ycbcr_scale_rows(const veil_ycbcr *s, const veil_ycc *k, unsigned char *dst, long xstep, long ystep,
                                 int dw, int dh, int y0, int y1) {
	int w = s->w, h = s->h;
	int *xs = veil_axis_table(w, dw);
	int *cols = (int *)malloc(sizeof(int) * (size_t)w);
	unsigned char *rows = (unsigned char *)malloc(6 * (size_t)w);
	if (xs == NULL || cols == NULL || rows == NULL) {
		free(xs);
		free(cols);
		free(rows);
		return -1;
	}
	const int *x1s = xs + dw, *wxs = xs + 2 * dw;
	// The columns used, each once: xs and x1s never decrease.
	int n = 0;
	for (int x = 0; x < dw; x++) {
		if (n == 0 || cols[n - 1] < xs[x]) {
			cols[n++] = xs[x];
		}
		if (cols[n - 1] < x1s[x]) {
			cols[n++] = x1s[x];
		}
	}
	unsigned char *buf[2] = {rows, rows + 3 * (size_t)w};
	int held[2] = {-1, -1}; // the source row each buffer holds
	for (int y = y0; y < y1; y++) {
		int sy0, sy1, wy;
		veil_axis(y, h, dh, &sy0, &sy1, &wy);
		int i0 = held[0] == sy0 ? 0 : held[1] == sy0 ? 1 : -1;
		if (i0 < 0) {
			i0 = held[0] == sy1 ? 1 : 0; // keep the other row needed
			veil_ycc_row(s, k, sy0, cols, n, buf[i0]);
			held[i0] = sy0;
		}
		int i1 = held[0] == sy1 ? 0 : held[1] == sy1 ? 1 : -1;
		if (i1 < 0) {
			i1 = 1 - i0;
			veil_ycc_row(s, k, sy1, cols, n, buf[i1]);
			held[i1] = sy1;
		}
		const unsigned char *t = buf[i0], *u = buf[i1];
		unsigned char *d = dst + (long)y * ystep;
		for (int x = 0; x < dw; x++, d += xstep) {
			int a = 3 * xs[x], b = 3 * x1s[x], wx = wxs[x];
			for (int c = 0; c < 3; c++) {
				int top = t[a + c] * (256 - wx) + t[b + c] * wx;
				int bot = u[a + c] * (256 - wx) + u[b + c] * wx;
				d[c] = (unsigned char)((top * (256 - wy) + bot * wy + 32768) >> 16);
			}
			d[3] = 255;
		}
	}
	free(xs);
	free(cols);
	free(rows);
	return 0;
}
