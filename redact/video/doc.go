// Package video redacts faces and chosen areas in videos (MP4, MOV, M4V,
// 3GP), for people who must show a recording without showing who is in it.
//
// The work has three passes over the video, each a hardened FFmpeg run
// (internal/ffmpeg):
//
//  1. Analyze decodes every frame upright (the display matrix applied, as
//     players show it), at a reduced size, and runs Veil's face detector on
//     each; Follow links the detections into tracks, fills the frames a face
//     was missed in between two detections of it, and extends each track a
//     few frames before and after.
//  2. Render decodes every frame again at full size, burns the plan's
//     regions into it (every track not kept, every area added by hand), and
//     has FFmpeg encode the frames with libx264 at the source's size and
//     exact timestamps (variable frame rates kept), with no metadata and no
//     sound unless asked for.
//  3. Verify decodes what was written from storage and checks it as a
//     viewer would see it: the frames and their times, every region's
//     pixels still covered, the container's structure, and the detector run
//     once more on every frame: any face it finds outside the redactions is
//     reported for a person to review before the file is called redacted.
//
// A Plan is what the user decided (which tracks to keep visible, which
// areas to add), separate from the Analysis, so that a review can change it
// and render again without finding faces again.
package video
