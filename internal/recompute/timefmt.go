package recompute

import (
	"fmt"
	"time"
)

// AmzDateLayout is the ISO 8601 basic format of X-Amz-Date and of the
// string to sign's second line: yyyymmddThhmmssZ, always UTC.
const AmzDateLayout = "20060102T150405Z"

// appendAmzDate appends t in AmzDateLayout without fmt or time.Format.
func appendAmzDate(dst []byte, t time.Time) []byte {
	t = t.UTC()
	y, mo, d := t.Date()
	h, mi, s := t.Clock()
	dst = appendDigits(dst, y, 4)
	dst = appendDigits(dst, int(mo), 2)
	dst = appendDigits(dst, d, 2)
	dst = append(dst, 'T')
	dst = appendDigits(dst, h, 2)
	dst = appendDigits(dst, mi, 2)
	dst = appendDigits(dst, s, 2)
	return append(dst, 'Z')
}

func appendDigits(dst []byte, v, width int) []byte {
	var b [24]byte // room for any int; time.Time years can be huge
	if v < 0 {
		v = -v
	}
	i := len(b)
	for ; (width > 0 || v > 0) && i > 0; width-- {
		i--
		b[i] = byte('0' + v%10)
		v /= 10
	}
	return append(dst, b[i:]...)
}

// ParseAmzDate parses an X-Amz-Date value.
func ParseAmzDate(s string) (time.Time, error) {
	t, err := time.Parse(AmzDateLayout, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("%q is not a date of the form yyyymmddThhmmssZ", s)
	}
	return t, nil
}

// parseHTTPDate parses a Date header in the three forms HTTP allows
// (RFC 9110 §5.6.7); SigV4 takes the request time from it when there is no
// X-Amz-Date.
func parseHTTPDate(s string) (time.Time, error) {
	for _, layout := range []string{
		"Mon, 02 Jan 2006 15:04:05 GMT", // IMF-fixdate
		time.RFC850,
		time.ANSIC,
	} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, fmt.Errorf("%q is not an http date", s)
}
