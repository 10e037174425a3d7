package command

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/tansiq/tansiq/cli/internal/importer"
	"github.com/tansiq/tansiq/cli/internal/problem"
	"github.com/tansiq/tansiq/platform/auth"
	"github.com/tansiq/tansiq/platform/tlsconfig"
	gatewayv1 "github.com/tansiq/tansiq/proto/tansiq/gateway/v1"
	incidentv1 "github.com/tansiq/tansiq/proto/tansiq/incident/v1"
	typev1 "github.com/tansiq/tansiq/proto/tansiq/type/v1"
)

// run runs the CLI as a person would, with the environment cleared of TANSIQ_*.
func run(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	for _, k := range []string{"TANSIQ_ADDR", "TANSIQ_TOKEN", "TANSIQ_TLS", "TANSIQ_CA"} {
		if _, ok := os.LookupEnv(k); ok {
			t.Setenv(k, "")
		}
	}
	var out, errOut bytes.Buffer
	code = Main(args, &out, &errOut)
	return code, out.String(), errOut.String()
}

func TestIncidentsList(t *testing.T) {
	f := &fakeGateway{}
	addr := f.start(t)
	f.incidents = []*incidentv1.Incident{
		{Name: "incidents/khidr-jija", Kind: incidentv1.IncidentKind_INCIDENT_KIND_ARMED_ATTACK, Title: "ISIS attack on Khidr Jija",
			OccurTime:     timestamppb.New(time.Date(2021, 12, 2, 22, 30, 0, 0, time.UTC)),
			TimePrecision: typev1.TimePrecision_TIME_PRECISION_EXACT, District: "Makhmour",
			Casualties: &incidentv1.Casualties{Total: 18}, State: incidentv1.IncidentState_INCIDENT_STATE_CONFIRMED},
		{Name: "incidents/liheban", Kind: incidentv1.IncidentKind_INCIDENT_KIND_ARMED_ATTACK, Title: "Attack on Liheban",
			OccurTime:     timestamppb.New(time.Date(2021, 12, 3, 1, 0, 0, 0, time.UTC)),
			TimePrecision: typev1.TimePrecision_TIME_PRECISION_DAY, District: "Makhmour",
			State: incidentv1.IncidentState_INCIDENT_STATE_REPORTED},
		{Name: "incidents/kulajo", Kind: incidentv1.IncidentKind_INCIDENT_KIND_ARMED_ATTACK, Title: "Attack on Kulajo",
			OccurTime:     timestamppb.New(time.Date(2021, 11, 26, 21, 0, 0, 0, time.UTC)),
			TimePrecision: typev1.TimePrecision_TIME_PRECISION_EXACT, District: "Kifri"},
	}
	tests := []struct {
		name       string
		args       []string
		wantOut    string
		wantErrOut string
	}{
		{
			name: "all, newest first, across pages",
			args: []string{"--addr", addr, "--token", "tok", "incidents", "list", "--limit", "0"},
			// In Baghdad time: Khidr Jija, 22:30Z, was past midnight on 3 December in Iraq;
			// Kulajo, 21:00Z, was midnight of 27 November.
			wantOut: "" +
				"NAME                  WHEN                  KIND          DISTRICT  CASUALTIES  STATE      TITLE\n" +
				"incidents/liheban     2021-12-03            armed_attack  Makhmour  -           reported   Attack on Liheban\n" +
				"incidents/khidr-jija  2021-12-03 01:30 +03  armed_attack  Makhmour  18          confirmed  ISIS attack on Khidr Jija\n" +
				"incidents/kulajo      2021-11-27 00:00 +03  armed_attack  Kifri     -           -          Attack on Kulajo\n",
		},
		{
			name: "in UTC",
			args: []string{"--addr", addr, "--token", "tok", "--utc", "incidents", "list"},
			wantOut: "" +
				"NAME                  WHEN                KIND          DISTRICT  CASUALTIES  STATE      TITLE\n" +
				"incidents/liheban     2021-12-03          armed_attack  Makhmour  -           reported   Attack on Liheban\n" +
				"incidents/khidr-jija  2021-12-02 22:30 Z  armed_attack  Makhmour  18          confirmed  ISIS attack on Khidr Jija\n" +
				"incidents/kulajo      2021-11-26 21:00 Z  armed_attack  Kifri     -           -          Attack on Kulajo\n",
		},
		{
			name: "limited, global flags after the command",
			args: []string{"incidents", "list", "--limit", "2", "--addr", addr, "--token", "tok"},
			wantOut: "" +
				"NAME                  WHEN                  KIND          DISTRICT  CASUALTIES  STATE      TITLE\n" +
				"incidents/liheban     2021-12-03            armed_attack  Makhmour  -           reported   Attack on Liheban\n" +
				"incidents/khidr-jija  2021-12-03 01:30 +03  armed_attack  Makhmour  18          confirmed  ISIS attack on Khidr Jija\n",
			wantErrOut: "showing the first 2; --limit 0 lists them all\n",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errOut := run(t, tt.args...)
			if code != problem.ExitOK {
				t.Fatalf("exit %d: %s", code, errOut)
			}
			if out != tt.wantOut {
				t.Errorf("stdout:\ngot\n%s\nwant\n%s", out, tt.wantOut)
			}
			if errOut != tt.wantErrOut {
				t.Errorf("stderr: got %q, want %q", errOut, tt.wantErrOut)
			}
		})
	}
	if !f.tokens["Bearer tok"] {
		t.Errorf("the server saw tokens %v, want the bearer token passed with --token", f.tokens)
	}
}

