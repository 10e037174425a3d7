package incidentfile

// ColumnsHelp documents the columns of an import file, for `tansiq import --help`.
const ColumnsHelp = `A CSV file has a header row naming its columns, in any order. A GeoJSON file is a
FeatureCollection of Point features whose properties are named like the columns (lists
may be JSON arrays, numbers JSON numbers); the Point gives latitude and longitude.
Unknown columns are refused.

  column             required  value
  id                 no        incident id: the record becomes incidents/{id}; the server picks one when empty
  kind               yes       ied, armed_attack, indirect_fire, ambush, arson, kidnapping, suicide_attack, sniper, other
  title              yes       one-line summary
  description        no        what happened, as reported
  occur_time         yes       RFC 3339 with an offset (2021-11-27T00:00:00+03:00), a time and a zone
                               ("2021-11-27 00:00 Asia/Baghdad") or a date (2021-11-27); a time with
                               neither offset nor zone is refused
  time_precision     no        exact, day, week, month; a bare date defaults to day
  latitude           yes (CSV) WGS84 degrees; GeoJSON takes it from the Point; not needed with mgrs
  longitude          yes (CSV) WGS84 degrees; GeoJSON takes it from the Point; not needed with mgrs
  mgrs               no        MGRS grid reference (38SLE7581366520 or "38S LE 758 665"), in place of
                               latitude/longitude or beside them (the point must lie in its square)
  geo_precision      no        exact, near, district, governorate
  place              no        the place's name in English
  place_ar           no        the place's name in Arabic
  place_ckb          no        the place's name in Sorani Kurdish
  district           no        e.g. Makhmour
  governorates       no        separated by ";" (Erbil;Nineveh), or a JSON array
  reporting_force    yes       peshmerga, iraqi-army, or forces/{force}
  claimed_by         no        who claimed it (perpetrator.claimed)
  assessed_by        no        who is assessed to have done it (perpetrator.assessed)
  confidence         no        low, medium, high: of the assessment
  casualty_sides     no        civilian, iraqi_army, peshmerga, assailant, unknown, separated by ";":
                               whose the counts below are (unknown when counts are given alone)
  killed             no        number killed
  wounded            no        number wounded
  killed_or_wounded  no        number killed or wounded, where the report does not say which
  source             no        who reported it, e.g. Rudaw
  source_uri         no        where the report can be read
  notes              no        free notes
`
