package photo

import (
	"encoding/binary"
	"errors"
	"fmt"

	"codeberg.org/veil/veil/internal/nal"
)

// The picture sizes that HEVC and AV1 sequence headers declare, read so that
// a file cannot make a decoder allocate a picture larger than the item it
// claims to be (libde265 accepts up to 70000x70000 pixels, libheif's AV1
// decoder 32768x32768).

// bitReader reads bits most significant first; reading past the end sets bad.
type bitReader struct {
	p   []byte
	pos int // in bits
	bad bool
}

func (r *bitReader) bits(n int) uint64 {
	var v uint64
	for range n {
		if r.pos >= 8*len(r.p) {
			r.bad = true
			return 0
		}
		v = v<<1 | uint64(r.p[r.pos/8]>>(7-r.pos%8)&1)
		r.pos++
	}
	return v
}

// ue reads an unsigned Exp-Golomb code (HEVC's ue(v)).
func (r *bitReader) ue() uint64 {
	zeros := 0
	for r.bits(1) == 0 {
		if zeros++; zeros > 32 || r.bad {
			r.bad = true
			return 0
		}
	}
	return 1<<zeros - 1 + r.bits(zeros)
}

// uvlc reads AV1's uvlc().
func (r *bitReader) uvlc() uint64 {
	zeros := 0
	for r.bits(1) == 0 {
		if zeros++; zeros >= 32 || r.bad {
			r.bad = true
			return 0
		}
	}
	return r.bits(zeros) + 1<<zeros - 1
}

// hevcSPSSize returns pic_width_in_luma_samples and pic_height_in_luma_samples
// of an HEVC sequence parameter set NAL unit (with its 2-byte header).
func hevcSPSSize(unit []byte) (w, h int64, err error) {
	if len(unit) < 3 {
		return 0, 0, errors.New("truncated HEVC sequence parameter set")
	}
	r := &bitReader{p: nal.RBSP(unit[2:], 256)}
	r.bits(4) // sps_video_parameter_set_id
	subLayers := int(r.bits(3))
	r.bits(1)  // sps_temporal_id_nesting_flag
	r.bits(96) // general profile, tier and level
	profile, level := make([]bool, subLayers), make([]bool, subLayers)
	for i := range subLayers {
		profile[i], level[i] = r.bits(1) == 1, r.bits(1) == 1
	}
	if subLayers > 0 {
		r.bits(2 * (8 - subLayers)) // reserved_zero_2bits
	}
	for i := range subLayers {
		if profile[i] {
			r.bits(88)
		}
		if level[i] {
			r.bits(8)
		}
	}
	r.ue() // sps_seq_parameter_set_id
	if r.ue() == 3 {
		r.bits(1) // separate_colour_plane_flag
	}
	w, h = int64(r.ue()), int64(r.ue())
	if r.bad {
		return 0, 0, errors.New("truncated HEVC sequence parameter set")
	}
	return w, h, nil
}

// checkHEVC checks the sequence parameter sets in an hvcC configuration and
// in an item's NAL units (each after a 4-byte length, the only length libheif
// 1.15 reads).
func checkHEVC(hvcC, data []byte, check func(w, h int64, what string) error) error {
	if len(hvcC) < 23 {
		return errors.New("missing or truncated HEVC configuration (hvcC)")
	}
	if n := int(hvcC[21]&3) + 1; n != 4 {
		return fmt.Errorf("HEVC NAL unit lengths of %d bytes are not supported", n)
	}
	sps := func(nal []byte) error {
		if len(nal) < 2 || nal[0]>>1&0x3f != 33 {
			return nil
		}
		w, h, err := hevcSPSSize(nal)
		if err != nil {
			return err
		}
		return check(w, h, "HEVC sequence parameter set")
	}
	arrays := int(hvcC[22])
	p := hvcC[23:]
	sets := 0
	for range arrays {
		if len(p) < 3 {
			return errors.New("truncated HEVC configuration (hvcC)")
		}
		n := int(binary.BigEndian.Uint16(p[1:]))
		p = p[3:]
		for range n {
			if sets++; sets > heifMaxParamSets {
				return errors.New("too many HEVC parameter sets")
			}
			if len(p) < 2 || int(binary.BigEndian.Uint16(p)) > len(p)-2 {
				return errors.New("truncated HEVC configuration (hvcC)")
			}
			l := int(binary.BigEndian.Uint16(p))
			if err := sps(p[2 : 2+l]); err != nil {
				return err
			}
			p = p[2+l:]
		}
	}
	for i := 0; i < len(data); {
		if len(data)-i < 4 {
			return errors.New("truncated HEVC data")
		}
		n := uint64(binary.BigEndian.Uint32(data[i:]))
		i += 4
		if n > uint64(len(data)-i) {
			return errors.New("HEVC NAL unit runs past the end of its item: truncated")
		}
		if err := sps(data[i : i+int(n)]); err != nil {
			return err
		}
		i += int(n)
	}
	return nil
}

