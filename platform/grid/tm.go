package grid

import "math"

// WGS84 ellipsoid.
const (
	wgs84A = 6378137.0
	wgs84F = 1 / 298.257223563
)

// Series coefficients, computed once from the ellipsoid.
var (
	thirdFlattening = wgs84F / (2 - wgs84F)
	eccentricity    = math.Sqrt(wgs84F * (2 - wgs84F))
	rectifyingA     = rectifyingRadius(thirdFlattening)
	alpha           = alphaCoefficients(thirdFlattening)
	beta            = betaCoefficients(thirdFlattening)
)

func rectifyingRadius(n float64) float64 {
	n2 := n * n
	return wgs84A / (1 + n) * (1 + n2/4 + n2*n2/64 + n2*n2*n2/256)
}

func alphaCoefficients(n float64) [6]float64 {
	n2, n3 := n*n, n*n*n
	n4, n5, n6 := n3*n, n3*n2, n3*n3
	return [6]float64{
		n/2 - 2*n2/3 + 5*n3/16 + 41*n4/180 - 127*n5/288 + 7891*n6/37800,
		13*n2/48 - 3*n3/5 + 557*n4/1440 + 281*n5/630 - 1983433*n6/1935360,
		61*n3/240 - 103*n4/140 + 15061*n5/26880 + 167603*n6/181440,
		49561*n4/161280 - 179*n5/168 + 6601661*n6/7257600,
		34729*n5/80640 - 3418889*n6/1995840,
		212378941 * n6 / 319334400,
	}
}

func betaCoefficients(n float64) [6]float64 {
	n2, n3 := n*n, n*n*n
	n4, n5, n6 := n3*n, n3*n2, n3*n3
	return [6]float64{
		n/2 - 2*n2/3 + 37*n3/96 - n4/360 - 81*n5/512 + 96199*n6/604800,
		n2/48 + n3/15 - 437*n4/1440 + 46*n5/105 - 1118711*n6/3870720,
		17*n3/480 - 37*n4/840 - 209*n5/4480 + 5569*n6/90720,
		4397*n4/161280 - 11*n5/504 - 830251*n6/7257600,
		4583*n5/161280 - 108847*n6/3991680,
		20648693 * n6 / 638668800,
	}
}

// TransverseMercator is a transverse Mercator projection of the WGS84 ellipsoid.
type TransverseMercator struct {
	CentralMeridian float64 // degrees east
	Scale           float64 // scale factor on the central meridian, k0
	FalseEasting    float64 // metres added to x
	FalseNorthing   float64 // metres added to y
}

// Forward projects a position in degrees to metres (x east, y north).
func (p TransverseMercator) Forward(lat, lng float64) (x, y float64) {
	phi := lat * math.Pi / 180
	lambda := (lng - p.CentralMeridian) * math.Pi / 180
	tau := math.Tan(phi)
	sigma := math.Sinh(eccentricity * math.Atanh(eccentricity*tau/math.Sqrt(1+tau*tau)))
	tauP := tau*math.Sqrt(1+sigma*sigma) - sigma*math.Sqrt(1+tau*tau)
	cosL := math.Cos(lambda)
	xiP := math.Atan2(tauP, cosL)
	etaP := math.Asinh(math.Sin(lambda) / math.Sqrt(tauP*tauP+cosL*cosL))
	xi, eta := xiP, etaP
	for j, a := range alpha {
		k := 2 * float64(j+1)
		xi += a * math.Sin(k*xiP) * math.Cosh(k*etaP)
		eta += a * math.Cos(k*xiP) * math.Sinh(k*etaP)
	}
	return p.Scale*rectifyingA*eta + p.FalseEasting, p.Scale*rectifyingA*xi + p.FalseNorthing
}

// Inverse returns the position in degrees of a projected point in metres.
func (p TransverseMercator) Inverse(x, y float64) (lat, lng float64) {
	eta := (x - p.FalseEasting) / (p.Scale * rectifyingA)
	xi := (y - p.FalseNorthing) / (p.Scale * rectifyingA)
	xiP, etaP := xi, eta
	for j, b := range beta {
		k := 2 * float64(j+1)
		xiP -= b * math.Sin(k*xi) * math.Cosh(k*eta)
		etaP -= b * math.Cos(k*xi) * math.Sinh(k*eta)
	}
	sinhEta, sinXi, cosXi := math.Sinh(etaP), math.Sin(xiP), math.Cos(xiP)
	tauP := sinXi / math.Sqrt(sinhEta*sinhEta+cosXi*cosXi)
	e2 := eccentricity * eccentricity
	tau := tauP
	// Newton's method on tau; converges in two or three steps.
	for range 10 {
		sigma := math.Sinh(eccentricity * math.Atanh(eccentricity*tau/math.Sqrt(1+tau*tau)))
		tauI := tau*math.Sqrt(1+sigma*sigma) - sigma*math.Sqrt(1+tau*tau)
		d := (tauP - tauI) / math.Sqrt(1+tauI*tauI) * (1 + (1-e2)*tau*tau) / ((1 - e2) * math.Sqrt(1+tau*tau))
		tau += d
		if math.Abs(d) < 1e-12 {
			break
		}
	}
	lat = math.Atan(tau) * 180 / math.Pi
	lng = math.Atan2(sinhEta, cosXi)*180/math.Pi + p.CentralMeridian
	return lat, lng
}
