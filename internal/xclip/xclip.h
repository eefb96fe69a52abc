#ifndef VEIL_XCLIP_H
#define VEIL_XCLIP_H

enum {
	VEIL_CLIP_OK = 0,
	VEIL_CLIP_NO_DISPLAY,
	VEIL_CLIP_EMPTY,
	VEIL_CLIP_NO_IMAGE,
	VEIL_CLIP_TIMEOUT,
	VEIL_CLIP_TOO_LARGE,
	VEIL_CLIP_FAILED,
};

struct veil_clip {
	unsigned char *data; // malloc'd; the caller frees it
	unsigned long len, cap;
	int type; // index of the chosen type, or -1
	int incr; // whether the owner sent it in INCR chunks
};

int veil_clip_read_image(const char **types, int ntypes, unsigned long max, long long timeout_ms, struct veil_clip *r);

#endif
