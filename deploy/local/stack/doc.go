// Package stack starts and supervises the whole Tansiq system on one machine, each
// deployable as its own process, the way `make run` runs it and the end-to-end tests reuse
// it: the store first, then the incident, forces and meeting services, then the gateway,
// each waited on until it is healthy.
//
// A process that exits unexpectedly is restarted with exponential backoff, as Kubernetes
// would, and the restart is announced on the console. The fault tests drive the same
// machinery: Kill (SIGKILL; the supervisor restarts it), Stop and Start (a deliberate
// outage), WaitHealthy and Pid. Every process runs in its own process group, killed as a
// group, and on Linux dies with the supervisor, so no process outlives it.
//
// The package is for Unix systems only: it relies on process groups and signals.
package stack
