package grid

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
)

// UTM is a position on the Universal Transverse Mercator grid.
type UTM struct {
	Zone     int     // 1 to 60
	North    bool    // northern hemisphere
	Easting  float64 // metres, 500 000 on the zone's central meridian
	Northing float64 // metres from the equator (plus 10 000 000 in the south)
}

// MGRS latitude bands (8 degrees each from -80; X is 12) and 100 km square letters.
const bands = "CDEFGHJKLMNPQRSTUVWX"

var (
	columnLetters = [3]string{"ABCDEFGH", "JKLMNPQR", "STUVWXYZ"}
	rowLetters    = [2]string{"ABCDEFGHJKLMNPQRSTUV", "FGHJKLMNPQRSTUVABCDE"}
)

// ErrOutOfRange is returned for latitudes outside the UTM grid, [-80, 84].
var ErrOutOfRange = errors.New("outside the UTM/MGRS grid (latitude -80 to 84)")

// zoneProjection is the UTM projection of a zone.
func zoneProjection(zone int, north bool) TransverseMercator {
	p := TransverseMercator{CentralMeridian: float64(zone*6 - 183), Scale: 0.9996, FalseEasting: 500000}
	if !north {
		p.FalseNorthing = 10000000
	}
	return p
}

// zoneOf returns the UTM zone of a position, with the exceptions of southern Norway
// and Svalbard.
func zoneOf(lat, lng float64) int {
	if lng >= 180 {
		lng -= 360
	}
	zone := int(math.Floor((lng+180)/6)) + 1
	switch {
	case lat >= 56 && lat < 64 && lng >= 3 && lng < 12:
		zone = 32
	case lat >= 72 && lat < 84 && lng >= 0 && lng < 42:
		switch {
		case lng < 9:
			zone = 31
		case lng < 21:
			zone = 33
		case lng < 33:
			zone = 35
		default:
			zone = 37
		}
	}
	return zone
}

// ToUTM returns the UTM position of a WGS84 position in degrees.
func ToUTM(lat, lng float64) (UTM, error) {
	if !(lat >= -80 && lat <= 84) || !(lng >= -180 && lng <= 180) {
		return UTM{}, ErrOutOfRange
	}
	u := UTM{Zone: zoneOf(lat, lng), North: lat >= 0}
	u.Easting, u.Northing = zoneProjection(u.Zone, u.North).Forward(lat, lng)
	return u, nil
}

// LatLng returns the WGS84 position of u in degrees.
func (u UTM) LatLng() (lat, lng float64) {
	return zoneProjection(u.Zone, u.North).Inverse(u.Easting, u.Northing)
}

// bandOf returns the MGRS latitude band letter of a latitude in [-80, 84].
func bandOf(lat float64) byte {
	return bands[min(int(math.Floor((lat+80)/8)), len(bands)-1)]
}

// ToMGRS returns the MGRS grid reference of a position to within 10^(5-digits) metres
// (digits 1 to 5; 5 is one metre), in its compact form, e.g. "38SLF9231762047". As
// the standard says, the easting and northing are truncated, not rounded: the
// reference names the square the position lies in.
func ToMGRS(lat, lng float64, digits int) (string, error) {
	if digits < 1 || digits > 5 {
		return "", fmt.Errorf("digits %d: must be 1 to 5", digits)
	}
	u, err := ToUTM(lat, lng)
	if err != nil {
		return "", err
	}
	size := math.Pow(10, float64(5-digits))
	// Rounding in the projection can put a point on the zone's edge a hair into the
	// next column, which has no letter; keep it in the last one.
	u.Easting = math.Min(math.Max(u.Easting, 100000), 899999)
	u.Easting = math.Floor(u.Easting/size) * size
	u.Northing = math.Floor(u.Northing/size) * size
	return MGRS{UTM: u, Band: bandOf(lat), Digits: digits, Size: size}.String(), nil
}

// String returns the reference in its compact form, e.g. "38SLE758665".
func (m MGRS) String() string {
	col := int(m.Easting / 100000)
	row := int(m.Northing/100000) % 20
	e := math.Mod(m.Easting, 100000) / m.Size
	n := math.Mod(m.Northing, 100000) / m.Size
	// Appended rather than formatted: every incident read renders its place's reference.
	b := make([]byte, 0, 5+2*m.Digits)
	b = strconv.AppendInt(b, int64(m.Zone), 10)
	b = append(b, m.Band, columnLetters[(m.Zone-1)%3][col-1], rowLetters[(m.Zone-1)%2][row])
	if m.Digits == 0 {
		return string(b)
	}
	b = appendPadded(b, int(math.Round(e)), m.Digits)
	return string(appendPadded(b, int(math.Round(n)), m.Digits))
}

