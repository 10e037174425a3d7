package domain

import "strings"

// TakBinding binds a TAK device to a unit of the binding's force: the device's positions,
// relayed by the CoT bridge, are the unit's reports.
type TakBinding struct {
	Unit            string `bson:"unit"`
	CertificateName string `bson:"certificate_name,omitempty"`
	DeviceUID       string `bson:"device_uid,omitempty"`
	Callsign        string `bson:"callsign,omitempty"`
	Creator         string `bson:"creator,omitempty"`
}

// Check refuses a binding that names no device or a unit of another force than force.
func (b *TakBinding) Check(force string) error {
	if strings.TrimSpace(b.CertificateName+b.DeviceUID+b.Callsign) == "" {
		return invalid("TAK_BINDING_NAMES_NO_DEVICE", "tak_binding.certificate_name",
			"is required when device_uid and callsign are unset")
	}
	if ForceOf(b.Unit) != force {
		return invalid("TAK_BINDING_OTHER_FORCE", "tak_binding.unit", "must be a unit of "+force)
	}
	return nil
}
