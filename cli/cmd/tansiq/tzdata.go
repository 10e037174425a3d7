package main

// The zone database is embedded so Baghdad time shows on machines without
// /usr/share/zoneinfo (minimal containers, Windows).
import _ "time/tzdata"
