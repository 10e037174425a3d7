package assess

import (
	"fmt"
	"time"
)

// Level is a threat level after the UN Security Level System: 1 (minimal) to 6
// (extreme). The zero value is no level.
type Level int

// The six threat levels.
const (
	LevelMinimal     Level = 1
	LevelLow         Level = 2
	LevelModerate    Level = 3
	LevelSubstantial Level = 4
	LevelHigh        Level = 5
	LevelExtreme     Level = 6
)

var levelNames = [...]string{"", "minimal", "low", "moderate", "substantial", "high", "extreme"}

// String returns the level's name, e.g. "high".
func (l Level) String() string {
	if l < LevelMinimal || l > LevelExtreme {
		return fmt.Sprintf("Level(%d)", int(l))
	}
	return levelNames[l]
}

// The spans ThreatLevel looks back over.
const (
	ThreatWindow = 30 * 24 * time.Hour // incidents that set the level
	ThreatMemory = 90 * 24 * time.Hour // older incidents that keep it above minimal
)

// ThreatLevel rates a zone by its incidents up to now (those after now are ignored)
// and says why in a short sentence. With n incidents and c casualties in the last
// ThreatWindow (30 days), the level is the first that holds of:
//
//	6 extreme      c >= 25 or n >= 10
//	5 high         c >= 10 or n >= 5
//	4 substantial  c >= 3  or n >= 3
//	3 moderate     c >= 1  or n >= 2
//	2 low          n == 1, or an incident in the ThreatMemory (90 days) before now
//	1 minimal      no incident in the last 90 days
//
// The Khidr Jija attack alone (18 killed or wounded) makes Makhmour high for 30 days.
func ThreatLevel(incidents []Incident, now time.Time) (Level, string) {
	recentFrom, memoryFrom := now.Add(-ThreatWindow), now.Add(-ThreatMemory)
	n, c, older := 0, 0, 0
	for _, inc := range incidents {
		switch t := inc.OccurTime; {
		case t.After(now) || !t.After(memoryFrom):
		case t.After(recentFrom):
			n++
			c += max(inc.Casualties, 0)
		default:
			older++
		}
	}
	if n == 0 {
		if older > 0 {
			return LevelLow, fmt.Sprintf("no incidents in the last 30 days; %s in the 60 days before", plural(older, "incident"))
		}
		return LevelMinimal, "no incidents in the last 90 days"
	}
	var l Level
	switch {
	case c >= 25 || n >= 10:
		l = LevelExtreme
	case c >= 10 || n >= 5:
		l = LevelHigh
	case c >= 3 || n >= 3:
		l = LevelSubstantial
	case c >= 1 || n >= 2:
		l = LevelModerate
	default:
		l = LevelLow
	}
	return l, fmt.Sprintf("%s with %s in the last 30 days", plural(n, "incident"), plural(c, "casualty"))
}

func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	if noun == "casualty" {
		return fmt.Sprintf("%d casualties", n)
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
