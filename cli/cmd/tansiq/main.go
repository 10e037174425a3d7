// Command tansiq is the operator's command line for Tansiq: it lists incidents, coverage
// gaps and joint deployments as tables, proposes and acknowledges deployments, prints
// development tokens and imports incidents in bulk from CSV or GeoJSON.
//
//	tansiq [--addr HOST:PORT] [--token T] [--tls | --ca CA.pem] COMMAND [flags]
//
// Run `tansiq help` for the commands and `tansiq COMMAND -h` for their flags.
package main

import (
	"os"

	"github.com/tansiq/tansiq/cli/internal/command"
)

func main() {
	os.Exit(command.Main(os.Args[1:], os.Stdout, os.Stderr))
}