func TestTLS(t *testing.T) {
	dev, err := tlsconfig.GenerateDev(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	files := dev.ServerFiles()
	cfg, err := tlsconfig.Server(tlsconfig.Files{Cert: files.Cert, Key: files.Key})
	if err != nil {
		t.Fatal(err)
	}
	f := &fakeGateway{}
	addr := f.serve(t, grpc.Creds(credentials.NewTLS(cfg)))
	tests := []struct {
		name     string
		args     []string
		wantCode int
	}{
		{"trusting the CA", []string{"--addr", addr, "--ca", dev.CACert(), "incidents", "list"}, problem.ExitOK},
		{"plaintext to a TLS port", []string{"--addr", addr, "--timeout", "2s", "incidents", "list"}, problem.ExitFailed},
		{"TLS without the CA", []string{"--addr", addr, "--tls", "--timeout", "2s", "incidents", "list"}, problem.ExitFailed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if code, _, errOut := run(t, tt.args...); code != tt.wantCode {
				t.Errorf("exit: got %d, want %d\n%s", code, tt.wantCode, errOut)
			}
		})
	}
}

func TestAddrFromEnvironment(t *testing.T) {
	f := &fakeGateway{}
	addr := f.start(t)
	t.Setenv("TANSIQ_ADDR", addr)
	t.Setenv("TANSIQ_TOKEN", "from-env")
	var out, errOut bytes.Buffer
	if code := Main([]string{"incidents", "list"}, &out, &errOut); code != problem.ExitOK {
		t.Fatalf("exit %d: %s", code, errOut.String())
	}
	if !f.tokens["Bearer from-env"] {
		t.Errorf("the server saw tokens %v, want TANSIQ_TOKEN's", f.tokens)
	}
}

const importCSV = `kind,title,occur_time,latitude,longitude,reporting_force,district,killed
ied,IED on the Makhmour road,2021-12-05,35.80,43.60,peshmerga,Makhmour,1
raid,Raid on a checkpoint,2021-12-06,35.81,43.61,peshmerga,Makhmour,
armed_attack,Attack near nowhere,2021-12-07,35.82,43.62,peshmerga,Atlantis,
ambush,Ambush on a patrol,2021-12-08 04:00 Asia/Baghdad,35.83,43.63,iraqi-army,Makhmour,2
`

