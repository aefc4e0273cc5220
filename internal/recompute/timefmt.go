package recompute

import (
	"fmt"
	"time"
)

// AmzDateLayout is the ISO 8601 basic format of X-Amz-Date and of the
// string to sign's second line: yyyymmddThhmmssZ, always UTC.
const AmzDateLayout = "20060102T150405Z"

// appendAmzDate appends t in AmzDateLayout without fmt or time.Format:
// the civil date comes from the Unix day number (H. Hinnant's
// days-to-civil algorithm, proleptic Gregorian calendar, as Go's time
// package uses), since signing formats one time per request.
func appendAmzDate(dst []byte, t time.Time) []byte {
	secs := t.Unix()
	days := secs / 86400
	sod := secs - days*86400
	if sod < 0 {
		days, sod = days-1, sod+86400
	}
	y, mo, d := civil(days)
	dst = appendDigits(dst, int(y), 4)
	dst = appendDigits(dst, mo, 2)
	dst = appendDigits(dst, d, 2)
	dst = append(dst, 'T')
	dst = appendDigits(dst, int(sod/3600), 2)
	dst = appendDigits(dst, int(sod/60%60), 2)
	dst = appendDigits(dst, int(sod%60), 2)
	return append(dst, 'Z')
}

// civil converts days since 1970-01-01 to year, month, day.
func civil(days int64) (y int64, m, d int) {
	z := days + 719468
	era := z / 146097
	if z < 0 && z%146097 != 0 {
		era--
	}
	doe := z - era*146097                                  // [0, 146096]
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365 // [0, 399]
	doy := doe - (365*yoe + yoe/4 - yoe/100)               // [0, 365]
	mp := (5*doy + 2) / 153                                // [0, 11]
	d = int(doy - (153*mp+2)/5 + 1)
	m = int(mp + 3)
	if m > 12 {
		m -= 12
	}
	y = yoe + era*400
	if m <= 2 {
		y++
	}
	return y, m, d
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
