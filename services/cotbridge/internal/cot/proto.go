package cot

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"time"

	"google.golang.org/protobuf/proto"

	takv1 "github.com/tansiq/tansiq/proto/tansiq/tak/v1"
)

// EncodeProto returns the event as a TAK protocol version 1 payload: a TakMessage whose
// CotEvent carries the typed detail elements as messages and the others as XML.
func (e *Event) EncodeProto() ([]byte, error) {
	ev := &takv1.CotEvent{
		Type: e.Type, Uid: e.UID, How: e.How,
		SendTime: millis(e.Time.Time), StartTime: millis(e.Start.Time), StaleTime: millis(e.Stale.Time),
		Lat: e.Point.Lat, Lon: e.Point.Lon, Hae: e.Point.HAE, Ce: e.Point.CE, Le: e.Point.LE,
	}
	if d := e.Detail; d != nil {
		pd := &takv1.Detail{}
		if c := d.Contact; c != nil {
			pd.Contact = &takv1.Contact{Callsign: c.Callsign, Endpoint: c.Endpoint}
		}
		if g := d.Group; g != nil {
			pd.Group = &takv1.Group{Name: g.Name, Role: g.Role}
		}
		if p := d.Precision; p != nil {
			pd.PrecisionLocation = &takv1.PrecisionLocation{Geopointsrc: p.GeoPointSrc, Altsrc: p.AltSrc}
		}
		if s := d.Status; s != nil {
			pd.Status = &takv1.Status{Battery: s.Battery}
		}
		if t := d.Takv; t != nil {
			pd.Takv = &takv1.Takv{Device: t.Device, Platform: t.Platform, Os: t.OS, Version: t.Version}
		}
		if t := d.Track; t != nil {
			pd.Track = &takv1.Track{Speed: t.Speed, Course: t.Course}
		}
		rest := *d
		rest.Contact, rest.Group, rest.Precision, rest.Status, rest.Takv, rest.Track = nil, nil, nil, nil, nil, nil
		x, err := xml.Marshal(&rest)
		if err != nil {
			return nil, err
		}
		x = bytes.TrimPrefix(x, []byte("<Detail>"))
		x = bytes.TrimSuffix(x, []byte("</Detail>"))
		pd.XmlDetail = string(x)
		ev.Detail = pd
	}
	return proto.Marshal(&takv1.TakMessage{CotEvent: ev})
}

// ParseProto reads a TAK protocol version 1 payload. A message without an event (control
// information only) is returned as nil, nil.
func ParseProto(b []byte) (*Event, error) {
	var m takv1.TakMessage
	if err := proto.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("cot: malformed TakMessage: %w", err)
	}
	ev := m.GetCotEvent()
	if ev == nil {
		return nil, nil
	}
	if ev.GetUid() == "" || ev.GetType() == "" {
		return nil, fmt.Errorf("cot: event without uid or type")
	}
	e := &Event{Version: "2.0", UID: ev.GetUid(), Type: ev.GetType(), How: ev.GetHow(),
		Time: fromMillis(ev.GetSendTime()), Start: fromMillis(ev.GetStartTime()), Stale: fromMillis(ev.GetStaleTime()),
		Point: Point{Lat: ev.GetLat(), Lon: ev.GetLon(), HAE: ev.GetHae(), CE: ev.GetCe(), LE: ev.GetLe()}}
	pd := ev.GetDetail()
	if pd == nil {
		return e, nil
	}
	d := &Detail{}
	if x := pd.GetXmlDetail(); x != "" {
		if err := xml.Unmarshal([]byte("<detail>"+x+"</detail>"), d); err != nil {
			return nil, fmt.Errorf("cot: malformed xmlDetail: %w", err)
		}
	}
	if c := pd.GetContact(); c != nil {
		d.Contact = &Contact{Callsign: c.GetCallsign(), Endpoint: c.GetEndpoint()}
	}
	if g := pd.GetGroup(); g != nil {
		d.Group = &Group{Name: g.GetName(), Role: g.GetRole()}
	}
	if p := pd.GetPrecisionLocation(); p != nil {
		d.Precision = &Precision{GeoPointSrc: p.GetGeopointsrc(), AltSrc: p.GetAltsrc()}
	}
	if s := pd.GetStatus(); s != nil {
		d.Status = &Status{Battery: s.GetBattery()}
	}
	if t := pd.GetTakv(); t != nil {
		d.Takv = &Takv{Device: t.GetDevice(), Platform: t.GetPlatform(), OS: t.GetOs(), Version: t.GetVersion()}
	}
	if t := pd.GetTrack(); t != nil {
		d.Track = &Track{Speed: t.GetSpeed(), Course: t.GetCourse()}
	}
	e.Detail = d
	return e, nil
}

func millis(t time.Time) uint64 {
	if t.IsZero() {
		return 0
	}
	return uint64(t.UnixMilli())
}

func fromMillis(ms uint64) Time { return Time{Time: time.UnixMilli(int64(ms)).UTC()} }