func TestImportIncidents(t *testing.T) {
	f := &fakeGateway{}
	addr := f.start(t)
	file := filepath.Join(t.TempDir(), "attacks.csv")
	if err := os.WriteFile(file, []byte(importCSV), 0o644); err != nil {
		t.Fatal(err)
	}
	wantErrors := []string{
		"line 3: invalid, not sent\n    kind: \"raid\" is not one of armed_attack, ied, indirect_fire, ambush, arson, kidnapping, suicide_attack, sniper, other\n",
		"line 4: INVALID_ARGUMENT: the request has invalid fields\n    district (incident.district): is not a district of Iraq\n",
	}

	code, _, errOut := run(t, "--addr", addr, "import", "incidents", file)
	if code != problem.ExitPartial {
		t.Errorf("exit: got %d, want %d (some rows failed)\n%s", code, problem.ExitPartial, errOut)
	}
	for _, w := range wantErrors {
		if !strings.Contains(errOut, w) {
			t.Errorf("stderr lacks %q:\n%s", w, errOut)
		}
	}
	if !strings.HasSuffix(errOut, "4/4 rows: 2 imported, 2 failed\n") {
		t.Errorf("final count: %q", errOut)
	}
	if got := len(f.incidents); got != 2 {
		t.Fatalf("stored %d incidents, want 2", got)
	}
	if got, want := f.byRequest[importer.RequestID("attacks.csv", 5)].GetOccurTime().AsTime(), time.Date(2021, 12, 8, 1, 0, 0, 0, time.UTC); !got.Equal(want) {
		t.Errorf("04:00 Asia/Baghdad stored as %v, want %v", got, want)
	}
	for _, id := range []string{importer.RequestID("attacks.csv", 2), importer.RequestID("attacks.csv", 5)} {
		if f.byRequest[id] == nil {
			t.Errorf("no incident stored under request id %s (line-derived)", id)
		}
	}

	// Again: the same request ids, so nothing new is stored, and the same rows fail.
	code, _, errOut = run(t, "--addr", addr, "import", "incidents", file)
	if code != problem.ExitPartial {
		t.Errorf("re-run exit: got %d, want %d", code, problem.ExitPartial)
	}
	if got := len(f.incidents); got != 2 {
		t.Errorf("after a re-run %d incidents, want still 2", got)
	}
	if !strings.HasSuffix(errOut, "4/4 rows: 0 imported, 2 already there, 2 failed\n") {
		t.Errorf("re-run final count: %q", errOut)
	}

	// Under another batch name the rows are new incidents.
	code, _, _ = run(t, "--addr", addr, "import", "incidents", file, "--batch", "attacks-again")
	if code != problem.ExitPartial || len(f.incidents) != 4 {
		t.Errorf("another batch: exit %d, %d incidents; want %d and 4", code, len(f.incidents), problem.ExitPartial)
	}
}

func TestImportRefusesUnboundedParallel(t *testing.T) {
	for _, n := range []string{"0", "65"} {
		code, _, errOut := run(t, "import", "incidents", "--parallel", n, "attacks.csv")
		if code != problem.ExitUsage || !strings.Contains(errOut, "--parallel must be between 1 and 64") {
			t.Errorf("--parallel %s: exit %d, %q; want a usage error", n, code, errOut)
		}
	}
}