// leb128 reads AV1's leb128().
func leb128(p []byte) (v uint64, n int, ok bool) {
	for i := 0; i < 8 && i < len(p); i++ {
		v |= uint64(p[i]&0x7f) << (7 * i)
		if p[i]&0x80 == 0 {
			return v, i + 1, true
		}
	}
	return 0, 0, false
}

// av1SequenceSize returns the largest frame an AV1 sequence header OBU
// payload allows: the declared maximum, and the most its frame size fields
// can hold (frame headers may override the size within those bits).
func av1SequenceSize(p []byte) (maxW, maxH, bitsW, bitsH int64, err error) {
	r := &bitReader{p: p}
	r.bits(3)           // seq_profile
	r.bits(1)           // still_picture
	if r.bits(1) == 1 { // reduced_still_picture_header
		r.bits(5)
	} else {
		decoderModel, delayLen := false, 0
		if r.bits(1) == 1 { // timing_info_present_flag
			r.bits(64)
			if r.bits(1) == 1 { // equal_picture_interval
				r.uvlc()
			}
			if decoderModel = r.bits(1) == 1; decoderModel {
				delayLen = int(r.bits(5)) + 1
				r.bits(32 + 5 + 5)
			}
		}
		initialDelay := r.bits(1) == 1
		ops := int(r.bits(5)) + 1
		for range ops {
			r.bits(12) // operating_point_idc
			if r.bits(5) > 7 {
				r.bits(1) // seq_tier
			}
			if decoderModel && r.bits(1) == 1 {
				r.bits(2*delayLen + 1)
			}
			if initialDelay && r.bits(1) == 1 {
				r.bits(4)
			}
			if r.bad {
				break
			}
		}
	}
	wb, hb := int(r.bits(4))+1, int(r.bits(4))+1
	maxW, maxH = int64(r.bits(wb))+1, int64(r.bits(hb))+1
	if r.bad {
		return 0, 0, 0, 0, errors.New("truncated AV1 sequence header")
	}
	return maxW, maxH, 1 << wb, 1 << hb, nil
}

// checkAV1 checks the sequence headers in an av1C configuration and in an
// item's OBUs.
func checkAV1(av1C, data []byte, check func(w, h int64, what string) error) error {
	if len(av1C) < 4 {
		return errors.New("missing or truncated AV1 configuration (av1C)")
	}
	seen := false
	obus := func(p []byte) error {
		for i := 0; i < len(p); {
			hdr := p[i]
			typ := hdr >> 3 & 15
			j := i + 1
			if hdr&4 != 0 { // obu_extension_flag
				j++
			}
			if j > len(p) {
				return errors.New("truncated AV1 data")
			}
			end := len(p)
			if hdr&2 != 0 { // obu_has_size_field
				n, k, ok := leb128(p[j:])
				if !ok || n > uint64(len(p)-j-k) {
					return errors.New("AV1 OBU runs past the end of its item: truncated")
				}
				j += k
				end = j + int(n)
			}
			if typ == 1 { // OBU_SEQUENCE_HEADER
				w, h, bw, bh, err := av1SequenceSize(p[j:end])
				if err != nil {
					return err
				}
				if err := check(w, h, "AV1 sequence header"); err != nil {
					return err
				}
				// A frame header may give any size its bits can hold:
				// bound that too, at twice the item's size.
				if err := check(bw/2, bh/2, "AV1 frame size field (halved)"); err != nil {
					return err
				}
				seen = true
			}
			i = end
		}
		return nil
	}
	if err := obus(av1C[4:]); err != nil {
		return err
	}
	if err := obus(data); err != nil {
		return err
	}
	if !seen {
		return errors.New("no AV1 sequence header")
	}
	return nil
}
