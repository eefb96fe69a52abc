package ifd

// Field types (TIFF 6.0 section 2, plus the BigTIFF 8-byte types, which can
// appear in classic TIFF directories written by some tools).
const (
	Byte      = 1
	ASCII     = 2
	Short     = 3
	Long      = 4
	Rational  = 5
	SByte     = 6
	Undefined = 7
	SShort    = 8
	SLong     = 9
	SRational = 10
	Float     = 11
	Double    = 12
	IFDType   = 13 // an offset to a sub-IFD, like Long
	Long8     = 16
	SLong8    = 17
	IFD8      = 18
)

// Tags of the image IFDs (IFD0, IFD1, SubIFDs): TIFF 6.0 baseline and
// extensions, TIFF/EP, DNG, GeoTIFF and the pointer tags.
const (
	NewSubfileType              = 0x00FE
	SubfileType                 = 0x00FF
	ImageWidth                  = 0x0100
	ImageLength                 = 0x0101
	BitsPerSample               = 0x0102
	Compression                 = 0x0103
	PhotometricInterpretation   = 0x0106
	Threshholding               = 0x0107
	CellWidth                   = 0x0108
	CellLength                  = 0x0109
	FillOrder                   = 0x010A
	DocumentName                = 0x010D
	ImageDescription            = 0x010E
	Make                        = 0x010F
	Model                       = 0x0110
	StripOffsets                = 0x0111
	Orientation                 = 0x0112
	SamplesPerPixel             = 0x0115
	RowsPerStrip                = 0x0116
	StripByteCounts             = 0x0117
	MinSampleValue              = 0x0118
	MaxSampleValue              = 0x0119
	XResolution                 = 0x011A
	YResolution                 = 0x011B
	PlanarConfiguration         = 0x011C
	PageName                    = 0x011D
	GrayResponseUnit            = 0x0122
	GrayResponseCurve           = 0x0123
	ResolutionUnit              = 0x0128
	PageNumber                  = 0x0129
	TransferFunction            = 0x012D
	Software                    = 0x0131
	DateTime                    = 0x0132
	Artist                      = 0x013B
	HostComputer                = 0x013C
	Predictor                   = 0x013D
	WhitePoint                  = 0x013E
	PrimaryChromaticities       = 0x013F
	ColorMap                    = 0x0140
	TileWidth                   = 0x0142
	TileLength                  = 0x0143
	TileOffsets                 = 0x0144
	TileByteCounts              = 0x0145
	SubIFDs                     = 0x014A
	ExtraSamples                = 0x0152
	SampleFormat                = 0x0153
	SMinSampleValue             = 0x0154
	SMaxSampleValue             = 0x0155
	TransferRange               = 0x0156
	JPEGTables                  = 0x015B
	JPEGProc                    = 0x0200
	JPEGInterchangeFormat       = 0x0201 // in IFD1: the EXIF thumbnail's offset
	JPEGInterchangeFormatLength = 0x0202 // and its length
	YCbCrCoefficients           = 0x0211
	YCbCrSubSampling            = 0x0212
	YCbCrPositioning            = 0x0213
	ReferenceBlackWhite         = 0x0214
	XMP                         = 0x02BC
	CFARepeatPatternDim         = 0x828D
	CFAPattern                  = 0x828E
	Copyright                   = 0x8298
	ModelPixelScale             = 0x830E // GeoTIFF
	IPTC                        = 0x83BB
	ModelTiepoint               = 0x8482 // GeoTIFF
	ModelTransformation         = 0x85D8 // GeoTIFF
	Photoshop                   = 0x8649
	ExifIFD                     = 0x8769
	ICCProfile                  = 0x8773
	GeoKeyDirectory             = 0x87AF
	GeoDoubleParams             = 0x87B0
	GeoASCIIParams              = 0x87B1
	GPSIFD                      = 0x8825
	XPTitle                     = 0x9C9B
	XPComment                   = 0x9C9C
	XPAuthor                    = 0x9C9D
	XPKeywords                  = 0x9C9E
	XPSubject                   = 0x9C9F
	GDALMetadata                = 0xA480
	GDALNoData                  = 0xA481
	DNGVersion                  = 0xC612
	UniqueCameraModel           = 0xC614
	LocalizedCameraModel        = 0xC615
	CameraSerialNumber          = 0xC62F
	DNGPrivateData              = 0xC634
)

