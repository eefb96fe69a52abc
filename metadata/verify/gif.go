package verify

func verifyGIF(b []byte) error {
	if len(b) < 14 {
		return notClean("GIF too short")
	}
	i := 13
	if b[10]&0x80 != 0 {
		i += 3 << (b[10]&7 + 1)
	}
	subBlocks := func(i int) (int, error) {
		for i < len(b) {
			n := int(b[i])
			i += 1 + n
			if n == 0 {
				return i, nil
			}
		}
		return 0, notClean("GIF data runs past the end")
	}
	images := 0
	for {
		if i >= len(b) {
			return notClean("GIF ends without trailer")
		}
		switch b[i] {
		case 0x3B:
			if i+1 != len(b) {
				return notClean("GIF has %d bytes after the trailer", len(b)-i-1)
			}
			if images == 0 {
				return notClean("GIF has no image")
			}
			return nil
		case 0x2C:
			if i+11 > len(b) {
				return notClean("GIF image descriptor runs past the end")
			}
			j := i + 10
			if b[i+9]&0x80 != 0 {
				j += 3 << (b[i+9]&7 + 1)
			}
			end, err := subBlocks(j + 1)
			if err != nil {
				return err
			}
			images++
			i = end
		case 0x21:
			switch {
			case i+8 <= len(b) && b[i+1] == 0xF9 && b[i+2] == 4 && b[i+7] == 0:
				i += 8
			case i+19 <= len(b) && b[i+1] == 0xFF && b[i+2] == 11 &&
				(string(b[i+3:i+14]) == "NETSCAPE2.0" || string(b[i+3:i+14]) == "ANIMEXTS1.0") &&
				b[i+14] == 3 && b[i+15] == 1 && b[i+18] == 0:
				i += 19
			default:
				return notClean("GIF extension 0x%02X at offset %d", b[min(i+1, len(b)-1)], i)
			}
		default:
			return notClean("GIF has an unknown block at offset %d", i)
		}
	}
}
