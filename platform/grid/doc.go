// Package grid converts WGS84 positions to and from plane grids: a transverse Mercator
// projection on any central meridian (used by the gateway to measure areas in metres
// across Iraq), UTM, and MGRS grid references, which both forces' officers read and
// give positions in.
//
// The projection is the Krüger series to sixth order in the third flattening (C. F. F.
// Karney, "Transverse Mercator with an accuracy of a few nanometers", J. Geodesy 85,
// 2011), accurate to well under a millimetre within 4000 km of the central meridian. MGRS
// follows NGA.STND.0037 (the "AA" lettering of WGS84 datums) and is tested against the
// NGA's published conversion vectors. No maintained Go MGRS library is available to this
// project, so it is written here from the standard. Polar UPS (latitudes beyond -80 and
// 84) is not supported: Tansiq's region is Iraq.
package grid