func TestImportGeoJSONAndDryRun(t *testing.T) {
	f := &fakeGateway{}
	addr := f.start(t)
	file := filepath.Join(t.TempDir(), "attacks.geojson")
	geo := `{"type":"FeatureCollection","features":[
	  {"type":"Feature","geometry":{"type":"Point","coordinates":[43.60,35.80]},
	   "properties":{"kind":"ied","title":"IED","occur_time":"2021-12-05","reporting_force":"peshmerga","governorates":["Erbil","Nineveh"]}},
	  {"type":"Feature","geometry":{"type":"Point","coordinates":[43.61,35.81]},
	   "properties":{"kind":"ied","occur_time":"2021-12-06","reporting_force":"peshmerga"}}]}`
	if err := os.WriteFile(file, []byte(geo), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, errOut := run(t, "--addr", addr, "import", "incidents", "--dry-run", file)
	if code != problem.ExitPartial || out != "2 rows, 1 would be sent, 1 invalid\n" ||
		errOut != "feature 2: invalid, not sent\n    title: is required\n" {
		t.Errorf("dry run: exit %d\nstdout %q\nstderr %q", code, out, errOut)
	}
	if f.creates != 0 {
		t.Errorf("a dry run sent %d rows", f.creates)
	}
	code, _, errOut = run(t, "--addr", addr, "import", "incidents", file)
	if code != problem.ExitPartial || len(f.incidents) != 1 {
		t.Fatalf("exit %d, %d stored; want %d and 1\n%s", code, len(f.incidents), problem.ExitPartial, errOut)
	}
	if got := f.incidents[0].GetGovernorates(); len(got) != 2 || got[1] != "Nineveh" {
		t.Errorf("governorates from a JSON array: got %v", got)
	}
}

// Local times and MGRS: each bad row is refused by its line, the good ones are sent as
// the instant and the grid reference they name.
func TestImportLocalTimesAndMGRS(t *testing.T) {
	f := &fakeGateway{}
	addr := f.start(t)
	file := filepath.Join(t.TempDir(), "grid.csv")
	const csv = `kind,title,occur_time,mgrs,reporting_force
armed_attack,Attack at midnight near Khidr Jija,2021-11-27T00:00:00+03:00,38S LE 71660 60477,peshmerga
ied,IED at dawn,2021-11-28 05:10,38SLE7166060477,peshmerga
ied,IED off the grid,2021-11-28 05:10 Asia/Baghdad,38SLM1234,peshmerga
ambush,Ambush at night,2021-11-29 23:00 Asia/Baghdad,38SLE71666047,iraqi-army
`
	if err := os.WriteFile(file, []byte(csv), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, errOut := run(t, "--addr", addr, "import", "incidents", file)
	if code != problem.ExitPartial {
		t.Errorf("exit: got %d, want %d\n%s", code, problem.ExitPartial, errOut)
	}
	for _, w := range []string{
		"line 3: invalid, not sent\n    occur_time: \"2021-11-28 05:10\": no offset or zone; ",
		"line 4: invalid, not sent\n    mgrs: \"38SLM1234\" is not an MGRS grid reference: square LM is not in band S of zone 38\n",
		"4/4 rows: 2 imported, 2 failed\n",
	} {
		if !strings.Contains(errOut, w) {
			t.Errorf("stderr lacks %q:\n%s", w, errOut)
		}
	}
	for _, want := range []struct {
		line int
		time time.Time
		mgrs string
	}{
		{2, time.Date(2021, 11, 26, 21, 0, 0, 0, time.UTC), "38S LE 71660 60477"},
		{5, time.Date(2021, 11, 29, 20, 0, 0, 0, time.UTC), "38SLE71666047"},
	} {
		got := f.byRequest[importer.RequestID("grid.csv", want.line)]
		if !got.GetOccurTime().AsTime().Equal(want.time) || got.GetPlace().GetMgrs() != want.mgrs || got.GetPlace().GetPoint() != nil {
			t.Errorf("line %d sent %v, want %v at %q without a point", want.line, got, want.time, want.mgrs)
		}
	}
}

func TestGaps(t *testing.T) {
	f := &fakeGateway{}
	addr := f.start(t)
	f.gaps = []*gatewayv1.CoverageGap{{
		Zone: "zones/makhmour", ZoneDisplayName: &typev1.LocalizedName{English: "Makhmour and Qarachogh"},
		IncidentCount: 2, Casualties: 18, LastIncidentTitle: "ISIS attack on Khidr Jija",
		LastIncidentTime:  timestamppb.New(time.Date(2021, 12, 2, 22, 30, 0, 0, time.UTC)),
		LapsedDeployments: []string{"deployments/old"}, Score: 27.25,
	}}
	code, out, errOut := run(t, "--addr", addr, "gaps", "--from", "2021-12-01", "--to", "2021-12-31")
	if code != problem.ExitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	want := "coverage gaps in 2021-12-01 → 2022-01-01\n\n" +
		"ZONE                    INCIDENTS  CASUALTIES  LAST INCIDENT              WHEN                  LAPSED DEPLOYMENTS  SCORE\n" +
		"Makhmour and Qarachogh  2          18          ISIS attack on Khidr Jija  2021-12-03 01:30 +03  old                 27.2\n"
	if out != want {
		t.Errorf("got\n%s\nwant\n%s", out, want)
	}
	// Dates on the command line are Baghdad days: 31 December ends at 21:00Z.
	if got, want := f.gapsReq.GetEndTime().AsTime(), time.Date(2021, 12, 31, 21, 0, 0, 0, time.UTC); !got.Equal(want) {
		t.Errorf("--to 2021-12-31 sent end %v, want %v (the whole day in Baghdad)", got, want)
	}
	code, _, errOut = run(t, "--addr", addr, "--utc", "gaps", "--from", "2021-12-01", "--to", "2021-12-31")
	if got, want := f.gapsReq.GetEndTime().AsTime(), time.Date(2022, 1, 1, 0, 0, 0, 0, time.UTC); code != problem.ExitOK || !got.Equal(want) {
		t.Errorf("--utc --to 2021-12-31: exit %d (%s), sent end %v, want %v (the whole day in UTC)", code, errOut, got, want)
	}

	f.gaps = nil
	code, out, _ = run(t, "--addr", addr, "--utc", "gaps")
	if code != problem.ExitOK || out != "no coverage gaps in 2021-12-01 → 2021-12-31\n" {
		t.Errorf("no gaps: exit %d, %q", code, out)
	}
}

func TestDeployments(t *testing.T) {
	f := &fakeGateway{}
	addr := f.start(t)
	code, out, errOut := run(t, "--addr", addr, "deployments", "propose", "--zone", "makhmour",
		"--unit", "forces/peshmerga/units/qarachogh-brigade,forces/iraqi-army/units/14th-division",
		"--start", "2021-11-25", "--end", "2021-12-31", "--lead-force", "peshmerga", "--request-id", "r-1")
	if code != problem.ExitOK {
		t.Fatalf("propose: exit %d: %s", code, errOut)
	}
	p := f.proposed
	if p.GetRequestId() != "r-1" || p.GetDeployment().GetZone() != "zones/makhmour" ||
		p.GetDeployment().GetLeadForce() != "forces/peshmerga" || len(p.GetDeployment().GetUnits()) != 2 ||
		!p.GetDeployment().GetEndTime().AsTime().Equal(time.Date(2021, 12, 31, 21, 0, 0, 0, time.UTC)) {
		t.Errorf("propose sent %v", p)
	}
	for _, w := range []string{"deployments/qarachogh-1", "proposed", "peshmerga/qarachogh-brigade, iraqi-army/14th-division", "2021-11-25 → 2022-01-01", "1/2 (peshmerga)"} {
		if !strings.Contains(out, w) {
			t.Errorf("propose output lacks %q:\n%s", w, out)
		}
	}

	// A flag after the name, and a short name, as people type them.
	code, out, errOut = run(t, "--addr", addr, "deployments", "ack", "qarachogh-1", "--note", "agreed")
	if code != problem.ExitOK {
		t.Fatalf("ack: exit %d: %s", code, errOut)
	}
	if f.acked.GetName() != "deployments/qarachogh-1" || f.acked.GetNote() != "agreed" || !strings.HasPrefix(f.acked.GetRequestId(), "cli-") {
		t.Errorf("ack sent %v", f.acked)
	}
	if !strings.Contains(errOut, "request id "+f.acked.GetRequestId()) {
		t.Errorf("the generated request id was not shown: %q", errOut)
	}
	if !strings.Contains(out, "active") || !strings.Contains(out, "2/2 (peshmerga, iraqi-army)") {
		t.Errorf("ack output:\n%s", out)
	}

	code, _, errOut = run(t, "--addr", addr, "deployments", "ack", "nope", "--request-id", "r-2")
	if code != problem.ExitFailed || errOut != "tansiq: NOT_FOUND: no such deployment\n" {
		t.Errorf("unknown deployment: exit %d, %q", code, errOut)
	}

	f.deploys = []*gatewayv1.Deployment{{Name: "deployments/a", State: gatewayv1.DeploymentState_DEPLOYMENT_STATE_ACTIVE,
		Zone: "zones/sinjar", LeadForce: "forces/iraqi-army", Forces: []string{"forces/iraqi-army", "forces/peshmerga"},
		StartTime: timestamppb.New(time.Date(2021, 12, 1, 0, 0, 0, 0, time.UTC))}}
	code, out, _ = run(t, "--addr", addr, "deployments", "list")
	want := "NAME           STATE   ZONE    LEAD        UNITS  WINDOW                    ACKNOWLEDGED\n" +
		"deployments/a  active  sinjar  iraqi-army  -      2021-12-01 03:00 +03 → …  0/2\n"
	if code != problem.ExitOK || out != want {
		t.Errorf("list: exit %d\ngot\n%s\nwant\n%s", code, out, want)
	}
	code, out, _ = run(t, "--addr", addr, "deployments", "list", "--utc")
	want = "NAME           STATE   ZONE    LEAD        UNITS  WINDOW          ACKNOWLEDGED\n" +
		"deployments/a  active  sinjar  iraqi-army  -      2021-12-01 → …  0/2\n"
	if code != problem.ExitOK || out != want {
		t.Errorf("list --utc: exit %d\ngot\n%s\nwant\n%s", code, out, want)
	}
}

func TestToken(t *testing.T) {
	priv, pub, err := auth.GenerateDevKeys(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	code, out, errOut := run(t, "token", "--subject", "jamal", "--force", "peshmerga", "--role", "commander", "--key", priv, "--ttl", "1h")
	if code != problem.ExitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	keys, err := auth.LoadPublicKeys(pub)
	if err != nil {
		t.Fatal(err)
	}
	v, err := auth.NewVerifier(auth.VerifierConfig{PublicKeys: keys, Issuer: auth.DefaultIssuer, Audience: auth.DefaultAudience})
	if err != nil {
		t.Fatal(err)
	}
	id, err := v.Verify(strings.TrimSpace(out))
	if err != nil {
		t.Fatalf("the printed token does not verify: %v", err)
	}
	if want := (auth.Identity{Subject: "forces/peshmerga/people/jamal", Force: "forces/peshmerga", Role: auth.RoleCommander}); id.Subject != want.Subject || id.Force != want.Force || id.Role != want.Role {
		t.Errorf("identity: got %+v, want %+v", id, want)
	}

	code, _, errOut = run(t, "token", "--subject", "x", "--force", "peshmerga", "--role", "general", "--key", priv)
	if code != problem.ExitUsage || !strings.Contains(errOut, `unknown role "general"`) {
		t.Errorf("bad role: exit %d, %q", code, errOut)
	}
}

func TestUsageAndFailures(t *testing.T) {
	// A port nothing listens on.
	down := "127.0.0.1:1"
	tests := []struct {
		name       string
		args       []string
		wantCode   int
		wantErrOut string
	}{
		{"no command", nil, problem.ExitUsage, "tansiq: no command given"},
		{"unknown command", []string{"incident"}, problem.ExitUsage, `tansiq: unknown command "incident"`},
		{"group without its subcommand", []string{"deployments"}, problem.ExitUsage, `"deployments" needs a subcommand: ack, list, propose`},
		{"unknown flag", []string{"incidents", "list", "--colour"}, problem.ExitUsage, "flag provided but not defined: -colour"},
		{"missing required flags", []string{"deployments", "propose", "--zone", "makhmour"}, problem.ExitUsage, "--zone, --unit, --start and --lead-force are required"},
		{"bad date", []string{"gaps", "--from", "December"}, problem.ExitUsage, `--from "December": want a date`},
		{"server down", []string{"--addr", down, "--timeout", "2s", "incidents", "list"}, problem.ExitFailed, "hint: is the system running at --addr"},
		{"missing file", []string{"import", "incidents", "nope.csv"}, problem.ExitFailed, "nope.csv"},
		{"help", []string{"help"}, problem.ExitOK, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, errOut := run(t, tt.args...)
			if code != tt.wantCode {
				t.Errorf("exit: got %d, want %d\n%s", code, tt.wantCode, errOut)
			}
			if !strings.Contains(errOut, tt.wantErrOut) {
				t.Errorf("stderr %q lacks %q", errOut, tt.wantErrOut)
			}
		})
	}
}
