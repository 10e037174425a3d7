package cot

import (
	"encoding/xml"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// TimeLayout is how CoT writes times: UTC with milliseconds and a Z.
const TimeLayout = "2006-01-02T15:04:05.000Z"

// Unknown is CoT's value for an unknown height or error (hae, ce, le).
const Unknown = 9999999.0

// Event is one CoT event, as much of it as the bridge writes and reads.
type Event struct {
	XMLName xml.Name `xml:"event"`
	Version string   `xml:"version,attr"`
	UID     string   `xml:"uid,attr"`
	Type    string   `xml:"type,attr"`
	How     string   `xml:"how,attr"`
	Time    Time     `xml:"time,attr"`
	Start   Time     `xml:"start,attr"`
	Stale   Time     `xml:"stale,attr"`
	Point   Point    `xml:"point"`
	Detail  *Detail  `xml:"detail,omitempty"`
}

// Point is where an event is: WGS84 degrees, height above ellipsoid and the circular
// (ce) and linear (le) errors in metres.
type Point struct {
	Lat float64 `xml:"lat,attr"`
	Lon float64 `xml:"lon,attr"`
	HAE float64 `xml:"hae,attr"`
	CE  float64 `xml:"ce,attr"`
	LE  float64 `xml:"le,attr"`
}

// Detail holds the sub-elements the bridge uses. Anything else a peer sends is ignored.
type Detail struct {
	Contact     *Contact     `xml:"contact,omitempty"`
	Group       *Group       `xml:"__group,omitempty"`
	Takv        *Takv        `xml:"takv,omitempty"`
	Track       *Track       `xml:"track,omitempty"`
	Status      *Status      `xml:"status,omitempty"`
	Precision   *Precision   `xml:"precisionlocation,omitempty"`
	Milsym      *Milsym      `xml:"__milsym,omitempty"`
	Links       []Link       `xml:"link,omitempty"`
	StrokeColor *Value       `xml:"strokeColor,omitempty"`
	StrokeWgt   *Value       `xml:"strokeWeight,omitempty"`
	StrokeStyle *Value       `xml:"strokeStyle,omitempty"`
	FillColor   *Value       `xml:"fillColor,omitempty"`
	LabelsOn    *Value       `xml:"labels_on,omitempty"`
	Remarks     *Remarks     `xml:"remarks,omitempty"`
	TakControl  *TakControl  `xml:"TakControl,omitempty"`
	Archive     *struct{}    `xml:"archive,omitempty"`
	UID         *DroidHandle `xml:"uid,omitempty"`
}

// Contact names the sender: its callsign and, for SA, how to reach it.
type Contact struct {
	Callsign string `xml:"callsign,attr,omitempty"`
	Endpoint string `xml:"endpoint,attr,omitempty"`
}

// Group is the team colour and role of a TAK user.
type Group struct {
	Name string `xml:"name,attr"`
	Role string `xml:"role,attr"`
}

// Takv names the sending device and software.
type Takv struct {
	Device   string `xml:"device,attr,omitempty"`
	Platform string `xml:"platform,attr,omitempty"`
	OS       string `xml:"os,attr,omitempty"`
	Version  string `xml:"version,attr,omitempty"`
}

// Track is a mover's speed (m/s) and course (degrees).
type Track struct {
	Speed  float64 `xml:"speed,attr"`
	Course float64 `xml:"course,attr"`
}

// Status is a device's battery level.
type Status struct {
	Battery uint32 `xml:"battery,attr"`
}

// Precision says where a position and its altitude came from (GPS, user, ...).
type Precision struct {
	GeoPointSrc string `xml:"geopointsrc,attr,omitempty"`
	AltSrc      string `xml:"altsrc,attr,omitempty"`
}

// Milsym carries a MIL-STD-2525 symbol identification code for renderers that use it.
type Milsym struct {
	ID string `xml:"id,attr"`
}

// Link is a vertex of a drawing shape (Point set) or a reference to another event (UID
// set, as in a delete).
type Link struct {
	Point    string `xml:"point,attr,omitempty"`
	UID      string `xml:"uid,attr,omitempty"`
	Type     string `xml:"type,attr,omitempty"`
	Relation string `xml:"relation,attr,omitempty"`
}

// Value is a detail element with one value attribute.
type Value struct {
	Value string `xml:"value,attr"`
}

// Remarks is the free text shown with an event.
type Remarks struct {
	Text string `xml:",chardata"`
}

// DroidHandle is the <uid Droid="..."/> element ATAK sends in its SA.
type DroidHandle struct {
	Droid string `xml:"Droid,attr"`
}

// TakControl carries the negotiation of the TAK protocol version.
type TakControl struct {
	Support  []ProtocolVersion `xml:"TakProtocolSupport,omitempty"`
	Request  *ProtocolVersion  `xml:"TakRequest,omitempty"`
	Response *ProtocolStatus   `xml:"TakResponse,omitempty"`
}

// ProtocolVersion names a TAK protocol version.
type ProtocolVersion struct {
	Version int `xml:"version,attr"`
}

// ProtocolStatus answers a TakRequest.
type ProtocolStatus struct {
	Status bool `xml:"status,attr"`
}

// Time is a CoT time attribute.
type Time struct{ time.Time }

// MarshalXMLAttr writes t in CoT's layout.
func (t Time) MarshalXMLAttr(name xml.Name) (xml.Attr, error) {
	return xml.Attr{Name: name, Value: t.UTC().Format(TimeLayout)}, nil
}

// UnmarshalXMLAttr reads any RFC 3339 time, with or without fractions.
func (t *Time) UnmarshalXMLAttr(a xml.Attr) error {
	v, err := time.Parse(time.RFC3339Nano, a.Value)
	if err != nil {
		return fmt.Errorf("cot: %s: %w", a.Name.Local, err)
	}
	t.Time = v
	return nil
}

// header precedes every XML event on a stream, as TAK servers expect.
const header = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n"

// EncodeXML returns the event as one stream message: the XML header, then the event,
// with nothing after its closing tag.
func (e *Event) EncodeXML() ([]byte, error) {
	body, err := xml.Marshal(e)
	if err != nil {
		return nil, err
	}
	return append([]byte(header), body...), nil
}

// ParseXML reads one event.
func ParseXML(b []byte) (*Event, error) {
	var e Event
	if err := xml.Unmarshal(b, &e); err != nil {
		return nil, fmt.Errorf("cot: malformed event: %w", err)
	}
	if e.UID == "" || e.Type == "" {
		return nil, fmt.Errorf("cot: event without uid or type")
	}
	return &e, nil
}

// LinkPoint formats a shape vertex as CoT writes it: "lat,lon".
func LinkPoint(lat, lon float64) string {
	return strconv.FormatFloat(lat, 'f', 6, 64) + "," + strconv.FormatFloat(lon, 'f', 6, 64)
}

// IsPosition reports whether the event is a position of an atom (a-...): a unit, a
// person, a vehicle.
func (e *Event) IsPosition() bool { return strings.HasPrefix(e.Type, "a-") }