// Tags of the Exif IFD.
const (
	ExposureTime             = 0x829A
	FNumber                  = 0x829D
	ExposureProgram          = 0x8822
	ISOSpeedRatings          = 0x8827
	SensitivityType          = 0x8830
	RecommendedExposureIndex = 0x8832
	ExifVersion              = 0x9000
	DateTimeOriginal         = 0x9003
	DateTimeDigitized        = 0x9004
	OffsetTime               = 0x9010 // time zone of DateTime
	OffsetTimeOriginal       = 0x9011
	OffsetTimeDigitized      = 0x9012
	ComponentsConfiguration  = 0x9101
	CompressedBitsPerPixel   = 0x9102
	ShutterSpeedValue        = 0x9201
	ApertureValue            = 0x9202
	BrightnessValue          = 0x9203
	ExposureBiasValue        = 0x9204
	MaxApertureValue         = 0x9205
	SubjectDistance          = 0x9206
	MeteringMode             = 0x9207
	LightSource              = 0x9208
	Flash                    = 0x9209
	FocalLength              = 0x920A
	ImageNumber              = 0x9211
	SubjectArea              = 0x9214
	MakerNote                = 0x927C
	UserComment              = 0x9286
	SubSecTime               = 0x9290
	SubSecTimeOriginal       = 0x9291
	SubSecTimeDigitized      = 0x9292
	FlashpixVersion          = 0xA000
	ColorSpace               = 0xA001
	PixelXDimension          = 0xA002
	PixelYDimension          = 0xA003
	InteropIFD               = 0xA005
	FocalPlaneXResolution    = 0xA20E
	FocalPlaneYResolution    = 0xA20F
	FocalPlaneResolutionUnit = 0xA210
	SensingMethod            = 0xA217
	FileSource               = 0xA300
	SceneType                = 0xA301
	CustomRendered           = 0xA401
	ExposureMode             = 0xA402
	WhiteBalance             = 0xA403
	DigitalZoomRatio         = 0xA404
	FocalLengthIn35mmFilm    = 0xA405
	SceneCaptureType         = 0xA406
	GainControl              = 0xA407
	Contrast                 = 0xA408
	Saturation               = 0xA409
	Sharpness                = 0xA40A
	SubjectDistanceRange     = 0xA40C
	ImageUniqueID            = 0xA420
	CameraOwnerName          = 0xA430
	BodySerialNumber         = 0xA431
	LensSpecification        = 0xA432
	LensMake                 = 0xA433
	LensModel                = 0xA434
	LensSerialNumber         = 0xA435
)

// Tags of the GPS IFD.
const (
	GPSVersionID        = 0x0000
	GPSLatitudeRef      = 0x0001
	GPSLatitude         = 0x0002
	GPSLongitudeRef     = 0x0003
	GPSLongitude        = 0x0004
	GPSAltitudeRef      = 0x0005
	GPSAltitude         = 0x0006
	GPSTimeStamp        = 0x0007
	GPSDestLatitudeRef  = 0x0013
	GPSDestLatitude     = 0x0014
	GPSDestLongitudeRef = 0x0015
	GPSDestLongitude    = 0x0016
	GPSProcessingMethod = 0x001B
	GPSAreaInformation  = 0x001C
	GPSDateStamp        = 0x001D
)

// Tags of the Interop IFD, and of the MPF index (CIPA DC-007).
const (
	InteroperabilityIndex   = 0x0001
	InteroperabilityVersion = 0x0002
	MPEntry                 = 0xB002
)

// structural are the tags that say how to lay out and read the pixels of an
// image IFD, plus the version and index fields of the Exif and Interop IFDs:
// they identify nobody, so no walker reports them and every cleaner may
// ignore them. It is the one definition of "structural" for TIFF and EXIF.
var structural = map[uint16]bool{
	NewSubfileType: true, SubfileType: true, ImageWidth: true, ImageLength: true, BitsPerSample: true,
	Compression: true, PhotometricInterpretation: true, Threshholding: true, CellWidth: true, CellLength: true,
	FillOrder: true, StripOffsets: true, Orientation: true, SamplesPerPixel: true, RowsPerStrip: true,
	StripByteCounts: true, MinSampleValue: true, MaxSampleValue: true, XResolution: true, YResolution: true,
	PlanarConfiguration: true, GrayResponseUnit: true, GrayResponseCurve: true, ResolutionUnit: true,
	PageNumber: true, TransferFunction: true, Predictor: true, WhitePoint: true, PrimaryChromaticities: true,
	ColorMap: true, TileWidth: true, TileLength: true, TileOffsets: true, TileByteCounts: true,
	ExtraSamples: true, SampleFormat: true, SMinSampleValue: true, SMaxSampleValue: true, TransferRange: true,
	JPEGTables: true, JPEGProc: true, JPEGInterchangeFormat: true, JPEGInterchangeFormatLength: true,
	YCbCrCoefficients: true, YCbCrSubSampling: true, YCbCrPositioning: true, ReferenceBlackWhite: true,
	CFARepeatPatternDim: true, CFAPattern: true,
	ExifVersion: true, ComponentsConfiguration: true, FlashpixVersion: true, ColorSpace: true,
	PixelXDimension: true, PixelYDimension: true,
	InteroperabilityIndex: true, InteroperabilityVersion: true,
}

// Structural reports whether tag only describes the pixels' layout (or an
// Exif or Interop IFD's version), so that it identifies nobody.
func Structural(tag uint16) bool { return structural[tag] }