// appendPadded appends v in decimal, zero-padded to width characters (sign included), as
// fmt's %0*d does.
func appendPadded(b []byte, v, width int) []byte {
	digits := strconv.Itoa(v)
	if v < 0 {
		b = append(b, '-')
		digits, width = digits[1:], width-1
	}
	for range width - len(digits) {
		b = append(b, '0')
	}
	return append(b, digits...)
}

// MGRS is a parsed grid reference: the south-west corner of its square and the
// square's size.
type MGRS struct {
	UTM
	Band   byte    // latitude band letter
	Digits int     // digits of easting (and of northing), 0 to 5
	Size   float64 // side of the square in metres, 10^(5-Digits)
}

// ParseMGRS reads a grid reference such as "38SLF9231762047" or "38S LF 92317 62047"
// (any case, spaces anywhere): zone, band, 100 km square and 0 to 5 digits each of
// easting and northing. It refuses letters the standard does not use in that zone and
// band, and squares that do not lie in their band.
func ParseMGRS(s string) (MGRS, error) {
	t := strings.ToUpper(strings.Join(strings.Fields(s), ""))
	i := 0
	for i < len(t) && i < 2 && t[i] >= '0' && t[i] <= '9' {
		i++
	}
	if i == 0 {
		return MGRS{}, errors.New("must start with a UTM zone number")
	}
	zone := 0
	fmt.Sscanf(t[:i], "%d", &zone)
	if zone < 1 || zone > 60 {
		return MGRS{}, fmt.Errorf("zone %d: must be 1 to 60", zone)
	}
	if len(t) < i+3 {
		return MGRS{}, errors.New("needs a latitude band and a 100 km square after the zone")
	}
	band := t[i]
	bi := strings.IndexByte(bands, band)
	if bi < 0 {
		return MGRS{}, fmt.Errorf("%q is not a latitude band (C to X, without I and O)", band)
	}
	col := strings.IndexByte(columnLetters[(zone-1)%3], t[i+1])
	if col < 0 {
		return MGRS{}, fmt.Errorf("%q is not a 100 km column letter of zone %d", t[i+1], zone)
	}
	row := strings.IndexByte(rowLetters[(zone-1)%2], t[i+2])
	if row < 0 {
		return MGRS{}, fmt.Errorf("%q is not a 100 km row letter of zone %d", t[i+2], zone)
	}
	num := t[i+3:]
	if len(num)%2 != 0 || len(num) > 10 || strings.Trim(num, "0123456789") != "" {
		return MGRS{}, errors.New("easting and northing must be the same number of digits, at most 5 each")
	}
	digits := len(num) / 2
	size := math.Pow(10, float64(5-digits))
	var e, n float64
	for k := range digits {
		e = e*10 + float64(num[k]-'0')
		n = n*10 + float64(num[digits+k]-'0')
	}
	north := band >= 'N'
	m := MGRS{Band: band, Digits: digits, Size: size, UTM: UTM{Zone: zone, North: north,
		Easting: float64(col+1)*100000 + e*size}}
	// The row letters repeat every 2000 km: take the first repetition at or above the
	// band's southern edge, whose northing is least on the central meridian.
	bottom := -80 + 8*float64(bi)
	_, yBottom := zoneProjection(zone, north).Forward(bottom, float64(zone*6-183))
	nBand := math.Floor(yBottom/100000) * 100000
	northing := float64(row)*100000 + n*size
	for northing < nBand {
		northing += 2000000
	}
	m.Northing = northing
	lat, _ := m.LatLng()
	top := bottom + 8
	if band == 'X' {
		top = 84
	}
	// A square may straddle its band's edge; a wrong band letter puts it hundreds of
	// kilometres away.
	const slack = 0.5
	if lat < bottom-slack || lat > top+slack {
		return MGRS{}, fmt.Errorf("square %c%c is not in band %c of zone %d", t[i+1], t[i+2], band, zone)
	}
	return m, nil
}

// Centre returns the WGS84 position of the centre of the reference's square: the best
// single point for a reference given to 10 m or 100 m.
func (m MGRS) Centre() (lat, lng float64) {
	c := m.UTM
	c.Easting += m.Size / 2
	c.Northing += m.Size / 2
	return c.LatLng()
}
