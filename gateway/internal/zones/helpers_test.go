package zones_test

import "github.com/tansiq/tansiq/gateway/internal/geo"

func pointOf(lat, lng float64) geo.Point { return geo.Point{Lat: lat, Lng: lng} }
