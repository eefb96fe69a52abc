// Package assets holds the files embedded in Veil: the face-detector weights
// (provisioned by the build, never committed), their licence, and the icon.
package assets

import _ "embed"

// YuNet is the YuNet-n face-detector model (yunet_n_dynamic.onnx, Apache-2.0,
// from ShiqiYu/libfacedetection.train).
//
//go:embed yunet_n_dynamic.onnx
var YuNet []byte

// YuNetLicense is the Apache-2.0 licence of the YuNet weights, shown in the About box.
//
//go:embed LICENSE-yunet.txt
var YuNetLicense string

// Icon is Veil's application icon (PNG).
//
//go:embed icon.png
var Icon []byte
