package output

import (
	"strconv"
	"strings"
	"time"
)

// DefaultTimeFormat is time()'s format when the script gives none.
const DefaultTimeFormat = "%H:%M:%S\n"

// Strftime formats t like C strftime in the C locale, plus bpftrace's
// extensions: %f microseconds (6 digits), %k nanoseconds (9 digits) and %l
// milliseconds (3 digits) of the second. Like bpftrace, the extensions are
// substituted before any other parsing, so they win over glibc's %k and %l.
func Strftime(format string, t time.Time) string {
	ns := t.Nanosecond()
	format = strings.ReplaceAll(format, "%f", pad(ns/1000, 6))
	format = strings.ReplaceAll(format, "%k", pad(ns, 9))
	format = strings.ReplaceAll(format, "%l", pad(ns/1000000, 3))
	return string(appendStrftime(nil, format, t))
}

// formatTimestamp renders a strftime() value: boot-clock ns made wall time.
// bpftrace prints "(?)" for the epoch or an empty result.
func formatTimestamp(v Timestamp, env *Env) string {
	t := env.BootTime.Add(time.Duration(v.NS)).In(env.location())
	if t.Unix() == 0 {
		return "(?)"
	}
	s := Strftime(v.Format, t)
	if s == "" {
		return "(?)"
	}
	return s
}

func pad(n, width int) string {
	s := strconv.Itoa(n)
	for len(s) < width {
		s = "0" + s
	}
	return s
}

var (
	shortDays   = [...]string{"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"}
	shortMonths = [...]string{"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"}
)

// appendStrftime implements the glibc conversions with the flags '-' (no
// padding), '_' (space padding) and '0' (zero padding); E and O modifiers
// are accepted and ignored. Unknown conversions are copied literally.
func appendStrftime(dst []byte, f string, t time.Time) []byte {
	for i := 0; i < len(f); i++ {
		c := f[i]
		if c != '%' || i+1 >= len(f) {
			dst = append(dst, c)
			continue
		}
		start := i
		i++
		var flag byte
		if f[i] == '-' || f[i] == '_' || f[i] == '0' {
			flag = f[i]
			i++
		}
		for i < len(f) && (f[i] == 'E' || f[i] == 'O') {
			i++
		}
		if i >= len(f) {
			dst = append(dst, f[start:]...)
			break
		}
		num := func(n, width int, padc byte) {
			switch flag {
			case '-':
				width = 0
			case '_':
				padc = ' '
			case '0':
				padc = '0'
			}
			s := strconv.Itoa(n)
			for k := len(s); k < width; k++ {
				dst = append(dst, padc)
			}
			dst = append(dst, s...)
		}
		switch f[i] {
		case '%':
			dst = append(dst, '%')
		case 'n':
			dst = append(dst, '\n')
		case 't':
			dst = append(dst, '\t')
		case 'a':
			dst = append(dst, shortDays[t.Weekday()]...)
		case 'A':
			dst = append(dst, t.Weekday().String()...)
		case 'b', 'h':
			dst = append(dst, shortMonths[t.Month()-1]...)
		case 'B':
			dst = append(dst, t.Month().String()...)
		case 'c':
			dst = appendStrftime(dst, "%a %b %e %H:%M:%S %Y", t)
		case 'C':
			num(t.Year()/100, 2, '0')
		case 'd':
			num(t.Day(), 2, '0')
		case 'D', 'x':
			dst = appendStrftime(dst, "%m/%d/%y", t)
		case 'e':
			num(t.Day(), 2, ' ')
		case 'F':
			dst = appendStrftime(dst, "%Y-%m-%d", t)
		case 'g':
			y, _ := t.ISOWeek()
			num(y%100, 2, '0')
		case 'G':
			y, _ := t.ISOWeek()
			num(y, 1, '0')
		case 'H':
			num(t.Hour(), 2, '0')
		case 'I':
			num(hour12(t), 2, '0')
		case 'j':
			num(t.YearDay(), 3, '0')
		case 'k':
			num(t.Hour(), 2, ' ')
		case 'l':
			num(hour12(t), 2, ' ')
		case 'm':
			num(int(t.Month()), 2, '0')
		case 'M':
			num(t.Minute(), 2, '0')
		case 'p':
			dst = append(dst, ampm(t, "AM", "PM")...)
		case 'P':
			dst = append(dst, ampm(t, "am", "pm")...)
		case 'r':
			dst = appendStrftime(dst, "%I:%M:%S %p", t)
		case 'R':
			dst = appendStrftime(dst, "%H:%M", t)
		case 's':
			dst = strconv.AppendInt(dst, t.Unix(), 10)
		case 'S':
			num(t.Second(), 2, '0')
		case 'T', 'X':
			dst = appendStrftime(dst, "%H:%M:%S", t)
		case 'u':
			num((int(t.Weekday())+6)%7+1, 1, '0')
		case 'U':
			num((t.YearDay()+6-int(t.Weekday()))/7, 2, '0')
		case 'V':
			_, w := t.ISOWeek()
			num(w, 2, '0')
		case 'w':
			num(int(t.Weekday()), 1, '0')
		case 'W':
			num((t.YearDay()+6-(int(t.Weekday())+6)%7)/7, 2, '0')
		case 'y':
			num(t.Year()%100, 2, '0')
		case 'Y':
			num(t.Year(), 1, '0')
		case 'z':
			_, off := t.Zone()
			sign := byte('+')
			if off < 0 {
				sign, off = '-', -off
			}
			dst = append(dst, sign)
			dst = append(dst, pad(off/3600*100+off%3600/60, 4)...)
		case 'Z':
			name, _ := t.Zone()
			dst = append(dst, name...)
		default:
			dst = append(dst, f[start:i+1]...)
		}
	}
	return dst
}

func hour12(t time.Time) int {
	h := t.Hour() % 12
	if h == 0 {
		h = 12
	}
	return h
}

func ampm(t time.Time, am, pm string) string {
	if t.Hour() < 12 {
		return am
	}
	return pm
}
