//go:build linux && cgo

// Reading an image from the X11 clipboard, with the INCR protocol that large
// selections use and a deadline on every wait (see xclip.go).
#include <X11/Xlib.h>
#include <X11/Xatom.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/select.h>
#include <time.h>
#include "xclip.h"

static long long now_ms(void) {
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

// wait_for waits for an event of the given type on window w until deadline
// (monotonic milliseconds); other events are dropped.
static int wait_for(Display *d, Window w, int type, XEvent *ev, long long deadline) {
	int fd = ConnectionNumber(d);
	for (;;) {
		while (XPending(d) > 0) {
			XNextEvent(d, ev);
			if (ev->type == type && ev->xany.window == w) {
				return 1;
			}
		}
		long long left = deadline - now_ms();
		if (left <= 0) {
			return 0;
		}
		fd_set fds;
		FD_ZERO(&fds);
		FD_SET(fd, &fds);
		struct timeval tv = {left / 1000, (left % 1000) * 1000};
		select(fd + 1, &fds, NULL, NULL, &tv);
	}
}

// take reads and deletes property p of w in full. It returns 0 and sets
// *type to None when there is no such property.
static int take(Display *d, Window w, Atom p, Atom *type, unsigned char **data, unsigned long *n) {
	int format;
	unsigned long after;
	*data = NULL;
	*n = 0;
	if (XGetWindowProperty(d, w, p, 0, LONG_MAX / 4, True, AnyPropertyType, type, &format, n, &after, data) != Success) {
		return -1;
	}
	if (*type != None && format == 32) {
		*n *= sizeof(long); // Xlib hands 32-bit items back as longs
	} else if (*type != None && format == 16) {
		*n *= sizeof(short);
	}
	return 0;
}

// append adds n bytes to the growing buffer, within max bytes.
static int append(struct veil_clip *r, const unsigned char *p, unsigned long n, unsigned long max) {
	if (n > max || r->len > max - n) {
		return VEIL_CLIP_TOO_LARGE;
	}
	if (r->len + n > r->cap) {
		unsigned long c = r->cap ? r->cap : 1 << 20;
		while (c < r->len + n) {
			c *= 2;
		}
		if (c > max) {
			c = max;
		}
		unsigned char *b = realloc(r->data, c);
		if (b == NULL) {
			return VEIL_CLIP_FAILED;
		}
		r->data = b;
		r->cap = c;
	}
	memcpy(r->data + r->len, p, n);
	r->len += n;
	return VEIL_CLIP_OK;
}

static int convert(Display *d, Window w, Atom sel, Atom target, Atom prop, long long timeout) {
	XEvent ev;
	XDeleteProperty(d, w, prop);
	XConvertSelection(d, sel, target, prop, w, CurrentTime);
	if (!wait_for(d, w, SelectionNotify, &ev, now_ms() + timeout)) {
		return VEIL_CLIP_TIMEOUT;
	}
	if (ev.xselection.property == None) {
		return VEIL_CLIP_NO_IMAGE; // the owner refused this type
	}
	return VEIL_CLIP_OK;
}

// read_into transfers the selection in the chosen type into r.
static int read_into(Display *d, Window w, Atom sel, Atom target, Atom prop, Atom incr,
		     unsigned long max, long long timeout, struct veil_clip *r) {
	int rc = convert(d, w, sel, target, prop, timeout);
	if (rc != VEIL_CLIP_OK) {
		return rc;
	}
	Atom type;
	unsigned char *data;
	unsigned long n;
	if (take(d, w, prop, &type, &data, &n) != 0 || type == None) {
		if (data) XFree(data);
		return VEIL_CLIP_FAILED;
	}
	if (type != incr) {
		rc = append(r, data, n, max);
		XFree(data);
		return rc;
	}
	XFree(data);
	r->incr = 1;
	// INCR: deleting the property (take did) asks the owner for the first
	// chunk; each chunk arrives as a new value of the property, and an
	// empty one ends the transfer. A stale notice for the INCR property
	// itself finds no property and is skipped.
	for (;;) {
		XEvent ev;
		if (!wait_for(d, w, PropertyNotify, &ev, now_ms() + timeout)) {
			return VEIL_CLIP_TIMEOUT;
		}
		if (ev.xproperty.atom != prop || ev.xproperty.state != PropertyNewValue) {
			continue;
		}
		if (take(d, w, prop, &type, &data, &n) != 0) {
			return VEIL_CLIP_FAILED;
		}
		if (type == None) {
			if (data) XFree(data);
			continue;
		}
		if (n == 0) {
			XFree(data);
			return VEIL_CLIP_OK;
		}
		rc = append(r, data, n, max);
		XFree(data);
		if (rc != VEIL_CLIP_OK) {
			return rc;
		}
	}
}

int veil_clip_read_image(const char **types, int ntypes, unsigned long max, long long timeout, struct veil_clip *r) {
	memset(r, 0, sizeof *r);
	r->type = -1;
	Display *d = XOpenDisplay(NULL);
	if (d == NULL) {
		return VEIL_CLIP_NO_DISPLAY;
	}
	Atom sel = XInternAtom(d, "CLIPBOARD", False);
	Atom targets = XInternAtom(d, "TARGETS", False);
	Atom incr = XInternAtom(d, "INCR", False);
	Atom prop = XInternAtom(d, "VEIL_CLIPBOARD", False);
	int rc = VEIL_CLIP_EMPTY;
	if (XGetSelectionOwner(d, sel) == None) {
		XCloseDisplay(d);
		return rc;
	}
	Window w = XCreateSimpleWindow(d, DefaultRootWindow(d), 0, 0, 1, 1, 0, 0, 0);
	XSelectInput(d, w, PropertyChangeMask);

	// Which image types does the owner offer? The caller's order is its
	// preference.
	rc = convert(d, w, sel, targets, prop, timeout);
	if (rc == VEIL_CLIP_OK) {
		Atom type;
		unsigned char *data;
		unsigned long n;
		rc = VEIL_CLIP_NO_IMAGE;
		if (take(d, w, prop, &type, &data, &n) == 0 && type != None) {
			Atom *offered = (Atom *)data;
			unsigned long count = n / sizeof(Atom);
			for (int i = 0; i < ntypes && r->type < 0; i++) {
				Atom want = XInternAtom(d, types[i], True);
				for (unsigned long j = 0; want != None && j < count; j++) {
					if (offered[j] == want) {
						r->type = i;
						break;
					}
				}
			}
		}
		if (data) XFree(data);
		if (r->type >= 0) {
			Atom want = XInternAtom(d, types[r->type], False);
			rc = read_into(d, w, sel, want, prop, incr, max, timeout, r);
		}
	}
	XDestroyWindow(d, w);
	XCloseDisplay(d);
	if (rc != VEIL_CLIP_OK) {
		free(r->data);
		r->data = NULL;
		r->len = r->cap = 0;
	}
	return rc;
}
