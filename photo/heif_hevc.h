// Veil's HEVC decoder for libheif: libde265, as in libheif's own plugin, but
// strict and stoppable.
//
// libheif's built-in libde265 plugin shows whatever libde265 made of a
// damaged bitstream (libde265 conceals errors and only records warnings) and
// cannot be stopped once started. This plugin, registered with a higher
// priority, decodes the same way (the same library, the same copy of the
// planes, the same colour description from the bitstream) and differs in
// three ways:
//   - any libde265 warning about the bitstream fails the decode, so a damaged
//     photo is reported instead of shown or hashed;
//   - an image item holding more than one picture is refused;
//   - between NAL units it checks veil_hevc_cancel, which Veil sets when a
//     decode overruns its time limit, so the remaining tiles of a grid are
//     not decoded at all.
// It decodes in the calling thread (libheif already decodes the tiles of a
// grid in parallel), without libde265 worker threads.
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>

#include <libde265/de265.h>
#include <libheif/heif.h>
#include <libheif/heif_plugin.h>

// veil_hevc_cancel is set by Veil when the decode under way must stop. Only
// one libheif decode runs at a time (photo/heif_native.go), so one flag serves.
static atomic_int veil_hevc_cancel;

static void veil_hevc_set_cancel(int v) { atomic_store(&veil_hevc_cancel, v); }

typedef struct {
	de265_decoder_context *ctx;
} veil_hevc;

static const char veil_hevc_empty[] = "";

static struct heif_error veil_hevc_ok(void) {
	struct heif_error e = {heif_error_Ok, heif_suberror_Unspecified, veil_hevc_empty};
	return e;
}

// veil_hevc_fail reports a decoding failure. msg must be a static string:
// libheif frees the decoder before it copies the message.
static struct heif_error veil_hevc_fail(enum heif_suberror_code sub, const char *msg) {
	struct heif_error e = {heif_error_Decoder_plugin_error, sub, msg};
	return e;
}

static const char *veil_hevc_name(void) { return "Veil strict libde265 decoder"; }

static void veil_hevc_init(void) {}

static void veil_hevc_deinit(void) {}

static int veil_hevc_supports(enum heif_compression_format f) {
	// Above libheif's own libde265 plugin (100).
	return f == heif_compression_HEVC ? 200 : 0;
}

static struct heif_error veil_hevc_new(void **out) {
	veil_hevc *d = (veil_hevc *)calloc(1, sizeof(veil_hevc));
	if (d == NULL) {
		struct heif_error e = {heif_error_Memory_allocation_error, heif_suberror_Unspecified, "out of memory"};
		return e;
	}
	d->ctx = de265_new_decoder();
	if (d->ctx == NULL) {
		free(d);
		struct heif_error e = {heif_error_Memory_allocation_error, heif_suberror_Unspecified, "out of memory"};
		return e;
	}
	*out = d;
	return veil_hevc_ok();
}

static void veil_hevc_free(void *p) {
	veil_hevc *d = (veil_hevc *)p;
	de265_free_decoder(d->ctx);
	free(d);
}

static void veil_hevc_strict(void *p, int flag) {
	(void)p;
	(void)flag; // always strict
}

// veil_hevc_push splits libheif's data (the hvcC parameter sets and the
// item's NAL units, each after a 4-byte length, as libheif writes them) into
// NAL units for libde265.
static struct heif_error veil_hevc_push(void *p, const void *data, size_t size) {
	veil_hevc *d = (veil_hevc *)p;
	const uint8_t *b = (const uint8_t *)data;
	size_t i = 0;
	while (i < size) {
		if (atomic_load(&veil_hevc_cancel)) {
			return veil_hevc_fail(heif_suberror_Unspecified, "decoding stopped");
		}
		if (size - i < 4) {
			return veil_hevc_fail(heif_suberror_End_of_data, "truncated HEVC data");
		}
		uint32_t n = ((uint32_t)b[i] << 24) | ((uint32_t)b[i + 1] << 16) | ((uint32_t)b[i + 2] << 8) | b[i + 3];
		i += 4;
		if (n > size - i || n > 0x7fffffff) {
			return veil_hevc_fail(heif_suberror_End_of_data, "HEVC NAL unit runs past the end of its data");
		}
		de265_error err = de265_push_NAL(d->ctx, b + i, (int)n, 0, NULL);
		if (err != DE265_OK) {
			return veil_hevc_fail(heif_suberror_Unspecified, de265_get_error_text(err));
		}
		i += n;
	}
	return veil_hevc_ok();
}

// veil_hevc_warning returns the first warning about the bitstream, or
// DE265_OK. Warnings about multithreading are not about the data.
static de265_error veil_hevc_warning(veil_hevc *d) {
	for (;;) {
		de265_error w = de265_get_warning(d->ctx);
		switch (w) {
		case DE265_WARNING_NO_WPP_CANNOT_USE_MULTITHREADING:
		case DE265_WARNING_NUMBER_OF_THREADS_LIMITED_TO_MAXIMUM:
			continue;
		default:
			return w;
		}
	}
}

// veil_hevc_convert copies libde265's planes into a new heif_image, as
// libheif's plugin does, with the colour description from the bitstream's
// VUI (libheif replaces it with the file's nclx box when there is one).
static struct heif_error veil_hevc_convert(const struct de265_image *src, struct heif_image **out) {
	int mono = de265_get_chroma_format(src) == de265_chroma_mono;
	struct heif_error e = heif_image_create(de265_get_image_width(src, 0), de265_get_image_height(src, 0),
	                                        mono ? heif_colorspace_monochrome : heif_colorspace_YCbCr,
	                                        (enum heif_chroma)de265_get_chroma_format(src), out);
	if (e.code != heif_error_Ok) {
		return e;
	}
	static const enum heif_channel chans[3] = {heif_channel_Y, heif_channel_Cb, heif_channel_Cr};
	int bpp = de265_get_bits_per_pixel(src, 0);
	for (int c = 0; c < (mono ? 1 : 3); c++) {
		if (de265_get_bits_per_pixel(src, c) != bpp) {
			heif_image_release(*out);
			*out = NULL;
			return veil_hevc_fail(heif_suberror_Unsupported_color_conversion,
			                      "HEVC channels with different bit depths");
		}
		int w = de265_get_image_width(src, c), h = de265_get_image_height(src, c), stride = 0;
		const uint8_t *plane = de265_get_image_plane(src, c, &stride);
		if (w <= 0 || h <= 0 || plane == NULL) {
			heif_image_release(*out);
			*out = NULL;
			return veil_hevc_fail(heif_suberror_Invalid_image_size, "empty HEVC picture");
		}
		e = heif_image_add_plane(*out, chans[c], w, h, bpp);
		if (e.code != heif_error_Ok) {
			heif_image_release(*out);
			*out = NULL;
			return e;
		}
		int dstride = 0;
		uint8_t *dst = heif_image_get_plane(*out, chans[c], &dstride);
		size_t row = (size_t)w * (size_t)((bpp + 7) / 8);
		for (int y = 0; y < h; y++) {
			memcpy(dst + (size_t)y * dstride, plane + (size_t)y * stride, row);
		}
	}
	struct heif_color_profile_nclx *nclx = heif_nclx_color_profile_alloc();
	if (nclx != NULL) {
		// As libheif's plugin when not strict: a value outside the enums is
		// left at its default.
		heif_nclx_color_profile_set_color_primaries(nclx, (uint16_t)de265_get_image_colour_primaries(src));
		heif_nclx_color_profile_set_transfer_characteristics(nclx,
		                                                     (uint16_t)de265_get_image_transfer_characteristics(src));
		heif_nclx_color_profile_set_matrix_coefficients(nclx, (uint16_t)de265_get_image_matrix_coefficients(src));
		nclx->full_range_flag = (uint8_t)(de265_get_image_full_range_flag(src) != 0);
		heif_image_set_nclx_color_profile(*out, nclx);
		heif_nclx_color_profile_free(nclx);
	}
	return veil_hevc_ok();
}

// veil_hevc_take receives the one picture of an image item.
typedef struct heif_error (*veil_hevc_take)(const struct de265_image *img, void *arg);

// veil_hevc_picture decodes the data pushed so far, strictly and stoppably,
// and hands its one picture to take. Veil's HEIC preview
// (heif_ycbcr.h) decodes grid tiles through it as well, so both paths refuse
// the same damaged files.
static struct heif_error veil_hevc_picture(veil_hevc *d, veil_hevc_take take, void *arg) {
	de265_error err = de265_flush_data(d->ctx);
	if (err != DE265_OK) {
		return veil_hevc_fail(heif_suberror_Unspecified, de265_get_error_text(err));
	}
	int more = 1, got = 0;
	while (more) {
		if (atomic_load(&veil_hevc_cancel)) {
			return veil_hevc_fail(heif_suberror_Unspecified, "decoding stopped");
		}
		more = 0;
		err = de265_decode(d->ctx, &more);
		if (err != DE265_OK) {
			return veil_hevc_fail(heif_suberror_Unspecified, de265_get_error_text(err));
		}
		de265_error w = veil_hevc_warning(d);
		if (w != DE265_OK) {
			return veil_hevc_fail(heif_suberror_Unspecified, de265_get_error_text(w));
		}
		const struct de265_image *img = de265_get_next_picture(d->ctx);
		if (img != NULL) {
			if (got) {
				return veil_hevc_fail(heif_suberror_Unspecified, "more than one picture in an HEVC image item");
			}
			got = 1;
			struct heif_error e = take(img, arg);
			de265_release_next_picture(d->ctx);
			if (e.code != heif_error_Ok) {
				return e;
			}
		}
	}
	if (!got) {
		return veil_hevc_fail(heif_suberror_Unspecified, "no picture in the HEVC data");
	}
	return veil_hevc_ok();
}

static struct heif_error veil_hevc_take_heif(const struct de265_image *img, void *arg) {
	return veil_hevc_convert(img, (struct heif_image **)arg);
}

static struct heif_error veil_hevc_decode(void *p, struct heif_image **out) {
	*out = NULL;
	struct heif_error e = veil_hevc_picture((veil_hevc *)p, veil_hevc_take_heif, out);
	if (e.code != heif_error_Ok && *out != NULL) {
		heif_image_release(*out);
		*out = NULL;
	}
	return e;
}

static const struct heif_decoder_plugin veil_hevc_plugin = {
    .plugin_api_version = 3,
    .get_plugin_name = veil_hevc_name,
    .init_plugin = veil_hevc_init,
    .deinit_plugin = veil_hevc_deinit,
    .does_support_format = veil_hevc_supports,
    .new_decoder = veil_hevc_new,
    .free_decoder = veil_hevc_free,
    .push_data = veil_hevc_push,
    .decode_image = veil_hevc_decode,
    .set_strict_decoding = veil_hevc_strict,
    .id_name = "veil-libde265",
};

static int veil_hevc_register(char *msg, int n) {
	struct heif_error e = heif_register_decoder_plugin(&veil_hevc_plugin);
	if (e.code != heif_error_Ok) {
		snprintf(msg, (size_t)n, "%s", e.message != NULL ? e.message : "cannot register the HEVC decoder");
		return -1;
	}
	return 0;
}
